from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    DateTimeLocalField,
    FieldList,
    FormField,
    HiddenField,
    IntegerField,
    RadioField,
    SelectField,
    StringField,
    TextAreaField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional, ValidationError

from fellowship.core.forms import Form, strip, timezone_name, web_address
from fellowship.core.i18n import LANGUAGE_NAMES, timezone_choices
from fellowship.events.enums import EVENT_KIND_LABELS, RSVP_LABELS, EventKind
from fellowship.events.models import AgendaItem, Event

AGENDA_TEMPLATE_LABELS = {
    "working_group_1": _l("Working group, meeting 1: a shared vision"),
    "working_group_2": _l("Working group, meeting 2: principles and a common agenda"),
    "working_group_3": _l("Working group, meeting 3: sharpening the common agenda"),
    "fellowship_workshop": _l("In-person fellowship workshop (2.5 days)"),
}


class EventForm(Form):
    class Meta:
        model = Event

    kind = SelectField(
        _l("Kind of event"),
        choices=[SelectChoice(kind.value, label) for kind, label in EVENT_KIND_LABELS.items()],
        default=EventKind.WEBINAR.value,
    )
    title = StringField(_l("Title"), validators=[DataRequired()], filters=[strip])
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown: **bold**, *italic*, lists and links."),
        validators=[Optional(), Length(max=20000)],
    )
    starts_at = DateTimeLocalField(_l("Starts"), validators=[DataRequired()], format="%Y-%m-%dT%H:%M")
    ends_at = DateTimeLocalField(
        _l("Ends"),
        description=_l("A workshop may last several days."),
        validators=[DataRequired()],
        format="%Y-%m-%dT%H:%M",
    )
    timezone = SelectField(
        _l("Timezone"),
        description=_l("Start and end are read in this timezone."),
        choices=timezone_choices,
        validators=[timezone_name],
    )
    venue = StringField(_l("Venue"), validators=[Optional()], filters=[strip])
    online_link = URLField(_l("Online meeting link"), validators=[Optional(), web_address], filters=[strip])
    capacity = IntegerField(
        _l("Capacity"),
        description=_l("Leave empty for no limit. Beyond it, “yes” answers join a waitlist."),
        validators=[Optional(), NumberRange(min=1, max=100000)],
    )
    speakers = StringField(_l("Speakers"), validators=[Optional()], filters=[strip])
    outside_dates = BooleanField(_l("Yes, schedule it outside the cohort's dates"))

    def validate_ends_at(self, field: DateTimeLocalField) -> None:
        if self.starts_at.data and field.data and field.data <= self.starts_at.data:
            raise ValidationError(_l("The event must end after it starts."))


class AgendaItemForm(Form):
    class Meta:
        csrf = False  # part of AgendaForm, which carries the token
        model = AgendaItem

    starts_at = DateTimeLocalField(_l("Time"), validators=[Optional()], format="%Y-%m-%dT%H:%M")
    title = StringField(_l("Item"), validators=[Optional()], filters=[strip])
    notes = StringField(_l("Notes"), validators=[Optional(), Length(max=2000)], filters=[strip])


class AgendaForm(Form):
    items = FieldList(FormField(AgendaItemForm), min_entries=0, max_entries=80)


class AgendaTemplateForm(Form):
    template = SelectField(
        _l("Agenda template"),
        choices=[SelectChoice(key, label) for key, label in AGENDA_TEMPLATE_LABELS.items()],
    )
    language = SelectField(
        _l("Language of the agenda"),
        choices=[SelectChoice(code, name) for code, name in LANGUAGE_NAMES.items()],
        description=_l(
            "The templates come in every interface language; the agenda is written in the one chosen."
        ),
    )


class GuestsForm(Form):
    guests = TextAreaField(
        _l("Guests"),
        description=_l("One per line: an email address, “Name <email>” or “Name, email”."),
        validators=[DataRequired(), Length(max=100_000)],
    )


class RsvpForm(Form):
    answer = RadioField(
        _l("Will you come?"),
        choices=[SelectChoice(r.value, label) for r, label in RSVP_LABELS.items()],
        validators=[DataRequired()],
    )
    next = HiddenField()
