"""The ``flask fellowship`` command group. Each domain may add its own commands to ``group``."""

from __future__ import annotations

from pathlib import Path

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
    """Load the demo programs, cohorts and people (once, if no program exists; refused in production)."""
    from flask import current_app

    from fellowship import demo as demo_data

    if current_app.config.get("FELLOWSHIP_MODE") == "production":
        raise click.ClickException(
            "The demo is refused in production (FELLOWSHIP_ENV=production): its accounts, administrators "
            "included, sign in with a password that is published in the documentation. Load it into a "
            "development or testing instance instead."
        )
    summary = demo_data.load()
    if summary is None:
        click.echo("Demo data already present; nothing changed.")
        return
    db.session.commit()
    click.echo(summary)


@group.command("deliver-mail")
@click.option("--once", is_flag=True, help="Send what is due now, then stop (for cron).")
@click.option("--batch", default=50, show_default=True, help="Messages claimed per round.")
@click.option("--interval", default=10.0, show_default=True, help="Seconds to wait when nothing is due.")
def deliver_mail(once: bool, batch: int, interval: float) -> None:
    """Send the outbox over SMTP (FELLOWSHIP_SMTP_HOST and friends); runs until stopped unless --once."""
    import time

    from flask import current_app

    from fellowship.core import mail

    settings = mail.SmtpSettings.from_config(current_app.config)
    if settings is None:
        raise click.ClickException(
            "FELLOWSHIP_SMTP_HOST is not set: mail stays in the outbox, where administrators see it (without "
            "the text of messages that hold a personal link: password resets, invitations, guests' links)."
        )
    import datetime as dt

    lease = dt.timedelta(seconds=current_app.config["FELLOWSHIP_MAIL_LEASE_SECONDS"])
    while True:
        sent, failed = mail.deliver(settings, batch, lease)
        if sent or failed:
            click.echo(f"sent {sent}, failed {failed}")
        if once and not (sent or failed):
            return
        if not (sent or failed):
            time.sleep(interval)


@group.command("dispatch")
def dispatch() -> None:
    """Queue the notifications that are due (event reminders, ...) and release sealed anonymous answers;
    safe to run from cron every minute."""
    from flask import current_app

    from fellowship.core import notifications

    # A request context for the links in mail; POST so that SQLite begins its transactions as a writer
    # (core/sqlite.py): the dispatchers read, then write.
    base_url = current_app.config["FELLOWSHIP_BASE_URL"]
    with current_app.test_request_context(base_url=base_url, method="POST"):
        for name, dispatcher in notifications.dispatchers():
            count = dispatcher()
            notifications.record_run(name)  # for /metrics: fellowship_dispatch_lag_seconds
            db.session.commit()
            click.echo(f"{name}: {count}")


@group.command("reshuffle-anonymous")
def reshuffle_anonymous() -> None:
    """Store every anonymous survey's answers and receipts again in a random order (one transaction each):
    once, after upgrading, for answers stored before they were sealed and released in shuffled batches."""
    import sqlalchemy as sa

    from fellowship.evaluations import services
    from fellowship.evaluations.models import Survey

    surveys = db.session.scalars(sa.select(Survey.id).where(Survey.anonymous).order_by(Survey.id)).all()
    total = 0
    for survey_id in surveys:
        survey = db.session.get(Survey, survey_id)
        if survey is not None:
            total += services.reshuffle(survey)
        db.session.commit()
    click.echo(f"Reshuffled {total} anonymous responses of {len(surveys)} surveys.")


@group.command("backup")
@click.argument("path", type=click.Path(dir_okay=False, writable=True))
def backup(path: str) -> None:
    """Write every table (one consistent read) and every uploaded file to PATH, readable by its owner only."""
    from flask import current_app

    from fellowship.core import backup as backups

    with backups.private_file(path) as out:
        counts = backups.dump(out, Path(current_app.config["FELLOWSHIP_STORAGE_DIR"]))
    db.session.rollback()
    click.echo(
        f"Backed up {sum(counts.tables.values())} rows from {len(counts.tables)} tables and "
        f"{counts.files} uploaded files to {path} (readable by its owner only: it holds personal data)."
    )


@group.command("restore")
@click.argument("path", type=click.Path(exists=True, dir_okay=False))
def restore(path: str) -> None:
    """Load a backup into an empty database (after `flask db upgrade`), its files into the storage folder."""
    from flask import current_app

    from fellowship.core import backup as backups

    with open(path, encoding="utf-8") as source:
        try:
            counts = backups.load(source, Path(current_app.config["FELLOWSHIP_STORAGE_DIR"]))
        except backups.RestoreError as error:
            db.session.rollback()
            raise click.ClickException(str(error)) from error
    db.session.commit()
    click.echo(
        f"Restored {sum(counts.tables.values())} rows into {len(counts.tables)} tables and "
        f"{counts.files} uploaded files."
    )


@group.command("move-files-to-database")
def move_files_to_database() -> None:
    """Copy every uploaded file from the storage folder into the database store (FELLOWSHIP_STORAGE=database),
    under the same names; files already there are skipped, the folder is left as it was."""
    from flask import current_app

    from fellowship.core import storage

    folder = storage.LocalStorage(current_app.config["FELLOWSHIP_STORAGE_DIR"])
    copied, present = storage.move_to_database(folder)
    db.session.commit()
    click.echo(f"Copied {copied} files into the database ({present} were there already).")
