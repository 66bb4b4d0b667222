"""The network's part of the demo (DOMAIN.md §7): the fellowship's and the academy's organisations list
needs and offers, two fellows opt in, and one entry has gone stale after its "is this still true?" email.

Called by ``fellowship.demo.load`` once the programs, people and organisations exist (the print and
cleaning co-ops come with the impact part). Entries are saved through ``services.save_entry``, each by a
member of its organisation where it has one, so the search text and the audit trail (who vouched for an
entry, whom its reminder goes to) are as in real use.

- The Bronzeville Bookkeepers Collective, a fellowship organisation that gives co-ops technical
  assistance in bookkeeping, works in English and Spanish: it offers bookkeeping in both, so a Spanish
  search for "contabilidad" finds it, and it is the first match of the Uptown care co-op's bookkeeping need
  (same city, same skill).
- The Garfield Park kitchen co-op offers its meeting room on Mondays; in Warsaw, Vistula Logistics offers
  a conference room that Mazovia Energy's network needs.
- Benicio Ruiz offers mentoring in Spanish; Amara Okafor (the fellow whose sign-in ``make run`` prints)
  needs a call about converting a business, which his offer matches.
- Calumet Urban Growers' tool library was last confirmed seven months before the load: its reminder went a
  month before the load, unanswered, so the entry has left search (it is archived six months later).
- Exchanges (seed 004's people exchange), two of them done in February 2024 and so counted in the
  fellowship's February draft report: Idris Bello of the Uptown care co-op asked the Bookkeepers Collective
  (which says it gives co-ops technical assistance) for its bookkeeping set-up, Julia Santos accepted, six
  hours, in kind; Amara Okafor asked Benicio Ruiz for his mentoring call, an hour and a half. One request is
  open: Mazovia Energy's Celina Wójcik asked Vistula Logistics for its conference room, and Agnieszka Nowak
  (Vistula's, whose sign-in ``make run`` prints) has it on her home page to answer.
- Mentoring: Benicio Ruiz, of the 2024 fellowship, mentors two people: Amara Okafor, who asked him in
  February 2024 (two meetings logged), and Agnieszka Nowak of the academy, whom its facilitator paired with
  him three weeks before the load (one meeting).
- A local group, the South Side co-op circle (seed 004's cell), championed by Dolores Whitfield: three
  fellows have joined, and its next meetup, in two weeks, is hosted by the first of them in turn.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context

from fellowship.accounts.models import Organization, User
from fellowship.core import clock, mail, notifications
from fellowship.core.notifications import Notification
from fellowship.extensions import db
from fellowship.network import freshness, notices, services
from fellowship.network.enums import Category, EntryKind, Payment
from fellowship.network.models import Entry, NetworkProfile
from fellowship.programs.enums import Role
from fellowship.programs.models import Membership

CHICAGO = "Chicago"
WARSAW = "Warszawa"
COLLECTIVE = "Bronzeville Bookkeepers Collective"
STALE_OWNER = "Calumet Urban Growers"

ENTRIES: list[tuple[str, EntryKind, Category, dict[str, Any]]] = [
    (
        COLLECTIVE,
        EntryKind.OFFER,
        Category.BUSINESS,
        {
            "title": "Bookkeeping and payroll set-up for co-ops",
            "description": "We keep the books of a dozen worker co-ops. We set up your chart of accounts, "
            "payroll and patronage records, and train two of your members to keep them.",
            "skills": ["bookkeeping", "accounting", "payroll"],
            "languages": ["en", "es"],
        },
    ),
    (
        COLLECTIVE,
        EntryKind.OFFER,
        Category.BUSINESS,
        {
            "title": "Contabilidad y teneduría de libros para cooperativas",
            "description": "Llevamos la contabilidad de cooperativas de trabajo y formamos a sus socias y "
            "socios para llevarla: plan de cuentas, nóminas, reparto de excedentes.\n\n"
            "Bookkeeping for worker co-ops, in Spanish or English.",
            "skills": ["bookkeeping", "accounting"],
            "languages": ["es", "en"],
        },
    ),
    (
        "Uptown Care Workers Cooperative",
        EntryKind.NEED,
        Category.BUSINESS,
        {
            "title": "Someone to keep our books",
            "description": "We are 14 home-care workers and our books are a shoebox of receipts. We need "
            "monthly bookkeeping and someone to show us how to read the figures.",
            "skills": ["bookkeeping"],
            "languages": ["en"],
        },
    ),
    (
        "Garfield Park Community Kitchen Co-op",
        EntryKind.OFFER,
        Category.SPACE,
        {
            "title": "Our meeting room on Mondays",
            "description": "Room for 20 people, a projector and coffee, free for co-ops on Mondays (the "
            "kitchen is closed). Step-free entrance.",
            "languages": ["en"],
        },
    ),
    (
        "Pilsen Print Co-op",
        EntryKind.NEED,
        Category.TECH,
        {
            "title": "A website rebuild",
            "description": "Our site is ten years old and cannot take orders. We can pay, or trade printing.",
            "skills": ["web", "design"],
            "languages": ["en", "es"],
        },
    ),
    (
        "Pilsen Print Co-op",
        EntryKind.OFFER,
        Category.IN_KIND,
        {
            "title": "Risograph printing for your flyers",
            "description": "Up to 500 two-colour flyers a month for co-ops and community groups.",
            "languages": ["en", "es"],
        },
    ),
    (
        "Sunrise Cleaning Co-op",
        EntryKind.NEED,
        Category.BUSINESS,
        {
            "title": "Help with our bylaws",
            "description": "We are writing our bylaws and want someone to check the membership and "
            "decision-making sections.",
            "skills": ["governance", "legal"],
            "languages": ["en"],
        },
    ),
    (
        "Midway Cooperative Law Clinic",
        EntryKind.OFFER,
        Category.BUSINESS,
        {
            "title": "Free review of co-op bylaws",
            "description": "Law students supervised by our attorneys review bylaws and membership "
            "agreements.",
            "skills": ["legal", "governance"],
            "languages": ["en"],
        },
    ),
    (
        "Institute for Workplace Democracy (demo)",
        EntryKind.OFFER,
        Category.BUSINESS,
        {
            "title": "Governance training for new co-ops",
            "description": "A half-day workshop on meetings, decision making and member roles.",
            "skills": ["governance", "facilitation"],
            "languages": ["en"],
        },
    ),
    (
        "Lakefront Credit Union Partners",
        EntryKind.OFFER,
        Category.BUSINESS,
        {
            "title": "Start-up loans for worker co-ops",
            "skills": ["finance"],
            "place": "Loop, Chicago",
            "languages": ["en"],
        },
    ),
    (
        STALE_OWNER,
        EntryKind.OFFER,
        Category.TOOLS,
        {
            "title": "Garden tools to lend",
            "description": "Wheelbarrows, spades and a rototiller, for co-ops' and neighbours' gardens.",
            "languages": ["en"],
        },
    ),
    (
        "Vistula Logistics",
        EntryKind.OFFER,
        Category.SPACE,
        {
            "title": "Sala konferencyjna w piątki",
            "description": "Sala na 40 osób z rzutnikiem, w piątki po 16:00, dla sieci pracowniczych.",
            "place": WARSAW,
            "languages": ["pl"],
        },
    ),
    (
        "Mazovia Energy",
        EntryKind.NEED,
        Category.SPACE,
        {
            "title": "Sala na warsztaty dla 30 osób",
            "description": "Nasza sieć pracownicza szuka sali na warsztat o współprojektowaniu.",
            "place": WARSAW,
            "languages": ["pl"],
        },
    ),
    (
        "Baltic Software House",
        EntryKind.OFFER,
        Category.TECH,
        {
            "title": "Pomoc przy stronie internetowej",
            "description": "Nasi programiści pomogą sieci lub spółdzielni postawić prostą stronę.",
            "skills": ["web", "software"],
            "place": WARSAW,
            "languages": ["pl", "en"],
        },
    ),
]
IN_PUBLIC_DIRECTORY = (
    COLLECTIVE,
    "Garfield Park Community Kitchen Co-op",
    "Midway Cooperative Law Clinic",
    "Institute for Workplace Democracy (demo)",
    "Vistula Logistics",
)
PEOPLE: list[tuple[str, EntryKind, dict[str, Any]]] = [
    (
        "Benicio Ruiz",
        EntryKind.OFFER,
        {
            "title": "Mentoría en español: de negocio a cooperativa",
            "description": "Acompañé la conversión de dos negocios en cooperativas de trabajo. Una llamada "
            "de una hora, en español o inglés.",
            "skills": ["conversion", "governance"],
            "place": CHICAGO,
            "languages": ["es", "en"],
        },
    ),
    (
        "Amara Okafor",
        EntryKind.NEED,
        {
            "title": "A call with someone who converted a business to a co-op",
            "description": "A bakery owner near us wants to sell to her workers; I would like to hear "
            "how others went about it.",
            "skills": ["conversion"],
            "place": CHICAGO,
            "languages": ["en"],
        },
    ),
]


def _organization(name: str) -> Organization:
    return db.session.execute(sa.select(Organization).where(Organization.name == name)).scalar_one()


def _member(organization: Organization) -> int | None:
    """Who saves the organisation's entries: its first member; none for the print and cleaning co-ops,
    which have no account (their entries are recorded without an actor, as if imported)."""
    return db.session.scalar(
        sa.select(User.id).where(User.organization_id == organization.id).order_by(User.id).limit(1)
    )


def _person(name: str) -> User:
    return db.session.execute(sa.select(User).where(User.name == name)).scalar_one()


def load() -> None:
    now = clock.now()
    for name in IN_PUBLIC_DIRECTORY:
        organization = _organization(name)
        db.session.add(
            NetworkProfile(
                organization_id=organization.id,
                in_public_directory=True,
                place=WARSAW if organization.city == WARSAW else CHICAGO,
                languages=["pl"]
                if organization.city == WARSAW
                else ["en", "es"]
                if name == COLLECTIVE
                else ["en"],
            )
        )
    stale = None
    for owner, kind, category, values in ENTRIES:
        organization = _organization(owner)
        entry = services.save_entry(
            Entry(organization_id=organization.id),
            _member(organization),
            kind=kind,
            category=category,
            **{"place": CHICAGO, **values},
        )
        if owner == STALE_OWNER:
            stale = entry
    for name, kind, values in PEOPLE:
        person = _person(name)
        services.save_entry(
            Entry(user_id=person.id),
            person.id,
            kind=kind,
            category=Category.MENTORING,
            published=True,
            **values,
        )
    assert stale is not None
    _stale(stale, now)
    db.session.get(NetworkProfile, _organization(COLLECTIVE).id).ta_provider = True
    _exchanges()
    _mentoring()
    _local_group()


EXCHANGES = [  # asker, offer title, who accepts, what was agreed, hours, day of February 2024 it was done
    (
        "Idris Bello",
        "Bookkeeping and payroll set-up for co-ops",
        "Julia Santos",
        "Set up the chart of accounts and payroll, and train two members to keep the books.",
        6.0,
        20,
    ),
    (
        "Amara Okafor",
        "Mentoría en español: de negocio a cooperativa",
        "Benicio Ruiz",
        "A call about how the two conversions went, and what the bakery's owner should ask first.",
        1.5,
        12,
    ),
]


def _exchanges() -> None:
    """The two done exchanges (dated in February 2024) and the open request (asked today)."""
    offers = {entry.title: entry for entry in db.session.scalars(sa.select(Entry))}
    for asker, title, helper, agreed, hours, day in EXCHANGES:
        asked = dt.datetime(2024, 2, day - 7, 16, tzinfo=dt.UTC)
        exchange = services.ask(offers[title], _person(asker), "Could you help us with this?")
        services.accept(
            exchange,
            _person(helper),
            agreed,
            "We meet twice; notes shared after each.",
            None,
            Payment.IN_KIND,
        )
        services.mark_done(exchange, _person(asker), None)
        services.mark_done(exchange, _person(helper), hours)
        done = dt.datetime(2024, 2, day, 18, tzinfo=dt.UTC)
        exchange.asked_at, exchange.answered_at = asked, asked + dt.timedelta(days=1)
        exchange.asker_done_at = exchange.helper_done_at = done
        exchange.completed_on = done.date()
        for kind in ("asked", "accepted", "confirm"):  # told back then: dispatch has nothing left to send
            notifications.claim(notices.EXCHANGE_SUBJECT, exchange.id, "", kind)
    services.ask(
        offers["Sala konferencyjna w piątki"],
        _person("Celina Wójcik"),
        "Czy możemy skorzystać z sali w piątek za dwa tygodnie? Warsztat dla 30 osób.",
    )
    db.session.flush()


def _stale(entry: Entry, now: dt.datetime) -> None:
    """Last confirmed seven months ago, reminded a month ago (when it fell due), no answer since."""
    months = freshness.confirm_months()
    entry.confirmed_at = freshness.months_before(now, months + freshness.GRACE_MONTHS)
    reminded_at = freshness.months_before(now, freshness.GRACE_MONTHS)
    db.session.flush()
    outbox_before = db.session.scalar(sa.select(sa.func.max(mail.OutboxMessage.id))) or 0
    context = (
        contextlib.nullcontext()
        if has_request_context()
        else current_app.test_request_context(base_url=current_app.config["FELLOWSHIP_BASE_URL"])
    )
    with context:
        sent = notices.remind_entry(entry, reminded_at, months)
    assert sent, "the stale entry's owner should have been reminded"
    # Sent when it fell due, a month ago: the notification and the email are dated then, the email sent.
    db.session.execute(
        sa.update(Notification)
        .where(Notification.subject_type == notices.SUBJECT_TYPE, Notification.subject_id == entry.id)
        .values(created_at=reminded_at)
    )
    db.session.execute(
        sa.update(mail.OutboxMessage)
        .where(mail.OutboxMessage.id > outbox_before, mail.OutboxMessage.kind == notices.MAIL_KIND)
        .values(
            created_at=reminded_at,
            next_attempt_at=reminded_at,
            status=mail.MailStatus.SENT,
            attempts=1,
            sent_at=reminded_at,
        )
    )
    db.session.flush()


def _fellow_cohort(user_id: int) -> int:
    return db.session.execute(
        sa.select(Membership.cohort_id).where(Membership.user_id == user_id, Membership.role == Role.FELLOW)
    ).scalar_one()


def _mentoring() -> None:
    """Two pairs with Benicio Ruiz as the mentor, their meetings logged by him, notes the pairs' own."""
    from fellowship.programs.models import Cohort

    mentor = _person("Benicio Ruiz")
    offer = db.session.scalar(
        sa.select(Entry).where(Entry.user_id == mentor.id, Entry.category == Category.MENTORING)
    )
    amara, agnieszka = _person("Amara Okafor"), _person("Agnieszka Nowak")
    fellowship = db.session.scalar(sa.select(Cohort).where(Cohort.name.like("Worker Cooperative%")))
    academy = db.session.scalar(sa.select(Cohort).where(Cohort.id == _fellow_cohort(agnieszka.id)))
    asked = services.ask_mentor(
        offer, amara, fellowship.id, "I would like to learn how your conversions went.", dt.date(2024, 2, 1)
    )
    services.answer_mentoring(asked, mentor, True)
    asked.created_at = dt.datetime(2024, 2, 1, 17, tzinfo=dt.UTC)
    asked.started_at = dt.datetime(2024, 2, 2, 15, tzinfo=dt.UTC)
    meetings = [
        (asked, dt.date(2024, 2, 9), 60, "We went through how the bakery's owner could value the business."),
        (asked, dt.date(2024, 3, 8), 45, "Next: a first meeting with the workers, before any numbers."),
    ]
    facilitator = db.session.scalar(
        sa.select(Membership.user_id).where(
            Membership.cohort_id == academy.id, Membership.role == Role.FACILITATOR
        )
    )
    today = clock.today()
    paired = services.pair(academy.id, mentor.id, agnieszka.id, facilitator, today)
    paired.created_at = paired.started_at = clock.now() - dt.timedelta(days=21)
    meetings.append((paired, today - dt.timedelta(days=14), 30, "How to win a sponsor for the network."))
    for made, day, minutes, notes in meetings:
        services.log_meeting(made, mentor, day, minutes, notes, day)  # logged on the day it was held
    for made, kinds in ((asked, ("asked", "answered")), (paired, ("paired",))):
        for kind in kinds:  # told back then: dispatch has nothing left to send
            notifications.claim(notices.PAIR_SUBJECT, made.id, "", kind)
    db.session.flush()


GROUP_MEMBERS = ("Idris Bello", "Julia Santos", "Kwame Asante")


def _local_group() -> None:
    """The South Side co-op circle and its meetup in two weeks (its members invited as for any event)."""
    from fellowship.events import services as events
    from fellowship.events.enums import EventKind

    today = clock.today("America/Chicago")
    champion = _person("Dolores Whitfield")
    cohort = services.create_group(
        "South Side co-op circle", "South Side, Chicago", "America/Chicago", champion, champion.id, today
    )
    for name in GROUP_MEMBERS:
        services.join_group(cohort, _person(name), today)
    starts = events.to_utc(
        dt.datetime.combine(today + dt.timedelta(days=14), dt.time(18, 30)), "America/Chicago"
    )
    events.create_event(
        cohort,
        events.EventFields(
            kind=EventKind.MEETUP,
            title="South Side co-op circle: spring meetup",
            description="Bring one question from your co-op; we share tools and contacts.",
            starts_at=starts,
            ends_at=starts + dt.timedelta(hours=2),
            timezone="America/Chicago",
            venue="Garfield Park Community Kitchen Co-op",
        ),
        champion.id,
    )
    db.session.flush()
