"""Structured logs: the security log (sign-ins, password changes, invitations, refused access) and one
request log line per request.

Each record carries an ``event`` name and a few plain fields (user id, address, route). Passwords, tokens,
session ids and cookies are never passed in: a request is named by its route pattern
(``/awards/<slug>/confirm/<token>``), never by its address, because several addresses carry a secret.
``JsonFormatter`` writes one JSON object per line for log collectors.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
import re
import time
import uuid
from typing import Any

from flask import g, has_request_context, request
from werkzeug.wrappers import Response

logger = logging.getLogger("fellowship.security")
request_logger = logging.getLogger("fellowship.requests")
REQUEST_ID = re.compile(r"[A-Za-z0-9._-]{8,64}")

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def security_event(event: str, **fields: Any) -> None:
    if has_request_context():
        fields.setdefault("ip", request.remote_addr)
        fields.setdefault("route", route())
        fields.setdefault("method", request.method)
        fields.setdefault("url_args", route_args())
    logger.info(event, extra={"event": event, **fields})


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        payload = {
            "time": dt.datetime.fromtimestamp(record.created, dt.UTC).isoformat(),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
        }
        payload.update({k: v for k, v in record.__dict__.items() if k not in _STANDARD})
        if record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return json.dumps(payload, default=str, ensure_ascii=False)


def route() -> str:
    """The matched route's pattern; the address itself may hold a token."""
    return request.url_rule.rule if request.url_rule is not None else "(no route)"


def route_args() -> dict[str, Any]:
    """The address's parameters (which cohort, which user) without the ones that are secrets."""
    return {k: v for k, v in (request.view_args or {}).items() if "token" not in k}


def start_request() -> None:
    """Time the request and give it an id: the proxy's X-Request-ID when it looks like one, else a new one."""
    g.request_started = time.perf_counter()
    incoming = request.headers.get("X-Request-ID", "")
    g.request_id = incoming if REQUEST_ID.fullmatch(incoming) else uuid.uuid4().hex


def log_request(response: Response) -> Response:
    """One line per request: method, route, status, duration, size, user id, address and request id."""
    started = g.get("request_started")
    request_id = g.get("request_id") or uuid.uuid4().hex
    response.headers["X-Request-ID"] = request_id
    user = g.get("_login_user")  # only if the request loaded its user: logging never loads one
    fields = {
        "event": "request",
        "method": request.method,
        "route": route(),
        "endpoint": request.endpoint,
        "status": response.status_code,
        "duration_ms": round((time.perf_counter() - started) * 1000, 1) if started else None,
        "bytes": response.content_length,
        "user_id": user.id if getattr(user, "is_authenticated", False) else None,
        "ip": request.remote_addr,
        "request_id": request_id,
    }
    request_logger.info("%s %s %s", request.method, fields["route"], response.status_code, extra=fields)
    return response
