"""The kinds of thing a discussion thread hangs off."""

from __future__ import annotations

import enum

from flask_babel import lazy_gettext as _l


class ThreadKind(enum.StrEnum):
    """``announcement`` threads belong to discussions; the others are subjects another domain registers in
    ``core.subjects`` (events: ``event``; curriculum: ``module``, keyed by the cohort's module assignment)."""

    ANNOUNCEMENT = "announcement"
    EVENT = "event"
    MODULE = "module"


THREAD_KIND_LABELS = {
    ThreadKind.ANNOUNCEMENT: _l("Announcement"),
    ThreadKind.EVENT: _l("Event"),
    ThreadKind.MODULE: _l("Module"),
}
