"""Parsing pasted rosters (no database)."""

from __future__ import annotations

from fellowship.programs.enums import Role
from fellowship.programs.roster import LineError, RosterLine, parse


def test_parse_without_header_uses_name_email_organisation_role() -> None:
    rows, errors = parse(
        "Amara Okafor, Amara@Example.org, Northside, fellow\nNadia Petrova,nadia@example.org,,facilitator\n"
    )
    assert errors == []
    assert rows == [
        RosterLine(1, "Amara Okafor", "amara@example.org", "Northside", Role.FELLOW),
        RosterLine(2, "Nadia Petrova", "nadia@example.org", "", Role.FACILITATOR),
    ]


def test_parse_header_in_any_order_and_semicolons() -> None:
    rows, errors = parse("Email;Role;Organisation;Name\nkwame@example.org;Observer;Calumet;Kwame Asante\n")
    assert errors == []
    assert rows == [RosterLine(2, "Kwame Asante", "kwame@example.org", "Calumet", Role.OBSERVER)]


def test_parse_tab_separated_with_missing_role_defaults_to_fellow() -> None:
    rows, errors = parse("Lena Morales\tlena@example.org\tTeachers' Fund\n")
    assert errors == []
    assert rows == [RosterLine(1, "Lena Morales", "lena@example.org", "Teachers' Fund", Role.FELLOW)]


def test_parse_participant_is_a_fellow() -> None:
    rows, _errors = parse("Olga Pawlak,olga@example.pl,Tatra Retail,participant")
    assert rows[0].role is Role.FELLOW


def test_parse_reports_each_bad_line() -> None:
    text = "\n".join(
        [
            "Good Person,good@example.org,Org,fellow",
            ",nameless@example.org,Org,fellow",
            "Bad Email,not-an-email,Org,fellow",
            "Bad Role,role@example.org,Org,juror",
            "Good Again,GOOD@example.org,Org,fellow",
            "Too Many,many@example.org,Org,fellow,extra",
        ]
    )
    rows, errors = parse(text)
    assert [r.line for r in rows] == [1]
    assert errors == [
        LineError(2, "The name is missing."),
        LineError(3, "“not-an-email” is not a valid email address."),
        LineError(4, "Unknown role “juror”: use fellow, facilitator or observer."),
        LineError(5, "good@example.org is already on line 1."),
        LineError(6, "This line has more columns than name, email, organisation, role."),
    ]


def test_parse_blank_lines_are_skipped_and_empty_text_is_an_error() -> None:
    assert parse("\n\n  \n") == ([], [LineError(0, "The roster is empty.")])


def test_parse_quoted_commas() -> None:
    rows, errors = parse('"Reyes, Marcus",marcus@example.org,"Fund, Inc.",fellow')
    assert errors == []
    assert (rows[0].name, rows[0].organization) == ("Reyes, Marcus", "Fund, Inc.")


def test_parse_accepts_headers_and_roles_in_every_interface_language() -> None:
    texts = [
        "nombre;correo electrónico;organización;rol\nAna Ruiz;ana@example.org;Coop Sur;facilitadora",
        "imię i nazwisko,e-mail,organizacja,rola\nAna Ruiz,ana@example.org,Coop Sur,facylitatorka",
        "الاسم,البريد الإلكتروني,المنظمة,الدور\nAna Ruiz,ana@example.org,Coop Sur,ميسّر",
        'שם,דוא"ל,ארגון,תפקיד\nAna Ruiz,ana@example.org,Coop Sur,מנחה',
    ]
    for text in texts:
        assert parse(text) == (
            [RosterLine(2, "Ana Ruiz", "ana@example.org", "Coop Sur", Role.FACILITATOR)],
            [],
        ), text
