"""Structured security log: sign-ins, password changes, invitations, refused access.

Each record carries an ``event`` name and a few plain fields (user id, address, path). Passwords, tokens,
session ids and cookies are never passed in; ``JsonFormatter`` writes one JSON object per line for log
collectors.
"""

from __future__ import annotations

import datetime as dt
import json
import logging
from typing import Any

from flask import has_request_context, request

logger = logging.getLogger("fellowship.security")

_STANDARD = set(logging.LogRecord("", 0, "", 0, "", None, None).__dict__) | {"message", "asctime"}


def security_event(event: str, **fields: Any) -> None:
    if has_request_context():
        fields.setdefault("ip", request.remote_addr)
        fields.setdefault("path", request.path)
        fields.setdefault("method", request.method)
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
