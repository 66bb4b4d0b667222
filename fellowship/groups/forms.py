from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, InputRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, HiddenInput, ListWidget

from fellowship.core.forms import Form, strip
from fellowship.groups.enums import ACTION_STATUS_LABELS, ActionStatus
from fellowship.groups.models import AGENDA_TEXT_MAX, HOURS_MAX, HOURS_MIN, TEXT_MAX, ActionItem, Subgroup

TAKE_TURNS = ""


def _int_or_none(value: Any) -> int | None:
    try:
        return int(value) if value not in (None, "") else None
    except (TypeError, ValueError):
        return -1  # not a choice: the select refuses it with its message


def minutes_form(agenda: list[Any], organizations: list[Any]) -> Form:
    """The minutes of one meeting: who hosts it, and a text area for each agenda item (``note_<item id>``)."""

    class MinutesForm(Form):
        host = SelectField(
            _l("Host"),
            coerce=_int_or_none,
            choices=[SelectChoice("", _l("Take turns (the next member organisation)"))]
            + [SelectChoice(org.id, org.name) for org in organizations],
            validate_choice=True,
        )

    for item in agenda:
        setattr(
            MinutesForm,
            f"note_{item.id}",
            TextAreaField(
                item.title,
                filters=[strip],
                validators=[Length(max=TEXT_MAX, message=_l("Keep it under %(max)d characters."))],
            ),
        )
    return MinutesForm()


class DecisionForm(Form):
    text = TextAreaField(
        _l("Decision"),
        filters=[strip],
        validators=[
            DataRequired(_l("Write the decision.")),
            Length(max=TEXT_MAX, message=_l("Keep it under %(max)d characters.")),
        ],
    )


class ActionItemForm(Form):
    class Meta:
        model = ActionItem

    what = StringField(
        _l("What is to be done"), filters=[strip], validators=[DataRequired(_l("Say what is to be done."))]
    )
    owner_id = SelectField(_l("Owner"), coerce=_int_or_none, validate_choice=True)
    due_on = DateField(_l("Due"), validators=[Optional()])
    subgroup_id = SelectField(_l("Subgroup"), coerce=_int_or_none, validate_choice=True)

    def with_members(
        self, members: Sequence[tuple[int, str]], subgroups: Sequence[Any] = ()
    ) -> ActionItemForm:
        self.owner_id.choices = [SelectChoice("", _l("Nobody yet"))] + [
            SelectChoice(user_id, name) for user_id, name in members
        ]
        self.subgroup_id.choices = [SelectChoice("", _l("The whole group"))] + [
            SelectChoice(subgroup.id, subgroup.name) for subgroup in subgroups
        ]
        return self


SECTION_LABELS = {
    "vision": _l("Vision"),
    "principles": _l("Guiding principles"),
    "problem": _l("The problem"),
    "results": _l("The results we seek"),
    "stories": _l("Success stories"),
    "levers": _l("Levers for system change"),
    "pitch": _l("Elevator pitch"),
}


def agenda_form(meetings: list[Any], **kwargs: Any) -> Form:
    """The common agenda's sections, the version the editor starts from, and the meeting it was agreed at."""

    class AgendaForm(Form):
        base = IntegerField(widget=HiddenInput(), validators=[InputRequired()])
        event_id = SelectField(
            _l("Agreed at or after the meeting"),
            coerce=_int_or_none,
            choices=[SelectChoice("", _l("No particular meeting"))]
            + [SelectChoice(meeting.id, meeting.title) for meeting in meetings],
            validate_choice=True,
        )

    for key, label in SECTION_LABELS.items():
        setattr(
            AgendaForm,
            key,
            TextAreaField(
                label,
                filters=[strip],
                validators=[Length(max=AGENDA_TEXT_MAX, message=_l("Keep it under %(max)d characters."))],
            ),
        )
    return AgendaForm(**kwargs)


class SubgroupForm(Form):
    class Meta:
        model = Subgroup

    name = StringField(
        _l("Name of the subgroup"), filters=[strip], validators=[DataRequired(_l("Name the subgroup."))]
    )
    members = SelectMultipleField(
        _l("Members"),
        coerce=int,
        option_widget=CheckboxInput(),
        widget=ListWidget(prefix_label=False),
        validate_choice=True,
    )

    def with_members(self, members: list[tuple[int, str]]) -> SubgroupForm:
        self.members.choices = [SelectChoice(user_id, name) for user_id, name in members]
        return self


class StatusForm(Form):
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice(s.value, label) for s, label in ACTION_STATUS_LABELS.items()],
        validators=[DataRequired()],
    )

    @property
    def chosen(self) -> ActionStatus:
        return ActionStatus(self.status.data)


class InterviewForm(Form):
    """One member's interview: when, with whom, how long, and the staff's notes."""

    held_on = DateField(_l("Held on"), validators=[InputRequired(_l("Say on which day it took place."))])
    interviewer_id = SelectField(_l("Interviewed by"), coerce=_int_or_none, validate_choice=True)
    hours = DecimalField(
        _l("Hours"),
        places=2,
        validators=[
            InputRequired(_l("Say how long it took, in hours.")),
            NumberRange(
                min=HOURS_MIN, max=HOURS_MAX, message=_l("Between a quarter of an hour and 24 hours.")
            ),
        ],
    )
    notes = TextAreaField(
        _l("Notes (the group's staff only)"),
        filters=[strip],
        validators=[Length(max=TEXT_MAX, message=_l("Keep it under %(max)d characters."))],
    )

    def with_interviewers(self, people: Sequence[tuple[int, str]]) -> InterviewForm:
        self.interviewer_id.choices = [SelectChoice("", _l("Not recorded"))] + [
            SelectChoice(user_id, name) for user_id, name in people
        ]
        return self
