"""`flask fellowship curriculum check` and `... sync`."""

from __future__ import annotations

import click
from flask import current_app
from flask.cli import AppGroup

from fellowship.extensions import db

curriculum = AppGroup("curriculum", help="Check and load the curriculum folder.")


def _read() -> object:
    from fellowship.curriculum import loader

    folder = loader.curriculum_dir(current_app.config)
    result = loader.read_all(folder)
    if result.errors:
        for error in result.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"{len(result.errors)} problem(s) in {folder}; nothing was loaded.")
    return result


@curriculum.command("check")
def check() -> None:
    """Read every module file and report problems, changing nothing."""
    result = _read()
    click.echo(f"{len(result.modules)} modules, no problems.")  # type: ignore[attr-defined]


@curriculum.command("sync")
def sync() -> None:
    """Load the module files into the database (idempotent; a changed file becomes a new version)."""
    from fellowship.curriculum import services

    result = _read()
    outcome = services.sync(result.modules)  # type: ignore[attr-defined]
    db.session.commit()
    click.echo(f"curriculum: {outcome.added} new, {outcome.updated} updated, {outcome.unchanged} unchanged")
