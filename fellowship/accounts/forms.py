from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import BooleanField, EmailField, HiddenField, PasswordField, SelectField, StringField, URLField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Email, Length, Optional

from fellowship.accounts.enums import ORGANIZATION_KIND_LABELS, OrganizationKind
from fellowship.accounts.services import MAX_PASSWORD_LENGTH, MIN_PASSWORD_LENGTH
from fellowship.config import LOCALES
from fellowship.core.forms import strip, timezone_name, web_address
from fellowship.core.i18n import LANGUAGE_NAMES, timezone_choices


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


class UserForm(FlaskForm):
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
        validators=[Optional(), Length(min=MIN_PASSWORD_LENGTH, max=MAX_PASSWORD_LENGTH)],
    )

    def set_organization_choices(self, organizations: list[tuple[int, str]]) -> None:
        self.organization_id.choices = [SelectChoice(0, _l("No organisation"))] + [
            SelectChoice(value, label) for value, label in organizations
        ]
