"""``flask fellowship credentials``: the signing keys."""

from __future__ import annotations

from pathlib import Path

import click
from flask import current_app

from fellowship.core import clock, signing_keys


@click.group("credentials")
def credentials() -> None:
    """Signed credentials: the issuer's keys."""


@credentials.command("rotate-key")
def rotate_key() -> None:
    """Put a new signing key first in the key ring; the earlier keys stay, so what they signed still verifies.
    Restart or reload the application servers afterwards (each reads the file again when it changes)."""
    path = Path(current_app.config["FELLOWSHIP_CREDENTIAL_KEYS_FILE"])
    try:
        kid = signing_keys.add_new_key(path, clock.today())
    except signing_keys.KeyRingError as error:
        raise click.ClickException(str(error)) from error
    click.echo(f"New signing key {kid} added to {path}.")
