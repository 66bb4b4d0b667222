import enum

from flask_babel import lazy_gettext as _l


class OrganizationKind(enum.StrEnum):
    COOP = "coop"
    DEVELOPER = "developer"
    CBO = "cbo"
    COMPANY = "company"
    OTHER = "other"


ORGANIZATION_KIND_LABELS = {
    OrganizationKind.COOP: _l("Cooperative"),
    OrganizationKind.DEVELOPER: _l("Co-op developer"),
    OrganizationKind.CBO: _l("Community-based organisation"),
    OrganizationKind.COMPANY: _l("Company"),
    OrganizationKind.OTHER: _l("Other"),
}


class InviteStatus(enum.StrEnum):
    PENDING = "pending"
    ACCEPTED = "accepted"
    EXPIRED = "expired"
    REVOKED = "revoked"


INVITE_STATUS_LABELS = {
    InviteStatus.PENDING: _l("Pending"),
    InviteStatus.ACCEPTED: _l("Accepted"),
    InviteStatus.EXPIRED: _l("Expired"),
    InviteStatus.REVOKED: _l("Revoked"),
}
