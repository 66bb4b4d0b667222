"""Nothing already saved can break a page: with every date and time column of the schema set to the first
or the last days Python can hold (values saved before the accepted range existed, or written by hand),
every page of the route inventory opens, for every role allowed to open it, without a 5xx.

The columns come from the schema, not from a list: whatever date or time column a model gains is covered.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

import pytest
import sqlalchemy as sa
from flask import url_for

from fellowship.extensions import db
from tests.conftest import World
from tests.test_route_inventory import ROUTES, url_params


def _is_day(column: sa.Column[Any]) -> bool:
    kind = column.type.impl if isinstance(column.type, sa.TypeDecorator) else column.type
    return isinstance(kind, sa.Date) and not isinstance(kind, sa.DateTime)


def _is_moment(column: sa.Column[Any]) -> bool:
    kind = column.type.impl if isinstance(column.type, sa.TypeDecorator) else column.type
    return isinstance(kind, sa.DateTime)


def _unique(table: sa.Table, column: sa.Column[Any]) -> bool:
    constraints = [c for c in table.constraints if isinstance(c, sa.UniqueConstraint)]
    indexes = [i for i in table.indexes if i.unique]
    return any(column.name in {c.name for c in group.columns} for group in [*constraints, *indexes])


def set_every_day_to(edge: str) -> int:
    """Move every stored day and moment to the very first (``"first"``) or last day of the calendar. The
    days of a row keep their order (a start still before its end; the last of them on the edge itself),
    and so do its moments; rows are kept apart only where a day is part of a unique key. Returns how many
    values were moved."""
    moved = 0
    for table in db.metadata.sorted_tables:
        groups = [[c for c in table.columns if _is_day(c)], [c for c in table.columns if _is_moment(c)]]
        rows = db.session.execute(sa.select(*table.primary_key.columns)).all() if any(groups) else []
        for r, key in enumerate(rows):
            values = {}
            for group in groups:
                for k, column in enumerate(group):
                    spread = _unique(table, column)
                    offset = k + (r * len(group) if spread else 0)
                    last = (len(rows) if spread else 1) * len(group) - 1
                    step = offset if edge == "first" else offset - last
                    if _is_day(column):
                        day = dt.date.min if edge == "first" else dt.date.max
                        values[column.name] = day + dt.timedelta(days=step)
                    else:
                        moment = (dt.datetime.min if edge == "first" else dt.datetime.max).replace(
                            tzinfo=dt.UTC
                        )
                        values[column.name] = moment + dt.timedelta(minutes=step)
            condition = sa.and_(*[c == v for c, v in zip(table.primary_key.columns, key, strict=True)])
            db.session.execute(table.update().where(condition).values(**values))
            moved += len(values)
    db.session.commit()
    return moved


PAGES = [(endpoint, route) for endpoint, route in sorted(ROUTES.items()) if "GET" in route.methods]


@pytest.mark.parametrize("edge", ["first", "last"])
def test_no_page_breaks_on_days_saved_at_the_ends_of_the_calendar(
    app: Any, world: World, client_as: Any, edge: str
) -> None:
    params = url_params(app, world)
    assert set_every_day_to(edge) > 20
    clients = {role: client_as(role) for role in {r for _e, route in PAGES for r in route.allowed}}
    broken = []
    for endpoint, route in PAGES:
        with app.test_request_context():
            values = {}
            for spec in route.params:
                argument, _sep, source = spec.partition("=")
                values[argument] = params[source or argument]
            url = url_for(endpoint, **values)
        for role in sorted(route.allowed):
            try:
                status = clients[role].get(url).status_code
            except Exception as error:  # the test application raises instead of answering 500
                broken.append((endpoint, role, repr(error)))
                continue
            if status >= 500:
                broken.append((endpoint, role, str(status)))
    assert broken == []
