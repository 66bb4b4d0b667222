"""The language follows the reader: chosen on a public page, it goes along every link from it, and an
email's links to signed-out pages open in the recipient's language."""

from __future__ import annotations

import re
from typing import Any

from fellowship.awards.enums import Phase
from fellowship.extensions import db
from tests.awards.conftest import add_project, make_contest
from tests.awards.test_voting import project_id, token_from
from tests.conftest import World
from tests.events.conftest import make_event
from tests.mailbox import messages


def link_url(message: Any, contains: str) -> str:
    """Path and query of the first link in the email's text that contains ``contains``."""
    for url in re.findall(r"https?://\S+", message.body_text):
        if contains in url:
            return url.split("fellowship.test", 1)[1]
    raise AssertionError(f"no link with {contains!r}")


def hrefs(html: str, part: str) -> list[str]:
    return [h.replace("&amp;", "&") for h in re.findall(r'(?:href|action)="([^"]*)"', html) if part in h]


def test_arabic_chosen_on_a_project_page_carries_through_the_vote(world: World, app: Any) -> None:
    contest = make_contest(world)
    add_project(contest, world, "Alpha")
    contest.phase = Phase.VOTING
    db.session.commit()
    visitor = app.test_client()
    project = f"/awards/{contest.slug}/projects/{project_id(contest, 'Alpha')}"
    page = visitor.get(f"{project}?lang=ar").get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in page
    [vote_link] = set(hrefs(page, "/vote"))
    assert vote_link == f"{project}/vote?lang=ar"
    vote_page = visitor.get(vote_link, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in vote_page  # the link's language, not the browser's
    # The vote form has no action: it posts back to this address, language included.
    assert '<form method="post" novalidate>' in vote_page
    sent = visitor.post(vote_link, data={"email": "ann@example.org"}, headers={"Accept-Language": "pl"})
    assert '<html lang="ar" dir="rtl">' in sent.get_data(as_text=True)
    [message] = messages("vote_confirmation")
    assert message.locale == "ar"  # the email is in the page's language, not the browser's
    confirm_path = link_url(message, "/confirm/")
    assert confirm_path.endswith("?lang=ar") and token_from(message) in confirm_path
    confirm_page = app.test_client().get(confirm_path).get_data(as_text=True)
    assert '<html lang="ar" dir="rtl">' in confirm_page
    assert all(h.endswith("lang=ar") for h in hrefs(confirm_page, f"/awards/{contest.slug}"))


def test_every_link_between_public_contest_pages_keeps_the_language(world: World, app: Any) -> None:
    contest = make_contest(world)
    add_project(contest, world, "Alpha")
    contest.phase = Phase.PUBLISHED
    db.session.commit()
    client = app.test_client()
    for path in (
        f"/awards/{contest.slug}",
        f"/awards/{contest.slug}/results",
        f"/awards/{contest.slug}/receipts",
    ):
        page = client.get(f"{path}?lang=he").get_data(as_text=True)
        assert '<html lang="he" dir="rtl">' in page, path
        links = [h for h in hrefs(page, f"/awards/{contest.slug}") if not h.startswith("?")]
        assert links, path
        assert [h for h in links if "lang=he" not in h and "/image" not in h] == [], path


def test_the_certificate_check_follows_lang(app: Any) -> None:
    page = app.test_client().get("/certificates/verify?lang=ar", headers={"Accept-Language": "en"})
    assert '<html lang="ar" dir="rtl">' in page.get_data(as_text=True)


def test_a_guests_invitation_link_opens_in_the_language_of_the_email(
    world: World, client_as: Any, app: Any
) -> None:
    event = make_event(world)
    facilitator = client_as("facilitator")
    facilitator.post(
        "/profile", data={"name": "Fatima", "organization_id": "0", "locale": "es", "timezone": "UTC"}
    )
    facilitator.post(f"/events/{event.id}/guests", data={"guests": "Gail Guest <gail@example.org>"})
    [message] = messages("event_invitation", "gail@example.org")
    assert message.locale == "es"
    path = link_url(message, "/rsvp/")
    assert path.endswith("?lang=es")
    page = app.test_client().get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="es" dir="ltr">' in page


def test_a_members_unsubscribe_link_opens_in_their_language(world: World, client_as: Any, app: Any) -> None:
    event = make_event(world)
    fellow = db.session.get(type(world.users["fellow"]), world.users["fellow"].id)
    fellow.locale = "pl"
    db.session.commit()
    client_as("facilitator").post(f"/events/{event.id}/cancel")
    [message] = messages("event_cancelled", fellow.email)
    unsubscribe = message.headers["List-Unsubscribe"].strip("<>")
    assert unsubscribe.endswith("?lang=pl")
    path = unsubscribe.split("fellowship.test", 1)[1]
    page = app.test_client().get(path, headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert '<html lang="pl" dir="ltr">' in page


def test_the_language_switcher_outranks_a_lang_in_the_address(world: World, app: Any) -> None:
    contest = make_contest(world)
    add_project(contest, world, "Alpha")
    contest.phase = Phase.VOTING
    db.session.commit()
    visitor = app.test_client()
    vote = f"/awards/{contest.slug}/projects/{project_id(contest, 'Alpha')}/vote?lang=ar"
    visitor.get(vote)
    switched = visitor.post("/language", data={"locale": "pl", "next": vote})
    assert switched.headers["Location"] == vote.removesuffix("?lang=ar")
    page = visitor.get(switched.headers["Location"]).get_data(as_text=True)
    assert '<html lang="pl" dir="ltr">' in page
    project = vote.removesuffix("/vote?lang=ar")
    assert f'href="{project}?lang=pl"' in page  # and it is the one links carry now
