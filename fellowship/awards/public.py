"""The contest's public pages: gallery, project pages, voting, results and the ceremony view.

Gallery, project and results pages depend only on the address and the language, set no cookie and are
cacheable (``Cache-Control: public`` with an ETag). The vote pages are per visitor: uncached, with the
CSRF token. The gallery's order is alphabetical in the HTML; static/js/gallery.js shuffles it with a seed
the browser keeps, so each visitor sees a stable order of their own and position decides nothing.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, current_app, g, make_response, render_template, request
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from werkzeug.wrappers import Response

from fellowship.accounts.emails import external_url
from fellowship.awards import images, voting
from fellowship.awards.access import project_in, public_contest
from fellowship.awards.enums import PUBLIC_PHASES, CategoryKind, Phase, ProjectStatus
from fellowship.awards.forms import VoteForm
from fellowship.awards.models import AwardCategory, Contest, Project
from fellowship.awards.views import _accepted, bp
from fellowship.core import attempts, clock, i18n, mail, metrics, notifications, pagecache
from fellowship.core.permissions import is_admin
from fellowship.core.storage import storage
from fellowship.extensions import db, limiter

VOTE_MAIL = "vote_confirmation"
mail.register_ephemeral(VOTE_MAIL)
notifications.register("vote emails forgotten", lambda: mail.forget_stale(dt.timedelta(hours=24)))


def _public(html: str | pagecache.Page, shared: bool = True) -> Response:
    """A cacheable public page: no cookie, varies only by language, revalidated with an ETag. An admin's
    preview of a page that is not public yet (``shared`` False) must never sit in a shared cache. A proxy
    may keep it as long as each server's own page cache does (FELLOWSHIP_PAGE_CACHE_SECONDS): a vote or a
    change to the contest shows within that window. (A change outside the page cache's key, such as an
    organisation renamed, can take twice as long: a server's cached copy, then the proxy's.)"""
    page = html if isinstance(html, pagecache.Page) else pagecache.page_of(html)
    response = make_response(page.html)
    max_age = current_app.config["FELLOWSHIP_PAGE_CACHE_SECONDS"]
    response.headers["Cache-Control"] = f"public, max-age={max_age}" if shared else "private, no-store"
    response.headers["Vary"] = "Accept-Language"
    response.set_etag(page.etag)
    return response.make_conditional(request)


def _cache_key(contest: Contest, *parts: object) -> tuple[object, ...] | None:
    """The page cache's key for a contest page, or None when the page must be rendered each time: an
    admin's preview of a contest not public yet, and a live tally (votes are inserted without raising the
    contest's revision). Everything else the page shows hangs off the contest's revision (raised by every
    change to the contest, its categories, criteria and projects, and by voiding a vote), the address and
    language, and whether voting is open now."""
    if contest.phase not in PUBLIC_PHASES or (contest.phase is Phase.VOTING and contest.live_tally):
        return None
    return (
        request.host_url,  # the page names its own address (og:url); the query string changes nothing but
        request.path,  # the language, which is part of the key, so ?utm=… variants share one entry
        request.script_root,  # every link starts with the prefix the site is mounted under
        str(get_locale()),
        contest.id,
        contest.revision,
        contest.voting_open(clock.now()),
        *parts,
    )


@bp.before_request
def _public_language() -> None:
    """Public pages take their language from ?lang= or the browser only, never from a session."""
    if request.endpoint and request.endpoint.rsplit(".", 1)[-1] in PUBLIC_ENDPOINTS:
        g.public_page = True


PUBLIC_ENDPOINTS = {"gallery", "project_page", "results", "receipts"}
i18n.language_follows(
    *(f"fellowship.awards.{name}" for name in (*PUBLIC_ENDPOINTS, "vote", "confirm", "ceremony"))
)


def _show_tally(contest: Contest) -> bool:
    return contest.phase is Phase.PUBLISHED or (contest.phase is Phase.VOTING and contest.live_tally)


@bp.route("/awards/<slug>")
def gallery(slug: str) -> Response:
    contest = public_contest(slug)
    page = pagecache.cache().page(
        _cache_key(contest, "gallery"),
        lambda: render_template(
            "awards/gallery.html",
            contest=contest,
            projects=_accepted(contest),
            tally=voting.tally(contest.id) if _show_tally(contest) else None,
            voting_open=contest.voting_open(clock.now()),
        ),
    )
    return _public(page, contest.phase in PUBLIC_PHASES)


@bp.route("/awards/<slug>/projects/<int:project_id>")
def project_page(slug: str, project_id: int) -> Response:
    contest = public_contest(slug)
    project = project_in(contest, project_id)
    if project.status is not ProjectStatus.ACCEPTED:
        abort(404)
    page = pagecache.cache().page(
        _cache_key(contest, "project", project.id),
        lambda: render_template(
            "awards/project_page.html",
            contest=contest,
            project=project,
            votes=voting.project_votes(contest.id, project.id) if _show_tally(contest) else None,
            voting_open=contest.voting_open(clock.now()),
        ),
    )
    return _public(page, contest.phase in PUBLIC_PHASES)


@bp.route("/awards/<slug>/projects/<int:project_id>/image")
def project_image(slug: str, project_id: int) -> Response:
    contest = public_contest(slug)
    project = project_in(contest, project_id)
    if not project.image or (project.status is not ProjectStatus.ACCEPTED and not is_admin_user()):
        abort(404)
    response = storage().send(images.AREA, project.image, max_age=3600)
    shared = contest.phase in PUBLIC_PHASES and project.status is ProjectStatus.ACCEPTED
    # Pages link the image with the start of its content's hash as ``v`` (images.version): such an address
    # always means these bytes, so a proxy or CDN may keep it for a year. Without it, an hour.
    versioned = request.args.get("v") == images.version(project.image)
    lifetime = "public, max-age=31536000, immutable" if versioned else "public, max-age=3600"
    response.headers["Cache-Control"] = lifetime if shared else "private, no-store"
    return response


def is_admin_user() -> bool:
    from flask_login import current_user

    return is_admin(current_user)


def _vote_email_key() -> str:
    email = (request.form.get("email") or "").strip()
    return (
        "vote|" + voting.voter_key(current_app.config["FELLOWSHIP_VOTER_KEY_SECRET"], email)
        if email
        else "vote|"
    )


def _mailbox_has_room() -> bool:
    """Count a vote request against its mailbox's own limit (FELLOWSHIP_RATELIMIT_VOTE_EMAIL, however the
    address is spelled). Over it nothing is sent, but the page answers as under it: a 429 would tell anyone
    that someone has been asking for votes at that address."""
    return attempts.reserve("vote-mailbox", _vote_email_key(), "FELLOWSHIP_RATELIMIT_VOTE_EMAIL")


@bp.route("/awards/<slug>/projects/<int:project_id>/vote", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["FELLOWSHIP_RATELIMIT_VOTE_IP"], methods=["POST"])
def vote(slug: str, project_id: int) -> Any:
    """Ask for a vote: the answer is the same whether or not this address has voted already, and whether or
    not it has used up its requests."""
    contest = public_contest(slug)
    project = project_in(contest, project_id)
    if project.status is not ProjectStatus.ACCEPTED:
        abort(404)
    open_now = contest.voting_open(clock.now())
    form = VoteForm()
    sent = False
    status = 200
    if request.method == "POST":
        if not open_now:
            status = 409
        elif form.validate_on_submit():
            if not form.website.data and _mailbox_has_room():  # the honeypot stayed empty: a person
                token = voting.request_vote(
                    contest,
                    project,
                    current_app.config["FELLOWSHIP_VOTER_KEY_SECRET"],
                    form.email.data or "",
                    current_app.config["FELLOWSHIP_VOTE_TOKEN_HOURS"],
                )
                language = str(get_locale() or "en")  # the page's: the voter chose it
                mail.compose(
                    VOTE_MAIL,
                    form.email.data or "",
                    language,
                    mail.TitledSubject(VOTE_SUBJECT, project.title),
                    "awards/email/confirm",
                    contest=contest,
                    project=project,
                    link=external_url(".confirm", slug=contest.slug, token=token, lang=language),
                    hours=current_app.config["FELLOWSHIP_VOTE_TOKEN_HOURS"],
                    secret=True,  # the link casts the vote
                )
            sent = True
        else:
            status = 400
    html = render_template(
        "awards/vote.html", contest=contest, project=project, form=form, sent=sent, open_now=open_now
    )
    if sent:
        db.session.commit()  # after rendering, which then reads the rows already loaded, not reloaded ones
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    return response


VOTE_SUBJECT = _l("Confirm your vote for %(title)s")

CONFIRM_MESSAGES = {
    "counted": _l("Your vote is counted. Thank you!"),
    "already_counted": _l("This vote was already counted."),
    "no_votes_left": _l("You have used all your votes in this contest; this one was not counted."),
    "used": _l("This confirmation link has already been used."),
    "expired": _l("This confirmation link has expired. Ask for a new one on the project's page."),
    "unknown": _l("This confirmation link is not valid. Check that you copied all of it."),
    "tampered": _l("This confirmation link has been changed, so it cannot be used. Open it as it came."),
    "closed": _l("Voting is not open, so this vote cannot be counted."),
}


@bp.route("/awards/<slug>/confirm/<token>", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["FELLOWSHIP_RATELIMIT_VOTE_IP"], methods=["POST"])
def confirm(slug: str, token: str) -> Any:
    """The emailed link opens this page; the vote counts only when its button is pressed (a POST), so
    link scanners that fetch every URL cannot cast votes."""
    contest = public_contest(slug)
    outcome = None
    status = 200
    form = VoteForm()  # only for its CSRF token
    if request.method == "POST":
        if not form.is_submitted() or not form.csrf_token.validate(form):
            abort(400)
        network = voting.network_of(current_app.config["FELLOWSHIP_VOTER_KEY_SECRET"], request.remote_addr)
        outcome = voting.confirm(token, contest, network)
        status = 200 if outcome.status in {"counted", "already_counted"} else 409
    project_id = outcome.project_id if outcome else voting.project_named(token, contest)
    project = db.session.get(Project, project_id) if project_id else None
    if project is not None and project.contest_id != contest.id:
        project = None
    html = render_template(
        "awards/confirm.html",
        contest=contest,
        outcome=outcome,
        message=CONFIRM_MESSAGES[outcome.status] if outcome else "",
        project=project,
        form=form,
    )
    if outcome:
        db.session.commit()  # after rendering, which then reads the rows already loaded, not reloaded ones
        if outcome.status == "counted":
            metrics.VOTE_CONFIRMATIONS.inc()
    response = make_response(html, status)
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"  # the token is in this page's address
    return response


@bp.route("/awards/<slug>/results")
def results(slug: str) -> Response:
    contest = public_contest(slug)
    if contest.phase is not Phase.PUBLISHED and not is_admin_user():
        abort(404)
    return _public(
        render_template("awards/results.html", **_results(contest)), contest.phase is Phase.PUBLISHED
    )


@bp.route("/awards/<slug>/receipts")
def receipts(slug: str) -> Response:
    """After voting closes: the SHA-256 of every counted receipt, per project, so voters can check."""
    contest = public_contest(slug)
    if contest.phase not in {Phase.CLOSED, Phase.PUBLISHED}:
        abort(404)
    return _public(
        render_template(
            "awards/receipts.html",
            contest=contest,
            projects=_accepted(contest),
            hashes=voting.published_receipts(contest.id),
            voided=voting.voided_count(contest.id),
            checked=voting.receipt_hash(request.args.get("receipt", ""))
            if request.args.get("receipt")
            else None,
        )
    )


@bp.route("/awards/<slug>/ceremony/<int:step>")
def ceremony(slug: str, step: int) -> Any:
    """Full-screen reveal, one award per step (admins from closing; everyone once published)."""
    contest = public_contest(slug)
    if (
        not (is_admin_user() and contest.phase in {Phase.CLOSED, Phase.PUBLISHED})
        and contest.phase is not Phase.PUBLISHED
    ):
        abort(404)
    data = _results(contest)
    winners = data["winners"]
    if step < 0 or step > len(winners):
        abort(404)
    response = make_response(render_template("awards/ceremony.html", step=step, total=len(winners), **data))
    response.headers["Cache-Control"] = "no-store"
    return response


def _results(contest: Contest) -> dict[str, Any]:
    from fellowship.awards import services

    projects = _accepted(contest)
    by_id = {p.id: p for p in projects}
    tally = voting.tally(contest.id)
    ranked = services.ranking(contest, projects, contest.criteria)
    winners: list[tuple[AwardCategory, list[Project], str]] = []
    for category in contest.categories:
        if category.kind is CategoryKind.JURY:
            best = ranked[0].score if ranked and ranked[0].score is not None else None
            chosen = [r.project for r in ranked if best is not None and r.score == best]
            detail = _("Jury score %(score)s", score=best) if best is not None else ""
        elif category.kind is CategoryKind.AUDIENCE:
            most = max(tally.values(), default=0)
            chosen = sorted(
                (by_id[p] for p, n in tally.items() if n == most and most and p in by_id),
                key=lambda p: p.title.lower(),
            )
            detail = _("%(num)d votes", num=most) if most else ""
        else:
            chosen = [by_id[category.winner_id]] if category.winner_id in by_id else []
            detail = ""
        winners.append((category, chosen, detail))
    return {
        "contest": contest,
        "winners": winners,
        "ranked": ranked,
        "tally": tally,
        "voided": voting.voided_count(contest.id),
        "projects": sorted(projects, key=lambda p: (-tally.get(p.id, 0), p.title.lower())),
    }
