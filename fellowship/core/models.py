"""Column types and mixins shared by the domain models."""

from __future__ import annotations

import datetime as dt
import enum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from fellowship.core import clock, limits


class UTCDateTime(sa.TypeDecorator[dt.datetime]):
    """Stores aware datetimes as UTC and always returns them aware (SQLite forgets the zone). A moment saved
    beyond the accepted range (``core.limits``) is read back at its edge, so pages never overflow on it."""

    impl = sa.DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given where an aware one is required")
        return value.astimezone(dt.UTC)

    def process_result_value(self, value: dt.datetime | None, dialect: sa.Dialect) -> dt.datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return limits.clamp_stored(value.replace(tzinfo=dt.UTC))
        return limits.clamp_stored(value.astimezone(dt.UTC))


class Day(sa.TypeDecorator[dt.date]):
    """A calendar day; one saved beyond the accepted range (``core.limits``) is read back at its edge, so
    pages never overflow on it. Every ``Mapped[dt.date]`` column has this type (``extensions.Base``)."""

    impl = sa.Date
    cache_ok = True

    def process_result_value(self, value: dt.date | None, dialect: sa.Dialect) -> dt.date | None:
        return limits.clamp_stored(value)


def enum_type(enum_cls: type[enum.StrEnum]) -> sa.Enum:
    """A portable enum column storing the member's value as a short string."""
    return sa.Enum(
        enum_cls,
        native_enum=False,
        create_constraint=False,
        length=32,
        values_callable=lambda members: [m.value for m in members],
        validate_strings=True,
    )


class TimestampMixin:
    created_at: Mapped[dt.datetime] = mapped_column(UTCDateTime(), default=clock.now)
