from __future__ import annotations

from typing import Any

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, RadioField, SelectField, StringField, TextAreaField
from wtforms.fields.choices import SelectChoice
from wtforms.validators import DataRequired, Length, Optional, Regexp

from fellowship.core.forms import Form, strip, web_address
from fellowship.curriculum.enums import WorksheetStatus
from fellowship.curriculum.loader import SLUG
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


# --- the module editor -------------------------------------------------------------------------------------


class NewModuleForm(Form):
    title = StringField(_l("Title in English"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    slug = StringField(
        _l("Short name"),
        description=_l(
            "Lowercase letters, digits and hyphens, used in links: for example “meeting-facilitation”."
        ),
        validators=[
            DataRequired(),
            Length(max=100),
            Regexp(SLUG.pattern, message=_l("Use lowercase letters, digits and hyphens.")),
        ],
        filters=[strip],
    )
    program_kind = SelectField(_l("Program kind"))  # a select checks its value is one of its choices


class PublishForm(Form):
    substantive = BooleanField(
        _l("This is a substantive revision"),
        description=_l(
            "New or rewritten material: the funder report counts it as curriculum material created. "
            "Leave it unticked for typo fixes, translations and small changes."
        ),
    )
    change_note = TextAreaField(
        _l("What changed"),
        description=_l("Fellows whose draft stays on the earlier version read this."),
        validators=[Optional(), Length(max=1000)],
        filters=[strip],
    )


class ImportForm(Form):
    upload = FileField(
        _l("Module file (YAML)"),
        description=_l(
            "A module exported from this or another installation, or a file of the curriculum folder."
        ),
    )


class EditorGrantForm(Form):
    user_id = SelectField(_l("Facilitator"), coerce=int)  # a select checks its value is one of its choices
    program_kind = SelectField(_l("Program kind"))


class ResourceForm(Form):
    """A link or a file (exactly one), with the title learners see."""

    title = StringField(_l("Title"), validators=[DataRequired(), Length(max=200)], filters=[strip])
    url = StringField(
        _l("Link"),
        description=_l("A web address starting with https:// or http://. Or choose a file below."),
        validators=[Optional(), Length(max=2000), web_address],
        filters=[strip],
    )
    upload = FileField(
        _l("File"),
        description=_l("A PDF, a picture (PNG, JPEG, WebP) or an office document."),
    )
