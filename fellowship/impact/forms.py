from __future__ import annotations

from pathlib import Path

from flask import current_app
from flask_babel import lazy_gettext as _l
from wtforms import (
    DateField,
    DecimalField,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    TextAreaField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, NumberRange, Optional
from wtforms.widgets import CheckboxInput, ListWidget

from fellowship.accounts.models import Organization
from fellowship.core.forms import Form, strip
from fellowship.impact.enums import (
    AGES,
    ASSISTANCE_KIND_LABELS,
    GENDERS,
    NARRATIVES,
    PREFER_NOT,
    RACES,
    STAGE_LABELS,
)
from fellowship.impact.models import AssistanceLog, Demographics, ReportingPeriod

PREFER_NOT_LABEL = _l("Prefer not to say")


def community_areas() -> list[str]:
    configured = current_app.config.get("FELLOWSHIP_COMMUNITY_AREAS_FILE") or ""
    path = Path(configured) if configured else Path(__file__).with_name("community_areas.txt")
    return [
        line.strip()
        for line in path.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]


class AssistanceForm(Form):
    class Meta:
        model = AssistanceLog
        columns = {"new_organization": Organization.name}

    given_on = DateField(_l("Date"), validators=[DataRequired()])
    organization = SelectField(_l("Organisation"), coerce=int)
    new_organization = StringField(_l("Or a new organisation"), validators=[Optional()], filters=[strip])
    kind = SelectField(
        _l("Kind"), choices=[SelectChoice(k.value, v) for k, v in ASSISTANCE_KIND_LABELS.items()]
    )
    stage = SelectField(
        _l("Recipient stage"), choices=[SelectChoice(k.value, v) for k, v in STAGE_LABELS.items()]
    )
    hours = DecimalField(_l("Hours"), places=2, validators=[DataRequired(), NumberRange(min=0.25, max=24)])
    people = IntegerField(
        _l("People reached"), default=1, validators=[Optional(), NumberRange(min=0, max=10000)]
    )
    help_type = StringField(_l("Type of help"), validators=[Optional()], filters=[strip])
    notes = TextAreaField(_l("Notes"), validators=[Optional()], filters=[strip])


class _Checkboxes(SelectMultipleField):
    widget = ListWidget(prefix_label=False)
    option_widget = CheckboxInput()


class DemographicsForm(Form):
    class Meta:
        model = Demographics

    community_area = SelectField(_l("Community area where you live or work"), validate_choice=True)
    races = _Checkboxes(
        _l("Race/ethnicity (choose any)"),
        choices=[SelectChoice(k, v) for k, v in RACES.items()] + [SelectChoice(PREFER_NOT, PREFER_NOT_LABEL)],
    )
    race_self = StringField(_l("In your own words (optional)"), validators=[Optional()], filters=[strip])
    gender = RadioField(
        _l("Gender identity"),
        choices=[SelectChoice(k, v) for k, v in GENDERS.items()]
        + [SelectChoice(PREFER_NOT, PREFER_NOT_LABEL)],
        validators=[Optional()],
    )
    gender_self = StringField(
        _l("Self-described gender (optional)"), validators=[Optional()], filters=[strip]
    )
    age_range = RadioField(
        _l("Age range"),
        choices=[SelectChoice(k, v) for k, v in AGES.items()] + [SelectChoice(PREFER_NOT, PREFER_NOT_LABEL)],
        validators=[Optional()],
    )


class PeriodForm(Form):
    class Meta:
        model = ReportingPeriod

    label = StringField(
        _l("Name"), description=_l("For example: January 2024"), validators=[DataRequired()], filters=[strip]
    )
    starts_on = DateField(_l("First day"), validators=[DataRequired()])
    ends_on = DateField(_l("Last day"), validators=[DataRequired()])


def narratives_form() -> Form:
    class NarrativesForm(Form):
        pass

    for key, label in NARRATIVES.items():
        setattr(
            NarrativesForm,
            key,
            TextAreaField(label, validators=[Optional(), Length(max=10000)], filters=[strip]),
        )
    return NarrativesForm()


class ThresholdForm(Form):
    export_threshold = IntegerField(
        _l("Smallest count shown in the funder's export"),
        description=_l(
            "Lower than the program's threshold only when the funder requires exact counts; "
            "the export then says it is confidential."
        ),
        validators=[Optional(), NumberRange(min=1, max=100)],
    )
