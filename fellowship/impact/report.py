"""The funder's report for a reporting period, computed from the data with SQL aggregates.

Period boundaries are local days in the program's timezone: an event at 23:30 on the period's last day
belongs to it. The figures are plain JSON-able values, so a submitted report can keep them as a snapshot.
"""

from __future__ import annotations

import datetime as dt
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import aliased

from fellowship.accounts.enums import OrganizationKind
from fellowship.accounts.models import Organization, User
from fellowship.curriculum.queries import materials_published
from fellowship.evaluations import queries as evaluation_queries
from fellowship.evaluations.models import Question, Receipt, Survey
from fellowship.events.models import Event, EventInvitation
from fellowship.events.queries import participant_clause
from fellowship.extensions import db
from fellowship.groups import queries as group_queries
from fellowship.impact.enums import AGES, GENDERS, PREFER_NOT, RACES, AssistanceKind, Stage
from fellowship.impact.models import AssistanceLog, Demographics, ReportingPeriod
from fellowship.impact.privacy import suppress
from fellowship.network import queries as network_queries
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership, Program

NOT_SAID = "not_said"
OTHER_AREAS = "other_areas"


def utc_bounds(program: Program, starts_on: dt.date, ends_on: dt.date) -> tuple[dt.datetime, dt.datetime]:
    zone = ZoneInfo(program.timezone)
    start = dt.datetime.combine(starts_on, dt.time(), tzinfo=zone).astimezone(dt.UTC)
    end = dt.datetime.combine(ends_on + dt.timedelta(days=1), dt.time(), tzinfo=zone).astimezone(dt.UTC)
    return start, end


COUNTING_RULES = 4
"""Version of the counting rules below, kept in every snapshot: a report submitted under earlier rules
keeps its figures as sent, and the page explains each figure only by the rules it was counted under
(``exports.rows``). Version 2 counted each logged hour in one row only; version 3 adds the working groups'
interviews; version 4 the co-op network's exchanges."""


def _assistance(program: Program, starts_on: dt.date, ends_on: dt.date) -> dict[str, Any]:
    """Technical assistance as the funder's form asks for it (seed 000), each logged hour in one row only.

    The form asks about worker co-ops, conversions and co-op developers first, then, on a separate tab,
    for "additional support not covered in the previous tabs". So a log whose stage is *Other
    organisation* is counted there and nowhere else; every other log is counted by its kind: one-on-one
    hours under its stage ("hours of support"), group workshop and education hours as group education,
    outreach hours as popular education. Sessions and workshops are counts of logs, not hours; people
    reached counts every log once.

    The one-on-one interviews the program's working groups hold with their members (``groups``) are
    assistance too, given to the partner organisations of a collective-impact initiative rather than to a
    co-op at a development stage: they count as support for other organisations (hours, organisations, one
    person reached each), never in the TA log's rows, and are shown on a row of their own as well.
    """
    in_period = sa.and_(
        AssistanceLog.program_id == program.id,
        AssistanceLog.given_on >= starts_on,
        AssistanceLog.given_on <= ends_on,
    )
    grouped = db.session.execute(
        sa.select(
            AssistanceLog.kind,
            AssistanceLog.stage,
            sa.func.count(),
            sa.func.sum(AssistanceLog.hours),
            sa.func.sum(AssistanceLog.people),
        )
        .where(in_period)
        .group_by(AssistanceLog.kind, AssistanceLog.stage)
    ).all()
    sessions = workshops = people = 0
    hours_by_stage = {stage.value: 0.0 for stage in Stage if stage is not Stage.OTHER}
    education = outreach = other_hours = 0.0
    for kind, stage, count, hours_sum, people_sum in grouped:
        hours = float(hours_sum or 0)
        people += int(people_sum or 0)
        if stage is Stage.OTHER:
            other_hours += hours
        elif kind is AssistanceKind.ONE_ON_ONE:
            sessions += count
            hours_by_stage[stage.value] += hours
        elif kind in (AssistanceKind.GROUP_WORKSHOP, AssistanceKind.EDUCATION):
            workshops += count if kind is AssistanceKind.GROUP_WORKSHOP else 0
            education += hours
        else:
            outreach += hours
    organisations: list[Any] = db.session.execute(
        sa.select(Organization.name, AssistanceLog.stage == Stage.OTHER)
        .join(AssistanceLog, AssistanceLog.organization_id == Organization.id)
        .where(in_period)
        .distinct()
        .order_by(Organization.name)
    ).all()
    types = db.session.scalars(
        sa.select(AssistanceLog.help_type)
        .where(in_period, AssistanceLog.help_type != "", AssistanceLog.stage != Stage.OTHER)
        .distinct()
        .order_by(AssistanceLog.help_type)
    ).all()
    interviews = group_queries.interview_hours(program.id, starts_on, ends_on).subquery()
    interview_count, interview_sum = db.session.execute(
        sa.select(sa.func.count(), sa.func.sum(interviews.c.hours))
    ).one()
    interview_hours = float(interview_sum or 0)
    interviewed = db.session.scalars(
        sa.select(Organization.name)
        .join(interviews, interviews.c.organization_id == Organization.id)
        .distinct()
    ).all()
    other_hours += interview_hours
    people += interview_count
    peer, staff = _exchanges(program, starts_on, ends_on)
    for stage, hours, name in staff:  # the program's own staff helped: technical assistance, one-on-one
        people += 1
        if stage is Stage.OTHER:
            other_hours += hours
        else:
            sessions += 1
            hours_by_stage[stage.value] += hours
        if name:
            organisations.append((name, stage is Stage.OTHER))
    worked_with = sorted({name for name, other in organisations if not other})
    others = sorted({name for name, other in organisations if other} | set(interviewed))
    return {
        "rules": COUNTING_RULES,
        "one_on_one": sessions,
        "group_workshops": workshops,
        "hours_by_stage": hours_by_stage,
        "education_hours": education,
        "outreach_hours": outreach,
        "people_reached": people,
        "total_hours": sum(hours_by_stage.values()) + education + outreach + other_hours,
        "organisations": worked_with,
        "other_organisations": len(others),
        "other_organisation_names": others,
        "other_organisation_hours": other_hours,
        "types": list(types),
        "interviews": interview_count,
        "interview_hours": interview_hours,
        **peer,
    }


def exchange_rows(program: Program, starts_on: dt.date, ends_on: dt.date) -> list[Any]:
    """(hours, helper organisation is a TA provider, its name, given by the program's staff, the helped
    organisation's kind and name, completed on, helper's name) of the network's exchanges done between the
    two days and asked by the program's fellows, in the order they were made."""
    done = network_queries.completed_exchanges(starts_on, ends_on).subquery()
    fellows = (
        sa.select(Membership.user_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Cohort.program_id == program.id, Membership.role == Role.FELLOW)
    )
    staff = sa.or_(
        User.is_admin.is_(True),
        User.id.in_(
            sa.select(Membership.user_id)
            .join(Cohort, Cohort.id == Membership.cohort_id)
            .where(Cohort.program_id == program.id, Membership.role == Role.FACILITATOR)
        ),
    )
    asked = aliased(Organization)
    return list(
        db.session.execute(
            sa.select(
                done.c.hours,
                done.c.ta_provider,
                done.c.helper_organization,
                sa.func.coalesce(staff, sa.false()),
                asked.kind,
                asked.name,
                done.c.completed_on,
                User.name,
            )
            .outerjoin(User, User.id == done.c.helper_id)
            .outerjoin(asked, asked.id == done.c.asker_organization_id)
            .where(done.c.asker_id.in_(fellows))
            .order_by(done.c.exchange_id)
        ).all()
    )


STAGE_OF_KIND = {OrganizationKind.COOP: Stage.EXISTING_COOP, OrganizationKind.DEVELOPER: Stage.DEVELOPER}
"""The stage an exchange the program's staff gave counts at, by the kind of the helped organisation: the
network knows no development stage, so co-ops count as existing co-ops, co-op developers as developers,
and everyone else as other organisations."""


def _exchanges(
    program: Program, starts_on: dt.date, ends_on: dt.date
) -> tuple[dict[str, Any], list[tuple[Stage, float, str]]]:
    """The co-op network's exchanges completed in the period whose asker is one of the program's fellows
    (``network`` says which are done and who took part; impact decides whose they are). Each counts once:

    - when the helper is the program's staff (a facilitator of one of its cohorts, or an administrator) it
      is technical assistance the program gave, returned as (stage, hours, organisation) for the TA rows;
    - otherwise it is a peer exchange, counted on its own row with its hours; those whose helping
      organisation is a TA provider also fill "collaboration with other TA providers".
    """
    rows = exchange_rows(program, starts_on, ends_on)
    peer_count, peer_hours, providers, provider_count, provider_hours = 0, 0.0, set(), 0, 0.0
    given: list[tuple[Stage, float, str]] = []
    for hours, ta_provider, helper_organization, by_staff, asker_kind, asker_organization, _on, _by in rows:
        hours = float(hours or 0)
        if by_staff:
            given.append((STAGE_OF_KIND.get(asker_kind, Stage.OTHER), hours, asker_organization or ""))
            continue
        peer_count += 1
        peer_hours += hours
        if ta_provider:
            provider_count += 1
            provider_hours += hours
            if helper_organization:
                providers.add(helper_organization)
    figures = {
        "peer_exchanges": peer_count,
        "peer_exchange_hours": peer_hours,
        "ta_provider_exchanges": provider_count,
        "ta_provider_exchange_hours": provider_hours,
        "ta_providers": sorted(providers),
    }
    return figures, given


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
    return {
        "period": {
            "label": period.label,
            "starts_on": period.starts_on.isoformat(),
            "ends_on": period.ends_on.isoformat(),
        },
        "assistance": _assistance(program, period.starts_on, period.ends_on),
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
