"""Guests' personal evaluation links: the invitation id, signed with the app's secret (nothing stored)."""

from __future__ import annotations

from flask import current_app
from itsdangerous import BadSignature, URLSafeSerializer

from fellowship.events.models import EventInvitation

SALT = "fellowship-evaluation"


def guest_token(invitation: EventInvitation) -> str:
    return URLSafeSerializer(current_app.secret_key, salt=SALT).dumps(invitation.id)


def invitation_id(token: str) -> int | None:
    try:
        value = URLSafeSerializer(current_app.secret_key, salt=SALT).loads(token)
    except BadSignature:
        return None
    return value if isinstance(value, int) else None
