"""The co-op network's pages: find, an entry with its matches, one's own entries, editing, confirming,
moderating, and the public directory of organisations' offers.

Signed-in pages are for members of any cohort and admins (``access``); the directory is public, cacheable
and the same for every visitor (like the contest gallery).
"""

from __future__ import annotations

import itertools
from typing import Any

import sqlalchemy as sa
from babel import Locale, UnknownLocaleError
from flask import (
    Blueprint,
    abort,
    current_app,
    flash,
    g,
    make_response,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_required
from werkzeug.wrappers import Response

import fellowship.network.personal  # noqa: F401  (registers the network's personal-data holding)
from fellowship.core import clock, home, i18n, pagecache, panels
from fellowship.core.forms import ActionForm, form_status
from fellowship.core.i18n import LANGUAGE_NAMES
from fellowship.core.markdown import render as render_markdown
from fellowship.core.pagination import paginate
from fellowship.core.permissions import admin_required, is_admin, require
from fellowship.events.enums import EventKind
from fellowship.extensions import db, limiter
from fellowship.network import access, freshness, queries, services
from fellowship.network.access import network_member_required
from fellowship.network.enums import (
    CATEGORY_LABELS,
    ENTRY_KIND_LABELS,
    EXCHANGE_STATUS_LABELS,
    PAIR_STATUS_LABELS,
    PAYMENT_LABELS,
    SKILL_LABELS,
    Category,
    EntryKind,
    Payment,
)
from fellowship.network.forms import (
    AcceptForm,
    AskForm,
    AskMentorForm,
    DeclineForm,
    DoneForm,
    EntryForm,
    HideForm,
    LocalGroupForm,
    MeetingForm,
    OrganizationForm,
    PairForm,
    ReflectionForm,
    SearchForm,
    split_words,
)
from fellowship.network.models import Block, Entry, Exchange, LocalGroup, MentoringPair, NetworkProfile
from fellowship.network.search import search
from fellowship.programs.access import cohort_for, role_of
from fellowship.programs.enums import ProgramKind, Role, fellow_label
from fellowship.programs.models import Cohort

bp = Blueprint("network", __name__, template_folder="templates")

PER_PAGE = 25
DIRECTORY_PER_PAGE = 100
PUBLIC_ENDPOINTS = {"directory"}
i18n.language_follows("fellowship.network.directory")


@bp.before_request
def _public_language() -> None:
    """The directory takes its language from ?lang= or the browser only, never from a session."""
    if request.endpoint and request.endpoint.rsplit(".", 1)[-1] in PUBLIC_ENDPOINTS:
        g.public_page = True


def language_name(code: str) -> str:
    """A language code named in the page's language (``es`` -> "Spanish"), or the code itself."""
    try:
        return Locale.parse(code).get_display_name(get_locale()) or code
    except (ValueError, UnknownLocaleError):
        return code


def skill_label(skill: str) -> str:
    return str(SKILL_LABELS.get(skill, skill))


@bp.context_processor
def _labels() -> dict[str, Any]:
    return {
        "kind_labels": ENTRY_KIND_LABELS,
        "category_labels": CATEGORY_LABELS,
        "skill_label": skill_label,
        "language_name": language_name,
        "language_names": LANGUAGE_NAMES,
    }


def _freshness(directory: bool = False) -> dict[str, Any]:
    months = freshness.confirm_months()
    total, fresh = db.session.execute(queries.offers_freshness(months=months, directory=directory)).one()
    return {"total": total, "share": (fresh / total) if total else None, "months": months}


def _entry_or_404(entry_id: int) -> Entry:
    entry = db.session.get(Entry, entry_id)
    if entry is None:
        abort(404)
    return entry


def _editable(entry_id: int) -> Entry:
    """The entry, for those who may edit it; 404 for others who cannot see it, 403 for those who can."""
    entry = _entry_or_404(entry_id)
    if not services.may_edit(current_user, entry):
        require(False, hide=not _visible(entry))
    return entry


def _visible(entry: Entry) -> bool:
    return db.session.scalar(sa.select(sa.exists().where(Entry.id == entry.id, queries.visible()))) or False


@bp.route("/network")
@network_member_required
def find() -> Any:
    form = SearchForm(request.args)
    valid = form.validate()
    filters: dict[str, Any] = {}
    if valid:
        filters = {
            "kind": EntryKind(form.kind.data) if form.kind.data else None,
            "category": Category(form.category.data) if form.category.data else None,
            "skill": form.skill.data or "",
            "place": form.place.data or "",
            "language": form.language.data or "",
        }
    statement = search(form.q.data or "" if valid else "", **filters)
    page = paginate(statement, request.args.get("page", 1, type=int), per_page=PER_PAGE)
    arguments = {name: value for name, value in request.args.items() if name != "page" and value}
    return render_template(
        "network/find.html",
        form=form,
        page=page,
        arguments=arguments,
        searched=bool(arguments),
        freshness=_freshness(),
    ), form_status(form)


@bp.route("/network/entries/<int:entry_id>")
@network_member_required
def entry(entry_id: int) -> str:
    found = _entry_or_404(entry_id)
    editable = services.may_edit(current_user, found)
    if not editable and not _visible(found):
        abort(404)
    matches = list(db.session.scalars(queries.matches_for(found)))
    return render_template(
        "network/entry.html",
        entry=found,
        description=render_markdown(found.description),
        matches=matches,
        editable=editable,
        may_ask=found.kind is EntryKind.OFFER
        and not services.own(current_user, found)
        and (not editable or _visible(found)),  # not editable: its visibility was checked above
        may_ask_mentoring=found.category is Category.MENTORING
        and found.user_id is not None
        and found.user_id != current_user.id
        and bool(_fellow_cohorts(current_user)),
        requests=list(db.session.scalars(queries.requests_for(found.id))) if is_admin(current_user) else [],
        status_labels=EXCHANGE_STATUS_LABELS,
        hide_form=HideForm() if is_admin(current_user) else None,
        action_form=ActionForm(),
    )


def _values(form: EntryForm, with_published: bool) -> dict[str, Any]:
    values = {
        "kind": form.kind.data,
        "category": form.category.data,
        "title": form.title.data or "",
        "description": form.description.data or "",
        "skills": [*(form.skills.data or []), *split_words(form.own_skills.data)],
        "place": form.place.data or "",
        "languages": [*(form.languages.data or []), *split_words(form.own_languages.data)],
    }
    if with_published:
        values["published"] = bool(form.published.data)
    return values


def _save(form: EntryForm, entry: Entry, with_published: bool) -> bool:
    """Save through the service; a refusal becomes the form's message (and nothing is kept)."""
    try:
        services.save_entry(entry, current_user.id, **_values(form, with_published))
    except services.NetworkError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return False
    return True


@bp.route("/network/entries/new", methods=["GET", "POST"])
@network_member_required
def entry_new() -> Any:
    form = EntryForm()
    has_org = current_user.organization_id is not None
    if not has_org:
        del form.owner
    if form.validate_on_submit():
        for_org = has_org and form.owner.data == "organization"
        entry = (
            Entry(organization_id=current_user.organization_id) if for_org else Entry(user_id=current_user.id)
        )
        if _save(form, entry, with_published=not for_org):
            db.session.commit()
            flash(_("The entry is saved."), "success")
            return redirect(url_for(".entry", entry_id=entry.id))
    elif request.method == "GET" and has_org:
        profile = db.session.get(NetworkProfile, current_user.organization_id)
        if profile is not None:
            form.place.data = profile.place
            form.languages.data = [code for code in profile.languages if code in LANGUAGE_NAMES]
            form.own_languages.data = ", ".join(
                code for code in profile.languages if code not in LANGUAGE_NAMES
            )
    return render_template("network/entry_form.html", form=form, entry=None), form_status(form)


@bp.route("/network/entries/<int:entry_id>/edit", methods=["GET", "POST"])
@network_member_required
def entry_edit(entry_id: int) -> Any:
    entry = _editable(entry_id)
    form = EntryForm(obj=entry)
    del form.owner
    person = entry.owned_by_person
    if not person:
        del form.published
    if request.method == "GET":
        form.skills.data = [skill for skill in entry.skills if skill in SKILL_LABELS]
        form.own_skills.data = ", ".join(skill for skill in entry.skills if skill not in SKILL_LABELS)
        form.languages.data = [code for code in entry.languages if code in LANGUAGE_NAMES]
        form.own_languages.data = ", ".join(code for code in entry.languages if code not in LANGUAGE_NAMES)
    elif form.validate_on_submit() and _save(form, entry, with_published=person):
        db.session.commit()
        flash(_("The entry is saved and confirmed."), "success")
        return redirect(url_for(".entry", entry_id=entry.id))
    return render_template("network/entry_form.html", form=form, entry=entry), form_status(form)


@bp.route("/network/mine")
@network_member_required
def mine() -> str:
    entries = list(db.session.scalars(queries.entries_of(current_user)))
    org_form = None
    if current_user.organization_id is not None:
        profile = db.session.get(NetworkProfile, current_user.organization_id)
        org_form = _organization_form(profile)
    months = freshness.confirm_months()
    now = clock.now()
    return render_template(
        "network/mine.html",
        entries=entries,
        org_form=org_form,
        stale_before=freshness.reminder_due(now, months),
        hidden_before=freshness.search_cutoff(now, months),
    )


def _organization_form(profile: NetworkProfile | None) -> OrganizationForm:
    form = OrganizationForm(obj=profile)
    if request.method == "GET" and profile is not None:
        form.languages.data = [code for code in profile.languages if code in LANGUAGE_NAMES]
        form.own_languages.data = ", ".join(code for code in profile.languages if code not in LANGUAGE_NAMES)
    return form


@bp.route("/network/organisation", methods=["POST"])
@network_member_required
def organisation() -> Any:
    require(current_user.organization_id is not None)
    profile = db.session.get(NetworkProfile, current_user.organization_id)
    form = _organization_form(profile)
    if form.validate_on_submit():
        try:
            languages = services.clean_languages(
                [*(form.languages.data or []), *split_words(form.own_languages.data)]
            )
        except services.NetworkError as error:
            form.form_errors.append(str(error))
        else:
            if profile is None:
                profile = NetworkProfile(organization_id=current_user.organization_id)
                db.session.add(profile)
            profile.in_public_directory = bool(form.in_public_directory.data)
            profile.ta_provider = bool(form.ta_provider.data)
            profile.place = " ".join((form.place.data or "").split())
            profile.languages = languages
            db.session.commit()
            flash(_("Your organisation's settings are saved."), "success")
            return redirect(url_for(".mine"))
    entries = list(db.session.scalars(queries.entries_of(current_user)))
    months = freshness.confirm_months()
    now = clock.now()
    html = render_template(
        "network/mine.html",
        entries=entries,
        org_form=form,
        stale_before=freshness.reminder_due(now, months),
        hidden_before=freshness.search_cutoff(now, months),
    )
    return html, 400


@bp.route("/network/entries/<int:entry_id>/confirm", methods=["GET", "POST"])
@network_member_required
def confirm(entry_id: int) -> Any:
    """The emailed "is this still true?" link opens this page; only its button (a POST) confirms, so mail
    scanners that fetch every link confirm nothing."""
    entry = _editable(entry_id)
    form = ActionForm()
    if request.method == "POST":
        if not form.validate_on_submit():
            abort(400)
        services.confirm(entry, current_user.id)
        db.session.commit()
        flash(_("Thank you: the entry is confirmed as still true."), "success")
        return redirect(url_for(".entry", entry_id=entry.id))
    return render_template("network/confirm.html", entry=entry, form=form)


@bp.route("/network/entries/<int:entry_id>/hide", methods=["POST"])
@admin_required
def hide(entry_id: int) -> Any:
    entry = _entry_or_404(entry_id)
    form = HideForm()
    if form.validate_on_submit():
        try:
            services.hide(entry, form.hidden_reason.data or "", current_user.id)
        except services.NetworkError as error:
            db.session.rollback()
            form.hidden_reason.errors = [str(error)]
        else:
            db.session.commit()
            flash(_("The entry is hidden from the network."), "success")
            return redirect(url_for(".entry", entry_id=entry.id))
    html = render_template(
        "network/entry.html",
        entry=entry,
        description=render_markdown(entry.description),
        matches=list(db.session.scalars(queries.matches_for(entry))),
        editable=True,
        hide_form=form,
        action_form=ActionForm(),
    )
    return html, 400


@bp.route("/network/entries/<int:entry_id>/unhide", methods=["POST"])
@admin_required
def unhide(entry_id: int) -> Response:
    entry = _entry_or_404(entry_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.unhide(entry, current_user.id)
    db.session.commit()
    flash(_("The entry is back in the network."), "success")
    return redirect(url_for(".entry", entry_id=entry.id))


@bp.route("/network/directory")
def directory() -> Response:
    """Public: the offers of organisations that chose to be listed. No people, no contact details. Cached
    per address, language and page; a change shows within the page cache's lifetime (60 seconds)."""
    number = max(1, request.args.get("page", 1, type=int) or 1)
    key = (
        request.host_url,
        request.script_root,
        request.path,
        str(get_locale()),
        number,
        "network-directory",
    )

    def render() -> str:
        page = paginate(queries.directory_offers(), number, per_page=DIRECTORY_PER_PAGE)
        listed = [
            (offers[0].organization, offers)
            for _id, grouped in itertools.groupby(page.items, key=lambda entry: entry.organization_id)
            for offers in [list(grouped)]
        ]
        return render_template(
            "network/directory.html", page=page, listed=listed, freshness=_freshness(directory=True)
        )

    page = pagecache.cache().page(key, render)
    response = make_response(page.html)
    response.headers["Cache-Control"] = "public, max-age=60"
    response.headers["Vary"] = "Accept-Language"
    response.set_etag(page.etag)
    return response.make_conditional(request)


# --- asking for help, and exchanges ------------------------------------------------------------------------


def _exchange_or_404(exchange_id: int) -> Exchange:
    """The exchange, for its two sides and administrators; 404 for everyone else."""
    found = db.session.get(Exchange, exchange_id)
    if found is None or not services.may_see(current_user, found):
        abort(404)
    return found


def _ask_key() -> str:
    return f"network-ask|{current_user.get_id()}"


asking_limit = limiter.shared_limit(
    lambda: current_app.config["FELLOWSHIP_RATELIMIT_HELP_REQUEST"],
    scope="network-ask",
    key_func=_ask_key,
    methods=["POST"],
    deduct_when=lambda response: response.status_code == 302,
)
"""One limit per person for asking anyone anything in the network (help, mentoring); a request refused
for its content does not count."""


def _askable(entry_id: int) -> Entry:
    found = _entry_or_404(entry_id)
    if found.kind is not EntryKind.OFFER or not _visible(found):
        abort(404)
    return found


@bp.route("/network/entries/<int:entry_id>/ask", methods=["GET", "POST"])
@network_member_required
@asking_limit
def ask(entry_id: int) -> Any:
    """Ask an offer's side for help. Only requests that are sent count against the person's limit."""
    entry = _askable(entry_id)
    form = AskForm()
    if form.validate_on_submit():
        try:
            exchange = services.ask(entry, current_user, form.message.data or "")
        except services.NetworkError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your request is sent. You will see their contact details if they accept."), "success")
            return redirect(url_for(".exchange", exchange_id=exchange.id))
    return render_template("network/ask.html", entry=entry, form=form), form_status(form)


@bp.route("/network/exchanges")
@network_member_required
def exchanges() -> str:
    """The person's requests and exchanges, both ways, and the people their side blocked."""
    found = list(db.session.scalars(queries.exchanges_of(current_user)).unique())
    return render_template(
        "network/exchanges.html",
        asked=[e for e in found if e.asker_id == current_user.id],
        received=[e for e in found if e.asker_id != current_user.id],
        blocks=list(db.session.scalars(queries.blocks_of(current_user))),
        status_labels=EXCHANGE_STATUS_LABELS,
        action_form=ActionForm(),
    )


def _exchange_page(exchange: Exchange, status: int = 200, **forms: Any) -> Any:
    helper = services.on_helper_side(current_user, exchange)
    page = render_template(
        "network/exchange.html",
        exchange=exchange,
        helper=helper,
        asker=exchange.asker_id == current_user.id,
        status_labels=EXCHANGE_STATUS_LABELS,
        payment_labels=PAYMENT_LABELS,
        accept_form=forms.get("accept_form") or AcceptForm(formdata=None),
        decline_form=forms.get("decline_form") or DeclineForm(formdata=None, prefix="decline"),
        done_form=forms.get("done_form") or DoneForm(formdata=None),
        action_form=ActionForm(formdata=None),
    )
    return page, status


@bp.route("/network/exchanges/<int:exchange_id>")
@network_member_required
def exchange(exchange_id: int) -> Any:
    return _exchange_page(_exchange_or_404(exchange_id))


def _refused(exchange: Exchange, error: Exception, form_name: str, form: Any) -> Any:
    db.session.rollback()
    db.session.refresh(exchange)
    form.form_errors.append(str(error))
    return _exchange_page(exchange, 400, **{form_name: form})


@bp.route("/network/exchanges/<int:exchange_id>/accept", methods=["POST"])
@network_member_required
def exchange_accept(exchange_id: int) -> Any:
    found = _exchange_or_404(exchange_id)
    require(services.on_helper_side(current_user, found))
    form = AcceptForm()
    if not form.validate_on_submit():
        return _exchange_page(found, 400, accept_form=form)
    try:
        services.accept(
            found,
            current_user,
            form.agreed_help.data or "",
            form.expectations.data or "",
            form.due_on.data,
            Payment(form.payment.data),
            form.answer.data or "",
        )
    except services.NetworkError as error:
        return _refused(found, error, "accept_form", form)
    db.session.commit()
    flash(_("You accepted: you now see each other's contact details."), "success")
    return redirect(url_for(".exchange", exchange_id=found.id))


@bp.route("/network/exchanges/<int:exchange_id>/decline", methods=["POST"])
@network_member_required
def exchange_decline(exchange_id: int) -> Any:
    found = _exchange_or_404(exchange_id)
    require(services.on_helper_side(current_user, found))
    form = DeclineForm(prefix="decline")  # beside the acceptance form, which has an answer too
    if not form.validate_on_submit():
        return _exchange_page(found, 400, decline_form=form)
    try:
        services.decline(found, current_user, form.answer.data or "")
    except services.NetworkError as error:
        return _refused(found, error, "decline_form", form)
    db.session.commit()
    flash(_("You declined the request."), "success")
    return redirect(url_for(".exchange", exchange_id=found.id))


@bp.route("/network/exchanges/<int:exchange_id>/withdraw", methods=["POST"])
@network_member_required
def exchange_withdraw(exchange_id: int) -> Any:
    found = _exchange_or_404(exchange_id)
    require(found.asker_id == current_user.id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.withdraw(found, current_user)
    except services.NetworkError as error:
        flash(str(error), "error")
        return redirect(url_for(".exchange", exchange_id=found.id))
    db.session.commit()
    flash(_("Your request is withdrawn."), "success")
    return redirect(url_for(".exchange", exchange_id=found.id))


@bp.route("/network/exchanges/<int:exchange_id>/done", methods=["POST"])
@network_member_required
def exchange_done(exchange_id: int) -> Any:
    found = _exchange_or_404(exchange_id)
    require(found.asker_id == current_user.id or services.on_helper_side(current_user, found))
    form = DoneForm()
    if not form.validate_on_submit():
        return _exchange_page(found, 400, done_form=form)
    hours = float(form.hours.data) if form.hours.data is not None else None
    try:
        finished = services.mark_done(found, current_user, hours)
    except services.NetworkError as error:
        return _refused(found, error, "done_form", form)
    db.session.commit()
    if finished:
        flash(_("Both sides marked it done: the exchange is complete."), "success")
    else:
        flash(_("Marked done. The other side is asked to confirm."), "success")
    return redirect(url_for(".exchange", exchange_id=found.id))


@bp.route("/network/exchanges/<int:exchange_id>/block", methods=["POST"])
@network_member_required
def exchange_block(exchange_id: int) -> Any:
    found = _exchange_or_404(exchange_id)
    require(services.on_helper_side(current_user, found))
    if not ActionForm().validate_on_submit():
        abort(400)
    services.block(found, current_user)
    db.session.commit()
    flash(_("%(name)s cannot ask your side for help again.", name=found.asker.name), "success")
    return redirect(url_for(".exchanges"))


@bp.route("/network/blocks/<int:block_id>/remove", methods=["POST"])
@network_member_required
def unblock(block_id: int) -> Any:
    found = db.session.get(Block, block_id)
    if found is None or not services.may_unblock(current_user, found):
        abort(404)
    if not ActionForm().validate_on_submit():
        abort(400)
    services.unblock(found, current_user)
    db.session.commit()
    flash(_("They can ask your side for help again."), "success")
    return redirect(url_for(".exchanges"))


HOME_LIMIT = 8


def _home_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """Requests waiting for the person's answer and exchanges waiting for their "done" (one query)."""
    if not access.may_use(viewer.user):
        return None
    rows = list(db.session.scalars(queries.waiting_on(viewer.user, HOME_LIMIT)).unique())
    if not rows:
        return None
    return {"rows": rows, "user_id": viewer.user.id}


home.register(home.HomeBlock("network_exchanges", "network/home_block.html", 30, _home_block))


# --- mentoring ----------------------------------------------------------------------------------------------


def _fellow_cohorts(user: Any) -> list[tuple[int, str]]:
    rows = db.session.execute(queries.fellow_cohorts(user.id, clock.today()))
    return [(cohort_id, name) for cohort_id, name in rows]


def _mentoring_offer(entry_id: int) -> Entry:
    found = _entry_or_404(entry_id)
    mentoring = found.user_id is not None and found.category is Category.MENTORING
    if not mentoring or found.kind is not EntryKind.OFFER or not _visible(found):
        abort(404)
    return found


@bp.route("/network/entries/<int:entry_id>/mentoring", methods=["GET", "POST"])
@network_member_required
@asking_limit
def ask_mentoring(entry_id: int) -> Any:
    """A fellow asks the person behind a mentoring offer to mentor them, for one of their cohorts."""
    entry = _mentoring_offer(entry_id)
    cohorts = _fellow_cohorts(current_user)
    require(bool(cohorts))  # mentoring is for fellows of a cohort
    form = AskMentorForm().with_cohorts(cohorts)
    if form.validate_on_submit():
        try:
            made = services.ask_mentor(
                entry, current_user, form.cohort_id.data, form.message.data or "", clock.today()
            )
        except services.NetworkError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("Your request is sent to %(name)s.", name=made.mentor.name), "success")
            return redirect(url_for(".mentoring_pair", pair_id=made.id))
    return render_template("network/ask_mentoring.html", entry=entry, form=form), form_status(form)


def _pair_form(cohort_id: int, **kwargs: Any) -> PairForm:
    fellows = db.session.execute(queries.cohort_fellows(cohort_id, clock.today())).all()
    mentors = db.session.execute(queries.mentors()).all()
    return PairForm(**kwargs).with_people(mentors, fellows)


@bp.route("/cohorts/<int:cohort_id>/mentoring", methods=["GET", "POST"])
@login_required
def pair_new(cohort_id: int) -> Any:
    """One of the cohort's facilitators (or an administrator) pairs a mentor with a fellow."""
    cohort, _role = cohort_for(cohort_id, manage=True)
    form = _pair_form(cohort.id)
    form.mentee_id.label.text = fellow_label(cohort.program.kind)
    if form.validate_on_submit():
        try:
            services.pair(cohort.id, form.mentor_id.data, form.mentee_id.data, current_user.id, clock.today())
        except services.NetworkError as error:
            db.session.rollback()
            form.form_errors.append(str(error))
        else:
            db.session.commit()
            flash(_("The mentor and the fellow are paired."), "success")
            return redirect(url_for("fellowship.programs.cohort", cohort_id=cohort.id, _anchor="mentoring"))
    return render_template("network/pair_new.html", cohort=cohort, form=form), form_status(form)


def _pair_or_404(pair_id: int) -> tuple[MentoringPair, bool]:
    """The pair, for its two people, the cohort's facilitators and administrators; 404 for everyone else.
    Says whether the person is one of the cohort's facilitators (who read reflections, never notes)."""
    found = db.session.get(MentoringPair, pair_id)
    if found is None:
        abort(404)
    facilitator = role_of(current_user, found.cohort_id) is Role.FACILITATOR
    if not (found.in_pair(current_user) or facilitator or is_admin(current_user)):
        abort(404)
    return found, facilitator


def _pair_page(found: MentoringPair, facilitator: bool, status: int = 200, **forms: Any) -> Any:
    mine = found.in_pair(current_user)
    reflections = [
        (reflection, name)
        for reflection, name in db.session.execute(queries.pair_reflections(found.id))
        if facilitator or reflection.author_id == current_user.id
    ]
    page = render_template(
        "network/pair.html",
        pair=found,
        fellow=fellow_label(db.session.get(Cohort, found.cohort_id).program.kind),
        mine=mine,
        meetings=db.session.scalars(queries.pair_meetings(found.id)).all(),
        reflections=reflections,
        wrote=any(r.author_id == current_user.id for r, _name in reflections),
        status_labels=PAIR_STATUS_LABELS,
        meeting_form=forms.get("meeting_form") or MeetingForm(formdata=None, data={"held_on": clock.today()}),
        reflection_form=forms.get("reflection_form") or ReflectionForm(formdata=None),
        action_form=ActionForm(formdata=None),
    )
    return page, status


@bp.route("/mentoring/<int:pair_id>")
@login_required
def mentoring_pair(pair_id: int) -> Any:
    found, facilitator = _pair_or_404(pair_id)
    return _pair_page(found, facilitator)


@bp.route("/mentoring/<int:pair_id>/answer", methods=["POST"])
@login_required
def mentoring_answer(pair_id: int) -> Any:
    found, _facilitator = _pair_or_404(pair_id)
    require(found.mentor_id == current_user.id)
    decision = request.form.get("decision", "")
    if not ActionForm().validate_on_submit() or decision not in ("accept", "decline"):
        abort(400)
    try:
        services.answer_mentoring(found, current_user, decision == "accept")
    except services.NetworkError as error:
        flash(str(error), "error")
        return redirect(url_for(".mentoring_pair", pair_id=found.id))
    db.session.commit()
    flash(_("You are now this fellow's mentor.") if decision == "accept" else _("You declined."), "success")
    return redirect(url_for(".mentoring_pair", pair_id=found.id))


@bp.route("/mentoring/<int:pair_id>/meetings", methods=["POST"])
@login_required
def mentoring_meeting(pair_id: int) -> Any:
    found, facilitator = _pair_or_404(pair_id)
    require(found.in_pair(current_user))
    form = MeetingForm()
    if not form.validate_on_submit():
        return _pair_page(found, facilitator, 400, meeting_form=form)
    try:
        services.log_meeting(
            found, current_user, form.held_on.data, form.minutes.data, form.notes.data or "", clock.today()
        )
    except services.NetworkError as error:
        db.session.rollback()
        form.form_errors.append(str(error))
        return _pair_page(found, facilitator, 400, meeting_form=form)
    db.session.commit()
    flash(_("The meeting is logged."), "success")
    return redirect(url_for(".mentoring_pair", pair_id=found.id))


def _reflection(pair_id: int, end: bool) -> Any:
    found, facilitator = _pair_or_404(pair_id)
    require(found.in_pair(current_user))
    form = ReflectionForm()
    if not form.validate_on_submit():
        return _pair_page(found, facilitator, 400, reflection_form=form)
    try:
        services.reflect(found, current_user, form.text.data or "", end=end)
    except services.NetworkError as error:
        db.session.rollback()
        db.session.refresh(found)
        form.form_errors.append(str(error))
        return _pair_page(found, facilitator, 400, reflection_form=form)
    db.session.commit()
    flash(_("The mentoring has ended. Thank you.") if end else _("Your reflection is saved."), "success")
    return redirect(url_for(".mentoring_pair", pair_id=found.id))


@bp.route("/mentoring/<int:pair_id>/end", methods=["POST"])
@login_required
def mentoring_end(pair_id: int) -> Any:
    """Either side ends the mentoring, with their reflection."""
    return _reflection(pair_id, end=True)


@bp.route("/mentoring/<int:pair_id>/reflection", methods=["POST"])
@login_required
def mentoring_reflection(pair_id: int) -> Any:
    """The other side adds their reflection once the mentoring has ended."""
    return _reflection(pair_id, end=False)


def _mentoring_panel(cohort: Any, user: Any) -> dict[str, Any] | None:
    """On the cohort page: its mentoring pairs with their meetings counted (never their notes), and for its
    facilitators a link to pair a mentor with a fellow. One query (the role comes with the page)."""
    manager = is_admin(user) or role_of(user, cohort.id) is Role.FACILITATOR
    rows = db.session.execute(queries.cohort_pairs(cohort.id)).all()
    if not rows and not manager:
        return None
    return {
        "cohort": cohort,
        "rows": rows,
        "labels": PAIR_STATUS_LABELS,
        "manager": manager,
        "user_id": user.id,
        "fellow": fellow_label(cohort.program.kind),
    }


def _mentoring_block(viewer: home.Viewer) -> dict[str, Any] | None:
    """The person's mentoring under way, and requests waiting for their answer as a mentor (one query)."""
    if not access.may_use(viewer.user):
        return None
    rows = db.session.scalars(queries.pairs_waiting_on(viewer.user.id)).unique().all()
    if not rows:
        return None
    return {"rows": rows, "user_id": viewer.user.id}


home.register(home.HomeBlock("mentoring", "network/mentoring_block.html", 31, _mentoring_block))
panels.register_cohort_panel(
    panels.CohortPanel("mentoring", "network/mentoring_panel.html", 40, _mentoring_panel)
)


# --- local groups -------------------------------------------------------------------------------------------


def _groups_page(form: LocalGroupForm | None, status: int = 200) -> Any:
    today, now = clock.today(), clock.now()
    rows = db.session.execute(queries.local_groups(today, now)).all()
    mine = dict(db.session.execute(queries.memberships_in_groups(current_user.id, today)).all())
    page = render_template(
        "network/groups.html",
        rows=rows,
        mine=mine,
        form=form,
        action_form=ActionForm(formdata=None),
    )
    return page, status


@bp.route("/network/groups")
@network_member_required
def groups() -> Any:
    """The network's local groups: where, who champions each, how many members, the next meetup; members
    join or leave; administrators start one."""
    return _groups_page(LocalGroupForm(formdata=None) if is_admin(current_user) else None)


@bp.route("/network/groups/new", methods=["POST"])
@admin_required
def group_new() -> Any:
    form = LocalGroupForm()
    if form.validate_on_submit():
        try:
            champion = services.champion_by_email(form.champion.data or "")
        except services.NetworkError as error:
            form.champion.errors = [str(error)]
        else:
            try:
                cohort = services.create_group(
                    form.name.data or "",
                    form.place.data or "",
                    form.timezone.data or "UTC",
                    champion,
                    current_user.id,
                    clock.today(),
                )
            except services.NetworkError as error:
                db.session.rollback()
                form.form_errors.append(str(error))
            else:
                db.session.commit()
                flash(_("The local group is started."), "success")
                return redirect(url_for("fellowship.programs.cohort", cohort_id=cohort.id))
    return _groups_page(form, 400)


def _local_group(cohort_id: int) -> Cohort:
    cohort = db.session.get(Cohort, cohort_id)
    if cohort is None or db.session.get(LocalGroup, cohort_id) is None:
        abort(404)
    return cohort


@bp.route("/network/groups/<int:cohort_id>/join", methods=["POST"])
@network_member_required
def group_join(cohort_id: int) -> Any:
    cohort = _local_group(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.join_group(cohort, current_user, clock.today(cohort.timezone))
    except services.NetworkError as error:
        flash(str(error), "error")
        return redirect(url_for(".groups"))
    db.session.commit()
    flash(_("Welcome to %(name)s: you are invited to its meetups.", name=cohort.name), "success")
    return redirect(url_for("fellowship.programs.cohort", cohort_id=cohort.id))


@bp.route("/network/groups/<int:cohort_id>/leave", methods=["POST"])
@network_member_required
def group_leave(cohort_id: int) -> Any:
    cohort = _local_group(cohort_id)
    if not ActionForm().validate_on_submit():
        abort(400)
    try:
        services.leave_group(cohort, current_user, clock.today(cohort.timezone))
    except services.NetworkError as error:
        flash(str(error), "error")
        return redirect(url_for(".groups"))
    db.session.commit()
    flash(_("You left %(name)s.", name=cohort.name), "success")
    return redirect(url_for(".groups"))


def _group_panel(cohort: Any, user: Any) -> dict[str, Any] | None:
    """On a local group's page: its place and champion, and its next meetup with who hosts it."""
    if cohort.program.kind is not ProgramKind.LOCAL_GROUPS:
        return None
    group = db.session.get(LocalGroup, cohort.id)
    if group is None:
        return None
    now, today = clock.now(), clock.today(cohort.timezone)
    meetups = db.session.scalars(queries.meetups(cohort.id)).all()
    following = next((m for m in meetups if m.starts_at >= now), None)
    return {
        "group": group,
        "next": following,
        "host": services.meetup_host(following, today, meetups) if following is not None else None,
    }


def _meetup_panel(event: Any, user: Any) -> dict[str, Any] | None:
    """On a meetup's page: the member whose turn it is to host it. Nothing on other events' pages."""
    if event.kind is not EventKind.MEETUP:
        return None
    return {"host": services.meetup_host(event, clock.today(event.timezone))}


panels.register_cohort_panel(panels.CohortPanel("local_group", "network/group_panel.html", 5, _group_panel))
panels.register_event_panel(panels.EventPanel("meetup", "network/meetup_panel.html", 5, _meetup_panel))
