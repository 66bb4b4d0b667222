import enum

from flask_babel import lazy_gettext as _l


class Status(enum.StrEnum):
    PRESENT = "present"
    LATE = "late"
    EXCUSED = "excused"
    ABSENT = "absent"


STATUS_LABELS = {
    Status.PRESENT: _l("Present"),
    Status.LATE: _l("Late"),
    Status.EXCUSED: _l("Excused"),
    Status.ABSENT: _l("Absent"),
}

ATTENDED = frozenset({Status.PRESENT, Status.LATE})
