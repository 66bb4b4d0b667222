"""People, organisations, sign-in (by password, or through an organisation's identity provider) and
language choice."""

from fellowship.accounts.views import bp

__all__ = ["bp"]

# Adds the routes of signing in through an identity provider to the blueprint (accounts/oidc_views.py).
from fellowship.accounts import oidc_views  # noqa: E402, F401
