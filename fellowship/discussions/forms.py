"""The discussions' forms: an announcement, a reply, a reason for hiding one."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from wtforms import HiddenField, SelectField, StringField, TextAreaField
from wtforms.validators import DataRequired, Length, Optional

from fellowship.core.forms import Form, strip, web_address
from fellowship.discussions.models import Announcement, Reply
from fellowship.discussions.services import MAX_BODY

MARKDOWN_HELP = _l("Markdown works: **bold**, *italic*, [a link](https://example.org), > a quote, - a list.")


class AnnouncementForm(Form):
    class Meta:
        model = Announcement

    title = StringField(
        _l("Title"), validators=[DataRequired(message=_l("Give the announcement a title."))], filters=[strip]
    )
    body = TextAreaField(
        _l("Announcement"),
        description=MARKDOWN_HELP,
        validators=[DataRequired(message=_l("Write the announcement.")), Length(max=MAX_BODY)],
        filters=[strip],
        render_kw={"rows": 8},
    )
    points = SelectField(
        _l("About"),
        description=_l("Optionally, one of the cohort's events or modules the announcement is about."),
        choices=[],
        validate_choice=True,
    )
    link = StringField(
        _l("Link"),
        description=_l("Optionally, a resource on the web (https://...)."),
        validators=[Optional(), web_address],
        filters=[strip],
    )


class ReplyForm(Form):
    class Meta:
        model = Reply

    body = TextAreaField(
        _l("Your reply"),
        description=MARKDOWN_HELP,
        validators=[DataRequired(message=_l("Write your reply.")), Length(max=MAX_BODY)],
        filters=[strip],
        render_kw={"rows": 5},
    )
    quote = HiddenField()


class HideForm(Form):
    class Meta:
        model = Reply

    hidden_reason = TextAreaField(
        _l("Reason"),
        description=_l("Its author sees it; other members see that a reply was hidden."),
        validators=[DataRequired(message=_l("Say why the reply is hidden."))],
        filters=[strip],
        render_kw={"rows": 2},
    )
