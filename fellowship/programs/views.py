"""Dashboard, programs, cohorts and rosters."""

from __future__ import annotations

import datetime as dt
from typing import Any

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, url_for
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from flask_babel import ngettext
from flask_login import current_user, login_required
from sqlalchemy.orm import contains_eager
from werkzeug.wrappers import Response

from fellowship.accounts import circles, emails
from fellowship.accounts import services as accounts
from fellowship.accounts.enums import INVITE_STATUS_LABELS
from fellowship.accounts.models import AccountInvite, User
from fellowship.accounts.queries import user_by_email
from fellowship.core import audit, clock, home, personal_data
from fellowship.core.forms import ActionForm, form_status
from fellowship.core.markdown import render as render_markdown
from fellowship.core.panels import cohort_panels, program_panels, render_context
from fellowship.core.permissions import admin_required, is_admin, require
from fellowship.extensions import db
from fellowship.programs import queries, roster, services
from fellowship.programs.access import can_manage, cohort_for
from fellowship.programs.enums import (
    MEMBER_KINDS,
    PARTICIPANT_KINDS,
    PROGRAM_KIND_LABELS,
    ROLE_LABELS,
    ProgramKind,
    Role,
    fellow_label,
)
from fellowship.programs.forms import CohortForm, MemberForm, MembershipForm, ProgramForm, RosterImportForm
from fellowship.programs.models import Cohort, Membership, Program

bp = Blueprint("programs", __name__, template_folder="templates")


@bp.context_processor
def _labels() -> dict[str, object]:
    return {"kind_labels": PROGRAM_KIND_LABELS}


def _role_labels(kind: ProgramKind) -> dict[Role, str]:
    """Each role's name in this program, translated once per page rather than once per roster row
    (fellows are "participants" in an ERG academy and a founding track)."""
    return {
        role: str(fellow_label(kind) if role is Role.FELLOW else label) for role, label in ROLE_LABELS.items()
    }


@bp.route("/")
@login_required
def dashboard() -> str:
    """The person's home: what needs them now (the blocks each domain registers), then their cohorts."""
    rows = db.session.execute(queries.visible_cohorts_with_role(current_user).limit(200)).all()
    viewer = home.Viewer(
        user=current_user,
        is_admin=is_admin(current_user),
        roles={cohort.id: role for cohort, role in rows if role is not None},
        now=clock.now(),
        today=clock.today(),
    )
    labels = {kind: _role_labels(kind) for kind in ProgramKind}
    return render_template(
        "programs/dashboard.html",
        cohorts=[(cohort, labels[cohort.program.kind][role] if role else None) for cohort, role in rows],
        today=viewer.today,
        blocks=home.render_context(viewer),
    )


# --- programs ---------------------------------------------------------------------------------------------


@bp.route("/programs")
@admin_required
def programs() -> str:
    return render_template(
        "programs/programs.html", programs=db.session.scalars(queries.programs_ordered()).all()
    )


@bp.route("/programs/new", methods=["GET", "POST"])
@admin_required
def program_new() -> str | Response:
    form = ProgramForm()
    if form.validate_on_submit():
        program = services.create_program(
            form.name.data or "",
            ProgramKind(form.kind.data),
            form.timezone.data or "UTC",
            form.description.data or "",
        )
        program.privacy_threshold = form.privacy_threshold.data or 3
        db.session.commit()
        flash(_("Saved %(name)s.", name=program.name), "success")
        return redirect(url_for(".program", program_id=program.id))
    return render_template("programs/program_form.html", form=form, program=None), form_status(form)


@bp.route("/programs/<int:program_id>")
@login_required
def program(program_id: int) -> str:
    program = db.get_or_404(Program, program_id)
    cohorts = db.session.scalars(
        queries.visible_cohorts(current_user).where(Cohort.program_id == program.id)
    ).all()
    require(is_admin(current_user) or bool(cohorts), hide=True)
    return render_template(
        "programs/program.html",
        program=program,
        cohorts=cohorts,
        description=render_markdown(program.description),
        panels=render_context(program_panels(), program, current_user),
    )


@bp.route("/programs/<int:program_id>/edit", methods=["GET", "POST"])
@admin_required
def program_edit(program_id: int) -> str | Response:
    program = db.get_or_404(Program, program_id)
    form = ProgramForm(obj=program)
    if form.validate_on_submit():
        form.populate_obj(program)
        program.kind = ProgramKind(form.kind.data)
        db.session.commit()
        flash(_("Saved %(name)s.", name=program.name), "success")
        return redirect(url_for(".program", program_id=program.id))
    return render_template("programs/program_form.html", form=form, program=program), form_status(form)


# --- cohorts ----------------------------------------------------------------------------------------------


@bp.route("/programs/<int:program_id>/cohorts/new", methods=["GET", "POST"])
@admin_required
def cohort_new(program_id: int) -> str | Response:
    program = db.get_or_404(Program, program_id)
    form = CohortForm(timezone=program.timezone)
    if form.validate_on_submit():
        cohort = services.create_cohort(
            program, form.name.data or "", form.starts_on.data, form.ends_on.data, form.timezone.data or "UTC"
        )
        cohort.min_attendance_rate = form.min_attendance_rate.data
        db.session.commit()
        flash(_("Saved %(name)s.", name=cohort.name), "success")
        return redirect(url_for(".cohort", cohort_id=cohort.id))
    page = render_template("programs/cohort_form.html", form=form, program=program, cohort=None)
    return page, form_status(form)


@bp.route("/cohorts/<int:cohort_id>")
@login_required
def cohort(cohort_id: int) -> str:
    cohort, role = cohort_for(cohort_id)
    members = db.session.scalars(queries.roster(cohort.id)).all()
    today = clock.today(cohort.timezone)
    current = [m for m in members if m.is_current(today)]
    fellows = [m for m in current if m.role is Role.FELLOW]
    organizations = {m.user.organization_id for m in fellows if m.user.organization_id is not None}
    panels = render_context(cohort_panels(), cohort, current_user)
    orgs = ngettext("%(num)d organisation", "%(num)d organisations", len(organizations))
    if cohort.program.kind in PARTICIPANT_KINDS:
        summary = ngettext(
            "%(num)d participant from %(orgs)s", "%(num)d participants from %(orgs)s", len(fellows), orgs=orgs
        )
    elif cohort.program.kind in MEMBER_KINDS:
        summary = ngettext(
            "%(num)d member from %(orgs)s", "%(num)d members from %(orgs)s", len(fellows), orgs=orgs
        )
    else:
        summary = ngettext(
            "%(num)d fellow from %(orgs)s", "%(num)d fellows from %(orgs)s", len(fellows), orgs=orgs
        )
    return render_template(
        "programs/cohort.html",
        cohort=cohort,
        role=role,
        role_labels=_role_labels(cohort.program.kind),
        can_manage=can_manage(role),
        current=current,
        former=[m for m in members if not m.is_current(today)],
        summary=summary,
        panels=panels,
    )


@bp.route("/cohorts/<int:cohort_id>/edit", methods=["GET", "POST"])
@login_required
def cohort_edit(cohort_id: int) -> str | Response:
    cohort, _role = cohort_for(cohort_id, manage=True)
    form = CohortForm(obj=cohort)
    if form.validate_on_submit():
        changes = audit.diff(
            cohort,
            {
                "name": form.name.data,
                "starts_on": form.starts_on.data,
                "ends_on": form.ends_on.data,
                "timezone": form.timezone.data,
                "min_attendance_rate": form.min_attendance_rate.data,
            },
        )
        form.populate_obj(cohort)
        if changes:
            audit.record(current_user.id, cohort, "updated", changes)
        db.session.commit()
        flash(_("Saved %(name)s.", name=cohort.name), "success")
        return redirect(url_for(".cohort", cohort_id=cohort.id))
    return render_template(
        "programs/cohort_form.html", form=form, program=cohort.program, cohort=cohort
    ), form_status(form)


# --- members ----------------------------------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/members/new", methods=["GET", "POST"])
@login_required
def member_new(cohort_id: int) -> str | Response:
    cohort, _role = cohort_for(cohort_id, manage=True)
    form = MemberForm(joined_on=_default_joined_on(cohort))
    if form.validate_on_submit():
        user = db.session.scalar(user_by_email(form.email.data or ""))
        try:
            if user is None:
                org = (
                    accounts.find_or_create_organization(form.organization.data)
                    if form.organization.data
                    else None
                )
                user = accounts.create_user(form.email.data or "", form.name.data or "", organization=org)
            member = services.add_member(
                cohort, user, Role(form.role.data), form.joined_on.data, current_user.id
            )
        except services.ProgramError as error:
            form.email.errors.append(str(error))
        else:
            if form.send_invitations.data:
                _welcome(cohort, [member])
            db.session.commit()
            flash(_("%(name)s was added to the cohort.", name=user.name), "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id))
    return render_template("programs/member_form.html", form=form, cohort=cohort), form_status(form)


@bp.route("/cohorts/<int:cohort_id>/members/<int:member_id>", methods=["GET", "POST"])
@login_required
def member_edit(cohort_id: int, member_id: int) -> str | Response:
    cohort, _role = cohort_for(cohort_id, manage=True)
    member = db.session.scalar(
        sa.select(Membership).where(Membership.id == member_id, Membership.cohort_id == cohort.id)
    )
    require(member is not None, hide=True)
    assert member is not None
    form = MembershipForm(obj=member)
    if form.validate_on_submit():
        try:
            services.update_membership(
                member, Role(form.role.data), form.joined_on.data, form.left_on.data, current_user.id
            )
        except services.ProgramError as error:
            form.left_on.errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Saved %(name)s.", name=member.user.name), "success")
            return redirect(url_for(".cohort", cohort_id=cohort.id))
    history = db.session.scalars(audit.history(member).limit(50)).all()
    actors = {
        u.id: u for u in db.session.scalars(sa.select(User).where(User.id.in_({h.actor_id for h in history})))
    }
    return render_template(
        "programs/membership_form.html",
        form=form,
        cohort=cohort,
        member=member,
        history=history,
        actors=actors,
    ), form_status(form)


@bp.route("/cohorts/<int:cohort_id>/members/import", methods=["GET", "POST"])
@login_required
def roster_import(cohort_id: int) -> str | Response:
    cohort, _role = cohort_for(cohort_id, manage=True)
    form = RosterImportForm(joined_on=_default_joined_on(cohort))
    line_errors: list[roster.LineError] = []
    if form.validate_on_submit():
        text = form.text.data or ""
        upload = form.file.data
        if upload:
            try:
                text = upload.read().decode("utf-8-sig")
            except UnicodeDecodeError:
                form.file.errors.append(
                    _("The file is not UTF-8 text. Save it as “CSV UTF-8” and try again.")
                )
        if not form.file.errors:
            lines, line_errors = roster.parse(text)
            if not line_errors:
                try:
                    result = services.import_roster(cohort, lines, form.joined_on.data, current_user.id)
                except services.RosterImportError as error:
                    db.session.rollback()
                    line_errors = error.errors
                else:
                    if form.send_invitations.data:
                        _welcome(cohort, result.added)
                    db.session.commit()
                    flash(
                        ngettext(
                            "%(num)d person was added to the cohort.",
                            "%(num)d people were added to the cohort.",
                            len(result.added),
                        ),
                        "success",
                    )
                    if result.skipped:
                        flash(
                            ngettext(
                                "%(num)d person was already in the cohort and was skipped.",
                                "%(num)d people were already in the cohort and were skipped.",
                                len(result.skipped),
                            ),
                            "info",
                        )
                    return redirect(url_for(".cohort", cohort_id=cohort.id))
    status = 400 if (form.errors or line_errors) else 200
    return render_template(
        "programs/roster_import.html", form=form, cohort=cohort, line_errors=line_errors
    ), status


def _welcome(cohort: Cohort, members: list[Membership]) -> None:
    """Invite new people to set a password; tell people who can already sign in that they were added."""
    link = emails.external_url("fellowship.programs.cohort", cohort_id=cohort.id)
    for member in members:
        if member.user.password_hash is None:
            emails.send_invitation(member.user, cohort.id, member.role.value, cohort.name)
        else:
            emails.send_notification(
                member.user,
                "cohort_added",
                _l("You were added to a cohort"),
                "programs/email/added",
                inviter=current_user.name,
                cohort_name=cohort.name,
                role=ROLE_LABELS[member.role],
                link=link,
            )


def _default_joined_on(cohort: Cohort) -> dt.date:
    today = clock.today(cohort.timezone)
    return max(cohort.starts_on, min(today, cohort.ends_on))


# --- invitations -------------------------------------------------------------------------------------------


@bp.route("/cohorts/<int:cohort_id>/invitations")
@login_required
def invitations(cohort_id: int) -> str:
    cohort, _role = cohort_for(cohort_id, manage=True)
    rows = db.session.scalars(
        sa.select(AccountInvite)
        .join(AccountInvite.user)
        .options(contains_eager(AccountInvite.user))
        .where(AccountInvite.cohort_id == cohort.id)
        .order_by(AccountInvite.sent_at.desc(), AccountInvite.id.desc())
        .limit(500)
    ).all()
    return render_template(
        "programs/invitations.html",
        cohort=cohort,
        invitations=rows,
        now=clock.now(),
        action_form=ActionForm(),
        status_labels=INVITE_STATUS_LABELS,
    )


def _invitation_for(cohort: Cohort, invitation_id: int) -> AccountInvite:
    invitation = db.session.scalar(
        sa.select(AccountInvite).where(
            AccountInvite.id == invitation_id, AccountInvite.cohort_id == cohort.id
        )
    )
    require(invitation is not None, hide=True)
    assert invitation is not None
    if not ActionForm().validate_on_submit():
        abort(400)
    return invitation


@bp.route("/cohorts/<int:cohort_id>/invitations/<int:invitation_id>/resend", methods=["POST"])
@login_required
def invitation_resend(cohort_id: int, invitation_id: int) -> Response:
    cohort, _role = cohort_for(cohort_id, manage=True)
    invitation = _invitation_for(cohort, invitation_id)
    try:
        emails.resend_invitation(invitation, cohort.name)
    except accounts.AccountError as error:
        flash(str(error), "error")
    else:
        db.session.commit()
        flash(_("A new invitation was emailed to %(email)s.", email=invitation.email), "success")
    return redirect(url_for(".invitations", cohort_id=cohort.id))


@bp.route("/cohorts/<int:cohort_id>/invitations/<int:invitation_id>/revoke", methods=["POST"])
@login_required
def invitation_revoke(cohort_id: int, invitation_id: int) -> Response:
    cohort, _role = cohort_for(cohort_id, manage=True)
    invitation = _invitation_for(cohort, invitation_id)
    accounts.revoke_invite(invitation)
    db.session.commit()
    flash(_("The invitation for %(email)s no longer works.", email=invitation.email), "success")
    return redirect(url_for(".invitations", cohort_id=cohort.id))


def _memberships_of(user: User) -> list[dict[str, object]]:
    rows = db.session.execute(
        sa.select(Membership, Cohort.name).join(Membership.cohort).where(Membership.user_id == user.id)
    ).all()
    return [
        {
            "cohort": name,
            "role": m.role.value,
            "joined_on": m.joined_on.isoformat(),
            "left_on": m.left_on.isoformat() if m.left_on else None,
        }
        for m, name in rows
    ]


def _keep_memberships(erasure: personal_data.Erasure) -> None:
    """Memberships hold no text about the person: they stay, so rosters, attendance rates and the
    program's counts stay right; they now belong to the placeholder."""


personal_data.register("memberships", _memberships_of, erase=_keep_memberships, tables=("memberships",))


# --- the administrators' home block -------------------------------------------------------------------------

HOME_PROGRAMS = 20
HOME_INVITATION_COHORTS = 10


def _admin_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """Programs with their cohort counts, undeliverable mail, pending invitations: three queries."""
    if not viewer.is_admin:
        return None
    programs = db.session.execute(queries.programs_with_cohort_counts().limit(HOME_PROGRAMS)).all()
    undeliverable, pending, pending_without_cohort, erasures = db.session.execute(
        queries.site_counts(viewer.now)
    ).one()
    invitations = db.session.execute(
        queries.pending_invitations_by_cohort(viewer.now).limit(HOME_INVITATION_COHORTS)
    ).all()
    return {
        "programs": [(program, cohorts) for program, cohorts, _total in programs],
        "program_total": programs[0][2] if programs else 0,
        "undeliverable": undeliverable,
        "pending_invitations": pending,
        "pending_without_cohort": pending_without_cohort,
        "erasure_requests": erasures,
        "invitation_cohorts": [(cohort_id, name, count) for cohort_id, name, count, _total in invitations],
        "invitation_cohort_total": invitations[0][3] if invitations else 0,
    }


home.register(home.HomeBlock("site-admin", "programs/home_admin.html", 10, _admin_block))
circles.register(queries.program_companions)
