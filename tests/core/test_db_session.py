"""How long the ORM trusts what it loaded: for the rest of a request, but not across a command's commits."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from fellowship.accounts.models import User
from fellowship.extensions import db
from tests import factories as f


def test_outside_a_request_rows_are_read_afresh_after_each_commit(app: Any) -> None:
    """Commands that loop and commit (deliver-mail, dispatch) must see what other processes changed."""
    user = f.UserFactory(name="Before")
    db.session.flush()
    user_id = user.id
    db.session.commit()
    users = User.__table__
    with db.engine.begin() as elsewhere:  # another connection, as another process would
        elsewhere.execute(sa.update(users).where(users.c.id == user_id).values(name="After"))
    assert user.name == "After"


def test_a_request_keeps_what_it_read_after_its_commit(client_as: Any, app: Any) -> None:
    """The page rendered after a request's commit uses the objects already loaded (see the attendance
    save's statement count); the flag is set on each request's own session, not on the commands' one."""
    seen: list[bool] = []

    def note() -> None:
        seen.append(db.session().expire_on_commit)

    app.after_request_funcs.setdefault(None, []).append(lambda response: (note(), response)[1])
    try:
        client_as("fellow").get("/")
    finally:
        app.after_request_funcs[None].pop()
    assert seen == [False]
    assert db.session().expire_on_commit is True
