from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileAllowed, FileField
from wtforms import BooleanField, DateField, EmailField, IntegerField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, NumberRange, Optional, ValidationError

from fellowship.accounts.models import Organization, User
from fellowship.core.forms import Form, strip, timezone_name
from fellowship.core.i18n import timezone_choices
from fellowship.programs.enums import PROGRAM_KIND_LABELS, ROLE_LABELS, ProgramKind, Role
from fellowship.programs.models import Cohort, Program

ROLE_CHOICES = [SelectChoice(role.value, label) for role, label in ROLE_LABELS.items()]


class ProgramForm(Form):
    class Meta:
        model = Program

    name = StringField(_l("Name"), validators=[DataRequired()], filters=[strip])
    kind = SelectField(
        _l("Kind of program"),
        choices=[SelectChoice(kind.value, label) for kind, label in PROGRAM_KIND_LABELS.items()],
        default=ProgramKind.COOP_FELLOWSHIP.value,
    )
    timezone = SelectField(
        _l("Timezone"), choices=timezone_choices, default="UTC", validators=[timezone_name]
    )
    description = TextAreaField(
        _l("Description"),
        description=_l("Markdown: **bold**, *italic*, lists and links."),
        validators=[Optional(), Length(max=20000)],
    )
    privacy_threshold = IntegerField(
        _l("Smallest group shown in demographic figures"),
        description=_l("Smaller counts show as “fewer than” this number; at least 3."),
        default=3,
        validators=[DataRequired(), NumberRange(min=3, max=50)],
    )


class CohortForm(Form):
    class Meta:
        model = Cohort

    name = StringField(_l("Name"), validators=[DataRequired()], filters=[strip])
    starts_on = DateField(_l("Starts on"), validators=[DataRequired()])
    ends_on = DateField(_l("Ends on"), validators=[DataRequired()])
    timezone = SelectField(
        _l("Timezone"), choices=timezone_choices, default="UTC", validators=[timezone_name]
    )
    min_attendance_rate = IntegerField(
        _l("Minimum attendance rate (%)"),
        description=_l("Fellows below it are flagged on the attendance report. Leave empty for none."),
        validators=[Optional(), NumberRange(min=0, max=100)],
    )

    def validate_ends_on(self, field: DateField) -> None:
        if self.starts_on.data and field.data and field.data < self.starts_on.data:
            raise ValidationError(_l("The end date must not be before the start date."))


class MemberForm(Form):
    """Add one person: an existing account is found by email, otherwise one is created."""

    class Meta:
        model = User
        columns = {"organization": Organization.name}

    name = StringField(_l("Name"), validators=[DataRequired()], filters=[strip])
    email = EmailField(
        _l("Email address"), validators=[DataRequired(), Email(check_deliverability=False)], filters=[strip]
    )
    organization = StringField(
        _l("Organisation"),
        description=_l("An existing organisation is matched by name; a new name creates one."),
        validators=[Optional()],
        filters=[strip],
    )
    role = SelectField(_l("Role"), choices=ROLE_CHOICES, default=Role.FELLOW.value)
    joined_on = DateField(_l("Joined on"), validators=[DataRequired()])
    send_invitations = BooleanField(
        _l("Email an invitation to people who have no password yet, and a notice to the others"), default=True
    )


class MembershipForm(Form):
    role = SelectField(_l("Role"), choices=ROLE_CHOICES)
    joined_on = DateField(_l("Joined on"), validators=[DataRequired()])
    left_on = DateField(
        _l("Left on"),
        description=_l("Leave empty while the person is in the cohort."),
        validators=[Optional()],
    )

    def validate_left_on(self, field: DateField) -> None:
        if field.data and self.joined_on.data and field.data < self.joined_on.data:
            raise ValidationError(_l("The leaving date must not be before the joining date."))


class RosterImportForm(Form):
    text = TextAreaField(
        _l("Paste the roster"),
        description=_l(
            "One person per line: name, email, organisation, role (fellow, facilitator or observer). "
            "A header row is optional."
        ),
        validators=[Optional(), Length(max=200_000)],
    )
    file = FileField(
        _l("Or upload a CSV file"), validators=[FileAllowed(["csv", "txt"], _l("Upload a .csv file."))]
    )
    joined_on = DateField(_l("Joined on"), validators=[DataRequired()])
    send_invitations = BooleanField(
        _l("Email an invitation to people who have no password yet, and a notice to the others"), default=True
    )
