"""Who may use the network's signed-in pages: the members of any cohort of any program (past members
included: alumni are who the network is for), and administrators. The one place this rule lives."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, ParamSpec, TypeVar

from flask import current_app
from flask_login import current_user

from fellowship.core.permissions import is_admin, require

P = ParamSpec("P")
R = TypeVar("R")


def may_use(user: Any) -> bool:
    """Reads ``User.in_a_cohort``, which comes with the signed-in user (no query of its own)."""
    if not getattr(user, "is_authenticated", False):
        return False
    return is_admin(user) or bool(getattr(user, "in_a_cohort", False))


def network_member_required(view: Callable[P, R]) -> Callable[P, R]:
    """Signed-out visitors go to sign-in; signed-in people who may not use the network get 403."""

    @functools.wraps(view)
    def wrapper(*args: P.args, **kwargs: P.kwargs) -> R:
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()  # type: ignore[attr-defined,no-any-return]
        require(may_use(current_user))
        return view(*args, **kwargs)

    return wrapper
