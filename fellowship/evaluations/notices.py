"""What `flask fellowship dispatch` does for evaluations: links emailed once to each attendee after the
event ends, and the release of sealed anonymous answers in shuffled batches.

Members get the link to the signed-in page, in their language, with an unsubscribe link (and the prompt
on their cohort page); external guests get a personal link that needs no account.

Anonymous answers stay sealed until a dispatch releases them (``services.release``): until cron runs the
command, a summary counts them among the responses but shows them as waiting.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import current_app
from flask_babel import force_locale
from flask_babel import lazy_gettext as _l

from fellowship.accounts.emails import external_url, recipient_locale, unsubscribe_link
from fellowship.core import clock, mail, notifications
from fellowship.core.i18n import format_until
from fellowship.evaluations import queries, services
from fellowship.evaluations.models import Receipt, Survey
from fellowship.evaluations.tokens import guest_token
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db

KIND = "evaluation_link"
SUBJECT = _l("How was %(title)s?")


def dispatch_links() -> int:
    """Email every attendee of an ended event whose evaluation is open and who has not answered; each
    person once per evaluation (a unique notification row), however often the command runs."""
    now = clock.now()
    pending = db.session.execute(
        sa.select(Survey, Event, EventInvitation)
        .join(Event, Event.id == Survey.event_id)
        .join(EventInvitation, EventInvitation.event_id == Event.id)
        .where(
            Event.ends_at <= now,
            Event.cancelled_at.is_(None),
            sa.or_(Survey.closes_at.is_(None), Survey.closes_at > now),
            queries.attended_clause(),
            ~sa.exists().where(Receipt.survey_id == Survey.id, Receipt.invitation_id == EventInvitation.id),
        )
        .order_by(Survey.id, EventInvitation.id)
    ).all()
    sent = 0
    for survey, event, invitation in pending:
        if not notifications.claim("surveys", survey.id, invitation.email, KIND):
            continue
        user = invitation.user
        if user is not None:
            if not user.email_notifications or not user.active:
                continue
            locale, unsubscribe = recipient_locale(user), unsubscribe_link(user)
            link = external_url("fellowship.evaluations.answer", event_id=event.id)
            zone = user.timezone
        else:
            locale, unsubscribe = "en", ""
            link = external_url(
                "fellowship.evaluations.guest_answer", token=guest_token(invitation), lang=locale
            )
            zone = event.timezone
        with force_locale(locale):
            closes = format_until(survey.closes_at, zone)
        mail.compose(
            KIND,
            invitation.email,
            locale,
            mail.TitledSubject(SUBJECT, event.title),
            "evaluations/email/link",
            headers={"List-Unsubscribe": f"<{unsubscribe}>"} if unsubscribe else {},
            secret=True,  # a member's unsubscribe link, or a guest's personal answer link
            name=invitation.name,
            event=event,
            link=link,
            anonymous=survey.anonymous,
            closes=closes,
            unsubscribe=unsubscribe,
        )
        sent += 1
    return sent


def release_anonymous_answers() -> int:
    """Release what may be released of every survey with sealed answers; the number of answers released.
    All surveys go in the one transaction the command commits after this dispatcher."""
    now = clock.now()
    minimum = int(current_app.config["FELLOWSHIP_EVALUATION_MIN_GROUP"])
    surveys = db.session.scalars(queries.sealed_surveys()).all()
    return sum(services.release(survey, now, minimum) for survey in surveys)


notifications.register("evaluation links", dispatch_links)
notifications.register("anonymous answers", release_anonymous_answers)
