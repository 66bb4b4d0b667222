"""Completion: who meets their cohort's rule, and the certificates with a code anyone can verify."""

from __future__ import annotations

import secrets
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.attendance.reports import cohort_report
from fellowship.core import clock
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.models import Worksheet
from fellowship.curriculum.queries import cohort_modules
from fellowship.curriculum.text import localised
from fellowship.extensions import db
from fellowship.impact.models import Certificate, CompletionRule
from fellowship.programs.models import Cohort

CODE_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I to misread on paper
CODE_GROUP = 4  # characters between dashes; a code is three groups


def rule_for(cohort: Cohort) -> CompletionRule:
    return db.session.get(CompletionRule, cohort.id) or CompletionRule(
        cohort_id=cohort.id, min_attendance_rate=cohort.min_attendance_rate or 0, required_modules=[]
    )


def save_rule(cohort: Cohort, rate: int, modules: list[str]) -> CompletionRule:
    rule = db.session.get(CompletionRule, cohort.id) or CompletionRule(cohort_id=cohort.id)
    rule.min_attendance_rate, rule.required_modules = rate, sorted(set(modules))
    db.session.add(rule)
    db.session.flush()
    return rule


@dataclass
class Standing:
    user_id: int
    name: str
    rate: float | None
    missing: list[str] = field(default_factory=list)
    attendance_ok: bool = False

    @property
    def complete(self) -> bool:
        return self.attendance_ok and not self.missing


def standings(cohort: Cohort, only_user_id: int | None = None) -> list[Standing]:
    """Every current fellow's attendance rate and the required modules not yet approved."""
    rule = rule_for(cohort)
    report = cohort_report(cohort, clock.now(), only_user_id)
    titles = {
        m.slug: localised(m.title) for _a, m in db.session.execute(cohort_modules(cohort.id, contents=False))
    }
    approved = set(
        db.session.execute(
            sa.select(Worksheet.user_id, Worksheet.slug).where(
                Worksheet.cohort_id == cohort.id, Worksheet.status == WorksheetStatus.APPROVED
            )
        ).all()
    )
    result = []
    for row in report.rows:
        rate = row.tally.rate
        missing = [titles.get(s, s) for s in rule.required_modules if (row.user.id, s) not in approved]
        ok = rule.min_attendance_rate == 0 or (rate is not None and rate * 100 >= rule.min_attendance_rate)
        result.append(Standing(row.user.id, row.user.name, rate, missing, ok))
    return result


class NotComplete(ValueError):
    def __init__(self) -> None:
        super().__init__(_l("The completion rule is not met yet."))


def issue_all(cohort: Cohort) -> int:
    """Issue a certificate to every fellow who completed and has none yet; returns how many were issued
    now (those issued before are not counted again)."""
    have = set(db.session.scalars(sa.select(Certificate.user_id).where(Certificate.cohort_id == cohort.id)))
    issued = 0
    for standing in standings(cohort):
        if standing.complete and standing.user_id not in have:
            issue(cohort, standing)
            issued += 1
    return issued


def issue(cohort: Cohort, standing: Standing) -> Certificate:
    """The fellow's certificate (the existing one when already issued)."""
    existing = db.session.scalar(
        sa.select(Certificate).where(
            Certificate.cohort_id == cohort.id, Certificate.user_id == standing.user_id
        )
    )
    if existing is not None:
        return existing
    if not standing.complete:
        raise NotComplete()
    rule = rule_for(cohort)
    titles = {
        m.slug: localised(m.title) for _a, m in db.session.execute(cohort_modules(cohort.id, contents=False))
    }
    certificate = Certificate(
        cohort_id=cohort.id,
        user_id=standing.user_id,
        code="-".join("".join(secrets.choice(CODE_ALPHABET) for _ in range(CODE_GROUP)) for _ in range(3)),
        holder=standing.name,
        program=cohort.program.name,
        cohort=cohort.name,
        starts_on=cohort.starts_on,
        ends_on=cohort.ends_on,
        modules=[titles.get(s, s) for s in rule.required_modules],
        issued_at=clock.now(),
    )
    db.session.add(certificate)
    db.session.flush()
    return certificate


def normalise_code(code: str) -> str:
    """A certificate code as it is stored (``ABCD-EFGH-JKLM``), from any way of typing it: lower case,
    without dashes, with spaces or other separators."""
    plain = "".join(ch for ch in code.upper() if ch.isalnum())
    return "-".join(plain[i : i + CODE_GROUP] for i in range(0, len(plain), CODE_GROUP))


def verify(code: str, name: str) -> Certificate | None:
    """The certificate with this code, only when the name given matches its holder's (case and spacing
    aside): the page then confirms what the person checking already has in hand, and nothing more. A
    withdrawn certificate (its holder's account was erased) is returned whatever the name, so the page can
    say that it was withdrawn: its holder's name is no longer kept to compare with."""
    certificate = db.session.scalar(sa.select(Certificate).where(Certificate.code == normalise_code(code)))
    if certificate is None:
        return None
    if certificate.withdrawn_at is not None:
        return certificate  # the page says it was withdrawn, and names nobody
    same = " ".join(certificate.holder.split()).casefold() == " ".join(name.split()).casefold()
    return certificate if same else None
