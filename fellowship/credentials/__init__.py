"""Credentials people can carry: every completion certificate is also issued as a signed Open Badges 3.0
credential (VC-JWT, Ed25519), with the issuer's keys and a Bitstring Status List published for verifiers.

Builds on impact's certificates; nothing imports it but the application's blueprint list and its own cli.
Importing it registers the certificate page's panel, the personal-data holding and the dispatcher that issues
the credentials of new certificates.
"""

from fellowship.credentials.views import bp

__all__ = ["bp"]

from fellowship.core import notifications  # noqa: E402
from fellowship.credentials import services  # noqa: E402

notifications.register("credentials", services.issue_missing)
