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
@click.option(
    "--overwrite",
    multiple=True,
    metavar="SLUG",
    help="Let this module's file replace a version published in the browser (repeat for several).",
)
def sync(overwrite: tuple[str, ...]) -> None:
    """Load the module files into the database (idempotent; a changed file becomes a new version).

    A file never silently replaces a version published in the module editor: when both changed, nothing
    is loaded and each conflict names both versions (see docs/curriculum-and-worksheets.md)."""
    from fellowship.curriculum import services

    result = _read()
    outcome = services.sync(result.modules, frozenset(overwrite))  # type: ignore[attr-defined]
    if outcome.conflicts:
        db.session.rollback()
        for conflict in outcome.conflicts:
            click.echo(conflict, err=True)
        raise click.ClickException(
            f"{len(outcome.conflicts)} module(s) changed both in the browser and in their file; "
            "nothing was loaded."
        )
    db.session.commit()
    for warning in outcome.drafts_behind:
        click.echo(f"warning: {warning}", err=True)
    kept = f", {outcome.kept} kept as edited in the browser" if outcome.kept else ""
    click.echo(
        f"curriculum: {outcome.added} new, {outcome.updated} updated, {outcome.unchanged} unchanged{kept}"
    )


@curriculum.command("export")
@click.argument("slug")
@click.option("--write", is_flag=True, help="Write it into the curriculum folder instead of printing it.")
def export(slug: str, write: bool) -> None:
    """Print a module's current version as YAML, or write it over its file in the curriculum folder."""
    import sqlalchemy as sa

    from fellowship.curriculum import loader
    from fellowship.curriculum.models import Module

    module = db.session.scalar(sa.select(Module).where(Module.slug == slug, Module.current.is_(True)))
    if module is None:
        raise click.ClickException(f"There is no module {slug!r}.")
    text = loader.dump_yaml(loader.as_data(module))
    if not write:
        click.echo(text, nl=False)
        return
    path = loader.curriculum_dir(current_app.config) / module.program_kind / f"{slug}.yaml"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(text, "utf-8")
    click.echo(f"version {module.version} of {slug} written to {path}")
