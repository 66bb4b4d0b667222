"""Program, cohort and membership rules. Functions flush, never commit."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from flask_babel import lazy_gettext as _l

from fellowship.accounts import services as accounts
from fellowship.accounts.models import Organization, User
from fellowship.accounts.queries import organization_by_name, user_by_email
from fellowship.core import audit, signals
from fellowship.extensions import db
from fellowship.programs.enums import ProgramKind, Role
from fellowship.programs.models import Cohort, Membership, Program
from fellowship.programs.queries import membership
from fellowship.programs.roster import LineError, RosterLine


class ProgramError(ValueError):
    """A rule of the programs domain was broken; the message is shown to the user."""


def create_program(name: str, kind: ProgramKind, timezone: str, description: str = "") -> Program:
    program = Program(name=name.strip(), kind=kind, timezone=timezone, description=description)
    db.session.add(program)
    db.session.flush()
    return program


def create_cohort(program: Program, name: str, starts_on: dt.date, ends_on: dt.date, timezone: str) -> Cohort:
    check_dates(starts_on, ends_on)
    cohort = Cohort(
        program=program, name=name.strip(), starts_on=starts_on, ends_on=ends_on, timezone=timezone
    )
    db.session.add(cohort)
    db.session.flush()
    return cohort


def check_dates(starts_on: dt.date, ends_on: dt.date) -> None:
    if ends_on < starts_on:
        raise ProgramError(_l("The end date must not be before the start date."))


def add_member(
    cohort: Cohort, user: User, role: Role, joined_on: dt.date, actor_id: int | None
) -> Membership:
    existing = db.session.scalar(membership(cohort.id, user.id))
    if existing is not None:
        if existing.left_on is None:
            raise ProgramError(_l("%(name)s is already in this cohort.", name=user.name))
        # Someone who left and comes back keeps one row; the audit trail remembers the earlier stay.
        changes = audit.diff(existing, {"role": role, "left_on": None})
        existing.role, existing.left_on = role, None
        audit.record(actor_id, existing, "rejoined", changes)
        signals.member_added.send(cohort, membership=existing)
        return existing
    member = Membership(cohort=cohort, user=user, role=role, joined_on=joined_on)
    db.session.add(member)
    db.session.flush()
    audit.record(actor_id, member, "added", {"role": [None, role.value]})
    signals.member_added.send(cohort, membership=member)
    return member


def update_membership(
    member: Membership, role: Role, joined_on: dt.date, left_on: dt.date | None, actor_id: int | None
) -> None:
    if left_on is not None and left_on < joined_on:
        raise ProgramError(_l("The leaving date must not be before the joining date."))
    values = {"role": role, "joined_on": joined_on, "left_on": left_on}
    changes = audit.diff(member, values)
    if not changes:
        return
    for name, value in values.items():
        setattr(member, name, value)
    audit.record(actor_id, member, "updated", changes)


@dataclass
class ImportResult:
    added: list[Membership] = field(default_factory=list)
    skipped: list[RosterLine] = field(default_factory=list)
    new_users: int = 0
    new_organizations: int = 0


class RosterImportError(ProgramError):
    def __init__(self, errors: list[LineError]) -> None:
        super().__init__("roster has errors")
        self.errors = errors


def import_roster(
    cohort: Cohort, lines: list[RosterLine], joined_on: dt.date, actor_id: int | None
) -> ImportResult:
    """Add every line to the cohort, creating people and organisations as needed.

    People already in the cohort are skipped and reported, not treated as errors, so the same list can be
    pasted again after adding a few names. The caller commits only when this returns: an error raised here
    leaves nothing half-imported.
    """
    result = ImportResult()
    organizations: dict[str, Organization] = {}
    for line in lines:
        user = db.session.scalar(user_by_email(line.email))
        if user is None:
            org = None
            if line.organization:
                key = line.organization.lower()
                org = organizations.get(key) or db.session.scalar(organization_by_name(line.organization))
                if org is None:
                    org = accounts.create_organization(line.organization)
                    result.new_organizations += 1
                organizations[key] = org
            user = accounts.create_user(line.email, line.name, organization=org)
            result.new_users += 1
        existing = db.session.scalar(membership(cohort.id, user.id))
        if existing is not None and existing.left_on is None:
            result.skipped.append(line)
            continue
        result.added.append(add_member(cohort, user, line.role, joined_on, actor_id))
    return result
