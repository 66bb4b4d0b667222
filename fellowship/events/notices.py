"""Event emails: invitations, changes, cancellations and reminders, each with an iCalendar attachment.

Members get them as notifications (in their language, with an unsubscribe link, not at all once they
unsubscribed); external guests get them at the address they were invited with, in the sender's language.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable

import sqlalchemy as sa
from flask import current_app
from flask_babel import get_locale
from flask_babel import lazy_gettext as _l

from fellowship.accounts.emails import external_url, recipient_locale, unsubscribe_link
from fellowship.core import clock, mail, notifications
from fellowship.events import calendar, queries
from fellowship.events.enums import Rsvp
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db

SUBJECTS = {
    "invitation": _l("Invitation: %(title)s"),
    "changed": _l("Changed: %(title)s"),
    "cancelled": _l("Cancelled: %(title)s"),
    "reminder": _l("Reminder: %(title)s"),
    "promoted": _l("A place is free for you: %(title)s"),
}
METHODS = {
    "invitation": "REQUEST",
    "changed": "REQUEST",
    "cancelled": "CANCEL",
    "reminder": "REQUEST",
    "promoted": "REQUEST",
}


def send(
    event: Event,
    invitations: Iterable[EventInvitation],
    kind: str,
    guest_tokens: dict[int, str] | None = None,
) -> int:
    """Queue one email per invitee; returns how many were queued."""
    tokens = guest_tokens or {}
    sent = 0
    for invitation in invitations:
        if kind in {"changed", "reminder"} and invitation.rsvp is Rsvp.NO:
            continue  # people who said no hear about cancellations, not about changes or reminders
        user = invitation.user
        if user is not None and (not user.email_notifications or not user.active):
            continue
        token = None
        if user is not None:
            locale, unsubscribe = recipient_locale(user), unsubscribe_link(user)
            link = external_url("fellowship.events.event", event_id=event.id)
        else:
            locale, unsubscribe = str(get_locale() or "en"), ""
            token = tokens.get(invitation.id)
            link = external_url("fellowship.events.guest_rsvp", token=token, lang=locale) if token else ""
        headers = {"List-Unsubscribe": f"<{unsubscribe}>"} if unsubscribe else {}
        mail.compose(
            f"event_{kind}",
            invitation.email,
            locale,
            mail.TitledSubject(SUBJECTS[kind], event.title),
            "events/email/event",
            headers=headers,
            attachments=[calendar.attachment(event, METHODS[kind], invitation)],
            secret=bool(unsubscribe or token),  # a member's unsubscribe link, a guest's answer link
            name=invitation.name,
            event=event,
            notice=kind,
            link=link,
            unsubscribe=unsubscribe,
        )
        sent += 1
    return sent


def dispatch_reminders() -> int:
    """Remind invitees of events starting within FELLOWSHIP_REMINDER_HOURS; each person once per event."""
    now = clock.now()
    horizon = now + dt.timedelta(hours=current_app.config["FELLOWSHIP_REMINDER_HOURS"])
    events = db.session.scalars(
        sa.select(Event).where(
            Event.starts_at > now, Event.starts_at <= horizon, Event.cancelled_at.is_(None)
        )
    ).all()
    count = 0
    for event in events:
        fresh = [
            invitation
            for invitation in db.session.scalars(queries.invitees(event.id))
            if invitation.rsvp is not Rsvp.NO
            and notifications.claim("events", event.id, invitation.email, "reminder")
        ]
        count += send(event, fresh, "reminder")
    return count


notifications.register("event reminders", dispatch_reminders)
