import enum
from typing import Any

from flask_babel import lazy_gettext as _l


class ProgramKind(enum.StrEnum):
    COOP_FELLOWSHIP = "coop_fellowship"
    ERG_ACADEMY = "erg_academy"
    TECH_COOP_FOUNDING = "tech_coop_founding"
    WORKING_GROUP = "working_group"
    """A collective-impact initiative: each cohort is a working group of member organisations' people, who
    meet monthly (events of kind ``working_group``) and carry decisions and action items between meetings
    (the ``groups`` domain)."""
    LOCAL_GROUPS = "local_groups"
    """The co-op network's local groups (seed 004's cells): each cohort is one group of network members
    in a place, meeting every couple of months (events of kind ``meetup``), coordinated by a champion (the
    cohort's facilitator) and hosted by its members in turn (``network``)."""
    OTHER = "other"


class Role(enum.StrEnum):
    FELLOW = "fellow"
    FACILITATOR = "facilitator"
    OBSERVER = "observer"


STAFF_ROLES = frozenset({Role.FACILITATOR, Role.OBSERVER})
"""Staff host a cohort's events and are invited to them, but they are never participants: they are not in
attendance grids, rates, event figures, evaluation response rates, reports or certificates."""

PROGRAM_KIND_LABELS = {
    ProgramKind.COOP_FELLOWSHIP: _l("Worker-cooperative developer fellowship"),
    ProgramKind.ERG_ACADEMY: _l("ERG grassroots academy"),
    ProgramKind.TECH_COOP_FOUNDING: _l("Starting a tech worker cooperative"),
    ProgramKind.WORKING_GROUP: _l("Collective-impact working group"),
    ProgramKind.LOCAL_GROUPS: _l("Co-op network local groups"),
    ProgramKind.OTHER: _l("Other program"),
}

ROLE_LABELS = {
    Role.FELLOW: _l("Fellow"),
    Role.FACILITATOR: _l("Facilitator"),
    Role.OBSERVER: _l("Observer"),
}

# ERG academies and founding tracks call their fellows "participants" (people learning alongside their
# work or their own start-up, not fellows of a funded fellowship); the role is the same.
PARTICIPANT_LABEL = _l("Participant")
PARTICIPANT_KINDS = frozenset({ProgramKind.ERG_ACADEMY, ProgramKind.TECH_COOP_FOUNDING})

# A working group's members represent their organisations, and a local group's are the network's people:
# they are "members", not fellows.
MEMBER_LABEL = _l("Member")
MEMBER_KINDS = frozenset({ProgramKind.WORKING_GROUP, ProgramKind.LOCAL_GROUPS})


def people_of(kind: ProgramKind) -> str:
    """What a program of this kind calls its fellows, as a key templates choose their wording by:
    "members", "participants" or "fellows"."""
    if kind in MEMBER_KINDS:
        return "members"
    if kind in PARTICIPANT_KINDS:
        return "participants"
    return "fellows"


def fellow_label(kind: ProgramKind) -> Any:
    """The singular word a program of this kind uses for its fellows ("Participant", "Member", "Fellow")."""
    if kind in PARTICIPANT_KINDS:
        return PARTICIPANT_LABEL
    if kind in MEMBER_KINDS:
        return MEMBER_LABEL
    return ROLE_LABELS[Role.FELLOW]
