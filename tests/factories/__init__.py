"""factory_boy factories for the domain models; they commit, as the HTTP requests under test run in their
own database sessions."""

from __future__ import annotations

import datetime as dt
import functools

import factory
from factory.alchemy import SQLAlchemyModelFactory
from werkzeug.security import generate_password_hash

from fellowship.accounts.enums import OrganizationKind
from fellowship.accounts.models import Organization, User
from fellowship.extensions import db
from fellowship.programs.enums import ProgramKind, Role
from fellowship.programs.models import Cohort, Membership, Program

PASSWORD = "correct horse battery staple"


@functools.cache
def password_hash() -> str:
    # Hashing is deliberately slow; every factory user shares one hash of PASSWORD.
    return generate_password_hash(PASSWORD)


class Base(SQLAlchemyModelFactory):
    class Meta:
        abstract = True
        sqlalchemy_session_factory = lambda: db.session  # noqa: E731
        sqlalchemy_session_persistence = "commit"


class OrganizationFactory(Base):
    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Organisation {n}")
    kind = OrganizationKind.COOP
    city = "Chicago"
    website = ""


class UserFactory(Base):
    class Meta:
        model = User

    email = factory.Sequence(lambda n: f"person{n}@example.org")
    name = factory.Sequence(lambda n: f"Person {n}")
    password_hash = factory.LazyFunction(password_hash)
    timezone = "UTC"
    organization = factory.SubFactory(OrganizationFactory)


class ProgramFactory(Base):
    class Meta:
        model = Program

    name = factory.Sequence(lambda n: f"Program {n}")
    kind = ProgramKind.COOP_FELLOWSHIP
    timezone = "America/Chicago"
    description = ""


class CohortFactory(Base):
    class Meta:
        model = Cohort

    program = factory.SubFactory(ProgramFactory)
    name = factory.Sequence(lambda n: f"Cohort {n}")
    starts_on = dt.date(2024, 1, 10)
    ends_on = dt.date(2024, 12, 15)
    timezone = "America/Chicago"


class MembershipFactory(Base):
    class Meta:
        model = Membership

    cohort = factory.SubFactory(CohortFactory)
    user = factory.SubFactory(UserFactory)
    role = Role.FELLOW
    joined_on = dt.date(2024, 1, 10)
