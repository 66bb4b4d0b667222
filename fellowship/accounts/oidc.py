"""Who a sign-in through an identity provider is, by the rules of account binding.

The provider has already proved what it asserts (Authlib checked the ID token's signature against the
provider's published keys, its issuer, audience, expiry and nonce); these rules decide which account, if
any, that assertion opens:

1. **A bound identity** (the provider's issuer and subject, ``ProviderIdentity``) opens its account, whatever
   email the provider reports now: a later change of address at the provider does not move the binding.
2. **Otherwise the first sign-in binds by email**: the provider must say the address is verified and it must
   be of one of the provider's domains; it then binds the account with that address, unless the account is
   an administrator's, or already bound to another subject of the same issuer (the address has passed to
   someone else there): those are bound only with an administrator's leave (``ProviderLinkGrant``), never
   on the provider's word alone. Deactivated accounts are never bound.
3. **No account with that address**: a provider allowed to create accounts creates one (no password; the
   person can set one through "Forgot your password?"); others refuse.

Whatever the route, the account's own address must be of one of the provider's domains, so a provider can
never sign someone in to an account of a domain it is not trusted for, and deactivated or erased accounts
never sign in. Each refusal has a reason, logged to the security log and told to the person.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l

from fellowship.accounts import queries, services
from fellowship.accounts.models import ProviderIdentity, ProviderLinkGrant, User
from fellowship.core import limits, personal_data
from fellowship.core.identity_providers import Provider
from fellowship.extensions import db

GRANT_DAYS = 7

MESSAGES = {
    "unverified": _l("%(provider)s has not verified your email address, so it cannot sign you in here."),
    "domain": _l("%(provider)s may sign in only addresses of its own organisation's domains."),
    "manual_link": _l(
        "This account can be connected to %(provider)s only by an administrator. Sign in with your password, "
        "or ask an administrator to allow the connection."
    ),
    "no_account": _l(
        "There is no account for your address yet. Ask your program's staff for an invitation, then sign "
        "in with %(provider)s."
    ),
    "inactive": _l("This account is deactivated."),
    "rejected": _l(
        "%(provider)s's answer could not be trusted, so you were not signed in. Please try again."
    ),
    "cancelled": _l("The sign-in with %(provider)s was cancelled or has expired. Please try again."),
    "unreachable": _l(
        "%(provider)s cannot be reached right now. Sign in with your password, or try again later."
    ),
}


class Refused(Exception):
    """The assertion opens no account here; ``reason`` is a key of ``MESSAGES``."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def message(reason: str, provider: Provider) -> str:
    """The refusal in the page's language; the provider's name is isolated (Unicode FSI … PDI), so a Latin
    name keeps its place in a right-to-left sentence."""
    return str(MESSAGES[reason]) % {"provider": f"\u2068{provider.name}\u2069"}


def _verified(claims: Mapping[str, Any]) -> bool:
    value = claims.get("email_verified")
    return value is True or (isinstance(value, str) and value.lower() == "true")


def _grant(user: User, provider: Provider, now: dt.datetime) -> ProviderLinkGrant | None:
    return db.session.scalar(
        sa.select(ProviderLinkGrant)
        .where(
            ProviderLinkGrant.user_id == user.id,
            ProviderLinkGrant.provider == provider.key,
            ProviderLinkGrant.used_at.is_(None),
            ProviderLinkGrant.expires_at > now,
        )
        .order_by(ProviderLinkGrant.id.desc())
        .limit(1)
    )


def resolve(provider: Provider, claims: Mapping[str, Any], now: dt.datetime, locale: str | None) -> User:
    """The account the provider's verified ``claims`` open (binding it on first use); raises ``Refused``."""
    subject = str(claims.get("sub") or "")
    if not subject:
        raise Refused("rejected")
    identity = db.session.scalar(
        sa.select(ProviderIdentity).where(
            ProviderIdentity.issuer == provider.issuer, ProviderIdentity.subject == subject
        )
    )
    if identity is not None:
        user = db.session.get(User, identity.user_id)
        assert user is not None  # the key cascades
        _check_account(user, provider)
        identity.last_used_at = now
        return user
    email = str(claims.get("email") or "").strip()
    if not email or not _verified(claims):
        raise Refused("unverified")
    if not provider.allows(email):
        raise Refused("domain")
    user = db.session.scalar(queries.user_by_email(email))
    if user is None:
        if not provider.create_accounts:
            raise Refused("no_account")
        user = services.create_user(email, _name(claims, email), locale=locale)
    else:
        _check_account(user, provider)
        if user.is_admin or _bound_at(user, provider):
            grant = _grant(user, provider, now)
            if grant is None:
                raise Refused("manual_link")
            grant.used_at = now
    bind(user, provider, subject, email, now)
    return user


def _name(claims: Mapping[str, Any], email: str) -> str:
    """The name the provider gives, if it can be stored as a name here; else the address's local part."""
    name = " ".join(str(claims.get("name") or "").split())
    if not name or limits.text_problem(name, max_length=limits.column_length(User.name)) is not None:
        return email.partition("@")[0]
    return name


def _bound_at(user: User, provider: Provider) -> bool:
    """Whether the account is already bound to another person at this issuer: an address the provider
    hands to someone else later (after the first person's changed) must not open it."""
    return bool(
        db.session.scalar(
            sa.select(
                sa.exists().where(
                    ProviderIdentity.user_id == user.id, ProviderIdentity.issuer == provider.issuer
                )
            )
        )
    )


def _check_account(user: User, provider: Provider) -> None:
    if not user.active or user.erased_at is not None:
        raise Refused("inactive")
    if not provider.allows(user.email):
        raise Refused("domain")


def bind(user: User, provider: Provider, subject: str, email: str, now: dt.datetime) -> ProviderIdentity:
    identity = ProviderIdentity(
        user_id=user.id,
        provider=provider.key,
        issuer=provider.issuer,
        subject=subject,
        email=queries.normalise_email(email),
        linked_at=now,
        last_used_at=now,
    )
    db.session.add(identity)
    db.session.flush()
    return identity


def identities(user_id: int) -> sa.Select[tuple[ProviderIdentity]]:
    return (
        sa.select(ProviderIdentity).where(ProviderIdentity.user_id == user_id).order_by(ProviderIdentity.id)
    )


def may_unlink(user: User, linked: list[ProviderIdentity]) -> bool:
    """Whether the person keeps a way in without one of their identities: a password, or another one."""
    return bool(user.password_hash) or len(linked) > 1


def unlink(user: User, identity_id: int) -> ProviderIdentity:
    """Remove one of the person's identities; ``services.AccountError`` when it is their only way in."""
    linked = list(db.session.scalars(identities(user.id)))
    identity = next((i for i in linked if i.id == identity_id), None)
    if identity is None:
        raise LookupError(identity_id)
    if not may_unlink(user, linked):
        raise services.AccountError(
            _l("Set a password first: this sign-in provider is your only way into your account.")
        )
    db.session.delete(identity)
    db.session.flush()
    return identity


def grant_link(user: User, provider: Provider, actor_id: int, now: dt.datetime) -> ProviderLinkGrant:
    """An administrator lets ``provider`` bind ``user`` at their next sign-in through it (a week)."""
    grant = ProviderLinkGrant(
        user_id=user.id,
        provider=provider.key,
        granted_by_id=actor_id,
        created_at=now,
        expires_at=now + dt.timedelta(days=GRANT_DAYS),
    )
    db.session.add(grant)
    db.session.flush()
    return grant


def export(user: User) -> list[dict[str, Any]]:
    return [
        {
            "provider": identity.provider,
            "issuer": identity.issuer,
            "subject": identity.subject,
            "email": identity.email,
            "linked_at": identity.linked_at.isoformat(),
            "last_used_at": identity.last_used_at.isoformat() if identity.last_used_at else None,
        }
        for identity in db.session.scalars(identities(user.id))
    ]


def erase(erasure: personal_data.Erasure) -> None:
    """The person's bindings and the leaves granted for them go; leaves they granted as an administrator
    stay (``granted_by_id`` then points at the erased account)."""
    db.session.execute(sa.delete(ProviderIdentity).where(ProviderIdentity.user_id == erasure.user.id))
    db.session.execute(sa.delete(ProviderLinkGrant).where(ProviderLinkGrant.user_id == erasure.user.id))
    db.session.flush()


personal_data.register(
    "sign_in_providers", export, erase=erase, tables=("provider_identities", "provider_link_grants")
)
