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
from fellowship.curriculum.models import CohortModule, Module
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


class ModuleFactory(Base):
    """A module's current version, as ``curriculum sync`` stores it; titles per language as given."""

    class Meta:
        model = Module

    slug = factory.Sequence(lambda n: f"module-{n}")
    version = 1
    content_hash = factory.LazyAttribute(lambda module: module.slug)
    program_kind = "coop_fellowship"
    published_on = dt.date(2024, 1, 15)
    title = factory.LazyAttribute(lambda module: {"en": module.slug.replace("-", " ").capitalize()})
    body = factory.LazyFunction(lambda: {"en": ""})
    fields = factory.LazyFunction(list)


class CohortModuleFactory(Base):
    """A cohort's assignment of a module (a new module unless ``slug`` names one)."""

    class Meta:
        model = CohortModule

    cohort = factory.SubFactory(CohortFactory)
    slug = factory.LazyFunction(lambda: ModuleFactory().slug)
    position = 0
