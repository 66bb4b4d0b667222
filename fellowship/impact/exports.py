"""The report as (section, field, value) rows: the CSV, the Markdown and the page all use them."""

from __future__ import annotations

from typing import Any

from flask_babel import gettext as _

from fellowship.core.i18n import format_datetime_in
from fellowship.impact.enums import AGES, GENDERS, NARRATIVES, PREFER_NOT, RACES, STAGE_LABELS, Stage
from fellowship.impact.report import NOT_SAID, OTHER_AREAS

EXPLAINED = 2
"""The first counting rules (``report.COUNTING_RULES``) whose figures the rows explain."""
INTERVIEWS_COUNTED = 3
"""The counting rules that added the working groups' interviews."""
EXCHANGES_COUNTED = 4
"""The counting rules that added the co-op network's exchanges."""


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


Row = tuple[str, str, str, str]
"""(section, field, value, how the value is counted)."""


def rows(figures: dict[str, Any], narratives: dict[str, str]) -> list[Row]:
    """Every field of the funder's form, in its order, each figure with how it is counted.

    A snapshot keeps its figures as sent and the explanations of the rules it was counted under: none
    before version 2 (no ``rules`` in it), the interviews only from version 3, the network's exchanges only
    from version 4.
    """
    a = figures["assistance"]
    threshold = figures["threshold"]
    rules = a.get("rules", 1)
    interviews = rules >= INTERVIEWS_COUNTED and "interviews" in a
    exchanges = rules >= EXCHANGES_COUNTED and "peer_exchanges" in a

    def how(text: str) -> str:
        return text if rules >= EXPLAINED else ""

    out: list[Row] = []
    section = _("Narrative")
    for key, label in NARRATIVES.items():
        out.append((section, str(label), narratives.get(key, ""), ""))
    section = _("Technical assistance")
    not_other = _("Logs for organisations of any stage but “Other organisation”.")
    staff_exchanges = (
        " "
        + _(
            "Exchanges in the co-op network that the program's staff gave count here too, at the stage of "
            "the organisation helped (co-ops as existing co-ops, co-op developers as developers)."
        )
        if exchanges
        else ""
    )
    others_how = (
        _(
            "Organisations named on logs at the stage “Other organisation”, and those of the working-group "
            "members interviewed."
        )
        if interviews
        else _("Organisations named on logs at the stage “Other organisation”.")
    )
    out += [
        (
            section,
            _("One-on-one TA sessions"),
            str(a["one_on_one"]),
            how(_("Number of one-on-one logs.") + " " + not_other + staff_exchanges),
        ),
        (
            section,
            _("Group workshops"),
            str(a["group_workshops"]),
            how(_("Number of group workshop logs.") + " " + not_other),
        ),
    ]
    for stage in Stage:
        if stage.value not in a["hours_by_stage"]:
            continue  # support for other organisations has its own rows below
        out.append(
            (
                section,
                _("Hours of support: %(stage)s", stage=STAGE_LABELS[stage]),
                _hours(a["hours_by_stage"][stage.value]),
                how(
                    _("Hours of one-on-one logs at this stage.")
                    + (" " + _("And of network exchanges the program's staff gave.") if exchanges else "")
                ),
            )
        )
    out += [
        (
            section,
            _("Group education and training hours"),
            _hours(a["education_hours"]),
            how(_("Hours of group workshop and education logs.") + " " + not_other),
        ),
        (
            section,
            _("Popular education and outreach hours"),
            _hours(a["outreach_hours"]),
            how(_("Hours of outreach logs.") + " " + not_other),
        ),
        (
            section,
            _("Education provided"),
            _("yes") if a["education_hours"] else _("no"),
            how(_("Yes when group education hours are above zero.")),
        ),
        (
            section,
            _("Organisations worked with"),
            "; ".join(a["organisations"]),
            how(_("Organisations named on logs.") + " " + not_other + staff_exchanges),
        ),
        (
            section,
            _("Other organisations supported"),
            str(a["other_organisations"]),
            how(others_how),
        ),
        (
            section,
            _("Other organisations"),
            "; ".join(a.get("other_organisation_names", [])),
            how(others_how),
        ),
        (
            section,
            _("Hours for other organisations"),
            _hours(a["other_organisation_hours"]),
            how(
                _(
                    "Hours of logs at the stage “Other organisation” and of working-group interviews, "
                    "counted in no row above."
                )
                if interviews
                else _("Hours of logs at the stage “Other organisation”, counted in no row above.")
            ),
        ),
        (
            section,
            _("Types of TA given"),
            "; ".join(a["types"]),
            how(_("The kinds of help named on logs.") + " " + not_other),
        ),
    ]
    if interviews:
        out.append(
            (
                section,
                _("Working-group interviews"),
                _("%(num)d; hours: %(hours)s", num=a["interviews"], hours=_hours(a["interview_hours"])),
                how(
                    _(
                        "One-on-one interviews with working-group members, from each group's checklist; "
                        "already in the hours and organisations for other organisations."
                    )
                ),
            )
        )
    if exchanges:
        out += [
            (
                section,
                _("Peer exchanges (co-op network)"),
                _(
                    "%(num)d; hours: %(hours)s",
                    num=a["peer_exchanges"],
                    hours=_hours(a["peer_exchange_hours"]),
                ),
                how(
                    _(
                        "Exchanges through the co-op network that both sides marked done in the period, "
                        "asked by the program's fellows and given by someone other than the program's "
                        "staff. Help between peers, not technical assistance the program gave: in no row "
                        "above."
                    )
                ),
            ),
            (
                section,
                _("Collaboration with other TA providers"),
                "; ".join(a["ta_providers"])
                + (
                    " ("
                    + _(
                        "%(num)d; hours: %(hours)s",
                        num=a["ta_provider_exchanges"],
                        hours=_hours(a["ta_provider_exchange_hours"]),
                    )
                    + ")"
                    if a["ta_provider_exchanges"]
                    else ""
                ),
                how(
                    _(
                        "The peer exchanges above whose helping organisation gives co-ops technical "
                        "assistance (a co-op developer, or one that says so in its network settings)."
                    )
                ),
            ),
        ]
    out += [
        (
            section,
            _("People reached"),
            str(a["people_reached"]),
            how(
                _("Sum of the people counted on every log of the period, and one per interview.")
                if interviews
                else _("Sum of the people counted on every log of the period.")
            ),
        ),
        (
            _("Curriculum"),
            _("Curriculum materials created"),
            str(figures["curriculum_materials"]),
            _("Modules of this program's kind first published in the period."),
        ),
    ]
    section = _("Events")
    # Translated once and filled in per event: a year of a large program has thousands of rows.
    attended, responses = (
        _("%(attended)d of %(invited)d invited attended"),
        _("evaluation: %(num)d responses"),
    )
    rating = _("overall rating %(mean)s of 5")
    event_how = _(
        "Invited participants (fellows, participants and guests; not facilitators or observers) and those "
        "of them marked present or late on at least one day. Cancelled events are left out."
    )
    for event in figures["events"]:
        when = format_datetime_in(_iso(event["starts_at"]), event["timezone"], "short")
        value = attended % {"attended": event["attended"], "invited": event["invited"]}
        if event["survey"]:
            value += "; " + responses % {"num": event["responses"]}
            if event["overall"] is not None:
                value += "; " + rating % {"mean": event["overall"]}
        out.append((section, f"{event['title']} ({when})", value, event_how))
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
            _("Fellows in any of the program's cohorts on at least one day of the period."),
        )
    )
    demographic_how = _(
        "Each participant's own answer; counts below %(num)d are hidden, with the next smallest, so none can "
        "be worked out.",
        num=threshold,
    )
    for group, title in (
        ("community_areas", _("Community area")),
        ("race", _("Race/ethnicity")),
        ("gender", _("Gender identity")),
        ("age", _("Age range")),
    ):
        for key, value in d[group].items():
            out.append(
                (
                    title,
                    label_for(group if group != "community_areas" else "", key),
                    _cell(value, threshold),
                    demographic_how,
                )
            )
    return out


def _iso(value: str) -> Any:
    import datetime as dt

    return dt.datetime.fromisoformat(value)


def markdown(title: str, rows_: list[Row], confidential: bool) -> str:
    lines = [f"# {title}", ""]
    if confidential:
        lines += [
            f"> {_('Confidential: small counts are shown exactly at the funder’s request. Do not publish.')}",
            "",
        ]
    current = None
    for section, field, value, how in rows_:
        if section != current:
            lines += ["", f"## {section}", ""]
            current = section
        text = (value or "—").replace("\r", "").replace("\n", " ")
        lines.append(f"- **{field}**: {text}" + (f" ({how})" if how else ""))
    return "\n".join(lines).strip() + "\n"
