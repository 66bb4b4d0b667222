import enum

from flask_babel import lazy_gettext as _l


class EventKind(enum.StrEnum):
    WEBINAR = "webinar"
    WORKSHOP = "workshop"
    OFFICE_HOURS = "office_hours"
    WORKING_GROUP = "working_group"
    CEREMONY = "ceremony"
    MEETUP = "meetup"
    """A local group's meetup in the co-op network (``network``): hosted by its members in turn."""


class Rsvp(enum.StrEnum):
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"


EVENT_KIND_LABELS = {
    EventKind.WEBINAR: _l("Webinar"),
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.OFFICE_HOURS: _l("Office hours"),
    EventKind.WORKING_GROUP: _l("Working-group meeting"),
    EventKind.CEREMONY: _l("Ceremony"),
    EventKind.MEETUP: _l("Local meetup"),
}

RSVP_LABELS = {
    Rsvp.YES: _l("Yes, I will come"),
    Rsvp.NO: _l("No, I cannot come"),
    Rsvp.MAYBE: _l("Maybe"),
}
