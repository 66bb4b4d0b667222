"""Demo data following the demo calendar of the design notes: fictional people, real shape.

Loaded by ``flask fellowship demo`` (``make run`` calls it) only when the database has no program yet.
Later capabilities extend ``load`` with their own parts of the story.
"""

from __future__ import annotations

import datetime as dt
import functools
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import current_app

from fellowship.accounts import services as accounts
from fellowship.accounts.enums import OrganizationKind
from fellowship.accounts.models import Organization, User
from fellowship.attendance import services as attendance
from fellowship.attendance.enums import Status
from fellowship.core import clock
from fellowship.credentials import demo as credentials_demo
from fellowship.curriculum import editing as curriculum_editing
from fellowship.curriculum import loader as curriculum_loader
from fellowship.curriculum import queries as curriculum_queries
from fellowship.curriculum import resources as curriculum_resources
from fellowship.curriculum import services as curriculum
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import CohortModule, Module, Worksheet
from fellowship.discussions import demo as discussions_demo
from fellowship.events import services as events
from fellowship.events.enums import EventKind
from fellowship.events.models import Event
from fellowship.extensions import db
from fellowship.groups import demo as groups_demo
from fellowship.network import demo as network_demo
from fellowship.programs import services as programs
from fellowship.programs.enums import ProgramKind, Role
from fellowship.programs.models import Cohort, Membership, Program

DEMO_PASSWORD = "fellowship-demo"  # noqa: S105 - printed for the demo; real accounts use invitations
ADMIN_EMAIL = "admin@example.org"
OBSERVER_EMAIL = "funder.observer@example.org"  # the funder


def _demo_user(email: str, name: str, **fields: Any) -> User:
    """A demo account whose password is DEMO_PASSWORD. The demo's three dozen accounts share one scrypt hash
    of that published password, made once per load: hashing it for each took more than half of the
    demo's loading time (and of every test that loads it)."""
    user = accounts.create_user(email, name, **fields)
    user.password_hash = _demo_password_hash()
    return user


@functools.cache
def _demo_password_hash() -> str:
    return accounts.hash_password(DEMO_PASSWORD)


FELLOWSHIP_ORGS = [
    ("Northside Cooperative Development Collaborative", OrganizationKind.DEVELOPER, "Logan Square"),
    ("Southside Solidarity Economy Network", OrganizationKind.CBO, "Englewood"),
    ("Westside Worker Ownership Project", OrganizationKind.DEVELOPER, "Austin"),
    ("Lakefront Credit Union Partners", OrganizationKind.OTHER, "Loop"),
    ("Prairie Street Commons", OrganizationKind.CBO, "Pilsen"),
    ("Riverbend Business Resource Center", OrganizationKind.OTHER, "Little Village"),
    ("Midway Cooperative Law Clinic", OrganizationKind.OTHER, "Hyde Park"),
    ("Garfield Park Community Kitchen Co-op", OrganizationKind.COOP, "East Garfield Park"),
    ("Uptown Care Workers Cooperative", OrganizationKind.COOP, "Uptown"),
    ("Bronzeville Bookkeepers Collective", OrganizationKind.COOP, "Bronzeville"),
    ("Calumet Urban Growers", OrganizationKind.CBO, "South Chicago"),
    ("Teachers' Union Community Fund", OrganizationKind.CBO, "Near West Side"),
]
FELLOWS = [
    ("Amara Okafor", 0),
    ("Benicio Ruiz", 1),
    ("Chen Wei", 2),
    ("Dolores Whitfield", 3),
    ("Emeka Nwosu", 4),
    ("Farah Haddad", 5),
    ("Gabriel Moreno", 6),
    ("Hana Kowalczyk", 7),
    ("Idris Bello", 8),
    ("Julia Santos", 9),
    ("Kwame Asante", 10),
    ("Lena Morales", 11),
    ("Marcus Reyes", 11),
]
FACILITATORS = [("Nadia Petrova", "nadia.petrova"), ("Omar Castillo", "omar.castillo")]

ERG_COMPANIES = [
    "Vistula Logistics",
    "Baltic Software House",
    "Mazovia Energy",
    "Odra Insurance",
    "Tatra Retail",
    "Warta Pharmaceuticals",
]
ERG_PARTICIPANTS = [
    "Agnieszka Nowak",
    "Bartosz Wiśniewski",
    "Celina Wójcik",
    "Dariusz Kamiński",
    "Ewa Lewandowska",
    "Filip Zieliński",
    "Grażyna Szymańska",
    "Henryk Dąbrowski",
    "Iwona Kozłowska",
    "Jakub Jankowski",
    "Katarzyna Mazur",
    "Łukasz Krawczyk",
    "Magdalena Piotrowska",
    "Norbert Grabowski",
    "Olga Pawlak",
]

# The founding track's circle: freelancers (no organisation) reading the track in Arabic, and one in English.
FOUNDERS = [("Layla Mansour", "ar"), ("Yusuf Darwish", "ar"), ("Samir Nassar", "ar"), ("Dina Aziz", "en")]
FOUNDING_FACILITATOR = ("Rana Khoury", "ar")


def _email(name: str, domain: str = "example.org") -> str:
    ascii_name = name.lower().translate(str.maketrans("ąćęłńóśźżł", "acelnoszzl"))
    return ascii_name.replace(" ", ".").replace("'", "") + "@" + domain


def load() -> str | None:
    """Create the demo and return what to tell the person running it, or None if data already exists."""
    if db.session.scalar(sa.select(sa.func.count(Program.id))):
        return None
    admin = db.session.scalar(sa.select(User).where(User.email == ADMIN_EMAIL)) or _demo_user(
        ADMIN_EMAIL, "Alex Admin", is_admin=True
    )
    fellowship = _fellowship_cohort(admin)
    academy = _academy_cohort(admin)
    founding = _founding_cohort(admin)
    _fellowship_events(fellowship)
    _academy_events(academy)
    _assign_modules(fellowship, academy)
    _curriculum_editor(fellowship)
    _founding_modules(founding)
    _worksheets(fellowship)
    _evaluations(fellowship)
    _academy_evaluation(academy)
    _contests(academy, fellowship, admin)
    _impact(fellowship)
    credentials_demo.load(admin, fellowship)
    network_demo.load()
    _discussions(fellowship, academy)
    funder = db.session.scalar(sa.select(User).where(User.email == OBSERVER_EMAIL))
    group = groups_demo.load(admin, _demo_user, funder)
    return "\n".join(
        [
            "Demo data loaded:",
            f"  {fellowship.program.name}: {fellowship.name}",
            f"  {academy.program.name}: {academy.name}",
            f"  {founding.program.name}: {founding.name}",
            f"  {group.program.name}: {group.name}",
            f"Sign in with any of these (password: {DEMO_PASSWORD}):",
            f"  admin        {ADMIN_EMAIL}",
            f"  facilitator  {_email(FACILITATORS[0][0])} (also edits the fellowship's modules)",
            f"  fellow       {_email(FELLOWS[0][0])}",
            f"  observer     {OBSERVER_EMAIL}",
            f"  participant  {_email(ERG_PARTICIPANTS[0], 'example.pl')}",
            f"  founder      {_email(FOUNDERS[0][0])} (Arabic)",
            f"  working group facilitator  {groups_demo.FACILITATOR[1]} (Hebrew)",
            f"  juror        {JUROR_EMAIL}",
        ]
    )


def _discussions(fellowship: Cohort, academy: Cohort) -> None:
    """The threads hang off the launch webinar, the workshop and the business model canvas."""

    def first(kind: EventKind) -> Event:
        statement = sa.select(Event).where(Event.cohort_id == fellowship.id, Event.kind == kind)
        return db.session.scalars(statement.order_by(Event.starts_at)).first()  # type: ignore[return-value]

    canvas = db.session.scalar(
        sa.select(CohortModule).where(
            CohortModule.cohort_id == fellowship.id, CohortModule.slug == "business-model-canvas"
        )
    )
    discussions_demo.load(fellowship, academy, first(EventKind.WEBINAR), first(EventKind.WORKSHOP), canvas)


def _fellowship_cohort(admin: User) -> Cohort:
    program = programs.create_program(
        "Worker Cooperative Developer Fellowship",
        ProgramKind.COOP_FELLOWSHIP,
        "America/Chicago",
        "A train-the-trainers program for staff of emerging **worker-cooperative developers**: webinars, "
        "office hours and a 2.5-day in-person workshop on the cooperative development roadmap, mission "
        "statements, impact metrics and the local ecosystem.",
    )
    cohort = programs.create_cohort(
        program,
        "Worker Cooperative Developer Fellowship 2024",
        dt.date(2024, 1, 10),
        dt.date(2024, 12, 15),
        "America/Chicago",
    )
    orgs: list[Organization] = [
        accounts.create_organization(name, kind, city) for name, kind, city in FELLOWSHIP_ORGS
    ]
    host = accounts.create_organization(
        "Institute for Workplace Democracy (demo)", OrganizationKind.OTHER, "Chicago"
    )
    for name, _handle in FACILITATORS:
        user = _demo_user(_email(name), name, organization=host, timezone="America/Chicago")
        programs.add_member(cohort, user, Role.FACILITATOR, cohort.starts_on, admin.id)
    for name, org_index in FELLOWS:
        user = _demo_user(
            _email(name),
            name,
            organization=orgs[org_index],
            timezone="America/Chicago",
        )
        programs.add_member(cohort, user, Role.FELLOW, cohort.starts_on, admin.id)
    observer = _demo_user(OBSERVER_EMAIL, "Priya Funder", timezone="America/Chicago")
    programs.add_member(cohort, observer, Role.OBSERVER, cohort.starts_on, admin.id)
    return cohort


def _academy_cohort(admin: User) -> Cohort:
    today = clock.today("Europe/Warsaw")
    program = programs.create_program(
        "ERG Grassroots Academy",
        ProgramKind.ERG_ACADEMY,
        "Europe/Warsaw",
        "Workshops for leaders of employee resource groups, each followed by a good-practice exchange, "
        "then the **Grassroot Excellence Awards**.",
    )
    cohort = programs.create_cohort(
        program,
        "Grassroots in Action Academy",
        today - dt.timedelta(days=91),
        today + dt.timedelta(days=61),
        "Europe/Warsaw",
    )
    companies = [
        accounts.create_organization(name, OrganizationKind.COMPANY, "Warszawa") for name in ERG_COMPANIES
    ]
    facilitator = _demo_user(
        "zofia.facilitator@example.pl",
        "Zofia Maj",
        locale="pl",
        timezone="Europe/Warsaw",
    )
    programs.add_member(cohort, facilitator, Role.FACILITATOR, cohort.starts_on, admin.id)
    for index, name in enumerate(ERG_PARTICIPANTS):
        user = _demo_user(
            _email(name, "example.pl"),
            name,
            organization=companies[index % 6],
            locale="pl",
            timezone="Europe/Warsaw",
        )
        programs.add_member(cohort, user, Role.FELLOW, cohort.starts_on, admin.id)
    return cohort


def _founding_cohort(admin: User) -> Cohort:
    """A circle of technology freelancers following "Starting a tech worker cooperative", four weeks in."""
    today = clock.today("Asia/Amman")
    program = programs.create_program(
        "Starting a Tech Worker Co-op",
        ProgramKind.TECH_COOP_FOUNDING,
        "Asia/Amman",
        "Twelve modules that take freelancers from finding partners to their first year of business as a "
        "worker cooperative, with the lessons of ten tech co-ops.",
    )
    cohort = programs.create_cohort(
        program,
        "Tech Co-op Founders' Circle",
        today - dt.timedelta(days=28),
        today + dt.timedelta(days=140),
        "Asia/Amman",
    )
    name, locale = FOUNDING_FACILITATOR
    facilitator = _demo_user(_email(name), name, locale=locale, timezone="Asia/Amman")
    programs.add_member(cohort, facilitator, Role.FACILITATOR, cohort.starts_on, admin.id)
    for name, locale in FOUNDERS:
        user = _demo_user(_email(name), name, locale=locale, timezone="Asia/Amman")
        programs.add_member(cohort, user, Role.FELLOW, cohort.starts_on, admin.id)
    return cohort


# --- events and attendance (DOMAIN.md §6) -------------------------------------------------------------------


def _local(cohort: Cohort, year: int, month: int, day: int, hour: int, minute: int = 0) -> dt.datetime:
    return events.to_utc(dt.datetime(year, month, day, hour, minute), cohort.timezone)


def _event(
    cohort: Cohort, kind: EventKind, title: str, starts: dt.datetime, ends: dt.datetime, **extra: Any
) -> Event:
    facilitator = _facilitator(cohort)
    fields = events.EventFields(
        kind=kind,
        title=title,
        description=extra.pop("description", ""),
        starts_at=starts,
        ends_at=ends,
        timezone=cohort.timezone,
        **extra,
    )
    return events.create_event(cohort, fields, facilitator.id)


def _members(cohort: Cohort, role: Role) -> list[User]:
    """The cohort's people in ``role``, in the order the demo created them."""
    return list(
        db.session.scalars(
            sa.select(User)
            .join(Membership, Membership.user_id == User.id)
            .where(Membership.cohort_id == cohort.id, Membership.role == role)
            .order_by(User.id)
        )
    )


def _facilitator(cohort: Cohort) -> User:
    return _members(cohort, Role.FACILITATOR)[0]


def _take_attendance(event: Event, absent: int = 0, excused: int = 0, guests_present: int = 0) -> None:
    """Everybody present but the last ``absent`` and ``excused`` fellows; guests: the first few present."""
    facilitator = _facilitator(event.cohort)
    grid = attendance.load_grid(event)
    fellows = [i for i in grid.invitations if grid.roles.get(i.id) is Role.FELLOW]
    excused_ids = {i.id for i in fellows[len(fellows) - excused :]} if excused else set()
    absent_ids = (
        {i.id for i in fellows[len(fellows) - excused - absent : len(fellows) - excused]} if absent else set()
    )
    guests = [i for i in grid.invitations if i.is_guest]
    present_guests = {i.id for i in guests[:guests_present]}
    cells = []
    for invitation in grid.invitations:
        for day in event.days():
            if invitation.id in excused_ids:
                status, note = Status.EXCUSED, "Apologies sent in advance"
            elif invitation.id in absent_ids or (invitation.is_guest and invitation.id not in present_guests):
                status, note = Status.ABSENT, ""
            elif grid.roles.get(invitation.id) is Role.OBSERVER:
                continue
            else:
                status, note = Status.PRESENT, ""
            cells.append(attendance.CellChange(invitation.id, day, status, note, None, ""))
    attendance.save_grid(event, cells, facilitator.id)


def _fellowship_events(cohort: Cohort) -> None:
    launch = _event(
        cohort,
        EventKind.WEBINAR,
        "Launch webinar: what worker cooperatives are",
        _local(cohort, 2024, 1, 18, 12),
        _local(cohort, 2024, 1, 18, 13, 30),
        description="Worker co-ops, common myths, and the roots of co-op development in community "
        "organising and the solidarity economy.",
        online_link="https://meet.example.org/launch",
    )
    _take_attendance(launch, excused=2)
    office = _event(
        cohort,
        EventKind.OFFICE_HOURS,
        "Office hours: impact-metrics templates",
        _local(cohort, 2024, 1, 25, 11),
        _local(cohort, 2024, 1, 25, 12),
        online_link="https://meet.example.org/office-hours",
    )
    events.add_guests(office, [(f"Grantee {n + 1}", f"grantee{n + 1}@example.net") for n in range(34)])
    _take_attendance(office, absent=5, guests_present=11)  # 13 fellows and 34 guests: 47 invited, 19 attended
    canvas = _event(
        cohort,
        EventKind.WEBINAR,
        "Webinar: business model canvases",
        _local(cohort, 2024, 2, 15, 12),
        _local(cohort, 2024, 2, 15, 13, 30),
        online_link="https://meet.example.org/canvas",
    )
    _take_attendance(canvas, absent=1)
    workshop = _event(
        cohort,
        EventKind.WORKSHOP,
        "In-person workshop: from roadmap to ecosystem",
        _local(cohort, 2024, 3, 14, 9),
        _local(cohort, 2024, 3, 16, 13),
        venue="Community hall, 1200 W Example Ave, Chicago",
        capacity=40,
    )
    events.apply_template(workshop, "fellowship_workshop")
    _take_attendance(workshop, absent=1)


ACADEMY_WORKSHOPS = [
    (-75, "Finding a sponsor inside the organisation"),
    (-45, "Building a business case for your network's project"),
    (-15, "Designing with target groups"),
    (0, "Building impact and sustainability"),  # under way as the demo loads: its check-in is open
    (35, "Measuring the effectiveness of social actions"),
]


def _academy_events(cohort: Cohort) -> None:
    """Monthly workshops 16:00–18:30 in Warsaw; the one of today began on the hour the demo was loaded, so
    its participants can check themselves in (check-in opens only around a day of the event)."""
    today = clock.today(cohort.timezone)
    now = clock.now()
    for offset, title in ACADEMY_WORKSHOPS:
        day = today + dt.timedelta(days=offset)
        starts = _local(cohort, day.year, day.month, day.day, 16)
        if offset == 0:
            starts = now.astimezone(ZoneInfo(cohort.timezone)).replace(minute=0, second=0, microsecond=0)
        event = _event(
            cohort,
            EventKind.WORKSHOP,
            title,
            starts,
            starts + dt.timedelta(hours=2, minutes=30),
            description="A workshop followed by a good-practice exchange session.",
            venue="Warszawa, ul. Przykładowa 1",
        )
        if offset < 0:
            _take_attendance(event, absent=2, excused=1)
        elif offset == 0:
            # Open until the workshop ends; arriving within the first 75 minutes counts as on time.
            minutes = int((event.ends_at - now).total_seconds() // 60)
            attendance.open_checkin(event, minutes, 75)


# --- curriculum ---------------------------------------------------------------------------------------------


def _assign_modules(fellowship: Cohort, academy: Cohort) -> None:
    """Give each cohort its program's modules, due a week after publication (the content folder is loaded
    first if `flask fellowship curriculum sync` has not run yet)."""
    if not db.session.scalar(sa.select(sa.func.count(Module.id))):
        result = curriculum_loader.read_all(curriculum_loader.curriculum_dir(current_app.config))
        if result.errors:
            return
        curriculum.sync(result.modules)
    for cohort in (fellowship, academy):
        modules = db.session.scalars(curriculum_queries.current_modules(cohort.program.kind.value)).all()
        due = {m.slug: max(m.published_on, cohort.starts_on) + dt.timedelta(days=7) for m in modules}
        curriculum.assign(cohort, [m.slug for m in modules], due)


def _founding_modules(cohort: Cohort) -> None:
    """The track's modules, one due every two weeks; the first founder has written why she wants a co-op
    and begun her list of partners, in Arabic (the drafts a facilitator will see)."""
    modules = db.session.scalars(curriculum_queries.current_modules(cohort.program.kind.value)).all()
    if not modules:
        return  # the content folder could not be read; the rest of the demo still stands
    due = {m.slug: cohort.starts_on + dt.timedelta(days=14 * m.position) for m in modules}
    curriculum.assign(cohort, [m.slug for m in modules], due)
    by_slug = {m.slug: m for m in modules}
    founder = db.session.scalar(sa.select(User).where(User.email == _email(FOUNDERS[0][0])))
    assert founder is not None
    drafts = {
        "tech-coop-why-a-cooperative": {
            "reasons": ["زملاء يغطّون عملائي حين أكون في إجازة", "مشاريع أكبر لا أقدر عليها وحدي"],
            "co_op_kind": "worker",
        },
        "tech-coop-finding-partners": {
            "where_to_look": ["مجموعة المستقلين في عمّان", "زملاء العمل السابقون"],
            "trial_project": "موقع لجمعية الحيّ مع يوسف وسمير قبل نهاية الشهر.",
        },
    }
    for slug, answers in drafts.items():
        if slug in by_slug:
            curriculum.save_worksheet(None, cohort, founder.id, by_slug[slug], answers, 0, False)


MISSION = {
    "who_we_are": "A home-care agency converting to worker ownership: 24 caregivers, "
    "most of them immigrant women.",
    "whom_we_serve": "Older people who want to stay at home on the South Side, and their families.",
    "what_we_do": "Home care with steady hours and fair pay, scheduled by the caregivers themselves.",
    "why_it_matters": "Turnover in home care hurts clients and workers; ownership keeps skilled carers.",
    "our_values": "Dignity, mutual aid, shared decisions.",
    "final_statement": "We are caregivers who own our agency, so that older neighbours get steady, "
    "dignified care at home from people who stay.",
}
IMPACT = {
    "indicators": [
        {
            "indicator": "Worker-owners",
            "city_metric": "Jobs created or retained",
            "unit": "people",
            "baseline": 0,
            "target": 18,
            "data_source": "Membership ledger",
            "frequency": "quarterly",
        },
        {
            "indicator": "Median hourly wage",
            "city_metric": "Wages above the living wage",
            "unit": "USD",
            "baseline": 15,
            "target": 19,
            "data_source": "Payroll",
            "frequency": "yearly",
        },
    ],
    "data_collection_plan": "",
}


def _curriculum_editor(cohort: Cohort) -> None:
    """The fellowship's first facilitator edits the fellowship's modules (an administrator's grant), has a
    draft in progress (a "Declined" contact status for the ecosystem assessment's partners), and has added
    a handout to the impact metrics module and a link to the cohort's library."""
    facilitator = _facilitator(cohort)
    admin = db.session.scalar(sa.select(User).where(User.email == ADMIN_EMAIL))
    curriculum.grant_editor(facilitator.id, cohort.program.kind.value, admin.id if admin else facilitator.id)
    module = db.session.scalar(
        sa.select(Module).where(Module.slug == "ecosystem-assessment", Module.current.is_(True))
    )
    if module is None:
        return
    draft = curriculum.start_draft(module, facilitator.id)
    declined = {"contact_status": (("Declined",), ())}
    changes = [
        curriculum_editing.FieldChange(
            field["name"],
            position,
            bool(field.get("required")),
            False,
            column_choices=declined if field["name"] == "partners" else {},
        )
        for position, field in enumerate(module.fields)
    ]
    data = curriculum_editing.restructure(draft.data, changes)
    curriculum.save_draft(draft, data, draft.edits, facilitator.id)
    # Resources: a handout on the impact metrics module, and a link in the cohort's library.
    curriculum_resources.add_file(
        curriculum_resources.Place(module_slug="impact-metrics"),
        "Indicator planning sheet",
        _one_page_pdf("Indicator planning sheet: indicator, city metric, unit, baseline, target, source."),
        "indicator-planning-sheet.pdf",
        facilitator.id,
        1024 * 1024,
    )
    curriculum_resources.add_link(
        curriculum_resources.Place(cohort_id=cohort.id),
        "Annotated sample bylaws for a worker co-op",
        "https://example.org/sample-bylaws",
        facilitator.id,
    )


def _one_page_pdf(line: str) -> bytes:
    """A one-page PDF showing ``line`` (ASCII), written out by hand so the demo ships no binary file."""
    text = line.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = f"BT /F1 12 Tf 56 780 Td ({text}) Tj ET".encode()
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 5 0 R >> >> "
        b"/Contents 4 0 R >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out, offsets = bytearray(b"%PDF-1.4\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    table = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    out += b"".join(f"{offset:010d} 00000 n \n".encode() for offset in offsets)
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{table}\n%%EOF\n".encode()
    return bytes(out)


def _worksheets(cohort: Cohort) -> None:
    """Several fellows at different points of the review cycle: drafts, a submission waiting for review, a
    resubmission after requested changes (with comments beside fields), and approvals."""
    fellows = [
        db.session.scalar(sa.select(User).where(User.email == _email(name))) for name, _org in FELLOWS[:7]
    ]
    modules = {
        m.slug: m for m in db.session.scalars(curriculum_queries.current_modules(cohort.program.kind.value))
    }
    if "mission-statement" not in modules or "impact-metrics" not in modules:
        return  # the content folder could not be read; the rest of the demo still stands
    reviewer = _facilitator(cohort)
    mission, impact = modules["mission-statement"], modules["impact-metrics"]

    def save(fellow: User | None, module: Module, answers: dict[str, object], submit: bool) -> Worksheet:
        assert fellow is not None
        sheet = db.session.scalar(
            sa.select(Worksheet).where(
                Worksheet.cohort_id == cohort.id,
                Worksheet.user_id == fellow.id,
                Worksheet.slug == module.slug,
            )
        )
        base = (sheet.revision_number, sheet.draft_version) if sheet else (0, 0)
        return curriculum.save_worksheet(sheet, cohort, fellow.id, module, answers, base[0], submit, base[1])

    # Approved on the first round.
    for fellow in fellows[:2]:
        curriculum.review_worksheet(
            save(fellow, mission, MISSION, submit=True),
            reviewer.id,
            WorksheetStatus.APPROVED,
            "Clear and short: ready for the website.",
        )
    # Changes requested, then resubmitted: waiting in the queue with the changed answers marked.
    first_try = {**MISSION, "whom_we_serve": "Everyone who needs care."}
    sheet = save(fellows[2], mission, first_try, submit=True)
    curriculum.review_worksheet(
        sheet,
        reviewer.id,
        WorksheetStatus.CHANGES_REQUESTED,
        "Good start. Narrow down **whom** you serve so the statement can guide decisions.",
        {"whom_we_serve": "Which neighbourhoods? Which clients come first when hours are short?"},
    )
    save(fellows[2], mission, MISSION, submit=True)
    # Submitted, waiting for a first review.
    save(fellows[3], mission, {**MISSION, "our_values": "Care, solidarity, transparency."}, submit=True)
    # Impact metrics: changes requested and not yet resubmitted.
    curriculum.review_worksheet(
        save(fellows[4], impact, IMPACT, submit=True),
        reviewer.id,
        WorksheetStatus.CHANGES_REQUESTED,
        "Add how and when you will collect the data.",
        {"data_collection_plan": "Who gathers the payroll figures, and when in the year?"},
    )
    # Drafts: one saved explicitly, one only autosaved while typing.
    save(fellows[5], mission, {"who_we_are": "A bakery owned by its nine bakers."}, submit=False)
    curriculum.autosave_worksheet(
        None,
        cohort,
        fellows[6].id,
        impact,
        {"indicators": IMPACT["indicators"][:1]},
        0,
        0,  # type: ignore[union-attr]
    )
    _date_worksheets(cohort, _local(cohort, 2024, 3, 20, 17))


def _date_worksheets(cohort: Cohort, last: dt.datetime) -> None:
    """Move the cohort's worksheet activity, written just now, into the cohort's own calendar: the latest
    of it to ``last`` (the week of the workshop, when mission statements were due), the rest keeping its
    order and spacing, so figures by month (the program dashboard) fall inside the cohort."""
    from fellowship.curriculum.models import Review, WorksheetRevision

    shift = last - clock.now()
    sheets = db.session.scalars(sa.select(Worksheet).where(Worksheet.cohort_id == cohort.id)).all()
    ids = [sheet.id for sheet in sheets]
    revisions = db.session.scalars(
        sa.select(WorksheetRevision).where(WorksheetRevision.worksheet_id.in_(ids))
    )
    reviews = db.session.scalars(sa.select(Review).where(Review.worksheet_id.in_(ids)))
    for row, names in (
        *((sheet, ("created_at", "updated_at", "submitted_at")) for sheet in sheets),
        *((revision, ("saved_at",)) for revision in revisions),
        *((review, ("created_at",)) for review in reviews),
    ):
        for name in names:
            if getattr(row, name) is not None:
                setattr(row, name, getattr(row, name) + shift)
    db.session.flush()


# --- evaluations --------------------------------------------------------------------------------------------

LAUNCH_TEXTS = {
    "worked": [
        "The myths section: I will reuse it with our board.",
        "Hearing how co-op development grew out of community organising.",
        "Short talks and real questions from the other fellows.",
    ],
    "improve": ["More time for questions.", "Share the slides before the session."],
    "next_topics": ["Financing conversions", "Business model canvas", "Bylaws and governance"],
}
CANVAS_TEXTS = {
    "worked": ["Filling the canvas for a real bakery co-op.", "The breakout rooms."],
    "improve": ["The canvas template was hard to read on a phone."],
    "next_topics": ["Pricing and cost structure", "Impact metrics for funders"],
}


def _evaluations(cohort: Cohort) -> None:
    """The launch webinar (named, split by organisation) and the canvas webinar (anonymous) each have the
    default evaluation with answers from their attendees, as their summaries for the funder. The anonymous
    answers are released at once (the evaluation has closed), so the summary shows them."""
    from fellowship.evaluations import defaults
    from fellowship.evaluations import queries as evaluation_queries
    from fellowship.evaluations import services as evaluations

    staff = _facilitator(cohort)
    plan = [
        (
            "Launch webinar: what worker cooperatives are",
            False,
            LAUNCH_TEXTS,
            [5, 4, 5, 4, 5, 3, 4, 5, 4, 5, 4],
        ),
        ("Webinar: business model canvases", True, CANVAS_TEXTS, [4, 4, 5, 3, 4, 4, 5, 2, 4, 5, 4, 4]),
    ]
    for title, anonymous, texts, ratings in plan:
        event = db.session.scalar(sa.select(Event).where(Event.cohort_id == cohort.id, Event.title == title))
        if event is None:
            continue
        survey = evaluations.attach(
            event,
            str(defaults.TITLE),
            defaults.questions(),
            anonymous,
            event.ends_at + dt.timedelta(days=14),
            staff.id,
        )
        keys = {q.key: q.id for q in survey.questions}
        attendees = db.session.scalars(evaluation_queries.attendees(event.id)).all()
        for n, invitation in enumerate(attendees[: len(ratings)]):
            rating = ratings[n]
            values: dict[int, object] = {
                keys["overall"]: rating,
                keys["content"]: max(1, rating - (n % 2)),
                keys["facilitation"]: min(5, rating + (n % 3 == 0)),
                keys["recommend"]: min(10, rating * 2 - (n % 3)),
            }
            for key, answers in texts.items():
                if n < len(answers):
                    values[keys[key]] = answers[n]
            evaluations.record(survey, invitation, values, event.ends_at + dt.timedelta(hours=n + 1))
        if anonymous:  # closed by now: the answers are released as one shuffled batch, as dispatch would
            evaluations.release(
                survey, clock.now(), int(current_app.config["FELLOWSHIP_EVALUATION_MIN_GROUP"])
            )


def _academy_evaluation(cohort: Cohort) -> None:
    """The academy's last workshop (two weeks ago) has the default evaluation, open ten more days, with
    answers from a few participants; the first participant (the demo's sign-in) has not answered yet. The
    evaluation library keeps the default questions as a template facilitators reuse."""
    from fellowship.evaluations import defaults
    from fellowship.evaluations import queries as evaluation_queries
    from fellowship.evaluations import services as evaluations

    staff = _facilitator(cohort)
    evaluations.save_template(None, str(defaults.TITLE), defaults.questions(), staff.id)
    event = db.session.scalar(
        sa.select(Event).where(Event.cohort_id == cohort.id, Event.title == ACADEMY_WORKSHOPS[2][1])
    )
    assert event is not None
    survey = evaluations.attach(
        event, str(defaults.TITLE), defaults.questions(), False, clock.now() + dt.timedelta(days=10), staff.id
    )
    keys = {q.key: q.id for q in survey.questions}
    first = _email(ERG_PARTICIPANTS[0], "example.pl")
    answering = [
        invitation
        for invitation in db.session.scalars(evaluation_queries.attendees(event.id))
        if invitation.email != first and invitation.user_id != staff.id
    ][:6]
    for n, invitation in enumerate(answering):
        rating = (5, 4, 4, 5, 3, 4)[n]
        values: dict[int, object] = {
            keys["overall"]: rating,
            keys["content"]: rating,
            keys["facilitation"]: max(1, rating - n % 2),
            keys["recommend"]: rating * 2,
        }
        evaluations.record(survey, invitation, values, event.ends_at + dt.timedelta(hours=n + 1))


# --- awards contest -----------------------------------------------------------------------------------------

ERG_PROJECTS = [
    ("Mentoring circles for new parents", "Returning parents paired with colleagues who did it before."),
    ("Sign language at the front desk", "Basic Polish Sign Language for every reception team."),
    ("Open recruitment days", "Hiring days with assistants for candidates with disabilities."),
    ("Seniors teach the juniors", "Experienced staff run monthly masterclasses across generations."),
    ("Quiet rooms in every office", "Low-stimulus rooms designed with neurodivergent colleagues."),
    ("Language buddies", "Colleagues from Ukraine and Poland practise languages in pairs."),
    ("Pride allies network", "Trained allies and a clear route for reporting discrimination."),
    ("Caregivers' flexible hours", "A rota that lets carers of relatives plan their week."),
    ("Accessible intranet sprint", "Employees with visual impairments tested and fixed the intranet."),
    ("Women in engineering talks", "Talks by women engineers in partner schools."),
    ("Fair feedback training", "Managers learn to give feedback free of bias."),
    ("Community volunteering days", "Teams volunteer with local organisations twice a year."),
]


def _contests(academy: Cohort, fellowship: Cohort, admin: User) -> None:
    """The ERG academy's Grassroot Excellence Awards, voting open around today (12 projects, three jurors
    with submitted scores, a few hundred confirmed votes); the fellowship's contest in judging."""
    from fellowship.awards import services as awards
    from fellowship.awards import voting
    from fellowship.awards.enums import Phase, ProjectStatus

    contest = awards.create_contest(
        academy.program,
        "Grassroot Excellence Awards",
        "grassroot-excellence-awards",
        "Projects of employee networks that make workplaces more inclusive. The **committee** gives the main "
        "award, the public chooses the **audience award**, and the organisers give a **special award**.",
        admin.id,
    )
    awards.save_criteria(
        contest,
        [
            {"name": "Impact on people", "weight": 3.0, "max_points": 10},
            {"name": "Sustainability", "weight": 2.0, "max_points": 10},
            {"name": "Can others copy it?", "weight": 1.0, "max_points": 5},
        ],
    )
    participants = _members(academy, Role.FELLOW)
    projects = []
    for index, (title, summary) in enumerate(ERG_PROJECTS):
        author = participants[index % len(participants)]
        contest.phase = Phase.SUBMISSIONS
        project = awards.save_project(
            contest,
            None,
            {
                "title": title,
                "summary": summary,
                "team": author.name,
                "organization_id": author.organization_id,
                "problem": "People were left out of everyday work life.",
                "beneficiaries": "Colleagues and candidates who were left out.",
                "results": f"{12 + index * 3} colleagues took part in the first months.",
            },
            author,
            as_admin=True,
        )
        project.submitted_by_id = author.id
        project.status = ProjectStatus.ACCEPTED
        projects.append(project)
    contest.phase = Phase.JUDGING
    jurors = [
        _demo_user(_email(name, "example.pl"), name, locale="pl")
        for name in ("Ewa Sędzia", "Marek Jurorski", "Hanna Komisja")
    ]
    for juror_index, juror in enumerate(jurors):
        assignment = awards.assign_juror(contest, juror, admin.id)
        excluded = awards.conflicted(juror.id, contest.id)
        for index, project in enumerate(projects):
            if project.id in excluded:
                continue
            values = {
                c.id: ((index * 7 + juror_index * 3 + n) % (c.max_points + 1), "")
                for n, c in enumerate(contest.criteria)
            }
            awards.save_scores(assignment, project, values, contest.criteria)
        assignment.submitted_at = clock.now()
    today = clock.now()
    contest.phase = Phase.VOTING
    contest.voting_opens_at = today - dt.timedelta(days=3)
    contest.voting_closes_at = today + dt.timedelta(days=4)
    secret = current_app.config["FELLOWSHIP_VOTER_KEY_SECRET"]
    popularity = [9, 3, 6, 12, 5, 4, 8, 2, 7, 3, 5, 4]  # relative weights: a few favourites
    order = [p for p, weight in zip(projects, popularity, strict=True) for _ in range(weight)]
    for n in range(320):
        project = order[(n * 37) % len(order)]
        token = voting.request_vote(contest, project, secret, f"voter{n}@example.net", 24)
        voting.confirm(token, contest, network=f"demo{n % 40}")
    _cooperative_prize(fellowship, admin)
    _seed_grants(fellowship, admin)


COOP_PROJECTS = [
    ("Home care aides buy their agency", "Twenty home care aides prepare to buy the agency they work for."),
    ("A shared kitchen for food co-ops", "Three food businesses share a licensed kitchen they own together."),
    ("Bookkeeping for new cooperatives", "A member-owned bookkeeping service priced for start-up co-ops."),
    ("Neighbourhood childcare cooperative", "Parents and childcare workers run a day care together."),
    ("Solar installers' cooperative", "Trainees from a solar program start a worker-owned installer."),
]
JUROR_EMAIL = "juror@example.org"


def _cooperative_prize(fellowship: Cohort, admin: User) -> None:
    """The fellowship's Cooperative Development Prize in judging: five accepted projects of fellows, three
    jurors, two of whom submitted their scores; the third (JUROR_EMAIL) has scored nothing yet. Judging
    closes four days after the demo is loaded."""
    from fellowship.awards import services as awards
    from fellowship.awards.enums import Phase, ProjectStatus

    now = clock.now()
    contest = awards.create_contest(
        fellowship.program,
        "Cooperative Development Prize",
        "cooperative-development-prize",
        "For fellows' projects that start or convert a **worker cooperative**.",
        admin.id,
    )
    awards.save_criteria(
        contest,
        [
            {"name": "Worker ownership and control", "weight": 3.0, "max_points": 10},
            {"name": "Business viability", "weight": 2.0, "max_points": 10},
            {"name": "Benefit to the neighbourhood", "weight": 1.0, "max_points": 5},
        ],
    )
    contest.phase = Phase.SUBMISSIONS
    fellows = _members(fellowship, Role.FELLOW)
    projects = []
    for index, (title, summary) in enumerate(COOP_PROJECTS):
        author = fellows[index]
        values = {"title": title, "summary": summary, "team": author.name}
        project = awards.save_project(
            contest, None, {**values, "organization_id": author.organization_id}, author, as_admin=True
        )
        project.status = ProjectStatus.ACCEPTED
        projects.append(project)
    contest.submissions_close_at = now - dt.timedelta(days=3)
    contest.judging_closes_at = now + dt.timedelta(days=4)
    contest.phase = Phase.JUDGING
    jurors = [
        _demo_user("rosa.delgado@example.org", "Rosa Delgado", timezone="America/Chicago"),
        _demo_user("theo.lindqvist@example.org", "Theo Lindqvist", timezone="America/Chicago"),
        _demo_user(JUROR_EMAIL, "Jordan Reyes-Juror", timezone="America/Chicago"),
    ]
    for juror_index, juror in enumerate(jurors):
        assignment = awards.assign_juror(contest, juror, admin.id)
        if juror.email == JUROR_EMAIL:
            continue  # has not started: their home page shows every project left to score
        for index, project in enumerate(projects):
            values = {
                c.id: ((index * 5 + juror_index * 2 + n + 3) % (c.max_points + 1), "")
                for n, c in enumerate(contest.criteria)
            }
            awards.save_scores(assignment, project, values, contest.criteria)
        assignment.submitted_at = now
    db.session.flush()


def _seed_grants(fellowship: Cohort, admin: User) -> None:
    """A small contest of the fellowship taking submissions for three more weeks, so a fellow's home page
    shows an open contest: the first fellow (the demo's sign-in) has entered one project and may add more."""
    from fellowship.awards import services as awards
    from fellowship.awards.enums import Phase

    contest = awards.create_contest(
        fellowship.program,
        "Solidarity Economy Seed Grants",
        "solidarity-economy-seed-grants",
        "Small grants for a first step towards a **worker cooperative**: a feasibility study, bylaws, a "
        "members' training.",
        admin.id,
    )
    awards.save_criteria(contest, [{"name": "A clear first step", "weight": 1.0, "max_points": 10}])
    contest.phase = Phase.SUBMISSIONS
    contest.submissions_close_at = clock.now() + dt.timedelta(days=21)
    first = db.session.scalar(sa.select(User).where(User.email == _email(FELLOWS[0][0])))
    assert first is not None
    awards.save_project(
        contest,
        None,
        {
            "title": "Feasibility study for a home care co-op",
            "summary": "Home care aides study whether they can run their own agency.",
            "team": first.name,
            "organization_id": first.organization_id,
        },
        first,
        as_admin=False,
    )
    db.session.flush()


# --- impact (DOMAIN.md §6: technical assistance in January 2024) ------------------------------------------

DEMO_AREAS = [
    "Englewood",
    "Englewood",
    "Englewood",
    "Logan Square",
    "Logan Square",
    "Austin",
    "Lower West Side",
]


def _impact(fellowship: Cohort) -> None:
    """January 2024's technical assistance (12 one-on-one sessions: 1 hour to pre-development co-ops, 5 to
    existing co-ops at three other organisations; the 2 group workshops, 1 hour each, are the group
    education), some fellows' demographics, the January report submitted by a facilitator (its figures
    frozen), and February's opened as a draft."""
    from fellowship.impact import services as impact
    from fellowship.impact.enums import AssistanceKind, Stage

    program = fellowship.program
    nadia, omar = (
        db.session.scalar(sa.select(User).where(User.email == _email(name))) for name, _handle in FACILITATORS
    )
    assert nadia is not None and omar is not None
    others = [
        accounts.create_organization(name, OrganizationKind.COOP, "Chicago")
        for name in ("Sunrise Cleaning Co-op", "Riverside Bakers Co-op", "Pilsen Print Co-op")
    ]
    fellow_org = db.session.scalar(sa.select(Organization).where(Organization.name == FELLOWSHIP_ORGS[0][0]))

    def log(
        day: int,
        who: User,
        org: Organization | None,
        kind: AssistanceKind,
        stage: Stage,
        hours: float,
        help_type: str,
    ) -> None:
        impact.save_log(
            None,
            program,
            who.id,
            {
                "given_on": dt.date(2024, 1, day),
                "organization_id": org.id if org else None,
                "kind": kind,
                "stage": stage,
                "hours": hours,
                "people": 2 if kind is AssistanceKind.ONE_ON_ONE else 13,
                "help_type": help_type,
                "notes": "",
            },
        )

    for n, day in enumerate((11, 23)):
        log(
            day,
            (nadia, omar)[n],
            fellow_org,
            AssistanceKind.ONE_ON_ONE,
            Stage.PRE_DEVELOPMENT,
            0.5,
            "Feasibility study",
        )
    for n in range(10):
        log(
            12 + n,
            (nadia, omar)[n % 2],
            others[n % 3],
            AssistanceKind.ONE_ON_ONE,
            Stage.EXISTING_COOP,
            0.5,
            ("Bylaws review", "Impact metrics", "Governance")[n % 3],
        )
    log(18, nadia, None, AssistanceKind.GROUP_WORKSHOP, Stage.DEVELOPER, 1.0, "Launch webinar")
    log(
        25,
        omar,
        None,
        AssistanceKind.GROUP_WORKSHOP,
        Stage.DEVELOPER,
        1.0,
        "Office hours: impact-metrics templates",
    )
    # Support outside worker co-ops, conversions and developers is the form's "additional" tab: three
    # business-service organisations met about the Community Wealth Building initiative, 5 hours in all.
    business = [
        accounts.create_organization(name, OrganizationKind.OTHER, "Chicago")
        for name in ("Southside Business Development Center", "Lakeview Chamber of Commerce", "Westside CDC")
    ]
    for day, org, hours in ((9, business[0], 2.0), (16, business[1], 1.5), (30, business[2], 1.5)):
        log(day, nadia, org, AssistanceKind.ONE_ON_ONE, Stage.OTHER, hours, "Worker ownership introduction")
    fellows = _members(fellowship, Role.FELLOW)
    genders = ["female", "male", "female", "non_binary", "female", "male", "prefer_not"]
    ages = ["25-34", "35-49", "25-34", "18-24", "50-64", "35-49", "25-34"]
    races = [["black"], ["latino"], ["black"], ["white"], ["black", "other"], ["latino"], ["asian"]]
    for n, fellow in enumerate(fellows[: len(DEMO_AREAS)]):
        impact.save_demographics(
            fellow.id,
            {"community_area": DEMO_AREAS[n], "races": races[n], "gender": genders[n], "age_range": ages[n]},
        )
    from fellowship.impact import completion

    completion.save_rule(fellowship, 75, ["mission-statement"])
    for standing in completion.standings(fellowship):
        if standing.complete:  # the two fellows whose mission statement is approved
            completion.issue(fellowship, standing)
    period = impact.open_period(program, "January 2024", dt.date(2024, 1, 1), dt.date(2024, 1, 31), None)
    impact.save_narratives(
        period,
        {
            "goals": "All 13 fellows joined; the launch webinar and the office-hours call took place.",
            "partnerships": "Yes: a first meeting with a local CDFI about conversion loans.",
            "needs": "Templates for collecting impact data.",
            "marketing": "Email",
        },
    )
    impact.submit(period, nadia.id)
    february = impact.open_period(
        program, "February 2024", dt.date(2024, 2, 1), dt.date(2024, 2, 29), nadia.id
    )
    impact.save_narratives(
        february, {"goals": "Office hours on bylaws; fellows started their mission statements."}
    )
