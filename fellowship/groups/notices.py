"""The "summary and next steps" of seed 003: after a meeting, one action emails every member of the group its
decisions and action items, with the next meeting and its calendar file, in each member's interface language
around the group's own text. Each member gets a meeting's summary once, however often it is sent."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.accounts.emails import external_url, recipient_locale, unsubscribe_link
from fellowship.accounts.models import User
from fellowship.core import mail, notifications
from fellowship.events import calendar
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db
from fellowship.groups import queries, services
from fellowship.groups.enums import ActionStatus
from fellowship.programs.models import Membership
from fellowship.programs.queries import current_membership_clause

SUBJECT = _l("Summary and next steps: %(title)s")


def next_meeting(meeting: Event) -> Event | None:
    return db.session.scalars(
        queries.meetings(meeting.cohort_id).where(Event.starts_at > meeting.starts_at).limit(1)
    ).first()


def send_summary(meeting: Event, today: dt.date) -> tuple[int, int]:
    """Queue the summary for every current member of the group who takes emails; (sent now, sent before)."""
    people = db.session.scalars(
        sa.select(User)
        .join(Membership, Membership.user_id == User.id)
        .where(Membership.cohort_id == meeting.cohort_id, current_membership_clause(today))
        .distinct()
        .order_by(User.id)
    ).all()
    following = next_meeting(meeting)
    invitations: dict[int, EventInvitation] = {}
    host = None
    if following is not None:
        invitations = {
            i.user_id: i
            for i in db.session.scalars(
                sa.select(EventInvitation).where(EventInvitation.event_id == following.id)
            )
            if i.user_id is not None
        }
        host, _organizations = services.host_of(following, today)
    decisions = db.session.scalars(queries.decisions(meeting.id)).all()
    actions = db.session.execute(queries.raised_at(meeting.id)).all()
    carried = db.session.execute(queries.carried_to(meeting)).all()
    sent = before = 0
    for person in people:
        if not person.email_notifications or not person.active:
            continue
        if not notifications.claim("group_meetings", meeting.id, person.email, "summary"):
            before += 1
            continue
        invitation = invitations.get(person.id)
        unsubscribe = unsubscribe_link(person)
        mail.compose(
            "group_summary",
            person.email,
            recipient_locale(person),
            mail.TitledSubject(SUBJECT, meeting.title),
            "groups/email/summary",
            headers={"List-Unsubscribe": f"<{unsubscribe}>"},
            attachments=[calendar.attachment(following, "REQUEST", invitation)]
            if following is not None and invitation is not None
            else [],
            secret=True,  # the unsubscribe link acts for its recipient
            name=person.name,
            meeting=meeting,
            decisions=decisions,
            actions=actions,
            carried=[row for row in carried if row[0].status is ActionStatus.OPEN],
            following=following,
            host=host,
            link=external_url("fellowship.events.event", event_id=meeting.id),
            next_link=external_url("fellowship.events.event", event_id=following.id) if following else "",
            unsubscribe=unsubscribe,
        )
        sent += 1
    db.session.flush()
    return sent, before
