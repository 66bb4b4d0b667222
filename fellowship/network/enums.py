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


class ExchangeStatus(enum.StrEnum):
    """A request for help and, once accepted, the exchange it became (seed 004's people exchange)."""

    REQUESTED = "requested"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"
    AGREED = "agreed"
    DONE = "done"


EXCHANGE_STATUS_LABELS = {
    ExchangeStatus.REQUESTED: _l("Asked, waiting for an answer"),
    ExchangeStatus.DECLINED: _l("Declined"),
    ExchangeStatus.WITHDRAWN: _l("Withdrawn"),
    ExchangeStatus.AGREED: _l("Agreed, under way"),
    ExchangeStatus.DONE: _l("Done"),
}


class Payment(enum.StrEnum):
    """The seed's "time and cost involved": whether the help is paid for or given in kind."""

    IN_KIND = "in_kind"
    PAID = "paid"


PAYMENT_LABELS = {
    Payment.IN_KIND: _l("In kind (no money changes hands)"),
    Payment.PAID: _l("Paid"),
}


class PairStatus(enum.StrEnum):
    PROPOSED = "proposed"
    """A fellow asked the mentor; the mentor has not answered."""
    ACTIVE = "active"
    DECLINED = "declined"
    ENDED = "ended"


PAIR_STATUS_LABELS = {
    PairStatus.PROPOSED: _l("Asked, waiting for the mentor"),
    PairStatus.ACTIVE: _l("Under way"),
    PairStatus.DECLINED: _l("Declined"),
    PairStatus.ENDED: _l("Ended"),
}
