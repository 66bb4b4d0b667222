from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from fellowship.core.forms import strip
from fellowship.curriculum.enums import WorksheetStatus


class ReviewForm(FlaskForm):
    decision = RadioField(
        _l("Decision"),
        choices=[
            SelectChoice(WorksheetStatus.APPROVED.value, _l("Approve")),
            SelectChoice(WorksheetStatus.CHANGES_REQUESTED.value, _l("Ask for changes")),
        ],
        validators=[DataRequired()],
    )
    comment = TextAreaField(
        _l("Comment"),
        description=_l("Markdown: **bold**, *italic*, lists and links."),
        validators=[Optional(), Length(max=10000)],
        filters=[strip],
    )
