"""Parsing a pasted or uploaded roster (name, email, organisation, role), with no database access.

A header row is optional; with one, columns may come in any order. Comma, semicolon and tab separators are
all accepted, because spreadsheets export each of them depending on the locale.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass

from email_validator import EmailNotValidError, validate_email
from flask_babel import lazy_gettext as _l

from fellowship.core import limits
from fellowship.programs.enums import Role

MAX_LINES = 500
COLUMNS = ("name", "email", "organization", "role")
# Header and role words are accepted in every interface language, so a roster typed in a Spanish, Polish,
# Arabic or Hebrew spreadsheet imports as it is.
HEADER_ALIASES = {
    "name": "name",
    "full name": "name",
    "nombre": "name",
    "imię i nazwisko": "name",
    "imię": "name",
    "الاسم": "name",
    "שם": "name",
    "email": "email",
    "e-mail": "email",
    "email address": "email",
    "correo": "email",
    "correo electrónico": "email",
    "البريد الإلكتروني": "email",
    "אימייל": "email",
    'דוא"ל': "email",
    "organization": "organization",
    "organisation": "organization",
    "org": "organization",
    "organización": "organization",
    "organizacja": "organization",
    "المنظمة": "organization",
    "ארגון": "organization",
    "role": "role",
    "rol": "role",
    "rola": "role",
    "الدور": "role",
    "תפקיד": "role",
}
ROLE_ALIASES = {
    **dict.fromkeys(
        (
            "fellow",
            "participant",
            "becario",
            "becaria",
            "participante",
            "stypendysta",
            "stypendystka",
            "uczestnik",
            "uczestniczka",
            "زميل",
            "مشارك",
            "עמית",
            "עמיתה",
            "משתתף",
            "משתתפת",
        ),
        Role.FELLOW,
    ),
    **dict.fromkeys(
        (
            "facilitator",
            "facilitador",
            "facilitadora",
            "facylitator",
            "facylitatorka",
            "ميسر",
            "ميسّر",
            "מנחה",
        ),
        Role.FACILITATOR,
    ),
    **dict.fromkeys(
        ("observer", "observador", "observadora", "obserwator", "obserwatorka", "مراقب", "צופה"),
        Role.OBSERVER,
    ),
}


@dataclass(frozen=True)
class RosterLine:
    line: int
    name: str
    email: str
    organization: str
    role: Role


@dataclass(frozen=True)
class LineError:
    line: int
    message: str


def _delimiter(sample: str) -> str:
    first = next((line for line in sample.splitlines() if line.strip()), "")
    if "\t" in first:
        return "\t"
    return ";" if first.count(";") > first.count(",") else ","


def parse(text: str) -> tuple[list[RosterLine], list[LineError]]:
    rows: list[RosterLine] = []
    errors: list[LineError] = []
    reader = csv.reader(io.StringIO(text), delimiter=_delimiter(text))
    columns: tuple[str, ...] = COLUMNS
    seen: dict[str, int] = {}
    first = True
    for cells in reader:
        line = reader.line_num
        cells = [cell.strip() for cell in cells]
        if not any(cells):
            continue
        if any(limits.text_problem(cell) for cell in cells):
            errors.append(LineError(line, str(limits.CONTROL_CHARACTERS)))
            continue
        if first:
            first = False
            header = [HEADER_ALIASES.get(cell.lower()) for cell in cells]
            if "email" in header:
                if "name" not in header:
                    errors.append(LineError(line, str(_l("The header row needs a name column."))))
                    return [], errors
                columns = tuple(h or "" for h in header)
                continue
        if len(rows) + len(errors) >= MAX_LINES:
            errors.append(LineError(line, str(_l("A roster may have at most %(n)d lines.", n=MAX_LINES))))
            break
        values = dict(zip(columns, cells, strict=False))
        if len(cells) > len(columns) and any(cells[len(columns) :]):
            errors.append(
                LineError(line, str(_l("This line has more columns than name, email, organisation, role.")))
            )
            continue
        name = values.get("name", "")
        raw_email = values.get("email", "")
        if not name:
            errors.append(LineError(line, str(_l("The name is missing."))))
            continue
        try:
            email = validate_email(raw_email, check_deliverability=False).normalized.lower()
        except EmailNotValidError:
            errors.append(
                LineError(line, str(_l("“%(email)s” is not a valid email address.", email=raw_email)))
            )
            continue
        role_text = values.get("role", "").lower() or "fellow"
        role = ROLE_ALIASES.get(role_text)
        if role is None:
            errors.append(
                LineError(
                    line,
                    str(
                        _l(
                            "Unknown role “%(role)s”: use fellow, facilitator or observer.",
                            role=values.get("role", ""),
                        )
                    ),
                )
            )
            continue
        if email in seen:
            errors.append(
                LineError(
                    line, str(_l("%(email)s is already on line %(other)d.", email=email, other=seen[email]))
                )
            )
            continue
        seen[email] = line
        if len(name) > 200 or len(values.get("organization", "")) > 200:
            errors.append(LineError(line, str(_l("A name may have at most 200 characters."))))
            continue
        rows.append(RosterLine(line, name, email, values.get("organization", ""), role))
    if not rows and not errors:
        errors.append(LineError(0, str(_l("The roster is empty."))))
    return rows, errors
