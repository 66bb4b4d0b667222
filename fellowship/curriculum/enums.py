import enum

from flask_babel import lazy_gettext as _l


class FieldType(enum.StrEnum):
    SHORT_TEXT = "short_text"
    LONG_TEXT = "long_text"
    NUMBER = "number"
    CHOICE = "choice"
    LIST = "list"
    TABLE = "table"
    DATE = "date"


class WorksheetStatus(enum.StrEnum):
    DRAFT = "draft"
    SUBMITTED = "submitted"
    CHANGES_REQUESTED = "changes_requested"
    APPROVED = "approved"


WORKSHEET_STATUS_LABELS = {
    WorksheetStatus.DRAFT: _l("Draft"),
    WorksheetStatus.SUBMITTED: _l("Submitted"),
    WorksheetStatus.CHANGES_REQUESTED: _l("Changes requested"),
    WorksheetStatus.APPROVED: _l("Approved"),
}
