"""The report as (section, field, value) rows: the CSV, the Markdown and the page all use them."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from fellowship.core.i18n import format_datetime_in
from fellowship.impact.enums import AGES, GENDERS, NARRATIVES, PREFER_NOT, RACES, STAGE_LABELS, Stage
from fellowship.impact.report import NOT_SAID, OTHER_AREAS


def _cell(value: int | None, threshold: int) -> str:
    return _("fewer than %(num)d", num=threshold) if value is None else str(value)


def _hours(value: float) -> str:
    return f"{value:g}"


def label_for(group: str, key: str) -> str:
    if key == PREFER_NOT:
        return _("Prefer not to say")
    if key == NOT_SAID:
        return _("Not answered")
    if key == OTHER_AREAS:
        return _("Other areas")
    names: dict[str, Any] = {"gender": GENDERS, "age": AGES, "race": RACES}.get(group, {})
    return str(names.get(key, key))


def rows(figures: dict[str, Any], narratives: dict[str, str]) -> list[tuple[str, str, str]]:
    """(section, field, value) for every field of the funder's form, in its order."""
    a = figures["assistance"]
    threshold = figures["threshold"]
    out: list[tuple[str, str, str]] = []
    section = _("Narrative")
    for key, label in NARRATIVES.items():
        out.append((section, str(label), narratives.get(key, "")))
    section = _("Technical assistance")
    out += [
        (section, _("One-on-one TA sessions"), str(a["one_on_one"])),
        (section, _("Group workshops"), str(a["group_workshops"])),
    ]
    for stage in Stage:
        out.append(
            (
                section,
                _("Hours of support: %(stage)s", stage=STAGE_LABELS[stage]),
                _hours(a["hours_by_stage"][stage.value]),
            )
        )
    out += [
        (section, _("Group education and training hours"), _hours(a["education_hours"])),
        (section, _("Popular education and outreach hours"), _hours(a["outreach_hours"])),
        (section, _("Education provided"), _("yes") if a["education_hours"] else _("no")),
        (section, _("Organisations worked with"), "; ".join(a["organisations"])),
        (section, _("Other organisations supported"), str(a["other_organisations"])),
        (section, _("Hours for other organisations"), _hours(a["other_organisation_hours"])),
        (section, _("Types of TA given"), "; ".join(a["types"])),
        (section, _("People reached"), str(a["people_reached"])),
        (_("Curriculum"), _("Curriculum materials created"), str(figures["curriculum_materials"])),
    ]
    section = _("Events")
    # Translated once and filled in per event: a year of a large program has thousands of rows.
    attended, responses = (
        _("%(attended)d of %(invited)d invited attended"),
        _("evaluation: %(num)d responses"),
    )
    rating = _("overall rating %(mean)s of 5")
    for event in figures["events"]:
        when = format_datetime_in(_iso(event["starts_at"]), event["timezone"], "short")
        value = attended % {"attended": event["attended"], "invited": event["invited"]}
        if event["survey"]:
            value += "; " + responses % {"num": event["responses"]}
            if event["overall"] is not None:
                value += "; " + rating % {"mean": event["overall"]}
        out.append((section, f"{event['title']} ({when})", value))
    d = figures["demographics"]
    section = _("Participants")
    out.append(
        (
            section,
            _("Participants"),
            _cell(
                d["participants"] if d["participants"] >= threshold or not d["participants"] else None,
                threshold,
            ),
        )
    )
    for group, title in (
        ("community_areas", _("Community area")),
        ("race", _("Race/ethnicity")),
        ("gender", _("Gender identity")),
        ("age", _("Age range")),
    ):
        for key, value in d[group].items():
            out.append(
                (title, label_for(group if group != "community_areas" else "", key), _cell(value, threshold))
            )
    return out


def _iso(value: str) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(value)


def markdown(title: str, rows_: list[tuple[str, str, str]], confidential: bool) -> str:
    lines = [f"# {title}", ""]
    if confidential:
        lines += [
            f"> {_('Confidential: small counts are shown exactly at the funder’s request. Do not publish.')}",
            "",
        ]
    current = None
    for section, field, value in rows_:
        if section != current:
            lines += ["", f"## {section}", ""]
            current = section
        text = (value or "—").replace("\r", "").replace("\n", " ")
        lines.append(f"- **{field}**: {text}")
    return "\n".join(lines).strip() + "\n"
