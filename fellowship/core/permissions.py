"""Small helpers for access checks; each domain's queries decide *what* a user may see."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import NoReturn, ParamSpec, TypeVar

from flask import abort, current_app
from flask_login import current_user

P = ParamSpec("P")
R = TypeVar("R")


def deny(hide: bool = False) -> NoReturn:
    """Refuse the request: 404 where the existence of the thing is itself private, else 403."""
    from fellowship.core.logs import security_event

    status = 404 if hide else 403
    security_event("access_denied", user_id=getattr(current_user, "id", None), status=status)
    abort(status)


def require(condition: bool, hide: bool = False) -> None:
    if not condition:
        deny(hide)


def is_admin(user: object) -> bool:
    return bool(getattr(user, "is_authenticated", False) and getattr(user, "is_admin", False))


def admin_required(view: Callable[P, R]) -> Callable[P, R]:
    """Signed-in site administrators only: anonymous visitors go to sign-in, others get 403."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
        require(is_admin(current_user))
        return view(*args, **kwargs)

    return wrapper
