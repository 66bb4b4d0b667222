"""Two tabs saving the same worksheet at the same moment (PostgreSQL): one wins, the other is told."""

from __future__ import annotations

from typing import Any

import pytest

from tests.concurrency import run_at_once
from tests.conftest import World
from tests.curriculum.test_worksheets import FILLED, sheet


@pytest.mark.postgres
@pytest.mark.parametrize("path", ["", "/autosave"])
def test_simultaneous_saves_from_the_same_base_keep_one_and_refuse_the_other(
    app: Any, world: World, client_as: Any, module: str, path: str
) -> None:
    tab_one, tab_two = client_as("fellow"), client_as("fellow")
    assert tab_one.post(module, data=FILLED).status_code == 302  # the worksheet exists: revision 1
    base = {**FILLED, "base_revision": "1", "base_draft": "0"}

    def save(client: Any, text: str) -> int:
        return client.post(module + path, data={**base, "name": text}).status_code

    codes = run_at_once(app, [lambda: save(tab_one, "From tab one"), lambda: save(tab_two, "From tab two")])
    ok = 200 if path else 302
    assert sorted(codes) == [ok, 409]
    winner = "From tab one" if codes[0] == ok else "From tab two"
    worksheet = sheet(world)
    assert worksheet.answers["name"] == winner
    assert (worksheet.revision_number, worksheet.draft_version) == ((1, 1) if path else (2, 0))


@pytest.mark.postgres
def test_two_editors_publishing_the_same_draft_at_once_make_one_version(
    app: Any, world: World, client_as: Any, module: str
) -> None:
    import sqlalchemy as sa

    from fellowship.curriculum.models import Module, ModuleDraft
    from fellowship.extensions import db
    from tests.curriculum.test_editor import make_editor, texts_form

    make_editor(world)
    first, second = client_as("facilitator"), client_as("admin")
    form = texts_form(first)
    form["t:title"] = "Mission statement, corrected"
    assert first.post("/curriculum/mission-statement/edit", data=form).status_code == 302

    def publish(client: Any, note: str) -> int:
        data = {"change_note": note, "edits": "1"}
        return client.post("/curriculum/mission-statement/publish", data=data).status_code

    codes = run_at_once(app, [lambda: publish(first, "first"), lambda: publish(second, "second")])
    assert codes == [302, 302]  # the one that lost goes back to the publish page, told why
    db.session.expire_all()
    versions = db.session.execute(
        sa.select(Module.version, Module.current)
        .where(Module.slug == "mission-statement")
        .order_by(Module.version)
    ).all()
    assert versions == [(1, False), (2, True)]
    assert db.session.scalar(sa.select(sa.func.count(ModuleDraft.id))) == 0
    told = [
        client.get("/curriculum/mission-statement/edit").get_data(as_text=True) for client in (first, second)
    ]
    assert sum("Someone else published or discarded this draft meanwhile." in page for page in told) == 1
