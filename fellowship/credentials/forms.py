from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import BooleanField, TextAreaField
from wtforms.validators import DataRequired, Length

from fellowship.core.forms import Form
from fellowship.credentials.services import REASON_MAX
from fellowship.credentials.verify import MAX_BYTES


class RevokeForm(Form):
    reason = TextAreaField(
        _l("Why it is revoked"),
        validators=[
            DataRequired(_l("Say why the credential is revoked.")),
            Length(max=REASON_MAX, message=_l("Keep the reason under %(max)d characters.")),
        ],
        description=_l("Kept in the audit log; the holder and verifiers see only that it was revoked."),
    )


class VerifyForm(Form):
    credential = TextAreaField(
        _l("The credential"),
        validators=[
            Length(
                max=MAX_BYTES, message=_l("The credential is larger than %(num)d KB.", num=MAX_BYTES // 1024)
            )
        ],
        description=_l("Paste the contents of the .jwt file (a long line of letters, digits and dots)."),
    )
    upload = FileField(_l("Or choose the file"))


class ModuleBadgesForm(Form):
    module_badges = BooleanField(
        _l("Issue a badge for every approved module"),
        description=_l(
            "Each fellow whose worksheet a facilitator approves can download a signed Open Badges 3.0 "
            "credential for that module. Badges already issued stay valid if you turn this off."
        ),
    )
