from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from wtforms import RadioField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional

from fellowship.core.forms import Form, strip
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.text import localised


class ReviewForm(Form):
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


NOTE_PREFIX = "note_"


def review_form(fields: list[dict[str, Any]]) -> ReviewForm:
    """The review form with one optional comment box per worksheet field (``note_<field name>``)."""

    class FieldReviewForm(ReviewForm):
        pass

    for definition in fields:
        setattr(
            FieldReviewForm,
            NOTE_PREFIX + definition["name"],
            TextAreaField(
                _l("Comment on “%(field)s”", field=localised(definition["label"])),
                validators=[Optional(), Length(max=4000)],
                filters=[strip],
            ),
        )
    return FieldReviewForm()


def field_notes(form: ReviewForm, fields: list[dict[str, Any]]) -> dict[str, str]:
    return {d["name"]: form[NOTE_PREFIX + d["name"]].data or "" for d in fields}
