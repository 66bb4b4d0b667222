"""Extension objects, created here and bound to an application by ``Fellowship.init_app``."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from flask_babel import Babel
from flask_limiter import Limiter
from flask_limiter.util import get_remote_address
from flask_login import LoginManager
from flask_migrate import Migrate
from flask_sqlalchemy import SQLAlchemy
from flask_wtf import CSRFProtect
from sqlalchemy.orm import DeclarativeBase, registry

from fellowship.core.models import Day

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    # Every ``Mapped[dt.date]`` column is a ``Day``: read back inside the accepted range (core/limits.py).
    registry = registry(
        metadata=sa.MetaData(naming_convention=NAMING_CONVENTION), type_annotation_map={dt.date: Day()}
    )


db = SQLAlchemy(model_class=Base)
migrate = Migrate()
login_manager = LoginManager()
babel = Babel()
csrf = CSRFProtect()
# Storage comes from RATELIMIT_STORAGE_URI (memory in development, Redis in production; see config.py).
limiter = Limiter(key_func=get_remote_address)
