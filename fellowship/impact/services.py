"""Impact rules: the assistance log, participants' demographics, reporting periods. Flush, never commit."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.core import audit, clock
from fellowship.extensions import db
from fellowship.impact import report
from fellowship.impact.enums import AGES, GENDERS, NARRATIVES, PREFER_NOT, RACES, ReportStatus
from fellowship.impact.models import AssistanceLog, Demographics, ReportingPeriod
from fellowship.programs.models import Program


class ImpactError(ValueError):
    """A rule was broken; the message is shown to the person."""


def save_log(
    log: AssistanceLog | None, program: Program, facilitator_id: int, values: dict[str, Any]
) -> AssistanceLog:
    if log is None:
        log = AssistanceLog(program_id=program.id, facilitator_id=facilitator_id)
        db.session.add(log)
    for name, value in values.items():
        setattr(log, name, value)
    db.session.flush()
    return log


def save_demographics(user_id: int, values: dict[str, Any]) -> Demographics:
    """Store the participant's own answers; unknown choices are refused (the form checks them too)."""
    if values.get("gender", "") not in {"", PREFER_NOT, *GENDERS}:
        raise ImpactError(_l("Choose one of the listed answers."))
    if values.get("age_range", "") not in {"", PREFER_NOT, *AGES}:
        raise ImpactError(_l("Choose one of the listed answers."))
    races = values.get("races") or []
    if any(r not in {PREFER_NOT, *RACES} for r in races):
        raise ImpactError(_l("Choose one of the listed answers."))
    row = db.session.get(Demographics, user_id) or Demographics(user_id=user_id)
    row.community_area = values.get("community_area", "")
    row.races = sorted(set(races))
    row.race_self = values.get("race_self", "") if "other" in races else ""
    row.gender = values.get("gender", "")
    row.gender_self = values.get("gender_self", "") if row.gender == "self" else ""
    row.age_range = values.get("age_range", "")
    row.updated_at = clock.now()
    db.session.add(row)
    db.session.flush()
    return row


def delete_demographics(user_id: int) -> None:
    db.session.execute(sa.delete(Demographics).where(Demographics.user_id == user_id))


def open_period(
    program: Program, label: str, starts_on: dt.date, ends_on: dt.date, actor_id: int | None
) -> ReportingPeriod:
    if ends_on < starts_on:
        raise ImpactError(_l("The period must end on or after its first day."))
    if db.session.scalar(
        sa.select(ReportingPeriod.id).where(
            ReportingPeriod.program_id == program.id, ReportingPeriod.starts_on == starts_on
        )
    ):
        raise ImpactError(_l("A reporting period already starts on that day."))
    period = ReportingPeriod(
        program_id=program.id, label=label, starts_on=starts_on, ends_on=ends_on, narratives={}
    )
    db.session.add(period)
    db.session.flush()
    audit.record(actor_id, period, "opened", {"label": [None, label]})
    return period


def save_narratives(period: ReportingPeriod, values: dict[str, str]) -> None:
    if period.status is ReportStatus.SUBMITTED:
        raise ImpactError(_l("This report is submitted; it can no longer change."))
    period.narratives = {key: values.get(key, "") for key in NARRATIVES}
    db.session.flush()


def current_figures(period: ReportingPeriod, threshold: int | None = None) -> dict[str, Any]:
    """The figures as sent (a submitted report's snapshot) or as the data says now (a draft)."""
    if period.status is ReportStatus.SUBMITTED and period.snapshot is not None and threshold is None:
        return period.snapshot
    return report.figures(period, threshold)


def submit(period: ReportingPeriod, actor_id: int | None) -> None:
    if period.status is ReportStatus.SUBMITTED:
        raise ImpactError(_l("This report is already submitted."))
    period.snapshot = report.figures(period)
    if period.export_threshold is not None:
        period.snapshot["export"] = report.figures(period, period.export_threshold)
    period.status, period.submitted_at = ReportStatus.SUBMITTED, clock.now()
    audit.record(actor_id, period, "submitted", {"status": ["draft", "submitted"]})
    db.session.flush()


def export_uses_lower_threshold(period: ReportingPeriod) -> bool:
    """Whether the funder's export uses a threshold below the page's (and so is confidential)."""
    return period.export_threshold is not None and period.export_threshold < period.program.privacy_threshold


def export_figures(period: ReportingPeriod) -> tuple[dict[str, Any], bool]:
    """The figures for the funder's export, and whether they use the lower (confidential) threshold."""
    if not export_uses_lower_threshold(period):
        return current_figures(period), False
    if period.status is ReportStatus.SUBMITTED and period.snapshot and "export" in period.snapshot:
        return period.snapshot["export"], True
    return report.figures(period, period.export_threshold), True


# --- erasure (core.personal_data) ---------------------------------------------------------------------------


def erase_demographics(erasure: Any) -> None:
    """The person's demographic answers go. Submitted reports keep their snapshots (counts, no names);
    drafts count the people whose answers are still kept."""
    db.session.execute(sa.delete(Demographics).where(Demographics.user_id == erasure.user.id))


def withdraw_certificates(erasure: Any) -> None:
    """A certificate names its holder and is checked by name, so erasure withdraws it: the name goes and
    the public check says it was withdrawn (``completion.verify``)."""
    from fellowship.impact.models import Certificate

    db.session.execute(
        sa.update(Certificate)
        .where(Certificate.user_id == erasure.user.id, Certificate.withdrawn_at.is_(None))
        .values(holder="", withdrawn_at=erasure.now)
    )


def scrub_assistance(erasure: Any) -> None:
    """Technical-assistance entries keep their hours (the reports count them) with the person's name
    taken out of their texts; so do draft reports' narratives. Submitted reports are left as submitted:
    their snapshots hold figures, not names."""
    for secret in erasure.secrets():
        mentions = sa.or_(
            AssistanceLog.notes.contains(secret, autoescape=True),
            AssistanceLog.help_type.contains(secret, autoescape=True),
        )
        for log in db.session.scalars(sa.select(AssistanceLog).where(mentions)):
            log.notes = erasure.scrub(log.notes)
            log.help_type = erasure.scrub(log.help_type)
    for period in db.session.scalars(
        sa.select(ReportingPeriod).where(ReportingPeriod.status == ReportStatus.DRAFT)
    ):
        if erasure.mentioned_in(period.narratives):
            period.narratives = erasure.scrub_json(period.narratives)
    db.session.flush()
