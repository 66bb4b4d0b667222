"""Autosave in a real browser: typing is saved without a click, and text typed while offline survives a
closed tab and comes back on the next visit."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import sqlalchemy as sa
from playwright.sync_api import expect

from fellowship.curriculum.models import Worksheet, WorksheetRevision
from fellowship.extensions import db
from tests import factories as f
from tests.conftest import World
from tests.curriculum.conftest import assign_sample_module
from tests.e2e.browsing import sign_in_on


def answers(world: World) -> dict[str, Any]:
    db.session.rollback()  # a fresh snapshot: the server wrote from its own thread
    sheet = db.session.scalar(sa.select(Worksheet).where(Worksheet.user_id == world.users["fellow"].id))
    return sheet.answers if sheet else {}


def test_autosave_and_offline_recovery(page: Any, server: str, world: World, tmp_path: Path) -> None:
    url = server + assign_sample_module(world, tmp_path)

    sign_in_on(page, server, world.users["fellow"].email, password=f.PASSWORD)
    page.goto(url)
    page.fill("textarea[name=who_we_are]", "Six bakers on Elm Street.")
    expect(page.locator(".autosave-status")).to_contain_text("Draft saved automatically")
    assert answers(world)["who_we_are"] == "Six bakers on Elm Street."
    assert db.session.scalar(sa.select(sa.func.count(WorksheetRevision.id))) == 0  # no revision for autosave

    page.context.set_offline(True)
    page.fill("textarea[name=who_we_are]", "Six bakers on Elm Street, owned by all who work there.")
    expect(page.locator(".autosave-status")).to_contain_text("no connection")
    page.close()  # the tab is gone while offline: the text was never sent
    assert answers(world)["who_we_are"] == "Six bakers on Elm Street."

    context = page.context
    context.set_offline(False)
    again = context.new_page()
    again.goto(url)
    assert again.input_value("textarea[name=who_we_are]") == (
        "Six bakers on Elm Street, owned by all who work there."
    )
    expect(again.locator(".autosave-status")).to_contain_text("Draft saved automatically")
    assert answers(world)["who_we_are"] == "Six bakers on Elm Street, owned by all who work there."
    again.click("button[value=save]")  # an explicit save after autosaves is not taken for a stale one
    again.wait_for_selector(".flash-success")
    db.session.rollback()
    assert db.session.scalar(sa.select(sa.func.count(WorksheetRevision.id))) == 1
