import enum

from flask_babel import lazy_gettext as _l


class AssistanceKind(enum.StrEnum):
    ONE_ON_ONE = "one_on_one"
    GROUP_WORKSHOP = "group_workshop"
    EDUCATION = "education"
    OUTREACH = "outreach"


ASSISTANCE_KIND_LABELS = {
    AssistanceKind.ONE_ON_ONE: _l("One-on-one TA session"),
    AssistanceKind.GROUP_WORKSHOP: _l("Group workshop"),
    AssistanceKind.EDUCATION: _l("Education or training"),
    AssistanceKind.OUTREACH: _l("Popular education or outreach"),
}


class Stage(enum.StrEnum):
    PRE_DEVELOPMENT = "pre_development"
    EXISTING_COOP = "existing_coop"
    CONVERSION = "conversion"
    DEVELOPER = "developer"
    OTHER = "other"


STAGE_LABELS = {
    Stage.PRE_DEVELOPMENT: _l("Pre-development co-op"),
    Stage.EXISTING_COOP: _l("Existing co-op"),
    Stage.CONVERSION: _l("Conversion"),
    Stage.DEVELOPER: _l("Co-op developer"),
    Stage.OTHER: _l("Other organisation"),
}

PREFER_NOT = "prefer_not"

RACES = {
    "asian": _l("Asian"),
    "black": _l("Black"),
    "latino": _l("Latino/a/x"),
    "white": _l("White"),
    "other": _l("Other"),
}
GENDERS = {
    "female": _l("Female"),
    "male": _l("Male"),
    "non_binary": _l("Non-binary"),
    "self": _l("Self-described"),
}
AGES = {"18-24": "18–24", "25-34": "25–34", "35-49": "35–49", "50-64": "50–64", "65+": "65+"}


class ReportStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"


NARRATIVES = {
    "goals": _l("Progress on goals"),
    "limitations": _l("Limitations met"),
    "opportunities": _l("Opportunities taken"),
    "partnerships": _l("New relationships and partnerships"),
    "collaboration": _l("Collaboration with other TA providers"),
    "needs": _l("Greatest needs expressed"),
    "gaps": _l("Biggest gaps in the ecosystem"),
    "testimonials": _l("Testimonials"),
    "marketing": _l("Marketing channels used"),
}
