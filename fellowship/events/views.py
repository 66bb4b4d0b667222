"""Events of a cohort: scheduling, agenda, guests, answers (RSVP)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import get_locale, ngettext
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

from fellowship.accounts.models import User
from fellowship.core import clock, home, i18n, panels, personal_data, subjects
from fellowship.core.forms import ActionForm, form_status
from fellowship.core.i18n import format_date_range
from fellowship.core.markdown import render as render_markdown
from fellowship.core.permissions import require
from fellowship.core.web import safe_next
from fellowship.events import calendar, notices, queries, services
from fellowship.events.access import event_for
from fellowship.events.enums import EVENT_KIND_LABELS, RSVP_LABELS, EventKind, Rsvp
from fellowship.events.forms import AgendaForm, AgendaTemplateForm, EventForm, GuestsForm, RsvpForm
from fellowship.events.models import Event, EventInvitation
from fellowship.extensions import db
from fellowship.programs.access import can_manage, cohort_for
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort
from fellowship.programs.queries import visible_cohorts

bp = Blueprint("events", __name__, template_folder="templates")


@bp.context_processor
def _labels() -> dict[str, object]:
    return {
        "kind_labels": EVENT_KIND_LABELS,
        "rsvp_labels": RSVP_LABELS,
        "local_time": services.to_local,
    }


def _fields(form: EventForm) -> services.EventFields:
    timezone = form.timezone.data or "UTC"
    return services.EventFields(
        kind=EventKind(form.kind.data),
        title=form.title.data or "",
        description=form.description.data or "",
        starts_at=services.to_utc(form.starts_at.data, timezone),
        ends_at=services.to_utc(form.ends_at.data, timezone),
        timezone=timezone,
        venue=form.venue.data or "",
        online_link=form.online_link.data or "",
        capacity=form.capacity.data,
        speakers=form.speakers.data or "",
    )


def _dates_confirmed(form: EventForm, cohort: Cohort) -> bool:
    """An event outside the cohort's dates is saved only once the facilitator ticks the box the form then
    shows; otherwise the form comes back with the warning."""
    try:
        if form.outside_dates.data or not services.outside_cohort(cohort, _fields(form)):
            return True
    except services.EventError:
        return True  # a time that does not exist: saving says so
    form.outside_dates.errors.append(
        _(
            "This event falls outside the cohort's dates (%(dates)s). Tick the box to schedule it anyway.",
            dates=format_date_range(cohort.starts_on, cohort.ends_on),
        )
    )
    return False


@bp.route("/cohorts/<int:cohort_id>/events")
@login_required
def cohort_events(cohort_id: int) -> str:
    cohort, role = cohort_for(cohort_id)
    events = db.session.scalars(queries.cohort_events(cohort.id).limit(500)).all()
    return render_template(
        "events/list.html", cohort=cohort, events=events, can_manage=can_manage(role), now=clock.now()
    )


@bp.route("/cohorts/<int:cohort_id>/events/new", methods=["GET", "POST"])
@login_required
def event_new(cohort_id: int) -> str | Response:
    cohort, _role = cohort_for(cohort_id, manage=True)
    form = EventForm(timezone=cohort.timezone)
    if form.validate_on_submit() and _dates_confirmed(form, cohort):
        try:
            event = services.create_event(cohort, _fields(form), current_user.id)
        except services.EventError as error:
            form.starts_at.errors.append(str(error))
        else:
            if not services.is_over(event):
                notices.send(event, db.session.scalars(queries.invitees(event.id)), "invitation")
            db.session.commit()
            flash(_("Saved %(name)s.", name=event.title), "success")
            return redirect(url_for(".event", event_id=event.id))
    return render_template("events/form.html", form=form, cohort=cohort, event=None), form_status(form)


@bp.route("/events/<int:event_id>")
@login_required
def event(event_id: int) -> str:
    event, role = event_for(event_id)
    mine = db.session.scalar(queries.invitation_of(current_user, event.id))
    return render_template(
        "events/event.html",
        event=event,
        role=role,
        can_manage=can_manage(role),
        mine=mine,
        panels=panels.render_context(panels.event_panels(), event, current_user),
        description=render_markdown(event.description),
        rsvp_form=RsvpForm(formdata=None, answer=mine.rsvp.value if mine and mine.rsvp else None),
        action_form=ActionForm(),
        now=clock.now(),
    )


@bp.route("/events/<int:event_id>/edit", methods=["GET", "POST"])
@login_required
def event_edit(event_id: int) -> str | Response:
    event, _role = event_for(event_id, manage=True)
    # The saved values as the form holds them: wall-clock times in the event's zone (the object holds UTC)
    # and the kind's value. A field missing from a POST keeps its saved value, never the UTC one.
    plain = ("title", "description", "timezone", "venue", "online_link", "capacity", "speakers")
    form = EventForm(
        data={
            **{name: getattr(event, name) for name in plain},
            "kind": event.kind.value,
            "starts_at": services.to_local(event.starts_at, event.timezone),
            "ends_at": services.to_local(event.ends_at, event.timezone),
        }
    )
    if form.validate_on_submit() and _dates_confirmed(form, event.cohort):
        sequence = event.sequence
        try:
            services.update_event(event, _fields(form), current_user.id)
        except services.EventError as error:
            form.starts_at.errors.append(str(error))
        else:
            if event.sequence != sequence and not services.is_over(event):
                notices.send(event, db.session.scalars(queries.invitees(event.id)), "changed")
            db.session.commit()
            flash(_("Saved %(name)s.", name=event.title), "success")
            return redirect(url_for(".event", event_id=event.id))
    return render_template("events/form.html", form=form, cohort=event.cohort, event=event), form_status(form)


@bp.route("/events/<int:event_id>/cancel", methods=["POST"])
@login_required
def event_cancel(event_id: int) -> Response:
    event, _role = event_for(event_id, manage=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.cancel_event(event, current_user.id)
    except services.EventError as error:
        flash(str(error), "error")
    else:
        notices.send(event, db.session.scalars(queries.invitees(event.id)), "cancelled")
        db.session.commit()
        flash(_("The event is cancelled."), "success")
    return redirect(url_for(".event", event_id=event.id))


@bp.route("/events/<int:event_id>/agenda", methods=["GET", "POST"])
@login_required
def agenda(event_id: int) -> str | Response:
    event, _role = event_for(event_id, manage=True)
    template_form = AgendaTemplateForm(prefix="template", language=str(get_locale() or "en"))
    if request.method == "POST" and "template-template" in request.form:
        if template_form.validate_on_submit():
            services.apply_template(
                event, template_form.template.data or "", template_form.language.data or "en"
            )
            db.session.commit()
            flash(_("The agenda was filled from the template. Adjust it as you need."), "success")
            return redirect(url_for(".agenda", event_id=event.id))
        abort(400)
    form = AgendaForm()
    if request.method == "GET":
        for item in event.agenda:
            form.items.append_entry(
                {
                    "starts_at": services.to_local(item.starts_at, event.timezone)
                    if item.starts_at
                    else None,
                    "title": item.title,
                    "notes": item.notes,
                }
            )
        for _blank in range(3):
            form.items.append_entry()
    elif form.validate_on_submit():
        try:
            items = [
                (
                    services.to_utc(entry.starts_at.data, event.timezone) if entry.starts_at.data else None,
                    entry.title.data or "",
                    entry.notes.data or "",
                )
                for entry in form.items
                if entry.title.data
            ]
        except services.EventError as error:
            flash(str(error), "error")
        else:
            services.replace_agenda(
                event, sorted(items, key=lambda i: (i[0] is None, i[0] or event.starts_at))
            )
            db.session.commit()
            flash(_("The agenda is saved."), "success")
            return redirect(url_for(".event", event_id=event.id))
    status = 400 if request.method == "POST" else 200
    return render_template("events/agenda.html", event=event, form=form, template_form=template_form), status


@bp.route("/events/<int:event_id>/guests", methods=["GET", "POST"])
@login_required
def guests(event_id: int) -> str | Response:
    event, _role = event_for(event_id, manage=True)
    form = GuestsForm()
    line_errors: list[tuple[int, str]] = []
    if form.validate_on_submit():
        parsed, line_errors = services.parse_guests(form.guests.data or "")
        if not line_errors:
            added = services.add_guests(event, parsed)
            notices.send(event, [i for i, _t in added], "invitation", {i.id: t for i, t in added})
            db.session.commit()
            flash(
                ngettext("%(num)d guest was invited.", "%(num)d guests were invited.", len(added)), "success"
            )
            return redirect(url_for(".guests", event_id=event.id))
    listed = db.session.scalars(
        sa.select(EventInvitation)
        .where(EventInvitation.event_id == event.id, EventInvitation.user_id.is_(None))
        .order_by(sa.func.lower(EventInvitation.name))
    ).all()
    status = 400 if (form.errors or line_errors) else 200
    return render_template(
        "events/guests.html", event=event, form=form, line_errors=line_errors, guests=listed
    ), status


def _answer(invitation: EventInvitation, form: RsvpForm) -> None:
    try:
        moved_up = services.set_rsvp(invitation, Rsvp(form.answer.data))
    except services.EventError as error:
        flash(str(error), "error")
        return
    if moved_up is not None:
        notices.send(invitation.event, [moved_up], "promoted")
    db.session.commit()
    if invitation.waitlisted:
        flash(_("The event is full: you are on the waitlist and will move up if a place frees."), "info")
    else:
        flash(_("Your answer is saved."), "success")


@bp.route("/events/<int:event_id>/rsvp", methods=["POST"])
@login_required
def rsvp(event_id: int) -> Response:
    event, _role = event_for(event_id)
    invitation = db.session.scalar(queries.invitation_of(current_user, event.id))
    require(invitation is not None)
    assert invitation is not None
    form = RsvpForm()
    if not form.validate_on_submit():
        abort(400)
    _answer(invitation, form)
    return redirect(safe_next(form.next.data) or url_for(".event", event_id=event.id))


i18n.language_follows("fellowship.events.guest_rsvp")


@bp.route("/rsvp/<token>", methods=["GET", "POST"])
def guest_rsvp(token: str) -> str | Response | tuple[str, int]:
    invitation = services.guest_invitation(token)
    if invitation is None:
        abort(404)
    form = RsvpForm(answer=invitation.rsvp.value if invitation.rsvp else None)
    if form.validate_on_submit():
        _answer(invitation, form)
        return redirect(url_for(".guest_rsvp", token=token))
    return render_template(
        "events/guest_rsvp.html",
        invitation=invitation,
        event=invitation.event,
        form=form,
        description=render_markdown(invitation.event.description),
    ), form_status(form)


def _events_panel(cohort: Any, user: Any) -> dict[str, Any]:
    now = clock.now()
    upcoming = db.session.scalars(
        queries.cohort_events(cohort.id).where(Event.ends_at > now, Event.cancelled_at.is_(None)).limit(5)
    ).all()
    past_count = db.session.scalar(
        sa.select(sa.func.count(Event.id)).where(Event.cohort_id == cohort.id, Event.ends_at <= now)
    )
    return {"cohort": cohort, "upcoming": upcoming, "past_count": past_count or 0}


panels.register_cohort_panel(panels.CohortPanel("events", "events/panel.html", 10, _events_panel))


def _event_subjects(cohort_id: int, ids: Sequence[int] | None = None) -> list[subjects.Subject]:
    """The cohort's events (among ``ids``, if given) as subjects a discussion can hang off, soonest first."""
    statement = queries.cohort_events(cohort_id)
    if ids is not None:
        statement = statement.where(Event.id.in_(ids))
    return [
        subjects.Subject(
            "event", event.id, event.title, url_for("fellowship.events.event", event_id=event.id)
        )
        for event in db.session.scalars(statement)
    ]


subjects.register(
    subjects.SubjectKind(
        "event",
        _l("Event"),
        lambda cohort_id, ids: {subject.id: subject for subject in _event_subjects(cohort_id, ids)},
        _event_subjects,
    )
)


def _my_events(user: Any) -> list[dict[str, Any]]:
    rows = db.session.execute(queries.user_events(user.id)).all()
    return [
        {
            "event": event.title,
            "starts_at": event.starts_at.isoformat(),
            "answer": invitation.rsvp.value if invitation.rsvp else None,
        }
        for event, invitation in rows
    ]


personal_data.register("events", _my_events, erase=services.erase_person, tables=("event_invitations",))


# --- calendars ---------------------------------------------------------------------------------------------


def _feed_url(kind: str, owner_id: int, version: int) -> str:
    token = calendar.feed_token(current_app.secret_key, kind, owner_id, version)
    if kind == "user":
        return url_for(".user_feed", user_id=owner_id, token=token, _external=True)
    return url_for(".cohort_feed", cohort_id=owner_id, token=token, _external=True)


def _ics(body: bytes, filename: str) -> Response:
    response = current_app.response_class(body, mimetype="text/calendar")  # Werkzeug adds the charset
    response.headers["Content-Disposition"] = f'inline; filename="{filename}"'
    response.headers["Cache-Control"] = "private, max-age=300"
    return response


@bp.route("/my-events")
@login_required
def my_events() -> str:
    rows = db.session.execute(queries.user_events(current_user.id).limit(500)).all()
    now = clock.now()
    cohorts = db.session.scalars(visible_cohorts(current_user).limit(50)).all()
    return render_template(
        "events/my_events.html",
        upcoming=[(e, i) for e, i in rows if e.ends_at > now],
        past=[(e, i) for e, i in rows if e.ends_at <= now][::-1],
        feed=_feed_url("user", current_user.id, current_user.calendar_version),
        cohort_feeds=[(c, _feed_url("cohort", c.id, c.calendar_version)) for c in cohorts],
        action_form=ActionForm(),
    )


@bp.route("/my-events/calendar/reset", methods=["POST"])
@login_required
def reset_user_feed() -> Response:
    if not ActionForm().validate_on_submit():
        abort(400)
    services.retire_feed(current_user)
    db.session.commit()
    flash(_("Your calendar address was changed; the old one no longer works."), "success")
    return redirect(url_for(".my_events"))


@bp.route("/cohorts/<int:cohort_id>/calendar/reset", methods=["POST"])
@login_required
def reset_cohort_feed(cohort_id: int) -> Response:
    cohort, _role = cohort_for(cohort_id, manage=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.retire_feed(cohort)
    db.session.commit()
    flash(_("The cohort's calendar address was changed; the old one no longer works."), "success")
    return redirect(url_for(".my_events"))


@bp.route("/calendar/<int:user_id>/<token>.ics")
def user_feed(user_id: int, token: str) -> Response:
    user = db.session.get(User, user_id)
    if (
        user is None
        or not user.active
        or not calendar.token_matches(current_app.secret_key, "user", user.id, user.calendar_version, token)
    ):
        abort(404)
    events = [e for e, _i in db.session.execute(queries.user_events(user.id).limit(1000)).all()]
    return _ics(calendar.calendar(events, name=user.name), "fellowship.ics")


@bp.route("/cohorts/<int:cohort_id>/calendar/<token>.ics")
def cohort_feed(cohort_id: int, token: str) -> Response:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or not calendar.token_matches(
        current_app.secret_key, "cohort", cohort.id, cohort.calendar_version, token
    ):
        abort(404)
    events = db.session.scalars(queries.cohort_events(cohort.id).limit(1000)).all()
    return _ics(calendar.calendar(events, name=cohort.name), f"cohort-{cohort.id}.ics")


HOME_EVENTS = 5
"""How many upcoming events a home block lists; "My events" and the cohort's events page have the rest."""


def _upcoming_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """A participant's next events: their answer to the invitation, and the check-in while its window is
    open. One query."""
    cohort_ids = viewer.cohorts_as(Role.FELLOW)
    if not cohort_ids:
        return None
    rows = db.session.execute(
        queries.upcoming_invitations(viewer.user.id, cohort_ids, viewer.now).limit(HOME_EVENTS)
    ).all()
    if not rows:
        return None
    return {"rows": rows, "now": viewer.now, "rsvp_labels": RSVP_LABELS}


def _week_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """The events of the next seven days in the cohorts the person facilitates. One query."""
    cohort_ids = viewer.cohorts_as(Role.FACILITATOR)
    if not cohort_ids:
        return None
    week = db.session.scalars(
        queries.cohort_events_between(cohort_ids, viewer.now, viewer.now + dt.timedelta(days=7)).limit(20)
    ).all()
    return {"events": week, "now": viewer.now}


home.register(home.HomeBlock("events-upcoming", "events/home_upcoming.html", 20, _upcoming_block))
home.register(home.HomeBlock("events-week", "events/home_week.html", 20, _week_block))
