"""Reads of programs and cohorts, including what a given user may see."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from fellowship.accounts.models import AccountInvite, User
from fellowship.accounts.queries import pending_invite
from fellowship.core import clock
from fellowship.core.mail import MailStatus, OutboxMessage
from fellowship.core.permissions import is_admin
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort, Membership, Program


def current_membership_clause(today: dt.date) -> sa.ColumnElement[bool]:
    return sa.or_(Membership.left_on.is_(None), Membership.left_on > today)


def visible_cohorts(user: Any) -> sa.Select[tuple[Cohort]]:
    """Cohorts the user may open: all for admins, else those they currently belong to in any role."""
    stmt = sa.select(Cohort).join(Cohort.program).order_by(Cohort.starts_on.desc(), Cohort.id)
    if is_admin(user):
        return stmt
    if not getattr(user, "is_authenticated", False):
        return stmt.where(sa.false())
    mine = sa.select(Membership.cohort_id).where(
        Membership.user_id == user.id, current_membership_clause(clock.today())
    )
    return stmt.where(Cohort.id.in_(mine))


def visible_cohorts_with_role(user: Any) -> sa.Select[tuple[Cohort, Role | None]]:
    """:func:`visible_cohorts`, each with the person's current role there (None where an admin is no member),
    in one statement."""
    role = role_in(user.id, Cohort.id, clock.today()).limit(1).scalar_subquery()
    return visible_cohorts(user).add_columns(role).options(contains_eager(Cohort.program))


def facilitates(user_id: int) -> sa.Select[tuple[int]]:
    """A row when the person currently facilitates at least one cohort."""
    return (
        sa.select(Membership.id)
        .where(
            Membership.user_id == user_id,
            Membership.role == Role.FACILITATOR,
            current_membership_clause(clock.today()),
        )
        .limit(1)
    )


def facilitated_cohorts(user_id: int) -> sa.Select[tuple[Cohort]]:
    """The cohorts this person currently facilitates."""
    mine = sa.select(Membership.cohort_id).where(
        Membership.user_id == user_id,
        Membership.role == Role.FACILITATOR,
        current_membership_clause(clock.today()),
    )
    return sa.select(Cohort).where(Cohort.id.in_(mine)).order_by(Cohort.starts_on, Cohort.id)


def in_program(user_id: int, program_id: int, role: Role) -> sa.Select[tuple[int]]:
    """A row when the person currently has ``role`` in some cohort of the program."""
    return (
        sa.select(Membership.id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(
            Cohort.program_id == program_id,
            Membership.user_id == user_id,
            Membership.role == role,
            current_membership_clause(clock.today()),
        )
        .limit(1)
    )


def role_in(user_id: Any, cohort_id: Any, today: Any) -> sa.Select[tuple[Role]]:
    """The person's current role in the cohort; each argument is a value or a SQL expression (a bound
    parameter, a column of an outer query)."""
    return sa.select(Membership.role).where(
        Membership.user_id == user_id,
        Membership.cohort_id == cohort_id,
        current_membership_clause(today),
    )


def roster(cohort_id: int) -> sa.Select[tuple[Membership]]:
    """Every membership of the cohort with its user and organisation, in one query."""
    return (
        sa.select(Membership)
        .join(Membership.user)
        .outerjoin(User.organization)
        .options(contains_eager(Membership.user).contains_eager(User.organization))
        .where(Membership.cohort_id == cohort_id)
        .order_by(Membership.role, sa.func.lower(User.name), User.id)
    )


def programs_ordered() -> sa.Select[tuple[Program]]:
    return sa.select(Program).order_by(sa.func.lower(Program.name))


def programs_with_cohort_counts() -> sa.Select[tuple[Program, int, int]]:
    """Each program with its number of cohorts, and the number of programs in all (the same on every row,
    so a limited page of this still knows how many there are)."""
    cohorts = (
        sa.select(sa.func.count(Cohort.id))
        .where(Cohort.program_id == Program.id)
        .correlate(Program)
        .scalar_subquery()
    )
    return programs_ordered().add_columns(cohorts, sa.func.count().over())


def pending_invitations_by_cohort(now: dt.datetime) -> sa.Select[tuple[int, str, int, int]]:
    """(cohort id, cohort name, pending account invitations, cohorts with any) for every cohort that has
    invitations still waiting to be accepted, most first."""
    pending = sa.func.count(AccountInvite.id)
    return (
        sa.select(Cohort.id, Cohort.name, pending, sa.func.count().over())
        .join(AccountInvite, AccountInvite.cohort_id == Cohort.id)
        .where(pending_invite(now))
        .group_by(Cohort.id, Cohort.name)
        .order_by(pending.desc(), Cohort.name, Cohort.id)
    )


def site_counts(now: dt.datetime) -> sa.Select[tuple[int, int, int, int]]:
    """One row for the administrators' home block: undeliverable mail (given up on), pending account
    invitations, those of them tied to no cohort (sent from a person's page), and requests to erase an
    account that wait for an administrator."""
    failed = sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.status == MailStatus.FAILED)
    pending = sa.select(sa.func.count(AccountInvite.id)).where(pending_invite(now))
    erasures = sa.select(sa.func.count(User.id)).where(
        User.erasure_requested_at.is_not(None), User.erased_at.is_(None)
    )
    return sa.select(
        failed.scalar_subquery(),
        pending.scalar_subquery(),
        pending.where(AccountInvite.cohort_id.is_(None)).scalar_subquery(),
        erasures.scalar_subquery(),
    )


def membership(cohort_id: int, user_id: int) -> sa.Select[tuple[Membership]]:
    return sa.select(Membership).where(Membership.cohort_id == cohort_id, Membership.user_id == user_id)


def program_companions(user_id: int) -> sa.Select[tuple[int]]:
    """Everyone in a cohort of any program the person has a place in (any role, past or present)."""
    programs = (
        sa.select(Cohort.program_id)
        .join(Membership, Membership.cohort_id == Cohort.id)
        .where(Membership.user_id == user_id)
    )
    return (
        sa.select(Membership.user_id)
        .join(Cohort, Cohort.id == Membership.cohort_id)
        .where(Cohort.program_id.in_(programs))
    )
