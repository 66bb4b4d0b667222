"""Who reads and who changes a program's impact pages: the one place that says so.

- **Program staff** — admins, and the facilitators of any of the program's cohorts — keep the technical
  assistance log, open reporting periods, write and submit the reports, download their exports and read
  the program dashboard. Only an admin sets a period's lowered funder-export threshold.
- **An observer** (a funder) of any cohort of a program reads that program's *submitted* reports,
  read-only, with the page's privacy threshold — never the lowered funder-export threshold, so a report's
  CSV or Markdown is theirs only when it uses the page's threshold. Drafts stay with staff: an observer
  asking for a draft gets 404, as does anyone without access. The assistance log and the dashboard stay
  with staff.
- Anyone else: 404 (the program's reports do not exist for them). An observer who tries to change a
  report they may read gets 403.
"""

from __future__ import annotations

import enum
from typing import Any

from flask_login import current_user

from fellowship.core import clock
from fellowship.core.permissions import is_admin, require
from fellowship.extensions import db
from fellowship.impact import queries, services
from fellowship.impact.enums import ReportStatus
from fellowship.impact.models import ReportingPeriod
from fellowship.programs.enums import Role
from fellowship.programs.models import Program


class Reader(enum.Enum):
    STAFF = "staff"
    OBSERVER = "observer"


def reader_of(program: Program, user: Any = None) -> Reader | None:
    """How the person (the signed-in one by default) reads the program's reports; None: not at all.
    One query for members, none for admins and anonymous visitors."""
    user = current_user if user is None else user
    if is_admin(user):
        return Reader.STAFF
    if not getattr(user, "is_authenticated", False):
        return None
    roles = set(db.session.scalars(queries.program_roles(user.id, program.id, clock.today())))
    if Role.FACILITATOR in roles:
        return Reader.STAFF
    if Role.OBSERVER in roles:
        return Reader.OBSERVER
    return None


def require_staff(program: Program) -> None:
    """Staff-only pages (assistance log, dashboard): everyone else gets 404."""
    require(reader_of(program) is Reader.STAFF, hide=True)


def require_reader(program: Program) -> Reader:
    """The program's list of reports: staff and observers; everyone else gets 404."""
    reader = reader_of(program)
    require(reader is not None, hide=True)
    assert reader is not None
    return reader


def may_read(period: ReportingPeriod, reader: Reader | None) -> bool:
    return reader is Reader.STAFF or (reader is Reader.OBSERVER and period.status is ReportStatus.SUBMITTED)


def require_period(period: ReportingPeriod) -> Reader:
    """A report: staff read every one, observers the submitted ones; anyone else (a draft for an
    observer) gets 404."""
    reader = reader_of(period.program)
    require(may_read(period, reader), hide=True)
    assert reader is not None
    return reader


def may_change(reader: Reader) -> bool:
    return reader is Reader.STAFF


def require_change(reader: Reader) -> None:
    """Opening, editing and submitting: staff only; an observer who may read gets 403."""
    require(may_change(reader))


def may_export(period: ReportingPeriod, reader: Reader) -> bool:
    """Staff download every export; an observer only one that uses the page's threshold."""
    return reader is Reader.STAFF or not services.export_uses_lower_threshold(period)


def visible_periods(program: Program, reader: Reader) -> Any:
    """The program's periods this reader sees in its list, newest first."""
    return queries.periods(program.id, submitted_only=reader is not Reader.STAFF)
