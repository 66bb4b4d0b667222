from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.accounts.models import User
from fellowship.credentials.models import Credential, ModuleBadgeCohort
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Review, Worksheet
from fellowship.impact.models import Certificate
from fellowship.programs import queries as programs_queries
from fellowship.programs.models import Cohort, Program


def role_and_choice(user_id: int | None, cohort_id: int, today: Any) -> sa.Select[tuple[Any, bool]]:
    """In one statement: the person's current role in the cohort (None for ``user_id`` None, an
    administrator's call) and whether the cohort chose module badges."""
    role: Any = sa.null()
    if user_id is not None:
        role = programs_queries.role_in(user_id, cohort_id, today).limit(1).scalar_subquery()
    chosen = sa.exists().where(ModuleBadgeCohort.cohort_id == cohort_id)
    return sa.select(role, chosen)


def for_certificate(certificate_id: int) -> sa.Select[tuple[Credential]]:
    return sa.select(Credential).where(Credential.certificate_id == certificate_id)


def for_worksheet(worksheet_id: int) -> sa.Select[tuple[Credential]]:
    return sa.select(Credential).where(Credential.worksheet_id == worksheet_id)


def used_indexes(status_list: int) -> sa.Select[tuple[int]]:
    return sa.select(Credential.status_index).where(Credential.status_list == status_list)


def revoked_indexes(status_list: int) -> sa.Select[tuple[int]]:
    return sa.select(Credential.status_index).where(
        Credential.status_list == status_list, Credential.revoked_at.is_not(None)
    )


def certificates_without_credential() -> sa.Select[tuple[Certificate]]:
    return (
        sa.select(Certificate)
        .outerjoin(Credential, Credential.certificate_id == Certificate.id)
        .where(Credential.id.is_(None), Certificate.withdrawn_at.is_(None))
        .order_by(Certificate.id)
    )


def worksheets_without_badge() -> sa.Select[tuple[Worksheet]]:
    """Approved worksheets in cohorts that chose module badges, still without theirs."""
    return (
        sa.select(Worksheet)
        .join(ModuleBadgeCohort, ModuleBadgeCohort.cohort_id == Worksheet.cohort_id)
        .outerjoin(Credential, Credential.worksheet_id == Worksheet.id)
        .where(Credential.id.is_(None), Worksheet.status == WorksheetStatus.APPROVED)
        .order_by(Worksheet.id)
    )


def badge_facts(worksheet_id: int) -> sa.Select[tuple[Any, ...]]:
    """What a worksheet's badge says besides the module: (cohort, program name, holder's name, when it was
    approved), or no row when its cohort does not issue module badges."""
    approved_at = (
        sa.select(sa.func.max(Review.created_at))
        .where(Review.worksheet_id == Worksheet.id, Review.decision == WorksheetStatus.APPROVED)
        .scalar_subquery()
    )
    return (
        sa.select(Cohort, Program.name, User.name, approved_at)
        .select_from(Worksheet)
        .join(Cohort, Cohort.id == Worksheet.cohort_id)
        .join(Program, Program.id == Cohort.program_id)
        .join(User, User.id == Worksheet.user_id)
        .join(ModuleBadgeCohort, ModuleBadgeCohort.cohort_id == Cohort.id)
        .where(Worksheet.id == worksheet_id)
    )


def module_badges(cohort_id: int, slug: str) -> sa.Select[tuple[Credential, str]]:
    """A module's badges in a cohort with their holders' names (for an administrator's list)."""
    return (
        sa.select(Credential, User.name)
        .join(Worksheet, Worksheet.id == Credential.worksheet_id)
        .join(User, User.id == Worksheet.user_id)
        .where(Worksheet.cohort_id == cohort_id, Worksheet.slug == slug)
        .order_by(User.name, Credential.id)
    )


def badge_of(cohort_id: int, slug: str, user_id: int) -> sa.Select[tuple[Worksheet, Credential | None]]:
    """The person's worksheet on a cohort's module, with its badge when issued."""
    return (
        sa.select(Worksheet, Credential)
        .outerjoin(Credential, Credential.worksheet_id == Worksheet.id)
        .where(Worksheet.cohort_id == cohort_id, Worksheet.slug == slug, Worksheet.user_id == user_id)
    )


def badge_with_holder(credential_uuid: str) -> sa.Select[tuple[Any, ...]]:
    """A module badge by its id, its holder's name and its worksheet (None if the worksheet is gone)."""
    return (
        sa.select(Credential, User.name, Worksheet)
        .outerjoin(User, User.id == Credential.user_id)
        .outerjoin(Worksheet, Worksheet.id == Credential.worksheet_id)
        .where(Credential.uuid == credential_uuid, Credential.certificate_id.is_(None))
    )


def of_user(user_id: int) -> sa.Select[tuple[Credential]]:
    return sa.select(Credential).where(Credential.user_id == user_id).order_by(Credential.id)
