from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import (
    BooleanField,
    EmailField,
    Field,
    HiddenField,
    PasswordField,
    SelectField,
    StringField,
    URLField,
)
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, EqualTo, Length, Optional, ValidationError

from fellowship.accounts.enums import ORGANIZATION_KIND_LABELS, OrganizationKind
from fellowship.accounts.models import Organization, User
from fellowship.accounts.services import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    RECOMMENDED_PASSWORD_LENGTH,
    AccountError,
    check_password_rules,
)
from fellowship.config import LOCALES
from fellowship.core.forms import Form, strip, timezone_name, web_address
from fellowship.core.i18n import LANGUAGE_NAMES, timezone_choices
from fellowship.core.web import safe_next


def password_rules(form: FlaskForm, field: Field) -> None:
    if field.data:
        try:
            check_password_rules(field.data)
        except AccountError as error:
            raise ValidationError(str(error)) from error


password_rules.field_flags = {"maxlength": MAX_PASSWORD_LENGTH}  # type: ignore[attr-defined]


class SignInForm(Form):
    class Meta:
        model = User

    email = EmailField(_l("Email address"), validators=[DataRequired()], filters=[strip])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    next = HiddenField(filters=[safe_next])  # a link to elsewhere is dropped, not refused


class LanguageForm(Form):
    locale = SelectField(
        _l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LOCALES]
    )
    next = HiddenField(filters=[safe_next])  # a link to elsewhere is dropped, not refused


class OrganizationForm(Form):
    class Meta:
        model = Organization

    name = StringField(_l("Name"), validators=[DataRequired()], filters=[strip])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in ORGANIZATION_KIND_LABELS.items()],
        default=OrganizationKind.OTHER.value,
    )
    city = StringField(_l("City or area"), validators=[Optional()], filters=[strip])
    website = URLField(_l("Website"), validators=[Optional(), web_address], filters=[strip])


def _locale_choices() -> list[tuple[str, str]]:
    return [SelectChoice("", _l("Browser default"))] + [
        SelectChoice(code, LANGUAGE_NAMES[code]) for code in LOCALES
    ]


class OrganizationChoices:
    """For forms with an ``organization_id`` select: 0 stands for "no organisation"."""

    organization_id: SelectField

    def set_organization_choices(self, organizations: list[tuple[int, str]]) -> None:
        self.organization_id.choices = [SelectChoice(0, _l("No organisation"))] + [
            SelectChoice(value, label) for value, label in organizations
        ]


class UserForm(OrganizationChoices, Form):
    class Meta:
        model = User

    name = StringField(_l("Name"), validators=[DataRequired()], filters=[strip])
    email = EmailField(
        _l("Email address"), validators=[DataRequired(), Email(check_deliverability=False)], filters=[strip]
    )
    organization_id = SelectField(_l("Organisation"), coerce=int, validate_choice=True)
    locale = SelectField(_l("Language"), choices=_locale_choices, default="")
    timezone = SelectField(
        _l("Timezone"), choices=timezone_choices, default="UTC", validators=[timezone_name]
    )
    is_admin = BooleanField(_l("Site administrator"))
    password = PasswordField(
        _l("New password"),
        description=_l(
            "Leave empty to keep the current password. At least %(n)d characters.", n=MIN_PASSWORD_LENGTH
        ),
        validators=[Optional(), password_rules],
        render_kw={"autocomplete": "new-password"},
    )


def new_password_field(label: object) -> PasswordField:
    return PasswordField(
        label,
        description=_l(
            "At least %(min)d characters; %(recommended)d or more is better. A few unrelated words make a "
            "strong password that is easy to remember.",
            min=MIN_PASSWORD_LENGTH,
            recommended=RECOMMENDED_PASSWORD_LENGTH,
        ),
        validators=[DataRequired(), password_rules],
        render_kw={"autocomplete": "new-password", "maxlength": MAX_PASSWORD_LENGTH},
    )


def confirm_field() -> PasswordField:
    return PasswordField(
        _l("Repeat the password"),
        validators=[
            DataRequired(),
            Length(max=MAX_PASSWORD_LENGTH),
            EqualTo("password", message=_l("The two passwords are not the same.")),
        ],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(Form):
    class Meta:
        model = User

    email = EmailField(_l("Email address"), validators=[DataRequired()], filters=[strip])


class ResetPasswordForm(Form):
    password = new_password_field(_l("New password"))
    confirm = confirm_field()


class AcceptInviteForm(Form):
    class Meta:
        model = User

    name = StringField(_l("Your name"), validators=[DataRequired()], filters=[strip])
    password = new_password_field(_l("Choose a password"))
    confirm = confirm_field()


class ProfileForm(OrganizationChoices, Form):
    class Meta:
        model = User
        columns = {"new_organization": Organization.name}

    name = StringField(_l("Name"), validators=[DataRequired()], filters=[strip])
    organization_id = SelectField(
        _l("Organisation"),
        coerce=int,
        validate_choice=True,
        description=_l("The organisations of the programs you take part in."),
    )
    new_organization = StringField(
        _l("Not in the list? Your organisation's name"),
        validators=[Optional()],
        filters=[strip],
        description=_l("Filled in, this name is saved as your organisation instead of the choice above."),
    )
    locale = SelectField(_l("Language"), choices=_locale_choices, default="")
    timezone = SelectField(
        _l("Timezone"), choices=timezone_choices, default="UTC", validators=[timezone_name]
    )
    email_notifications = BooleanField(_l("Send me email notifications (reminders and news of my cohorts)"))


class ChangePasswordForm(Form):
    current = PasswordField(
        _l("Current password"),
        validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    password = new_password_field(_l("New password"))
    confirm = confirm_field()


class ErasureRequestForm(Form):
    """Asking for one's account to be erased: the current password shows it is really them."""

    current_password = PasswordField(
        _l("Current password"),
        validators=[Optional(), Length(max=MAX_PASSWORD_LENGTH)],
        render_kw={"autocomplete": "current-password"},
    )
    understood = BooleanField(
        _l("I understand that my name, address, worksheets and written answers will be removed for good."),
        validators=[DataRequired(_l("Tick the box to confirm that you understand."))],
    )


class EraseForm(Form):
    """An administrator erasing an account types its address, so a slip of the mouse erases nobody."""

    class Meta:
        model = User
        columns = {"confirm": User.email}

    confirm = StringField(
        _l("Type the person's email address to confirm"),
        validators=[DataRequired()],
        filters=[strip],
        render_kw={"autocomplete": "off"},
    )
