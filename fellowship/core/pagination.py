"""Bounded page reads: every list page shows at most ``per_page`` rows."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa

from fellowship.extensions import db


@dataclass
class Page:
    items: list[Any]
    page: int
    per_page: int
    total: int

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.per_page))

    @property
    def has_prev(self) -> bool:
        return self.page > 1

    @property
    def has_next(self) -> bool:
        return self.page < self.pages


def paginate(stmt: sa.Select[Any], page: int, per_page: int = 50, rows: bool = False) -> Page:
    """One page of ``stmt``: ORM objects, or whole result rows when ``rows`` is true. A page number past the
    end (``?page=99999999999999999999`` would overflow the database's offset) shows the last page."""
    total = db.session.scalar(sa.select(sa.func.count()).select_from(stmt.order_by(None).subquery())) or 0
    page = max(1, min(page, -(-total // per_page)))
    limited = stmt.limit(per_page).offset((page - 1) * per_page)
    items = list(db.session.execute(limited).all()) if rows else list(db.session.scalars(limited))
    return Page(items=items, page=page, per_page=per_page, total=total)
