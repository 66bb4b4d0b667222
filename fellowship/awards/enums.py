import enum

from flask_babel import lazy_gettext as _l


class Phase(enum.StrEnum):
    DRAFT = "draft"
    SUBMISSIONS = "submissions"
    JUDGING = "judging"
    VOTING = "voting"
    CLOSED = "closed"
    PUBLISHED = "published"


PHASE_ORDER = list(Phase)
PHASE_LABELS = {
    Phase.DRAFT: _l("Draft"),
    Phase.SUBMISSIONS: _l("Submissions open"),
    Phase.JUDGING: _l("Judging"),
    Phase.VOTING: _l("Public voting"),
    Phase.CLOSED: _l("Closed"),
    Phase.PUBLISHED: _l("Results published"),
}
PUBLIC_PHASES = frozenset({Phase.VOTING, Phase.CLOSED, Phase.PUBLISHED})
"""The gallery and project pages are public from the voting phase on; before that nothing is public."""


class CategoryKind(enum.StrEnum):
    JURY = "jury"
    AUDIENCE = "audience"
    SPECIAL = "special"


CATEGORY_KIND_LABELS = {
    CategoryKind.JURY: _l("Committee (jury) award"),
    CategoryKind.AUDIENCE: _l("Audience award (public vote)"),
    CategoryKind.SPECIAL: _l("Special award"),
}


class ProjectStatus(enum.StrEnum):
    SUBMITTED = "submitted"
    ACCEPTED = "accepted"
    RETURNED = "returned"


PROJECT_STATUS_LABELS = {
    ProjectStatus.SUBMITTED: _l("Submitted"),
    ProjectStatus.ACCEPTED: _l("Accepted"),
    ProjectStatus.RETURNED: _l("Returned for changes"),
}


class Combine(enum.StrEnum):
    MEAN = "mean"
    MEDIAN = "median"
