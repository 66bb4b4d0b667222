"""The development mailbox: the outbox read as an inbox, for a demo that has no SMTP server.

Without it a newcomer running ``make run`` cannot follow an emailed link, such as the one that confirms a
public vote (administrators never see voting links on the Outbox pages). The mailbox shows every queued
message in full, links included, without signing in, so it answers only when ``FELLOWSHIP_DEV_MAILBOX`` is
on (``make run`` sets it; production refuses to start with it) and the request comes straight from this
machine: a loopback TCP peer, not forwarded by a proxy. ``X-Forwarded-For`` never counts: behind
Werkzeug's ProxyFix the peer is the original ``REMOTE_ADDR`` it keeps aside.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Mapping
from typing import Any

from flask import current_app, has_request_context, request
from markupsafe import Markup, escape

FORWARDING_HEADERS = ("HTTP_X_FORWARDED_FOR", "HTTP_FORWARDED")
_LINK = re.compile(r"https?://[^\s<>\"']+", re.IGNORECASE)
_TRAILING = ".,;:!?)]}"


def peer_address(environ: Mapping[str, Any]) -> str:
    """The address of the TCP peer, as the WSGI server saw it before any proxy header was applied."""
    original = environ.get("werkzeug.proxy_fix.orig")
    if isinstance(original, Mapping):
        return str(original.get("REMOTE_ADDR") or "")
    return str(environ.get("REMOTE_ADDR") or "")


def is_loopback(address: str) -> bool:
    """True for 127.0.0.0/8 and ::1 (also written as an IPv4-mapped IPv6 address); False for anything
    else, including no address at all (a Unix socket)."""
    try:
        ip = ipaddress.ip_address(address.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return ip.is_loopback


def open_here() -> bool:
    """Whether the mailbox answers this request: switched on, from a loopback peer, not forwarded."""
    if not has_request_context() or not current_app.config.get("FELLOWSHIP_DEV_MAILBOX"):
        return False
    environ = request.environ
    if any(environ.get(header) for header in FORWARDING_HEADERS):
        return False
    return is_loopback(peer_address(environ))


def linkify(text: str) -> Markup:
    """``text`` escaped, with every http(s) address in it made a link (trailing punctuation left out)."""
    parts: list[str] = []
    position = 0
    for match in _LINK.finditer(text):
        url = match.group(0).rstrip(_TRAILING)
        parts.append(escape(text[position : match.start()]))
        parts.append(Markup('<a href="{0}">{0}</a>').format(url))
        position = match.start() + len(url)
    parts.append(escape(text[position:]))
    return Markup("").join(parts)
