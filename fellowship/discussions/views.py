"""A cohort's announcements and threads: the list, an announcement or subject with its replies, replying
and quoting, editing within the window, deleting, hiding, following.

Every page is the cohort's: people outside it get 404 whatever the address (``programs.access``), and a
subject taken from another cohort resolves to nothing (``core.subjects``), so it is 404 too. Observers
read and follow; fellows, facilitators and administrators write; facilitators and administrators post
announcements and hide replies. Posting is rate-limited per person (``FELLOWSHIP_RATELIMIT_DISCUSSION``).
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required
from markupsafe import Markup
from sqlalchemy.orm import selectinload
from werkzeug.wrappers import Response

import fellowship.discussions.personal  # noqa: F401  (registers the discussions' personal-data holding)
from fellowship.core import clock, home, panels, subjects
from fellowship.core.forms import ActionForm, form_status
from fellowship.core.i18n import format_datetime_in, select_timezone
from fellowship.core.markdown import render as render_markdown
from fellowship.core.pagination import paginate
from fellowship.core.permissions import is_admin, require
from fellowship.discussions import queries, services
from fellowship.discussions.enums import THREAD_KIND_LABELS, ThreadKind
from fellowship.discussions.forms import AnnouncementForm, HideForm, ReplyForm
from fellowship.discussions.models import Announcement, Reply, Thread
from fellowship.extensions import db, limiter
from fellowship.programs.access import can_manage, cohort_for
from fellowship.programs.enums import Role
from fellowship.programs.models import Cohort

bp = Blueprint("discussions", __name__, template_folder="templates")

PER_PAGE = 50
INDEX_PER_PAGE = 25
HOME_DAYS = 30
HOME_LIMIT = 5
PANEL_LIMIT = 3


def _poster_key() -> str:
    return f"discussion|{current_user.get_id()}"


def _rate_limited(view: Any) -> Any:
    return limiter.limit(
        lambda: current_app.config["FELLOWSHIP_RATELIMIT_DISCUSSION"], key_func=_poster_key, methods=["POST"]
    )(view)


def may_write(role: Role | None) -> bool:
    """Fellows, facilitators and administrators write; observers read."""
    return is_admin(current_user) or role in {Role.FELLOW, Role.FACILITATOR}


@bp.context_processor
def _helpers() -> dict[str, Any]:
    return {"kind_labels": THREAD_KIND_LABELS, "when": _when, "markdown": render_markdown, "bdi": _bdi}


def _bdi(text: str) -> Markup:
    """``text`` isolated from the words around it, so a Latin name or a date keeps its order inside a
    right-to-left sentence (and an Arabic name inside a left-to-right one)."""
    return Markup("<bdi>%s</bdi>") % text


def _when(value: dt.datetime | None) -> str:
    return format_datetime_in(value, select_timezone(), "short")


def _subject(cohort: Cohort, kind: str, subject_id: int) -> dict[str, Any]:
    """What the thread is about: its title and address, and the announcement itself for announcements;
    404 when the kind is unknown or the subject is not this cohort's."""
    if kind == ThreadKind.ANNOUNCEMENT:
        announcement = db.session.scalar(
            sa.select(Announcement)
            .where(Announcement.id == subject_id, Announcement.cohort_id == cohort.id)
            .options(selectinload(Announcement.author))
        )
        if announcement is None:
            abort(404)
        url = url_for(".announcement", cohort_id=cohort.id, announcement_id=announcement.id)
        return {
            "kind": kind,
            "id": subject_id,
            "title": announcement.title,
            "url": url,
            "announcement": announcement,
        }
    found = subjects.describe(kind, cohort.id, [subject_id]).get(subject_id)
    if found is None:
        abort(404)
    return {"kind": kind, "id": subject_id, "title": found.title, "url": found.url, "announcement": None}


def _points(cohort_id: int) -> list[tuple[str, str]]:
    """The announcement form's "About" choices: nothing, or one of the cohort's events and modules."""
    choices = [("", _("Nothing in particular"))]
    for kind in subjects.kinds():
        for subject in kind.choices(cohort_id):
            choices.append((f"{kind.name}:{subject.id}", f"{kind.label}: {subject.title}"))
    return choices


def _parse_points(value: str | None) -> tuple[str, int] | None:
    if not value:
        return None
    kind, _sep, subject_id = value.partition(":")
    return kind, int(subject_id)


@bp.route("/cohorts/<int:cohort_id>/discussions")
@login_required
def index(cohort_id: int) -> str:
    """Every conversation of the cohort in one paged list, the most recently active first: announcements
    (from the moment they are posted) and the event and module threads that have replies."""
    cohort, role = cohort_for(cohort_id)
    page = paginate(
        queries.threads(cohort.id), request.args.get("page", 1, type=int), INDEX_PER_PAGE, rows=True
    )
    announcement_ids = [t.subject_id for t, _n in page.items if t.kind == ThreadKind.ANNOUNCEMENT]
    announcements = {
        a.id: a
        for a in db.session.scalars(
            sa.select(Announcement)
            .where(Announcement.id.in_(announcement_ids), Announcement.cohort_id == cohort.id)
            .options(selectinload(Announcement.author))
        )
    }
    others = [(t.kind, t.subject_id) for t, _n in page.items if t.kind != ThreadKind.ANNOUNCEMENT]
    described = subjects.describe_many(cohort.id, others)
    rows = []
    for thread, replies in page.items:
        url = _thread_url(cohort.id, thread.kind, thread.subject_id)
        if thread.kind == ThreadKind.ANNOUNCEMENT:
            announcement = announcements.get(thread.subject_id)
            if announcement is not None:
                rows.append((thread, replies, announcement.title, url, announcement))
        elif (thread.kind, thread.subject_id) in described:
            rows.append((thread, replies, described[(thread.kind, thread.subject_id)].title, url, None))
    return render_template(
        "discussions/index.html", cohort=cohort, page=page, rows=rows, can_manage=can_manage(role)
    )


def _announcement_form(cohort: Cohort, announcement: Announcement | None = None) -> AnnouncementForm:
    form = AnnouncementForm(obj=announcement)
    form.points.choices = _points(cohort.id)
    if announcement is not None and request.method == "GET" and announcement.points_kind:
        form.points.data = f"{announcement.points_kind}:{announcement.points_id}"
    return form


@bp.route("/cohorts/<int:cohort_id>/announcements/new", methods=["GET", "POST"])
@login_required
@_rate_limited
def announcement_new(cohort_id: int) -> str | Response | tuple[str, int]:
    cohort, _role = cohort_for(cohort_id, manage=True)
    return _announcement_page(cohort, None)


@bp.route("/cohorts/<int:cohort_id>/announcements/<int:announcement_id>/edit", methods=["GET", "POST"])
@login_required
def announcement_edit(cohort_id: int, announcement_id: int) -> str | Response | tuple[str, int]:
    cohort, _role = cohort_for(cohort_id, manage=True)
    return _announcement_page(
        cohort, _subject(cohort, ThreadKind.ANNOUNCEMENT, announcement_id)["announcement"]
    )


def _announcement_page(cohort: Cohort, announcement: Announcement | None) -> Response | tuple[str, int]:
    """The form that posts an announcement (``announcement`` None) or corrects one."""
    form = _announcement_form(cohort, announcement)
    if form.validate_on_submit():
        fields: dict[str, Any] = {
            "title": form.title.data or "",
            "body": form.body.data or "",
            "now": clock.now(),
            "points": _parse_points(form.points.data),
            "link": form.link.data or "",
        }
        try:
            if announcement is None:
                announcement = services.post_announcement(cohort.id, current_user.id, **fields)
                done = _("Announcement posted. Members are emailed within a few minutes.")
            else:
                services.edit_announcement(announcement, current_user.id, **fields)
                done = _("Announcement saved.")
        except services.DiscussionError as error:
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            flash(done, "success")
            return redirect(url_for(".announcement", cohort_id=cohort.id, announcement_id=announcement.id))
    page = render_template(
        "discussions/announcement_form.html", cohort=cohort, form=form, announcement=announcement
    )
    return page, form_status(form)


def _thread_page(
    cohort: Cohort, role: Role | None, kind: str, subject_id: int, form: ReplyForm | None = None
) -> tuple[str, int]:
    subject = _subject(cohort, kind, subject_id)
    thread = services.thread_of(cohort.id, kind, subject_id)
    page = None
    if thread is not None:
        page = paginate(queries.replies(thread.id), request.args.get("page", 1, type=int), PER_PAGE)
    writer = may_write(role)
    if form is None and writer:
        form = ReplyForm(formdata=None)
        quoted = _int(request.args.get("quote"))
        if quoted is not None:
            form.quote.data = str(quoted)
    quote = None
    if form is not None and form.quote.data and thread is not None:
        quote = db.session.scalar(
            sa.select(Reply).where(Reply.id == _int(form.quote.data), Reply.thread_id == thread.id)
        )
    points = None
    announcement = subject["announcement"]
    if announcement is not None and announcement.points_kind:
        points = subjects.describe(announcement.points_kind, cohort.id, [announcement.points_id or 0]).get(
            announcement.points_id or 0
        )
    now = clock.now()
    return (
        render_template(
            "discussions/thread.html",
            cohort=cohort,
            subject=subject,
            points=points,
            thread=thread,
            page=page,
            form=form,
            quote=quote if quote is not None and quote.shown else None,
            following=services.is_following(thread, current_user.id),
            can_manage=can_manage(role),
            writer=writer,
            may_edit=lambda reply: services.may_edit(reply, current_user.id, now),
            action_form=ActionForm(),
            body=render_markdown(announcement.body) if announcement is not None else None,
        ),
        form_status(form) if form is not None else 200,
    )


def _int(value: str | None) -> int | None:
    """A reply's id from a form or the address; None for anything else (words, numbers no row can have)."""
    try:
        number = int(value or "")
    except ValueError:
        return None
    return number if 0 < number < 2**31 else None


@bp.route("/cohorts/<int:cohort_id>/announcements/<int:announcement_id>")
@login_required
def announcement(cohort_id: int, announcement_id: int) -> tuple[str, int]:
    cohort, role = cohort_for(cohort_id)
    return _thread_page(cohort, role, ThreadKind.ANNOUNCEMENT, announcement_id)


@bp.route("/cohorts/<int:cohort_id>/discussions/<kind>/<int:subject_id>")
@login_required
def thread(cohort_id: int, kind: str, subject_id: int) -> tuple[str, int] | Response:
    cohort, role = cohort_for(cohort_id)
    if kind == ThreadKind.ANNOUNCEMENT:
        return redirect(_thread_url(cohort.id, kind, subject_id))
    return _thread_page(cohort, role, kind, subject_id)


@bp.route("/cohorts/<int:cohort_id>/discussions/<kind>/<int:subject_id>/replies", methods=["POST"])
@login_required
@_rate_limited
def reply(cohort_id: int, kind: str, subject_id: int) -> tuple[str, int] | Response:
    cohort, role = cohort_for(cohort_id)
    _subject(cohort, kind, subject_id)
    require(may_write(role))
    form = ReplyForm()
    if form.validate_on_submit():
        now = clock.now()
        thread = services.open_thread(cohort.id, kind, subject_id, now)
        quote_id = _int(form.quote.data)
        quote = db.session.get(Reply, quote_id) if quote_id is not None else None
        try:
            reply = services.post_reply(thread, current_user.id, form.body.data or "", now, quote_of=quote)
        except services.DiscussionError as error:
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            minutes = services.edit_window() // dt.timedelta(minutes=1)
            flash(
                ngettext(
                    "Reply posted. You can edit it for %(num)d minute.",
                    "Reply posted. You can edit it for %(num)d minutes.",
                    minutes,
                ),
                "success",
            )
            return redirect(_reply_url(cohort.id, reply))
    db.session.rollback()
    return _thread_page(cohort, role, kind, subject_id, form=form)


def _reply_url(cohort_id: int, reply: Reply) -> str:
    """The address of the page of its thread that shows ``reply``, anchored at it."""
    page = (db.session.scalar(queries.position(reply)) or 0) // PER_PAGE + 1
    thread = reply.thread
    return _thread_url(cohort_id, thread.kind, thread.subject_id, page=page if page > 1 else None) + (
        f"#reply-{reply.id}"
    )


def _reply_of(cohort: Cohort, reply_id: int) -> Reply:
    reply = db.session.scalar(
        sa.select(Reply)
        .join(Thread, Thread.id == Reply.thread_id)
        .where(Reply.id == reply_id, Thread.cohort_id == cohort.id)
    )
    if reply is None:
        abort(404)
    return reply


@bp.route("/cohorts/<int:cohort_id>/replies/<int:reply_id>")
@login_required
def reply_link(cohort_id: int, reply_id: int) -> Response:
    """A stable link to a reply (emails use it): the page of its thread that shows it."""
    cohort, _role = cohort_for(cohort_id)
    return redirect(_reply_url(cohort.id, _reply_of(cohort, reply_id)))


@bp.route("/cohorts/<int:cohort_id>/replies/<int:reply_id>/edit", methods=["GET", "POST"])
@login_required
def reply_edit(cohort_id: int, reply_id: int) -> str | Response | tuple[str, int]:
    cohort, _role = cohort_for(cohort_id)
    reply = _reply_of(cohort, reply_id)
    now = clock.now()
    require(reply.author_id == current_user.id)
    if not services.may_edit(reply, current_user.id, now):
        flash(_("The time for editing this reply has passed."), "error")
        return redirect(_reply_url(cohort.id, reply))
    form = ReplyForm(obj=reply)
    if form.validate_on_submit():
        try:
            services.edit_reply(reply, current_user.id, form.body.data or "", now)
        except services.DiscussionError as error:
            form.body.errors = [*form.body.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Reply saved."), "success")
            return redirect(_reply_url(cohort.id, reply))
    return (
        render_template(
            "discussions/reply_edit.html",
            cohort=cohort,
            reply=reply,
            form=form,
            until=services.editable_until(reply),
        ),
        form_status(form),
    )


@bp.route("/cohorts/<int:cohort_id>/replies/<int:reply_id>/delete", methods=["POST"])
@login_required
def reply_delete(cohort_id: int, reply_id: int) -> Response:
    cohort, _role = cohort_for(cohort_id)
    reply = _reply_of(cohort, reply_id)
    require(reply.author_id == current_user.id)
    if ActionForm().validate_on_submit():
        services.delete_reply(reply, current_user.id, clock.now())
        db.session.commit()
        flash(_("Reply deleted."), "success")
    return redirect(_reply_url(cohort.id, reply))


@bp.route("/cohorts/<int:cohort_id>/replies/<int:reply_id>/hide", methods=["GET", "POST"])
@login_required
def reply_hide(cohort_id: int, reply_id: int) -> str | Response | tuple[str, int]:
    cohort, _role = cohort_for(cohort_id, manage=True)
    reply = _reply_of(cohort, reply_id)
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide_reply(reply, current_user.id, form.hidden_reason.data or "", clock.now())
        except services.DiscussionError as error:
            form.hidden_reason.errors = [*form.hidden_reason.errors, str(error)]
        else:
            db.session.commit()
            flash(_("Reply hidden. Its author sees your reason."), "success")
            return redirect(_reply_url(cohort.id, reply))
    return (
        render_template("discussions/reply_hide.html", cohort=cohort, reply=reply, form=form),
        form_status(form),
    )


@bp.route("/cohorts/<int:cohort_id>/replies/<int:reply_id>/unhide", methods=["POST"])
@login_required
def reply_unhide(cohort_id: int, reply_id: int) -> Response:
    cohort, _role = cohort_for(cohort_id, manage=True)
    reply = _reply_of(cohort, reply_id)
    if ActionForm().validate_on_submit():
        services.unhide_reply(reply, current_user.id)
        db.session.commit()
        flash(_("Reply shown again."), "success")
    return redirect(_reply_url(cohort.id, reply))


def _follow_target(cohort_id: int, kind: str, subject_id: int) -> Cohort:
    """The cohort, once the subject is known to be one of its own (404 otherwise)."""
    cohort, _role = cohort_for(cohort_id)
    _subject(cohort, kind, subject_id)
    return cohort


@bp.route("/cohorts/<int:cohort_id>/discussions/<kind>/<int:subject_id>/follow", methods=["POST"])
@login_required
def follow(cohort_id: int, kind: str, subject_id: int) -> Response:
    cohort = _follow_target(cohort_id, kind, subject_id)
    if ActionForm().validate_on_submit():
        now = clock.now()
        services.follow(services.open_thread(cohort.id, kind, subject_id, now), current_user.id, now)
        db.session.commit()
        flash(_("You follow this thread: new replies reach you in an hourly email digest."), "success")
    return redirect(_thread_url(cohort.id, kind, subject_id))


@bp.route("/cohorts/<int:cohort_id>/discussions/<kind>/<int:subject_id>/unfollow", methods=["POST"])
@login_required
def unfollow(cohort_id: int, kind: str, subject_id: int) -> Response:
    cohort = _follow_target(cohort_id, kind, subject_id)
    if ActionForm().validate_on_submit():
        thread = services.thread_of(cohort.id, kind, subject_id)
        if thread is not None:
            services.unfollow(thread, current_user.id)
        db.session.commit()
        flash(_("You no longer follow this thread."), "success")
    return redirect(_thread_url(cohort.id, kind, subject_id))


def _thread_url(cohort_id: int, kind: str, subject_id: int, page: int | None = None) -> str:
    """A thread's page (an announcement's thread is the announcement's page)."""
    if kind == ThreadKind.ANNOUNCEMENT:
        return url_for(".announcement", cohort_id=cohort_id, announcement_id=subject_id, page=page)
    return url_for(".thread", cohort_id=cohort_id, kind=kind, subject_id=subject_id, page=page)


# Panels on the cohort, event and module pages, and the home page's block.


def _cohort_panel(cohort: Any, user: Any) -> dict[str, Any]:
    """The newest announcements; the cohort page's ``can_manage`` decides whether "Post" shows."""
    return {
        "cohort": cohort,
        "rows": db.session.execute(queries.announcements(cohort.id).limit(PANEL_LIMIT)).all(),
    }


def _subject_panel(kind: str) -> Any:
    """The panel of an event's or a module assignment's page: its thread's replies and a link to it."""

    def context(subject: Any, user: Any) -> dict[str, Any]:
        count = db.session.scalar(queries.thread_reply_count(subject.cohort_id, kind, subject.id)) or 0
        url = url_for(
            "fellowship.discussions.thread", cohort_id=subject.cohort_id, kind=kind, subject_id=subject.id
        )
        return {"count": count, "url": url}

    return context


def _home_block(viewer: home.Viewer) -> dict[str, Any] | None:
    cohort_ids = list(viewer.roles)
    if not cohort_ids:
        return None
    since = viewer.now - dt.timedelta(days=HOME_DAYS)
    rows = db.session.execute(queries.recent_announcements(cohort_ids, since, HOME_LIMIT)).all()
    if not rows:
        return None
    return {"rows": rows}


panels.register_cohort_panel(panels.CohortPanel("discussions", "discussions/panel.html", 15, _cohort_panel))
panels.register_event_panel(
    panels.EventPanel("discussion", "discussions/subject_panel.html", 90, _subject_panel(ThreadKind.EVENT))
)
panels.register_module_panel(
    panels.ModulePanel("discussion", "discussions/subject_panel.html", 90, _subject_panel(ThreadKind.MODULE))
)
home.register(home.HomeBlock("announcements", "discussions/home_block.html", 35, _home_block))
