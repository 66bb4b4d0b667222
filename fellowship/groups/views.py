"""A working group's pages: the minutes of a meeting (host, notes on each agenda item, decisions, action
items), the panel that shows them on the meeting's event page with the open items carried from earlier
meetings, and the owners' home block."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_babel import gettext as _
from flask_babel import ngettext
from flask_login import current_user, login_required

from fellowship.accounts.models import User
from fellowship.core import clock, home, panels
from fellowship.core.forms import ActionForm
from fellowship.core.permissions import is_admin, require
from fellowship.core.textdiff import word_diff
from fellowship.events.access import event_for
from fellowship.events.enums import EventKind
from fellowship.events.models import Event
from fellowship.extensions import db
from fellowship.groups import notices, queries, services
from fellowship.groups.enums import ACTION_STATUS_LABELS, ActionStatus
from fellowship.groups.forms import (
    SECTION_LABELS,
    ActionItemForm,
    DecisionForm,
    InterviewForm,
    StatusForm,
    SubgroupForm,
    agenda_form,
    minutes_form,
)
from fellowship.groups.models import ActionItem, MeetingHost, Subgroup
from fellowship.programs.access import can_manage, cohort_for, role_of, with_role
from fellowship.programs.enums import ProgramKind, Role
from fellowship.programs.models import Cohort
from fellowship.programs.queries import role_in

bp = Blueprint("groups", __name__, template_folder="templates")

HOME_LIMIT = 8


def _meeting(event_id: int, manage: bool = False) -> tuple[Event, Role | None]:
    """A working-group meeting (an event of that kind, in any cohort) and the person's role in its cohort; 404
    for any other event."""
    event, role = event_for(event_id, manage=manage)
    if event.kind is not EventKind.WORKING_GROUP:
        abort(404)
    return event, role


def _minutes_context(event: Event, role: Role | None) -> dict[str, Any]:
    """What the panel and the minutes page show (a fixed number of queries, whatever the group's size)."""
    today = clock.today(event.timezone)
    host, organizations = services.host_of(event, today)
    notes = {note.agenda_item_id: note.text for note in db.session.scalars(queries.notes(event.id))}
    return {
        "event": event,
        "host": host,
        "organizations": organizations,
        "notes": notes,
        "decisions": db.session.scalars(queries.decisions(event.id)).all(),
        "raised": db.session.execute(queries.raised_at(event.id)).all(),
        "carried": db.session.execute(queries.carried_to(event)).all(),
        "today": today,
        "manager": can_manage(role),
        "user_id": current_user.id,
        "status_labels": ACTION_STATUS_LABELS,
        "overdue": services.is_overdue,
        "status_form": StatusForm(formdata=None),
    }


def _minutes_page(event: Event, role: Role | None, status: int = 200, **forms: Any) -> Any:
    context = _minutes_context(event, role)
    form = forms.get("form") or minutes_form(event.agenda, context["organizations"])
    if "form" not in forms:
        chosen = db.session.get(MeetingHost, event.id)
        form.host.data = chosen.organization_id if chosen is not None else None
        for item in event.agenda:
            getattr(form, f"note_{item.id}").data = context["notes"].get(item.id, "")
    page = render_template(
        "groups/minutes.html",
        summary_form=ActionForm(formdata=None),
        following=notices.next_meeting(event),
        form=form,
        decision_form=forms.get("decision_form") or DecisionForm(formdata=None),
        action_form=forms.get("action_form") or _action_form(event, context["today"], formdata=None),
        **context,
    )
    return page, status


def _action_form(event: Event, today: Any, **kwargs: Any) -> ActionItemForm:
    """The form for a new action item, its owners and subgroups those of the meeting's group."""
    members = db.session.execute(queries.members(event.cohort_id, today)).all()
    subgroups = db.session.scalars(queries.subgroups(event.cohort_id)).all()
    return ActionItemForm(**kwargs).with_members(members, subgroups)


@bp.route("/meetings/<int:event_id>/minutes", methods=["GET", "POST"])
@login_required
def minutes(event_id: int) -> Any:
    """The facilitator's page during and after a meeting: its host, the notes of each agenda item, its
    decisions and action items, and the open items carried from earlier meetings."""
    event, role = _meeting(event_id, manage=True)
    if request.method == "GET":
        return _minutes_page(event, role)
    today = clock.today(event.timezone)
    _host, organizations = services.host_of(event, today)
    form = minutes_form(event.agenda, organizations)
    if not form.validate_on_submit():
        return _minutes_page(event, role, 400, form=form)
    try:
        services.choose_host(event, form.host.data, [org.id for org in organizations], current_user.id)
        services.save_notes(
            event,
            {item.id: getattr(form, f"note_{item.id}").data or "" for item in event.agenda},
            current_user.id,
        )
    except services.GroupError as error:
        form.host.errors = [str(error)]
        db.session.rollback()
        return _minutes_page(event, role, 400, form=form)
    db.session.commit()
    flash(_("The minutes are saved."), "success")
    return redirect(url_for(".minutes", event_id=event.id))


@bp.route("/meetings/<int:event_id>/decisions", methods=["POST"])
@login_required
def decision_add(event_id: int) -> Any:
    event, role = _meeting(event_id, manage=True)
    form = DecisionForm()
    if not form.validate_on_submit():
        return _minutes_page(event, role, 400, decision_form=form)
    try:
        services.record_decision(event, form.text.data or "", current_user.id)
    except services.GroupError as error:
        form.text.errors = [str(error)]
        return _minutes_page(event, role, 400, decision_form=form)
    db.session.commit()
    flash(_("The decision is recorded."), "success")
    return redirect(url_for(".minutes", event_id=event.id, _anchor="decisions"))


@bp.route("/meetings/<int:event_id>/action-items", methods=["POST"])
@login_required
def action_add(event_id: int) -> Any:
    event, role = _meeting(event_id, manage=True)
    today = clock.today(event.timezone)
    form = _action_form(event, today)
    if not form.validate_on_submit():
        return _minutes_page(event, role, 400, action_form=form)
    try:
        services.add_action(
            event,
            form.what.data or "",
            form.owner_id.data,
            form.due_on.data,
            current_user.id,
            today,
            form.subgroup_id.data,
        )
    except services.GroupError as error:
        form.what.errors = [str(error)]
        return _minutes_page(event, role, 400, action_form=form)
    db.session.commit()
    flash(_("The action item is added; it stays on every meeting's agenda until it is done."), "success")
    return redirect(url_for(".minutes", event_id=event.id, _anchor="action-items"))


@bp.route("/meetings/<int:event_id>/summary", methods=["POST"])
@login_required
def summary(event_id: int) -> Any:
    """Email every member the meeting's decisions and action items and the next meeting, once each."""
    event, _role = _meeting(event_id, manage=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    sent, before = notices.send_summary(event, clock.today(event.timezone))
    db.session.commit()
    if sent:
        flash(
            ngettext("The summary went to %(num)d member.", "The summary went to %(num)d members.", sent),
            "success",
        )
    elif before:
        flash(_("Everyone already had this meeting's summary; nothing was sent again."), "info")
    else:
        flash(_("Nobody in the group takes notification emails: nothing was sent."), "info")
    return redirect(url_for(".minutes", event_id=event.id))


@bp.route("/action-items/<int:item_id>/status", methods=["POST"])
@login_required
def action_status(item_id: int) -> Any:
    """Its owner, or the group's facilitators, mark an action item done, dropped or open again."""
    item, role = with_role(ActionItem, item_id, "cohort_id")
    require(can_manage(role) or item.owner_id == current_user.id)
    form = StatusForm()
    if not form.validate_on_submit():
        abort(400)
    if services.set_status(item, form.chosen, current_user.id):
        db.session.commit()
        flash(
            _("The action item is marked “%(status)s”.", status=ACTION_STATUS_LABELS[form.chosen]), "success"
        )
    back = request.form.get("back", "")
    if back == "home":
        return redirect(url_for("fellowship.programs.dashboard", _anchor="action-items"))
    return redirect(url_for("fellowship.events.event", event_id=item.event_id, _anchor="action-items"))


@bp.route("/cohorts/<int:cohort_id>/subgroups")
@login_required
def subgroups(cohort_id: int) -> Any:
    """The group's subgroups and who is in each, for everyone in the group; its staff add one."""
    cohort, role = cohort_for(cohort_id)
    return _subgroups_page(cohort, role, _subgroup_form(cohort, formdata=None))


@bp.route("/cohorts/<int:cohort_id>/subgroups", methods=["POST"])
@login_required
def subgroup_new(cohort_id: int) -> Any:
    cohort, role = cohort_for(cohort_id, manage=True)
    form = _subgroup_form(cohort)
    if _saved(form, cohort, None):
        flash(_("The subgroup is added."), "success")
        return redirect(url_for(".subgroups", cohort_id=cohort.id))
    return _subgroups_page(cohort, role, form, 400)


@bp.route("/subgroups/<int:subgroup_id>", methods=["GET", "POST"])
@login_required
def subgroup_edit(subgroup_id: int) -> Any:
    """Rename a subgroup or change who is in it (the group's staff)."""
    subgroup, _role = with_role(Subgroup, subgroup_id, "cohort_id", manage=True)
    cohort = db.session.get(Cohort, subgroup.cohort_id)
    rows = db.session.execute(queries.subgroup_members(cohort.id)).all()
    current = [user_id for subgroup_id_, user_id, _name in rows if subgroup_id_ == subgroup.id]
    form = _subgroup_form(cohort, data={"name": subgroup.name, "members": current})
    if _saved(form, cohort, subgroup):
        flash(_("The subgroup is saved."), "success")
        return redirect(url_for(".subgroups", cohort_id=cohort.id))
    page = render_template("groups/subgroup_edit.html", cohort=cohort, subgroup=subgroup, form=form)
    return page, 400 if form.errors else 200


@bp.route("/cohorts/<int:cohort_id>/common-agenda")
@login_required
def common_agenda(cohort_id: int) -> Any:
    """The group's common agenda as it stands (printable for partners), and every earlier version."""
    cohort, role = cohort_for(cohort_id)
    return render_template(
        "groups/agenda.html",
        cohort=cohort,
        version=db.session.scalar(queries.latest_agenda(cohort.id)),
        history=db.session.execute(queries.agenda_history(cohort.id)).all(),
        labels=SECTION_LABELS,
        manager=can_manage(role),
    )


@bp.route("/cohorts/<int:cohort_id>/common-agenda/versions/<int:number>")
@login_required
def agenda_version(cohort_id: int, number: int) -> Any:
    """One version, with what changed since the one before it, word by word."""
    cohort, _role = cohort_for(cohort_id)
    found = {
        v.number: v for v in db.session.scalars(queries.agenda_versions(cohort.id, [number, number - 1]))
    }
    version = found.get(number)
    if version is None:
        abort(404)
    before = found.get(number - 1)
    diffs = {
        key: word_diff(before.sections.get(key, "") if before else "", version.sections.get(key, ""))
        for key in services.SECTIONS
    }
    return render_template(
        "groups/agenda_version.html",
        cohort=cohort,
        version=version,
        before=before,
        diffs=diffs,
        labels=SECTION_LABELS,
        history=db.session.execute(queries.agenda_history(cohort.id)).all(),
    )


@bp.route("/cohorts/<int:cohort_id>/common-agenda/edit", methods=["GET", "POST"])
@login_required
def agenda_edit(cohort_id: int) -> Any:
    """The group's staff write the next version of the common agenda, at or after a meeting."""
    cohort, _role = cohort_for(cohort_id, manage=True)
    latest = db.session.scalar(queries.latest_agenda(cohort.id))
    meetings = db.session.scalars(queries.meetings(cohort.id)).all()
    current = latest.number if latest is not None else 0
    if request.method == "GET":
        form = agenda_form(meetings, data={"base": current, **(latest.sections if latest else {})})
    else:
        form = agenda_form(meetings)
    status = 200
    if form.validate_on_submit():
        texts = {key: getattr(form, key).data or "" for key in services.SECTIONS}
        try:
            saved = services.save_agenda(
                cohort.id, texts, form.base.data, form.event_id.data, current_user.id
            )
        except services.StaleAgenda as error:
            flash(str(error), "error")
            form.base.data = error.newest
            status = 409
        else:
            db.session.commit()
            if saved is None:
                flash(_("Nothing changed, so no new version was saved."), "info")
            else:
                flash(_("Version %(num)d of the common agenda is saved.", num=saved.number), "success")
            return redirect(url_for(".common_agenda", cohort_id=cohort.id))
    elif request.method == "POST":
        status = 400
    page = render_template("groups/agenda_edit.html", cohort=cohort, form=form, labels=SECTION_LABELS)
    return page, status


@bp.route("/cohorts/<int:cohort_id>/interviews")
@login_required
def interviews(cohort_id: int) -> Any:
    """The checklist of one-on-one interviews with every member before the first meeting (the group's staff
    only: the notes are theirs)."""
    cohort, _role = cohort_for(cohort_id, manage=True)
    today = clock.today(cohort.timezone)
    rows = db.session.execute(queries.checklist(cohort.id, today)).all()
    return render_template(
        "groups/interviews.html",
        cohort=cohort,
        rows=rows,
        done=sum(1 for row in rows if row[3] is not None),
        first_meeting=db.session.scalars(queries.meetings(cohort.id).limit(1)).first(),
        remove_form=ActionForm(formdata=None),
    )


def _interviewers(cohort: Cohort, today: Any) -> list[tuple[int, str]]:
    """The group's facilitators, and the administrator recording the interview if not one of them."""
    people = [(user_id, name) for user_id, name in db.session.execute(queries.staff(cohort.id, today))]
    if not any(user_id == current_user.id for user_id, _name in people):
        people.append((current_user.id, current_user.name))
    return people


@bp.route("/cohorts/<int:cohort_id>/interviews/<int:user_id>", methods=["GET", "POST"])
@login_required
def interview(cohort_id: int, user_id: int) -> Any:
    """Record, or correct, one member's interview."""
    cohort, _role = cohort_for(cohort_id, manage=True)
    today = clock.today(cohort.timezone)
    member = db.session.get(User, user_id)
    if member is None or db.session.scalar(role_in(user_id, cohort.id, today)) is not Role.FELLOW:
        abort(404)
    existing = db.session.scalar(queries.interview_of(cohort.id, member.id))
    people = _interviewers(cohort, today)
    if request.method == "GET":
        data = (
            {
                "held_on": existing.held_on,
                "interviewer_id": existing.interviewer_id,
                "hours": existing.hours,
                "notes": existing.notes,
            }
            if existing is not None
            else {"held_on": today, "interviewer_id": current_user.id, "hours": 1}
        )
        form = InterviewForm(formdata=None, data=data).with_interviewers(people)
    else:
        form = InterviewForm().with_interviewers(people)
    status = 200
    if form.validate_on_submit():
        try:
            services.save_interview(
                cohort.id,
                member,
                form.interviewer_id.data,
                form.held_on.data,
                float(form.hours.data),
                form.notes.data or "",
                current_user.id,
                today,
                [user_id for user_id, _name in people],
            )
        except services.GroupError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
            status = 400
        else:
            db.session.commit()
            flash(_("The interview with %(name)s is recorded.", name=member.name), "success")
            return redirect(url_for(".interviews", cohort_id=cohort.id, _anchor=f"member-{member.id}"))
    elif request.method == "POST":
        status = 400
    page = render_template(
        "groups/interview_edit.html",
        cohort=cohort,
        member=member,
        existing=existing,
        form=form,
        remove_form=ActionForm(formdata=None),
    )
    return page, status


@bp.route("/cohorts/<int:cohort_id>/interviews/<int:user_id>/remove", methods=["POST"])
@login_required
def interview_remove(cohort_id: int, user_id: int) -> Any:
    """Take back an interview recorded by mistake."""
    cohort, _role = cohort_for(cohort_id, manage=True)
    if not ActionForm().validate_on_submit():
        abort(400)
    found = db.session.scalar(queries.interview_of(cohort.id, user_id))
    if found is None:
        abort(404)
    services.remove_interview(found, current_user.id)
    db.session.commit()
    flash(_("The interview is removed; its hours no longer count."), "success")
    return redirect(url_for(".interviews", cohort_id=cohort.id))


def _subgroup_form(cohort: Cohort, **kwargs: Any) -> SubgroupForm:
    members = db.session.execute(queries.members(cohort.id, clock.today(cohort.timezone))).all()
    return SubgroupForm(**kwargs).with_members(members)


def _saved(form: SubgroupForm, cohort: Cohort, subgroup: Subgroup | None) -> bool:
    """Validate and save a subgroup form; True once committed, else the form carries what is wrong."""
    if not form.validate_on_submit():
        return False
    allowed = [choice.value for choice in form.members.choices]
    try:
        services.save_subgroup(
            cohort.id, subgroup, form.name.data or "", form.members.data or [], allowed, current_user.id
        )
    except services.GroupError as error:
        form.name.errors = [str(error)]
        return False
    db.session.commit()
    return True


def _subgroups_page(cohort: Cohort, role: Role | None, form: SubgroupForm, status: int = 200) -> Any:
    page = render_template(
        "groups/subgroups.html",
        cohort=cohort,
        form=form,
        manager=can_manage(role),
        **_subgroups_of(cohort.id),
    )
    return page, status


def _subgroups_of(cohort_id: int) -> dict[str, Any]:
    """The group's subgroups with their members' names (two queries)."""
    found = db.session.scalars(queries.subgroups(cohort_id)).all()
    names: dict[int, list[str]] = {subgroup.id: [] for subgroup in found}
    for subgroup_id, _user_id, name in db.session.execute(queries.subgroup_members(cohort_id)):
        names.setdefault(subgroup_id, []).append(name)
    return {"subgroups": found, "names": names}


def _cohort_panel(cohort: Cohort, user: Any) -> dict[str, Any] | None:
    """On a working group's page: its subgroups and who is in them, with a link to manage them."""
    if cohort.program.kind is not ProgramKind.WORKING_GROUP:
        return None
    return {"cohort": cohort, **_subgroups_of(cohort.id)}


def _interviews_panel(cohort: Cohort, user: Any) -> dict[str, Any] | None:
    """On a working group's page, for its staff only: how many members have had their interview."""
    if cohort.program.kind is not ProgramKind.WORKING_GROUP:
        return None
    if not is_admin(user) and role_of(user, cohort.id) is not Role.FACILITATOR:
        return None
    today = clock.today(cohort.timezone)
    members, done = db.session.execute(queries.interview_counts(cohort.id, today)).one()
    return {"cohort": cohort, "members": members, "done": done}


def _event_panel(event: Event, user: Any) -> dict[str, Any] | None:
    """On a working-group meeting's page: its host and minutes, and the action items it raised and carried.
    Nothing (and no query) on other events' pages."""
    if event.kind is not EventKind.WORKING_GROUP:
        return None
    role = None if is_admin(user) else db.session.scalar(role_in(user.id, event.cohort_id, clock.today()))
    return _minutes_context(event, role)


def _home_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """A person's open action items in every group, overdue ones flagged (one query)."""
    if not viewer.roles:
        return None
    rows = db.session.execute(queries.open_for_owner(viewer.user.id, HOME_LIMIT)).all()
    if not rows:
        return None
    return {
        "rows": rows,
        "today": viewer.today,
        "overdue": services.is_overdue,
        "status_form": StatusForm(formdata=None),
        "done": ActionStatus.DONE.value,
    }


panels.register_event_panel(panels.EventPanel("minutes", "groups/panel.html", 5, _event_panel))
panels.register_cohort_panel(panels.CohortPanel("subgroups", "groups/cohort_panel.html", 12, _cohort_panel))
panels.register_cohort_panel(
    panels.CohortPanel("interviews", "groups/interviews_panel.html", 11, _interviews_panel)
)
home.register(home.HomeBlock("action_items", "groups/home_block.html", 25, _home_block))
