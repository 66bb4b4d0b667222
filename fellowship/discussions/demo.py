"""The discussions' part of the demo (DOMAIN.md §7): announcements and threads in the fellowship cohort,
with English and Spanish replies and one reply a facilitator hid, and in the academy, in Polish.

Called by ``fellowship.demo.load`` once the cohorts, their events and modules exist, with the event and
module the threads hang off. Everything is written
through ``services`` at the moment it happened in the demo's calendar (the fellowship in 2024, the academy
relative to the load), and is marked as already emailed and digested, so loading the demo sends nobody a
flood of old news.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa

from fellowship.accounts.models import User
from fellowship.core import clock
from fellowship.core.models import UTCDateTime
from fellowship.discussions import services
from fellowship.discussions.enums import ThreadKind
from fellowship.discussions.models import Announcement, DigestMark, Reply, Thread
from fellowship.extensions import db
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership

Script = list[tuple[str, dt.timedelta, str, str | None]]
"""Replies in order: (author's name, time after the thread's start, text, name of the author quoted)."""

WELCOME = (
    "Welcome to the fellowship's discussions",
    "This is the cohort's space between sessions. Use it to:\n\n"
    "- ask questions about a module (each module's page has its own thread),\n"
    "- share a good practice from your organisation,\n"
    "- give a shout-out when something works.\n\n"
    "Write in English or Spanish, whichever is easier for you. Offers of services belong in the "
    "**co-op network**, not here.",
)
WELCOME_REPLIES: Script = [
    (
        "Benicio Ruiz",
        dt.timedelta(hours=3),
        "¡Gracias, Nadia! Escribiré en español cuando me sea más fácil.",
        None,
    ),
    (
        "Chen Wei",
        dt.timedelta(hours=5),
        "Is there a place to share templates? Our board asked for a sample member agreement.",
        None,
    ),
    (
        "Nadia Petrova",
        dt.timedelta(hours=7),
        "Yes: post it in this thread for now, and we will add the good ones to the module readings.",
        "Chen Wei",
    ),
    (
        "Marcus Reyes",
        dt.timedelta(days=1),
        "Selling two used laptops, cheap, message me if interested.",
        None,
    ),
]
HIDDEN = ("Marcus Reyes", "Off-topic here: please list offers in the co-op network.")

WORKSHOP = (
    "In-person workshop: what to bring",
    "The workshop runs from Thursday 9:00 to Saturday 13:00 at the community hall. Please bring your "
    "**cooperative development roadmap** worksheet (printed or on a laptop) and one story from your "
    "organisation for the ecosystem session.",
)
WORKSHOP_REPLIES: Script = [
    (
        "Julia Santos",
        dt.timedelta(hours=2),
        "¿Habrá interpretación al español el sábado? Dos compañeras de nuestra cooperativa quieren venir.",
        None,
    ),
    (
        "Omar Castillo",
        dt.timedelta(hours=4),
        "Sí, el sábado por la mañana habrá interpretación. ¡Las esperamos!",
        "Julia Santos",
    ),
]
CANVAS_THREAD: Script = [
    (
        "Amara Okafor",
        dt.timedelta(0),
        "For a conversion, do you put the retiring owner under *key partners* or under *customer "
        "relationships*? They will keep selling to their old clients for a year.",
        None,
    ),
    (
        "Gabriel Moreno",
        dt.timedelta(hours=6),
        "Nosotros lo pusimos en *socios clave*: durante la transición su red de clientes es un recurso "
        "que la cooperativa todavía no tiene.",
        "Amara Okafor",
    ),
    ("Amara Okafor", dt.timedelta(hours=9), "That makes sense, thank you Gabriel!", None),
]
LAUNCH_THREAD: Script = [
    (
        "Dolores Whitfield",
        dt.timedelta(hours=2),
        "Shout-out to the myths section: I used it with our board the same evening.",
        None,
    ),
]

ACADEMY_WELCOME = (
    "Wymiana dobrych praktyk po każdych warsztatach",
    "Po każdych warsztatach zapraszamy do dzielenia się tutaj dobrymi praktykami z waszych sieci: "
    "co zadziałało, co było trudne i kogo warto zapytać. Krótko i konkretnie!",
)
ACADEMY_REPLIES: Script = [
    (
        "Agnieszka Nowak",
        dt.timedelta(hours=5),
        "U nas zadziałało śniadanie z zarządem raz na kwartał: sponsor sam zaproponował kolejne spotkanie.",
        None,
    ),
    (
        "Bartosz Wiśniewski",
        dt.timedelta(days=1),
        "Świetny pomysł. Czy przygotowywaliście wcześniej krótką prezentację wyników?",
        "Agnieszka Nowak",
    ),
    (
        "Agnieszka Nowak",
        dt.timedelta(days=1, hours=3),
        "Tak, jedna strona: trzy liczby i jedna historia uczestnika.",
        "Bartosz Wiśniewski",
    ),
]


def _people(cohort: Cohort) -> dict[str, User]:
    users = db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort.id)
    )
    return {user.name: user for user in users}


def _staff(cohort: Cohort) -> User:
    return db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == cohort.id, Membership.role == Role.FACILITATOR)
        .order_by(User.id)
    ).first()  # type: ignore[return-value]


def _replies(thread: Thread, start: dt.datetime, script: Script, people: dict[str, User]) -> dict[str, Reply]:
    """Post ``script`` in ``thread``; returns each author's latest reply (for quoting and hiding)."""
    latest: dict[str, Reply] = {}
    for name, after, text, quoting in script:
        latest[name] = services.post_reply(
            thread, people[name].id, text, start + after, quote_of=latest.get(quoting) if quoting else None
        )
    return latest


def _announce(
    cohort: Cohort,
    author: User,
    at: dt.datetime,
    text: tuple[str, str],
    points: tuple[str, int] | None = None,
) -> tuple[Announcement, Thread]:
    announcement = services.post_announcement(cohort.id, author.id, text[0], text[1], at, points=points)
    thread = services.thread_of(cohort.id, ThreadKind.ANNOUNCEMENT, announcement.id)
    assert thread is not None
    return announcement, thread


def load(fellowship: Cohort, academy: Cohort, launch: Any, workshop: Any, canvas: Any | None) -> None:
    """``launch`` and ``workshop`` are the fellowship's launch webinar and in-person workshop, ``canvas``
    its business-model-canvas assignment (if the curriculum loaded): the orchestrator finds them, so this
    package imports neither events nor curriculum."""
    people = _people(fellowship)
    nadia = _staff(fellowship)
    start = dt.datetime(2024, 1, 19, 15, tzinfo=dt.UTC)  # the day after the launch webinar
    _announcement, thread = _announce(fellowship, nadia, start, WELCOME)
    posted = _replies(thread, start, WELCOME_REPLIES, people)
    name, reason = HIDDEN
    services.hide_reply(posted[name], nadia.id, reason, start + dt.timedelta(days=1, hours=1))

    at = workshop.starts_at - dt.timedelta(days=6)
    _announcement, thread = _announce(
        fellowship, nadia, at, WORKSHOP, points=(ThreadKind.EVENT.value, workshop.id)
    )
    _replies(thread, at, WORKSHOP_REPLIES, people)

    at = launch.ends_at
    _replies(services.open_thread(fellowship.id, ThreadKind.EVENT, launch.id, at), at, LAUNCH_THREAD, people)

    if canvas is not None:
        at = dt.datetime(2024, 2, 20, 16, tzinfo=dt.UTC)
        _replies(
            services.open_thread(fellowship.id, ThreadKind.MODULE, canvas.id, at), at, CANVAS_THREAD, people
        )

    academy_people = _people(academy)
    at = clock.now() - dt.timedelta(days=14)  # the day after the academy's last workshop
    _announcement, thread = _announce(academy, _staff(academy), at, ACADEMY_WELCOME)
    _replies(thread, at, ACADEMY_REPLIES, academy_people)

    now = clock.now()
    db.session.execute(sa.update(Announcement).values(emailed_at=now))
    members = sa.select(Membership.user_id).where(Membership.cohort_id.in_([fellowship.id, academy.id]))
    db.session.execute(
        sa.insert(DigestMark).from_select(
            ["user_id", "digested_through"],
            sa.select(members.distinct().subquery().c.user_id, sa.literal(now, UTCDateTime())),
        )
    )
    db.session.flush()
