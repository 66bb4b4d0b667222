"""The ``flask fellowship`` command group. Each domain may add its own commands to ``group``."""

from __future__ import annotations

import click
from flask.cli import AppGroup

from fellowship.extensions import db

group = AppGroup("fellowship", help="Fellowship administration commands.")


@group.command("create-admin")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.password_option()
def create_admin(email: str, name: str, password: str) -> None:
    """Create a site administrator."""
    from fellowship.accounts import services

    try:
        user = services.create_user(email, name, password=password, is_admin=True)
    except services.AccountError as error:
        raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(f"Created administrator {user.email}.")


@group.command("demo")
def demo() -> None:
    """Load the demo programs, cohorts and people (does nothing if any program exists)."""
    from fellowship import demo as demo_data

    summary = demo_data.load()
    if summary is None:
        click.echo("Demo data already present; nothing changed.")
        return
    db.session.commit()
    click.echo(summary)
