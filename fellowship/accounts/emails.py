"""Emails that leave from a request: invitations, password links, notices with an unsubscribe link.

These helpers build absolute links from ``FELLOWSHIP_BASE_URL`` (never from the request's host, which the
sender of a request chooses) and queue the message in the recipient's language; they are used by the
accounts and programs views.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import current_app, url_for
from flask_babel import force_locale, get_locale
from flask_babel import lazy_gettext as _l
from flask_login import current_user
from itsdangerous import URLSafeSerializer

from fellowship.accounts import services
from fellowship.accounts.models import AccountInvite, User
from fellowship.core import mail
from fellowship.core.i18n import format_date
from fellowship.core.logs import security_event


def external_url(endpoint: str, lang: str | None = None, **values: Any) -> str:
    """An absolute link for an email; ``lang`` (the recipient's language) opens a signed-out page in it.

    The site's configured address (always set: see ``Fellowship._init_site_address``) plus the page's path.
    """
    if lang:
        values["lang"] = lang
    return current_app.config["FELLOWSHIP_BASE_URL"] + url_for(endpoint, **values)


def recipient_locale(user: User) -> str:
    return user.locale or str(get_locale() or "en")


def send_invitation(
    user: User, cohort_id: int | None = None, role: str | None = None, cohort_name: str | None = None
) -> AccountInvite:
    """Create an invitation for ``user`` and queue its email (in the same transaction)."""
    lifetime = dt.timedelta(days=current_app.config["FELLOWSHIP_INVITE_DAYS"])
    invitation, token = services.invite(user, lifetime, current_user, cohort_id, role)
    queue_invitation_email(invitation, token, cohort_name)
    security_event("invitation_sent", user_id=current_user.id, invitee_id=user.id, cohort_id=cohort_id)
    return invitation


def queue_invitation_email(invitation: AccountInvite, token: str, cohort_name: str | None) -> None:
    user = invitation.user
    locale = recipient_locale(user)
    with force_locale(locale):
        expires = format_date(invitation.expires_at.date(), "long")
    mail.compose(
        "invitation",
        user.email,
        locale,
        _l("Your invitation to Fellowship"),
        "accounts/email/invitation",
        user=user,
        inviter=current_user.name,
        cohort_name=cohort_name,
        expires=expires,
        link=external_url("fellowship.accounts.invitation", token=token, lang=locale),
        secret=True,  # the link sets the account's password
    )


def unsubscribe_serializer() -> URLSafeSerializer:
    return URLSafeSerializer(current_app.secret_key, salt="fellowship-unsubscribe")


def unsubscribe_link(user: User) -> str:
    return external_url(
        "fellowship.accounts.unsubscribe",
        token=unsubscribe_serializer().dumps(user.id),
        lang=recipient_locale(user),
    )


def resend_invitation(invitation: AccountInvite, cohort_name: str | None) -> AccountInvite:
    lifetime = dt.timedelta(days=current_app.config["FELLOWSHIP_INVITE_DAYS"])
    fresh, token = services.resend_invite(invitation, lifetime, current_user)
    queue_invitation_email(fresh, token, cohort_name)
    security_event("invitation_resent", user_id=current_user.id, invitee_id=fresh.user_id)
    return fresh


def send_notification(user: User, kind: str, subject: Any, template: str, **context: Any) -> bool:
    """Queue a notification unless the person unsubscribed; every one carries a working unsubscribe link."""
    if not user.email_notifications or not user.active:
        return False
    link = unsubscribe_link(user)
    mail.compose(
        kind,
        user.email,
        recipient_locale(user),
        subject,
        template,
        headers={"List-Unsubscribe": f"<{link}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"},
        secret=True,  # the unsubscribe link changes the person's settings without signing in
        user=user,
        unsubscribe=link,
        **context,
    )
    return True
