"""People, organisations, sign-in and language choice."""

from fellowship.accounts.views import bp

__all__ = ["bp"]
