"""Build a large, realistic dataset for the benchmarks with bulk inserts (run inside an app context).

Full scale: 50 cohorts × 40 fellows, 30 events each with attendance, evaluations with 20,000 responses,
12 modules per cohort with worksheets, a contest with 500 projects and 200,000 confirmed votes, a year of
assistance logs. The smoke scale keeps every kind of row, a hundred times fewer.
"""

from __future__ import annotations

import datetime as dt
import uuid
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import current_app
from werkzeug.security import generate_password_hash

from fellowship.accounts.models import Organization, User
from fellowship.attendance.models import AttendanceRecord
from fellowship.awards import services as awards
from fellowship.awards import voting
from fellowship.awards.enums import Phase, ProjectStatus
from fellowship.awards.models import Project, Vote, VoteRequest
from fellowship.curriculum import loader
from fellowship.curriculum import services as curriculum
from fellowship.curriculum.models import CohortModule, Module, Worksheet
from fellowship.evaluations import defaults
from fellowship.evaluations import services as evaluations
from fellowship.evaluations.models import AnonymousAnswer, AnonymousResponse, Receipt
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db
from fellowship.impact.enums import AssistanceKind, Stage
from fellowship.impact.models import AssistanceLog, ReportingPeriod
from fellowship.network import services as network
from fellowship.network.enums import Category, EntryKind
from fellowship.network.models import Entry, NetworkProfile
from fellowship.network.search import fold
from fellowship.programs.enums import ProgramKind, Role
from fellowship.programs.models import Cohort, Membership, Program

PASSWORD = "bench-password-1"  # noqa: S105 - the benchmark data's own accounts
FACILITATOR = "bench.facilitator@example.org"
ADMIN = "bench.admin@example.org"


@dataclass(frozen=True)
class Scale:
    cohorts: int
    fellows: int
    events: int
    responses: int  # per evaluated event; four events are evaluated
    projects: int
    votes: int
    tokens: int  # unused vote confirmations, for the confirmation benchmark
    entries: int  # the co-op network's needs and offers


FULL = Scale(
    cohorts=50,
    fellows=40,
    events=30,
    responses=5000,
    projects=500,
    votes=200_000,
    tokens=60_000,
    entries=5000,
)
SMOKE = Scale(cohorts=2, fellows=10, events=3, responses=50, projects=12, votes=200, tokens=600, entries=50)
SEARCH_WORD = "bookkeeping"
"""The word the network search benchmark looks for: in about one entry in eight (title or skills)."""


def _bulk(model: Any, rows: list[dict[str, Any]], size: int = 5000) -> None:
    for start in range(0, len(rows), size):
        db.session.execute(sa.insert(model), rows[start : start + size])


def seed(scale: Scale) -> dict[str, Any]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0)
    password = generate_password_hash(PASSWORD)
    program = Program(name="Bench Fellowship", kind=ProgramKind.COOP_FELLOWSHIP, timezone="America/Chicago")
    erg = Program(name="Bench Academy", kind=ProgramKind.ERG_ACADEMY, timezone="Europe/Warsaw")
    admin = User(email=ADMIN, name="Bench Admin", password_hash=password, is_admin=True)
    facilitator = User(email=FACILITATOR, name="Bench Facilitator", password_hash=password)
    db.session.add_all([program, erg, admin, facilitator])
    db.session.flush()
    result = curriculum.sync(loader.read_all(loader.curriculum_dir(current_app.config)).modules)
    del result
    slugs = list(
        db.session.scalars(sa.select(Module.slug).where(Module.current.is_(True)).order_by(Module.slug))
    )
    module_ids = dict(
        db.session.execute(sa.select(Module.slug, Module.id).where(Module.current.is_(True))).all()
    )
    first_cohort = first_event = None
    start = dt.date(now.year - 1, now.month, 1)
    for c in range(scale.cohorts):
        cohort = Cohort(
            program_id=program.id,
            name=f"Cohort {c + 1:02d}",
            starts_on=start,
            ends_on=start + dt.timedelta(days=364),
            timezone="America/Chicago",
        )
        db.session.add(cohort)
        db.session.flush()
        orgs = [
            {"name": f"Co-op {c}-{n}", "kind": "coop", "city": "Chicago", "website": ""}
            for n in range(scale.fellows)
        ]
        _bulk(Organization, orgs)
        org_ids = list(
            db.session.scalars(
                sa.select(Organization.id)
                .where(Organization.name.like(f"Co-op {c}-%"))
                .order_by(Organization.id)
            )
        )
        _bulk(
            User,
            [
                {
                    "email": f"fellow{c}.{n}@example.org",
                    "name": f"Fellow {c}-{n}",
                    "password_hash": password,
                    "organization_id": org_ids[n],
                    "timezone": "America/Chicago",
                }
                for n in range(scale.fellows)
            ],
        )
        fellows = list(
            db.session.scalars(
                sa.select(User.id).where(User.email.like(f"fellow{c}.%@example.org")).order_by(User.id)
            )
        )
        members = [
            {"cohort_id": cohort.id, "user_id": u, "role": Role.FELLOW, "joined_on": start} for u in fellows
        ]
        members.append(
            {"cohort_id": cohort.id, "user_id": facilitator.id, "role": Role.FACILITATOR, "joined_on": start}
        )
        _bulk(Membership, members)
        _bulk(
            Event,
            [
                {
                    "cohort_id": cohort.id,
                    "title": f"Session {e + 1}",
                    "timezone": "America/Chicago",
                    "starts_at": dt.datetime.combine(
                        start + dt.timedelta(days=7 + 12 * e), dt.time(17), tzinfo=dt.UTC
                    ),
                    "ends_at": dt.datetime.combine(
                        start + dt.timedelta(days=7 + 12 * e), dt.time(18, 30), tzinfo=dt.UTC
                    ),
                }
                for e in range(scale.events)
            ],
        )
        events = list(
            db.session.execute(
                sa.select(Event.id, Event.starts_at).where(Event.cohort_id == cohort.id).order_by(Event.id)
            )
        )
        invited = [
            {"event_id": e.id, "user_id": u, "email": f"u{u}@example.org", "name": f"Person {u}"}
            for e in events
            for u in [*fellows, facilitator.id]
        ]
        _bulk(EventInvitation, invited)
        invitations = db.session.execute(
            sa.select(EventInvitation.id, Event.starts_at)
            .join(Event, Event.id == EventInvitation.event_id)
            .where(Event.cohort_id == cohort.id)
        ).all()
        _bulk(
            AttendanceRecord,
            [
                {
                    "invitation_id": i,
                    "day": starts.date(),
                    "status": ("present", "present", "present", "late", "excused", "absent")[i % 6],
                    "note": "",
                    "recorded_at": now,
                }
                for i, starts in invitations
            ],
        )
        _bulk(
            CohortModule,
            [
                {
                    "cohort_id": cohort.id,
                    "slug": s,
                    "position": n,
                    "due_on": start + dt.timedelta(days=30 * (n + 1)),
                }
                for n, s in enumerate(slugs)
            ],
        )
        _bulk(
            Worksheet,
            [
                {
                    "cohort_id": cohort.id,
                    "user_id": u,
                    "slug": s,
                    "module_id": module_ids[s],
                    "answers": {},
                    "status": ("draft", "submitted", "approved", "changes_requested")[(u + n) % 4],
                    "revision_number": 1,
                }
                for u in fellows
                for n, s in enumerate(slugs)
            ],
        )
        if first_cohort is None:
            # The grid save measures an ordinary session: 40 fellows and the facilitator (the first four
            # events also get thousands of evaluated guests below).
            first_cohort, first_event = cohort, events[min(5, len(events) - 1)].id
    # Evaluations: four events of the first cohort, each answered by many (guest) attendees, anonymously.
    assert first_cohort is not None
    evaluated = list(
        db.session.scalars(
            sa.select(Event).where(Event.cohort_id == first_cohort.id).order_by(Event.id).limit(4)
        )
    )
    for event in evaluated:
        survey = evaluations.attach(event, "Evaluation", defaults.questions(), True, None, None)
        keys = {q.key: q.id for q in survey.questions}
        _bulk(
            EventInvitation,
            [
                {"event_id": event.id, "email": f"g{event.id}.{n}@example.net", "name": f"Guest {n}"}
                for n in range(scale.responses)
            ],
        )
        guests = list(
            db.session.scalars(
                sa.select(EventInvitation.id).where(
                    EventInvitation.event_id == event.id, EventInvitation.user_id.is_(None)
                )
            )
        )
        _bulk(
            AttendanceRecord,
            [
                {
                    "invitation_id": g,
                    "day": event.starts_at.date(),
                    "status": "present",
                    "note": "",
                    "recorded_at": now,
                }
                for g in guests
            ],
        )
        _bulk(Receipt, [{"survey_id": survey.id, "invitation_id": g} for g in guests])
        responses = [uuid.uuid4() for _ in guests]
        _bulk(AnonymousResponse, [{"id": r, "survey_id": survey.id} for r in responses])
        _bulk(
            AnonymousAnswer,
            [
                {
                    "id": uuid.uuid4(),
                    "response_id": r,
                    "question_id": keys[k],
                    "value_int": v,
                    "value_text": None,
                }
                for n, r in enumerate(responses)
                for k, v in (
                    ("overall", 1 + n % 5),
                    ("content", 1 + (n * 3) % 5),
                    ("facilitation", 1 + (n * 7) % 5),
                    ("recommend", n % 11),
                )
            ]
            + [
                {
                    "id": uuid.uuid4(),
                    "response_id": r,
                    "question_id": keys["worked"],
                    "value_int": None,
                    "value_text": f"Useful part {n % 50}",
                }
                for n, r in enumerate(responses[:200])
            ],
        )
    # The contest: accepted projects, confirmed votes, and unused confirmations to benchmark.
    contest = awards.create_contest(erg, "Bench Awards", "bench-awards", "", None)
    contest.phase = Phase.VOTING
    _bulk(
        Project,
        [
            {
                "contest_id": contest.id,
                "title": f"Project {n:03d}",
                "summary": f"What project {n} does.",
                "team": "",
                "status": ProjectStatus.ACCEPTED,
                "problem": "",
                "beneficiaries": "",
                "results": "",
                "review_comment": "",
                "created_at": now,
            }
            for n in range(scale.projects)
        ],
    )
    projects = list(
        db.session.scalars(sa.select(Project.id).where(Project.contest_id == contest.id).order_by(Project.id))
    )
    _bulk(
        Vote,
        [
            {
                "contest_id": contest.id,
                "project_id": projects[(n * 7) % len(projects)],
                "voter_key": f"k{n}",
                "slot": 1,
                "slot_limit": 1,
                "receipt_hash": f"bench-{n}",
                "confirmed_at": now,
                "network": "",
                "domain": "example.net",
                "voided": False,
                "void_reason": "",
            }
            for n in range(scale.votes)
        ],
    )
    signer = voting._signer()
    tokens = []
    rows = []
    for n in range(scale.tokens):
        nonce = f"bench-nonce-{n}"
        project = projects[n % len(projects)]
        tokens.append(signer.dumps([contest.id, project, nonce]))
        rows.append(
            {
                "contest_id": contest.id,
                "project_id": project,
                "voter_key": f"new{n}",
                "token_hash": voting.digest(nonce),
                "domain": "example.net",
                "expires_at": now + dt.timedelta(days=2),
                "created_at": now,
            }
        )
    _bulk(VoteRequest, rows)
    # A year of technical assistance, and the year's report.
    _bulk(
        AssistanceLog,
        [
            {
                "program_id": program.id,
                "facilitator_id": facilitator.id,
                "given_on": start + dt.timedelta(days=d),
                "kind": (AssistanceKind.ONE_ON_ONE, AssistanceKind.GROUP_WORKSHOP, AssistanceKind.EDUCATION)[
                    k
                ],
                "stage": (Stage.EXISTING_COOP, Stage.PRE_DEVELOPMENT, Stage.DEVELOPER)[k],
                "hours": 1.5,
                "people": 2,
                "help_type": "Bylaws",
                "notes": "",
                "created_at": now,
            }
            for d in range(365)
            for k in range(3)
        ],
    )
    _network(scale, now)
    period = ReportingPeriod(
        program_id=program.id,
        label="The year",
        starts_on=start,
        ends_on=start + dt.timedelta(days=364),
        narratives={},
    )
    db.session.add(period)
    db.session.commit()
    # Fresh planner statistics and visibility maps, as autovacuum keeps them on a live database (it vacuums
    # tables after inserts too): without statistics PostgreSQL plans for the empty tables it saw before the
    # bulk load (sequential scans of 80,000 records), and without the visibility map it cannot answer an
    # aggregate from an index alone (the evaluation summary's answer counts: 24 ms instead of 9 ms).
    # VACUUM cannot run inside a transaction, hence the connection of its own in autocommit mode.
    if db.engine.dialect.name == "postgresql":
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as connection:
            connection.execute(sa.text("VACUUM ANALYZE"))
    else:
        db.session.execute(sa.text("ANALYZE"))
        db.session.commit()
    summary_event = evaluated[0].id
    return {
        "contest": contest.slug,
        "project": projects[0],
        "cohort": first_cohort.id,
        "grid_event": first_event,
        "summary_event": summary_event,
        "period": period.id,
        "tokens": tokens,
        "search_word": SEARCH_WORD,
    }


NETWORK_TOPICS = [
    # (category, title, skills, languages): titles in the site's languages, so folding and trigrams are
    # exercised as in use; one in eight is about bookkeeping (SEARCH_WORD).
    (Category.BUSINESS, "Bookkeeping for worker co-ops", ["bookkeeping", "accounting"], ["en"]),
    (Category.BUSINESS, "Contabilidad y teneduría de libros", ["bookkeeping"], ["es"]),
    (Category.TECH, "Strona internetowa dla spółdzielni", ["web", "design"], ["pl"]),
    (Category.SPACE, "Meeting room on Mondays", [], ["en"]),
    (Category.BUSINESS, "Aide pour nos statuts", ["governance", "legal"], ["fr", "en"]),
    (Category.IN_KIND, "طباعة المنشورات للتعاونيات", [], ["ar"]),
    (Category.MENTORING, "שיחת ייעוץ על הסבה לקואופרטיב", ["conversion"], ["he"]),
    (Category.TOOLS, "Shared accounting software licences", ["software", "finance"], ["en"]),
]
PLACES = ["Chicago", "Logan Square, Chicago", "Warszawa", "Łódź", "Ciudad de México", "Tel Aviv"]


def _network(scale: Scale, now: dt.datetime) -> None:
    """``scale.entries`` needs and offers of the cohorts' organisations (search text folded as
    ``services.save_entry`` folds it; SQLite's triggers fill the FTS table, PostgreSQL's GIN index is the
    migration's), most confirmed within the last months, one in ten stale; a quarter of the organisations
    in the public directory."""
    org_ids = list(db.session.scalars(sa.select(Organization.id).order_by(Organization.id)))
    rows = []
    for n in range(scale.entries):
        category, title, skills, languages = NETWORK_TOPICS[n % len(NETWORK_TOPICS)]
        place = PLACES[(n // len(NETWORK_TOPICS)) % len(PLACES)]
        title = f"{title} {n}"
        description = f"Entry {n}: what we offer or need, how to reach us, and when."
        rows.append(
            {
                "kind": EntryKind.OFFER if n % 3 else EntryKind.NEED,
                "category": category,
                "title": title,
                "description": description,
                "skills": skills,
                "place": place,
                "languages": languages,
                "organization_id": org_ids[n % len(org_ids)],
                "published": True,
                "confirmed_at": now - dt.timedelta(days=(n * 7) % 150 + (400 if n % 10 == 9 else 0)),
                "hidden_reason": "",
                "search_text": network.search_text(title, skills, place, description),
                "skill_keys": [fold(skill) for skill in skills],
                "place_key": fold(place),
                "created_at": now,
            }
        )
    _bulk(Entry, rows, size=1000)
    _bulk(
        NetworkProfile,
        [
            {"organization_id": org, "in_public_directory": True, "place": "Chicago", "languages": ["en"]}
            for org in org_ids[::4]
        ],
    )
