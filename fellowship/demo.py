"""Demo data following the demo calendar of the design notes: fictional people, real shape.

Loaded by ``flask fellowship demo`` (``make run`` calls it) only when the database has no program yet.
Later capabilities extend ``load`` with their own parts of the story.
"""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa

from fellowship.accounts import services as accounts
from fellowship.accounts.enums import OrganizationKind
from fellowship.accounts.models import Organization, User
from fellowship.core import clock
from fellowship.extensions import db
from fellowship.programs import services as programs
from fellowship.programs.enums import ProgramKind, Role
from fellowship.programs.models import Cohort, Program

DEMO_PASSWORD = "fellowship-demo"  # noqa: S105 - printed for the demo; real accounts use invitations
ADMIN_EMAIL = "admin@example.org"

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


def _email(name: str, domain: str = "example.org") -> str:
    ascii_name = name.lower().translate(str.maketrans("ąćęłńóśźżł", "acelnoszzl"))
    return ascii_name.replace(" ", ".").replace("'", "") + "@" + domain


def load() -> str | None:
    """Create the demo and return what to tell the person running it, or None if data already exists."""
    if db.session.scalar(sa.select(sa.func.count(Program.id))):
        return None
    admin = db.session.scalar(sa.select(User).where(User.email == ADMIN_EMAIL)) or accounts.create_user(
        ADMIN_EMAIL, "Alex Admin", password=DEMO_PASSWORD, is_admin=True
    )
    fellowship = _fellowship_cohort(admin)
    academy = _academy_cohort(admin)
    return "\n".join(
        [
            "Demo data loaded:",
            f"  {fellowship.program.name}: {fellowship.name}",
            f"  {academy.program.name}: {academy.name}",
            f"Sign in with any of these (password: {DEMO_PASSWORD}):",
            f"  admin        {ADMIN_EMAIL}",
            f"  facilitator  {_email(FACILITATORS[0][0])}",
            f"  fellow       {_email(FELLOWS[0][0])}",
            f"  participant  {_email(ERG_PARTICIPANTS[0], 'example.pl')}",
        ]
    )


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
        user = accounts.create_user(
            _email(name), name, password=DEMO_PASSWORD, organization=host, timezone="America/Chicago"
        )
        programs.add_member(cohort, user, Role.FACILITATOR, cohort.starts_on, admin.id)
    for index, (name, org_index) in enumerate(FELLOWS):
        user = accounts.create_user(
            _email(name),
            name,
            password=DEMO_PASSWORD,
            organization=orgs[org_index],
            timezone="America/Chicago",
        )
        # The last two fellows confirmed after the launch webinar (DOMAIN.md §1).
        joined = cohort.starts_on if index < 11 else dt.date(2024, 1, 29)
        programs.add_member(cohort, user, Role.FELLOW, joined, admin.id)
    observer = accounts.create_user(
        "funder.observer@example.org", "Priya Funder", password=DEMO_PASSWORD, timezone="America/Chicago"
    )
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
    facilitator = accounts.create_user(
        "zofia.facilitator@example.pl",
        "Zofia Maj",
        password=DEMO_PASSWORD,
        locale="pl",
        timezone="Europe/Warsaw",
    )
    programs.add_member(cohort, facilitator, Role.FACILITATOR, cohort.starts_on, admin.id)
    for index, name in enumerate(ERG_PARTICIPANTS):
        user = accounts.create_user(
            _email(name, "example.pl"),
            name,
            password=DEMO_PASSWORD,
            organization=companies[index % 6],
            locale="pl",
            timezone="Europe/Warsaw",
        )
        programs.add_member(cohort, user, Role.FELLOW, cohort.starts_on, admin.id)
    return cohort
