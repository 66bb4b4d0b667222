"""What the scale-out proof needs in its database: an administrator, two contests in their voting phase
(``city-vote`` shows a live tally, ``showcase`` keeps it hidden and so is served from the page caches), and
an event starting in six hours with forty invited guests, whose reminders the two dispatch loops race to
queue. Run inside an application context on the proof's own database."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fellowship.awards import services as awards
from fellowship.awards.enums import Phase, ProjectStatus
from fellowship.core import clock
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db
from fellowship.programs.enums import ProgramKind
from tests import factories as f

ADMIN = "admin@scale.test"
GUESTS = 40


def seed() -> dict[str, Any]:
    admin = f.UserFactory(email=ADMIN, name="Scale Admin", is_admin=True)
    program = f.ProgramFactory(name="City Awards Program", kind=ProgramKind.ERG_ACADEMY)
    cohort = f.CohortFactory(program=program, name="City cohort")
    contests: dict[str, Any] = {}
    for slug, title, live in (("city-vote", "City Vote", True), ("showcase", "Showcase", False)):
        contest = awards.create_contest(program, title, slug, "", admin.id)
        projects = []
        for name in ("Alder", "Birch", "Cedar"):
            project = awards.save_project(
                contest, None, {"title": f"{name} {title}", "summary": f"About {name}."}, admin, True
            )
            project.status = ProjectStatus.ACCEPTED
            projects.append(project)
        contest.phase, contest.live_tally = Phase.VOTING, live
        db.session.flush()
        contests[slug] = {"id": contest.id, "projects": [p.id for p in projects]}
    starts = clock.now() + dt.timedelta(hours=6)
    event = Event(
        cohort_id=cohort.id,
        title="City-wide info session",
        starts_at=starts,
        ends_at=starts + dt.timedelta(hours=1),
        timezone="UTC",
    )
    db.session.add(event)
    db.session.flush()
    for n in range(GUESTS):
        db.session.add(EventInvitation(event_id=event.id, email=f"guest{n}@scale.test", name=f"Guest {n}"))
    db.session.commit()
    return {"admin": ADMIN, "contests": contests, "event": event.id}
