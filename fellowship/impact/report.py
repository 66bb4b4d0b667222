"""The funder's report for a reporting period, computed from the data with SQL aggregates.

Period boundaries are local days in the program's timezone: an event at 23:30 on the period's last day
belongs to it. The figures are plain JSON-able values, so a submitted report can keep them as a snapshot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa

from fellowship.accounts.models import Organization, User
from fellowship.curriculum.queries import materials_published
from fellowship.evaluations import queries as evaluation_queries
from fellowship.evaluations.models import Question, Receipt, Survey
from fellowship.events.models import Event, EventInvitation
from fellowship.events.queries import participant_clause
from fellowship.extensions import db
from fellowship.impact.enums import AGES, GENDERS, PREFER_NOT, RACES, AssistanceKind, Stage
from fellowship.impact.models import AssistanceLog, Demographics, ReportingPeriod
from fellowship.impact.privacy import suppress
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership, Program

NOT_SAID = "not_said"
OTHER_AREAS = "other_areas"


def utc_bounds(program: Program, starts_on: dt.date, ends_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(program.timezone)
    start = dt.datetime.combine(starts_on, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(dt.UTC)
    return start, end


def _assistance(
    program: Program, starts_on: dt.date, ends_on: dt.date, fellow_orgs: set[int]
) -> dict[str, Any]:
    in_period = sa.and_(
        AssistanceLog.program_id == program.id,
        AssistanceLog.given_on >= starts_on,
        AssistanceLog.given_on <= ends_on,
    )
    by_kind = {
        kind: (count, float(hours or 0), int(people or 0))
        for kind, count, hours, people in db.session.execute(
            sa.select(
                AssistanceLog.kind,
                sa.func.count(),
                sa.func.sum(AssistanceLog.hours),
                sa.func.sum(AssistanceLog.people),
            )
            .where(in_period)
            .group_by(AssistanceLog.kind)
        )
    }
    by_stage = dict(
        db.session.execute(
            sa.select(AssistanceLog.stage, sa.func.sum(AssistanceLog.hours))
            .where(in_period)
            .group_by(AssistanceLog.stage)
        ).all()
    )
    organisations = db.session.execute(
        sa.select(Organization.id, Organization.name, sa.func.sum(AssistanceLog.hours))
        .join(AssistanceLog, AssistanceLog.organization_id == Organization.id)
        .where(in_period)
        .group_by(Organization.id, Organization.name)
        .order_by(Organization.name)
    ).all()
    types = db.session.scalars(
        sa.select(AssistanceLog.help_type)
        .where(in_period, AssistanceLog.help_type != "")
        .distinct()
        .order_by(AssistanceLog.help_type)
    ).all()
    others = [(name, float(hours or 0)) for org_id, name, hours in organisations if org_id not in fellow_orgs]

    def of(kind: AssistanceKind) -> tuple[int, float, int]:
        return by_kind.get(kind, (0, 0.0, 0))

    return {
        "one_on_one": of(AssistanceKind.ONE_ON_ONE)[0],
        "group_workshops": of(AssistanceKind.GROUP_WORKSHOP)[0],
        "hours_by_stage": {stage.value: float(by_stage.get(stage) or 0) for stage in Stage},
        "education_hours": of(AssistanceKind.EDUCATION)[1] + of(AssistanceKind.GROUP_WORKSHOP)[1],
        "outreach_hours": of(AssistanceKind.OUTREACH)[1],
        "people_reached": sum(v[2] for v in by_kind.values()),
        "total_hours": sum(v[1] for v in by_kind.values()),
        "organisations": [name for _id, name, _hours in organisations],
        "other_organisations": len(others),
        "other_organisation_hours": sum(hours for _name, hours in others),
        "types": list(types),
    }


def _events(program: Program, start: dt.datetime, end: dt.datetime) -> list[dict[str, Any]]:
    in_period = (
        sa.select(Event.id, Event.title, Event.starts_at, Event.timezone)
        .join(Cohort, Cohort.id == Event.cohort_id)
        .where(
            Cohort.program_id == program.id,
            Event.starts_at >= start,
            Event.starts_at < end,
            Event.cancelled_at.is_(None),
        )
    )
    events = db.session.execute(in_period.order_by(Event.starts_at, Event.id)).all()
    if not events:
        return []
    # The figures below select the period's events and surveys by subquery, not by lists of their ids: a
    # year of a large program has thousands of events, and a bound parameter each made PostgreSQL plan far
    # worse.
    ids = in_period.with_only_columns(Event.id)
    survey_ids = sa.select(Survey.id).where(Survey.event_id.in_(ids))
    invited = dict(
        db.session.execute(
            sa.select(EventInvitation.event_id, sa.func.count(EventInvitation.id))
            .where(
                EventInvitation.event_id.in_(ids), participant_clause()
            )  # staff host, they are not invited
            .group_by(EventInvitation.event_id)
        ).all()
    )
    attended = dict(
        db.session.execute(
            # A semi-join (EXISTS) counts each invitation once without the sort a count(DISTINCT) over the
            # joined attendance days needs: 71 ms instead of 100 ms for a year of 1,500 events.
            sa.select(EventInvitation.event_id, sa.func.count(EventInvitation.id))
            .where(EventInvitation.event_id.in_(ids), evaluation_queries.attended_clause())
            .group_by(EventInvitation.event_id)
        ).all()
    )
    surveys = dict(
        db.session.execute(sa.select(Survey.event_id, Survey.id).where(Survey.event_id.in_(ids))).all()
    )
    responses = dict(
        db.session.execute(
            sa.select(Receipt.survey_id, sa.func.count())
            .where(Receipt.survey_id.in_(survey_ids))
            .group_by(Receipt.survey_id)
        ).all()
    )
    rows = evaluation_queries.answers()
    overall = dict(
        db.session.execute(
            sa.select(Question.survey_id, sa.func.avg(rows.c.value_int))
            .select_from(rows)
            .join(Question, Question.id == rows.c.question_id)
            .where(Question.survey_id.in_(survey_ids), Question.key == "overall")
            .group_by(Question.survey_id)
        ).all()
    )
    return [
        {
            "id": e.id,
            "title": e.title,
            "starts_at": e.starts_at.isoformat(),
            "timezone": e.timezone,
            "invited": invited.get(e.id, 0),
            "attended": attended.get(e.id, 0),
            "survey": surveys.get(e.id),
            "responses": responses.get(surveys.get(e.id), 0),
            "overall": round(float(overall[surveys[e.id]]), 2) if surveys.get(e.id) in overall else None,
        }
        for e in events
    ]


def _participants(program: Program, starts_on: dt.date, ends_on: dt.date) -> sa.Select[tuple[int]]:
    """Fellows in any of the program's cohorts at some point of the period."""
    return (
        sa.select(Membership.user_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(
            Cohort.program_id == program.id,
            Membership.role == Role.FELLOW,
            Membership.joined_on <= ends_on,
            sa.or_(Membership.left_on.is_(None), Membership.left_on > starts_on),
        )
        .distinct()
    )


def _demographics(program: Program, starts_on: dt.date, ends_on: dt.date, threshold: int) -> dict[str, Any]:
    people = _participants(program, starts_on, ends_on).subquery()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(people)) or 0
    answers = db.session.execute(
        sa.select(
            Demographics.community_area, Demographics.gender, Demographics.age_range, Demographics.races
        ).join(people, people.c.user_id == Demographics.user_id)
    ).all()
    # The rows are aggregated here rather than in SQL because races is a JSON list; only counts leave.
    areas: dict[str, int] = {}
    genders = {key: 0 for key in [*GENDERS, PREFER_NOT, NOT_SAID]}
    ages = {key: 0 for key in [*AGES, PREFER_NOT, NOT_SAID]}
    races = {key: 0 for key in [*RACES, PREFER_NOT, NOT_SAID]}
    for area, gender, age, race_list in answers:
        key = area or NOT_SAID
        areas[key] = areas.get(key, 0) + 1
        genders[gender if gender in genders else NOT_SAID] += 1
        ages[age if age in ages else NOT_SAID] += 1
        chosen = [r for r in (race_list or []) if r in races] or [NOT_SAID]
        for race in chosen:
            races[race] += 1
    unanswered = total - len(answers)
    areas[NOT_SAID] = areas.get(NOT_SAID, 0) + unanswered
    genders[NOT_SAID] += unanswered
    ages[NOT_SAID] += unanswered
    races[NOT_SAID] += unanswered
    # Areas with fewer people than the threshold are not even named: together they are "other areas".
    named = {area: n for area, n in sorted(areas.items()) if area != NOT_SAID and n >= threshold}
    areas_out = {**named, OTHER_AREAS: sum(n for a, n in areas.items() if a != NOT_SAID and a not in named)}
    areas_out[NOT_SAID] = areas.get(NOT_SAID, 0)
    return {
        "participants": total,
        "community_areas": suppress(areas_out, threshold, total),
        "gender": suppress(genders, threshold, total),
        "age": suppress(ages, threshold, total),
        "race": suppress(races, threshold, total),
    }


def figures(period: ReportingPeriod, threshold: int | None = None) -> dict[str, Any]:
    program = period.program
    start, end = utc_bounds(program, period.starts_on, period.ends_on)
    fellow_orgs = set(
        db.session.scalars(
            sa.select(User.organization_id)
            .distinct()
            .join(Membership, Membership.user_id == User.id)
            .join(Cohort, Cohort.id == Membership.cohort_id)
            .where(
                Cohort.program_id == program.id,
                Membership.role == Role.FELLOW,
                User.organization_id.is_not(None),
            )
        )
    )
    return {
        "period": {
            "label": period.label,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
        },
        "assistance": _assistance(program, period.starts_on, period.ends_on, fellow_orgs),
        "curriculum_materials": db.session.scalar(
            materials_published(period.starts_on, period.ends_on, program.kind.value)
        )
        or 0,
        "events": _events(program, start, end),
        "demographics": _demographics(
            program, period.starts_on, period.ends_on, threshold or period.program.privacy_threshold
        ),
        "threshold": threshold or period.program.privacy_threshold,
    }
