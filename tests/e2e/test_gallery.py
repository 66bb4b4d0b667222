"""The public gallery in a browser: right to left in Hebrew, a shuffled order that stays put for a visitor."""

from __future__ import annotations

from typing import Any

from fellowship.awards.enums import Phase
from fellowship.extensions import db
from tests.awards.conftest import add_project, make_contest
from tests.conftest import World


def test_gallery_order_is_per_visitor_and_stable(browser: Any, server: str, world: World) -> None:
    contest = make_contest(world, Phase.VOTING)
    titles = [f"Project {n:02d}" for n in range(12)]
    for title in titles:
        add_project(contest, world, title)
    db.session.commit()
    url = f"{server}/awards/{contest.slug}?lang=he"

    def order(page: Any) -> list[str]:
        return page.locator(".project-card h2").all_inner_texts()

    first_visitor = browser.new_context()
    page = first_visitor.new_page()
    page.goto(url)
    assert page.evaluate("document.documentElement.dir") == "rtl"
    seen = order(page)
    assert sorted(seen) == titles
    page.reload()
    assert order(page) == seen  # the same visitor keeps the same order
    others = []
    for _ in range(3):
        context = browser.new_context()
        other = context.new_page()
        other.goto(url)
        others.append(order(other))
        context.close()
    assert any(o != seen for o in others)  # other visitors get other orders (1 in 12! chance of a fluke ×3)
    first_visitor.close()
