from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import IntegerField, StringField, TextAreaField
from wtforms.validators import DataRequired, NumberRange

from fellowship.attendance.models import AttendanceRecord
from fellowship.core.forms import Form, strip
from fellowship.events.models import Event


class ApologiesForm(Form):
    class Meta:
        columns = {"reason": AttendanceRecord.note}  # kept as the note of each excused day

    reason = TextAreaField(
        _l("Reason"),
        description=_l("Shown to the facilitators."),
        validators=[DataRequired()],
        filters=[strip],
    )


class CheckinWindowForm(Form):
    minutes = IntegerField(_l("Open for (minutes)"), default=30, validators=[NumberRange(min=1, max=24 * 60)])
    grace = IntegerField(
        _l("Late after (minutes from the start)"), default=10, validators=[NumberRange(min=0, max=24 * 60)]
    )


class CheckinForm(Form):
    class Meta:
        columns = {"code": Event.checkin_code}

    code = StringField(_l("Check-in code"), validators=[DataRequired()], filters=[strip])
