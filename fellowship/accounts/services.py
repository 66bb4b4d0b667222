"""Account rules: creating people and organisations, passwords, deactivation."""

from __future__ import annotations

from flask_babel import lazy_gettext as _l
from werkzeug.security import generate_password_hash

from fellowship.accounts.enums import OrganizationKind
from fellowship.accounts.models import Organization, User
from fellowship.accounts.queries import normalise_email, organization_by_name, user_by_email
from fellowship.core import audit
from fellowship.extensions import db

MIN_PASSWORD_LENGTH = 8
MAX_PASSWORD_LENGTH = 128


class AccountError(ValueError):
    """A rule of the accounts domain was broken; the message is shown to the user."""


def hash_password(password: str) -> str:
    if not MIN_PASSWORD_LENGTH <= len(password) <= MAX_PASSWORD_LENGTH:
        raise AccountError(
            _l(
                "A password must have between %(min)d and %(max)d characters.",
                min=MIN_PASSWORD_LENGTH,
                max=MAX_PASSWORD_LENGTH,
            )
        )
    return generate_password_hash(password)


def create_user(
    email: str,
    name: str,
    *,
    password: str | None = None,
    organization: Organization | None = None,
    is_admin: bool = False,
    locale: str | None = None,
    timezone: str = "UTC",
) -> User:
    email = normalise_email(email)
    if db.session.scalar(user_by_email(email)) is not None:
        raise AccountError(_l("An account with this email address already exists."))
    user = User(
        email=email,
        name=name.strip(),
        organization=organization,
        is_admin=is_admin,
        locale=locale,
        timezone=timezone,
        password_hash=hash_password(password) if password else None,
    )
    db.session.add(user)
    db.session.flush()
    return user


def authenticate(email: str, password: str) -> User | None:
    """The active user with this email and password, or None (same answer for every failure)."""
    user = db.session.scalar(user_by_email(email))
    if user is None:
        generate_password_hash(password)  # spend the same time as a real check
        return None
    if not user.check_password(password) or not user.active:
        return None
    return user


def set_password(user: User, password: str, actor_id: int | None) -> None:
    user.password_hash = hash_password(password)
    user.session_version += 1
    audit.record(actor_id, user, "password_set")


def set_active(user: User, active: bool, actor_id: int | None) -> None:
    """Deactivation keeps the user and all their history; it only stops them signing in."""
    if user.active == active:
        return
    audit.record(actor_id, user, "activated" if active else "deactivated", {"active": [user.active, active]})
    user.active = active
    if not active:
        user.session_version += 1


def update_user(user: User, values: dict[str, object], actor_id: int | None) -> None:
    if "email" in values:
        values["email"] = normalise_email(str(values["email"]))
        other = db.session.scalar(user_by_email(str(values["email"])))
        if other is not None and other.id != user.id:
            raise AccountError(_l("An account with this email address already exists."))
    changes = audit.diff(user, values)
    if not changes:
        return
    for name, value in values.items():
        setattr(user, name, value)
    audit.record(actor_id, user, "updated", changes)


def create_organization(
    name: str, kind: OrganizationKind = OrganizationKind.OTHER, city: str = "", website: str = ""
) -> Organization:
    if db.session.scalar(organization_by_name(name)) is not None:
        raise AccountError(_l("An organisation with this name already exists."))
    org = Organization(name=name.strip(), kind=kind, city=city.strip(), website=website.strip())
    db.session.add(org)
    db.session.flush()
    return org


def find_or_create_organization(name: str) -> Organization:
    return db.session.scalar(organization_by_name(name)) or create_organization(name)


def update_organization(org: Organization, values: dict[str, object]) -> None:
    if "name" in values:
        other = db.session.scalar(organization_by_name(str(values["name"])))
        if other is not None and other.id != org.id:
            raise AccountError(_l("An organisation with this name already exists."))
    for name, value in values.items():
        setattr(org, name, value)
