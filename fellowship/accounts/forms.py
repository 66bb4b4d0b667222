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
from fellowship.accounts.services import (
    MAX_PASSWORD_LENGTH,
    MIN_PASSWORD_LENGTH,
    RECOMMENDED_PASSWORD_LENGTH,
    AccountError,
    check_password_rules,
)
from fellowship.config import LOCALES
from fellowship.core.forms import strip, timezone_name, web_address
from fellowship.core.i18n import LANGUAGE_NAMES, timezone_choices


def password_rules(form: FlaskForm, field: Field) -> None:
    if field.data:
        try:
            check_password_rules(field.data)
        except AccountError as error:
            raise ValidationError(str(error)) from error


class SignInForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)], filters=[strip])
    password = PasswordField(_l("Password"), validators=[DataRequired(), Length(max=MAX_PASSWORD_LENGTH)])
    next = HiddenField()


class LanguageForm(FlaskForm):
    locale = SelectField(
        _l("Language"), choices=[SelectChoice(code, LANGUAGE_NAMES[code]) for code in LOCALES]
    )
    next = HiddenField()


class OrganizationForm(FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    kind = SelectField(
        _l("Kind"),
        choices=[SelectChoice(kind.value, label) for kind, label in ORGANIZATION_KIND_LABELS.items()],
        default=OrganizationKind.OTHER.value,
    )
    city = StringField(_l("City or area"), validators=[Optional(), Length(max=120)], filters=[strip])
    website = URLField(_l("Website"), validators=[Optional(), Length(max=300), web_address], filters=[strip])


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


class UserForm(OrganizationChoices, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    email = EmailField(
        _l("Email address"),
        validators=[DataRequired(), Email(check_deliverability=False), Length(max=254)],
        filters=[strip],
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
        validators=[DataRequired(), EqualTo("password", message=_l("The two passwords are not the same."))],
        render_kw={"autocomplete": "new-password"},
    )


class ForgotPasswordForm(FlaskForm):
    email = EmailField(_l("Email address"), validators=[DataRequired(), Length(max=254)], filters=[strip])


class ResetPasswordForm(FlaskForm):
    password = new_password_field(_l("New password"))
    confirm = confirm_field()


class AcceptInviteForm(FlaskForm):
    name = StringField(_l("Your name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    password = new_password_field(_l("Choose a password"))
    confirm = confirm_field()


class ProfileForm(OrganizationChoices, FlaskForm):
    name = StringField(_l("Name"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    organization_id = SelectField(
        _l("Organisation"),
        coerce=int,
        validate_choice=True,
        description=_l("The organisations of the programs you take part in."),
    )
    new_organization = StringField(
        _l("Not in the list? Your organisation's name"),
        validators=[Optional(), Length(max=200)],
        filters=[strip],
        description=_l("Filled in, this name is saved as your organisation instead of the choice above."),
    )
    locale = SelectField(_l("Language"), choices=_locale_choices, default="")
    timezone = SelectField(
        _l("Timezone"), choices=timezone_choices, default="UTC", validators=[timezone_name]
    )
    email_notifications = BooleanField(_l("Send me email notifications (reminders and news of my cohorts)"))


class ChangePasswordForm(FlaskForm):
    current = PasswordField(
        _l("Current password"), validators=[DataRequired()], render_kw={"autocomplete": "current-password"}
    )
    password = new_password_field(_l("New password"))
    confirm = confirm_field()
