"""Identity providers people may sign in through (OpenID Connect), as the operator configured them.

Configuration comes from the environment like every other setting. ``FELLOWSHIP_OIDC_PROVIDERS`` names the
providers (comma-separated keys such as ``acme``); for each key ``K`` (upper-cased):

- ``FELLOWSHIP_OIDC_K_ISSUER``: the issuer URL (its ``/.well-known/openid-configuration`` is read);
- ``FELLOWSHIP_OIDC_K_CLIENT_ID`` and ``FELLOWSHIP_OIDC_K_CLIENT_SECRET``: the client registered there;
- ``FELLOWSHIP_OIDC_K_NAME``: what the sign-in button says ("Sign in with <name>");
- ``FELLOWSHIP_OIDC_K_DOMAINS``: the email domains the provider may sign in (required: a provider never
  signs anyone in as an account of another domain);
- ``FELLOWSHIP_OIDC_K_CREATE_ACCOUNTS``: ``1`` lets it create accounts for people of those domains who have
  none yet; by default it only signs in existing accounts.

In production the issuer must be an ``https://`` address. The application's callback address to register at
the provider is ``FELLOWSHIP_BASE_URL`` + ``/sign-in/with/<key>/callback``.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

KEY = re.compile(r"[a-z][a-z0-9_-]{0,31}")
DOMAIN = re.compile(r"(?=.{1,253}$)([a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}")


@dataclass(frozen=True)
class Provider:
    key: str
    issuer: str
    client_id: str
    client_secret: str
    name: str
    domains: tuple[str, ...]
    create_accounts: bool = False

    @property
    def metadata_url(self) -> str:
        return self.issuer.rstrip("/") + "/.well-known/openid-configuration"

    def allows(self, email: str) -> bool:
        """Whether ``email`` belongs to one of the provider's domains (exactly: no subdomains)."""
        domain = email.rpartition("@")[2].strip().lower()
        return bool(domain) and domain in self.domains


def load(env: Mapping[str, str], production: bool, problems: list[str]) -> list[Provider]:
    """The providers the environment configures; every problem is added to ``problems``."""
    keys = [key.strip().lower() for key in env.get("FELLOWSHIP_OIDC_PROVIDERS", "").split(",") if key.strip()]
    providers = []
    for key in dict.fromkeys(keys):
        if not KEY.fullmatch(key):
            problems.append(
                f"FELLOWSHIP_OIDC_PROVIDERS: {key!r} is not a provider key "
                "(a letter, then letters, digits, - or _)"
            )
            continue
        prefix = f"FELLOWSHIP_OIDC_{key.upper().replace('-', '_')}_"
        issuer = env.get(prefix + "ISSUER", "").strip()
        client_id = env.get(prefix + "CLIENT_ID", "").strip()
        secret = env.get(prefix + "CLIENT_SECRET", "").strip()
        domains = tuple(
            d.strip().lower()
            for d in env.get(prefix + "DOMAINS", "").replace(" ", ",").split(",")
            if d.strip()
        )
        for name, value in (("ISSUER", issuer), ("CLIENT_ID", client_id), ("CLIENT_SECRET", secret)):
            if not value:
                problems.append(f"{prefix}{name} must be set for the provider {key!r}")
        scheme = urlsplit(issuer).scheme
        if issuer and (scheme not in {"http", "https"} or not urlsplit(issuer).netloc):
            problems.append(f"{prefix}ISSUER must be the provider's issuer URL, not {issuer!r}")
        elif issuer and production and scheme != "https":
            problems.append(f"{prefix}ISSUER must be an https:// address in production")
        wrong = [d for d in domains if not DOMAIN.fullmatch(d)]
        if not domains or wrong:
            problems.append(
                f"{prefix}DOMAINS must list the email domains the provider may sign in, separated by commas"
                + (f" (not {', '.join(wrong)})" if wrong else "")
            )
        providers.append(
            Provider(
                key=key,
                issuer=issuer,
                client_id=client_id,
                client_secret=secret,
                name=env.get(prefix + "NAME", "").strip() or key,
                domains=domains,
                create_accounts=env.get(prefix + "CREATE_ACCOUNTS", "").strip().lower()
                in {"1", "true", "yes", "on"},
            )
        )
    return providers


def configured(config: Mapping[str, Any]) -> list[Provider]:
    return list(config.get("FELLOWSHIP_OIDC_PROVIDERS") or [])


def find(config: Mapping[str, Any], key: str) -> Provider | None:
    return next((provider for provider in configured(config) if provider.key == key), None)
