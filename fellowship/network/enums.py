import enum

from flask_babel import lazy_gettext as _l


class EntryKind(enum.StrEnum):
    OFFER = "offer"
    NEED = "need"


ENTRY_KIND_LABELS = {
    EntryKind.OFFER: _l("Offer"),
    EntryKind.NEED: _l("Need"),
}


class Category(enum.StrEnum):
    """Seed 004's categories, plus what a person offers on their own (mentoring, a call)."""

    TECH = "tech"
    BUSINESS = "business"
    WORK = "work"
    TOOLS = "tools"
    IN_KIND = "in_kind"
    SPACE = "space"
    MENTORING = "mentoring"


CATEGORY_LABELS = {
    Category.TECH: _l("Tech skills"),
    Category.BUSINESS: _l("Co-op and business skills"),
    Category.WORK: _l("Work opportunities"),
    Category.TOOLS: _l("Tools we use"),
    Category.IN_KIND: _l("In-kind support"),
    Category.SPACE: _l("Office or meeting space"),
    Category.MENTORING: _l("Mentoring or a call"),
}

SKILL_LABELS = {
    "bookkeeping": _l("Bookkeeping"),
    "accounting": _l("Accounting"),
    "finance": _l("Finance"),
    "governance": _l("Governance"),
    "legal": _l("Legal"),
    "marketing": _l("Marketing"),
    "facilitation": _l("Facilitation"),
    "conversion": _l("Conversion to a co-op"),
    "web": _l("Websites"),
    "software": _l("Software development"),
    "design": _l("Design"),
    "data": _l("Data and databases"),
    "hosting": _l("Hosting and servers"),
    "security": _l("Security"),
    "subcontracting": _l("Subcontracting"),
    "selling": _l("Selling work"),
}
"""The skills the forms offer as choices, stored by these keys; a person may also type their own short
words (a tool's name, a trade). Keys are language-neutral, so a need written in Spanish and an offer
written in English still match on "bookkeeping"."""

SUGGESTED_SKILLS = {
    Category.BUSINESS: (
        "bookkeeping",
        "accounting",
        "finance",
        "governance",
        "legal",
        "marketing",
        "facilitation",
        "conversion",
    ),
    Category.TECH: ("web", "software", "design", "data", "hosting", "security"),
    Category.WORK: ("subcontracting", "selling"),
}
