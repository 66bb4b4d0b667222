"""The test client: every request runs in its own application context and database session, as a request
to a real server would, and POSTs carry a valid CSRF token unless told otherwise."""

from __future__ import annotations

import secrets
from typing import Any

from flask.testing import FlaskClient
from itsdangerous import URLSafeTimedSerializer

from fellowship.accounts.services import start_session
from fellowship.core import clock
from fellowship.extensions import db


class Client(FlaskClient):
    def open(self, *args: Any, **kwargs: Any) -> Any:  # type: ignore[override]
        db.session.commit()  # the test's own writes are visible to the request, and its locks released
        with self.application.app_context():
            response = super().open(*args, **kwargs)
            response.get_data()  # read the whole body (files included) and release the file handle
            response.close()
        db.session.expire_all()  # the test then reads what the request wrote
        return response

    def post(self, *args: Any, csrf: bool = True, **kwargs: Any) -> Any:  # type: ignore[override]
        if csrf:
            data = kwargs.get("data", {})
            if isinstance(data, dict) and "csrf_token" not in data:
                kwargs["data"] = {**data, "csrf_token": self.csrf_token()}
        return super().post(*args, **kwargs)

    def csrf_token(self) -> str:
        """A token exactly as Flask-WTF makes one for this client's session."""
        with self.session_transaction() as session:
            raw = session.get("csrf_token")
            if raw is None:
                raw = session["csrf_token"] = secrets.token_hex(20)
        return URLSafeTimedSerializer(self.application.secret_key, salt="wtf-csrf-token").dumps(raw)

    def login_as(self, user: Any) -> None:
        """Start a signed-in session for ``user`` as the sign-in page does (a session row and cookie)."""
        token = start_session(user)
        db.session.commit()
        with self.session_transaction() as session:
            session["_user_id"] = user.get_id()
            session["_fresh"] = True
            session["sid"] = token
            session["seen"] = int(clock.now().timestamp())
