from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, NumberRange

from fellowship.core.forms import strip


class ApologiesForm(FlaskForm):
    reason = TextAreaField(
        _l("Reason"),
        description=_l("Shown to the facilitators."),
        validators=[DataRequired(), Length(max=500)],
        filters=[strip],
    )


class CheckinWindowForm(FlaskForm):
    minutes = IntegerField(_l("Open for (minutes)"), default=30, validators=[NumberRange(min=1, max=24 * 60)])
    grace = IntegerField(
        _l("Late after (minutes from the start)"), default=10, validators=[NumberRange(min=0, max=24 * 60)]
    )


class CheckinForm(FlaskForm):
    code = StringField(_l("Check-in code"), validators=[DataRequired(), Length(max=12)], filters=[strip])
