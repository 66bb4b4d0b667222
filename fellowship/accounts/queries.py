import datetime as dt

import sqlalchemy as sa

from fellowship.accounts.models import AccountInvite, Organization, User


def user_by_email(email: str) -> sa.Select[tuple[User]]:
    return sa.select(User).where(User.email == normalise_email(email))


def organization_by_name(name: str) -> sa.Select[tuple[Organization]]:
    return sa.select(Organization).where(sa.func.lower(Organization.name) == name.strip().lower())


def users_ordered() -> sa.Select[tuple[User]]:
    return sa.select(User).order_by(sa.func.lower(User.name), User.id)


def organizations_ordered() -> sa.Select[tuple[Organization]]:
    return sa.select(Organization).order_by(sa.func.lower(Organization.name))


def normalise_email(email: str) -> str:
    return email.strip().lower()


def pending_invite(now: dt.datetime) -> sa.ColumnElement[bool]:
    """An invitation that still works: neither accepted nor revoked, and not expired (``status`` in SQL)."""
    return sa.and_(
        AccountInvite.accepted_at.is_(None),
        AccountInvite.revoked_at.is_(None),
        AccountInvite.expires_at > now,
    )
