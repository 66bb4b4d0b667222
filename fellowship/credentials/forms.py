from __future__ import annotations

from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import TextAreaField
from wtforms.validators import DataRequired, Length

from fellowship.credentials.services import REASON_MAX


class RevokeForm(FlaskForm):
    reason = TextAreaField(
        _l("Why it is revoked"),
        validators=[
            DataRequired(_l("Say why the credential is revoked.")),
            Length(max=REASON_MAX, message=_l("Keep the reason under %(max)d characters.")),
        ],
        description=_l("Kept in the audit log; the holder and verifiers see only that it was revoked."),
    )
