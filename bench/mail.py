"""Mail throughput: how many messages a second ``deliver-mail`` workers hand to a local SMTP server.

    python -m bench.mail [--messages 3000] [--workers 1 2 4] [--pooler]

For each worker count: a fresh PostgreSQL database (127.0.0.1:5432, user postgres), migrated, with
``--messages`` vote confirmations queued as the vote page queues them (the real template, English, one
recipient each), then that many ``flask fellowship deliver-mail`` processes (batches of 50) against the SMTP
sink of tests/scaleout/sink.py, which accepts everything and appends a line per message to a file. The rate
is read from the database: messages sent over the time between the first and the last ``sent_at``, so
worker start-up is not counted. ``--pooler`` puts PgBouncer (transaction mode) between workers and
database, as in the scale-out topology (PgBouncer must be installed; as root it runs as ``postgres``).

The sink is itself Python (aiosmtpd, one process): a real relay on the same network accepts more. What the
figures are for is the operator's guide's sizing ("Mail throughput" in docs/operators.md).
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import psycopg
import sqlalchemy as sa

from bench.run import ROOT, free_port, migrate
from tests.scaleout import cluster as cl

BIN = Path(sys.executable).parent


def queue(env: dict[str, str], count: int) -> None:
    """Render one vote confirmation as the vote page does and queue ``count`` copies to distinct addresses."""
    code = f"""
from types import SimpleNamespace
import sqlalchemy as sa
from fellowship import create_app
from fellowship.core import mail
from fellowship.extensions import db
app = create_app()
with app.test_request_context():
    contest = SimpleNamespace(title="City Awards", slug="city-awards")
    project = SimpleNamespace(title="Alder Community Kitchen")
    link = "https://fellowship.example.org/awards/city-awards/confirm/" + "x" * 120 + "?lang=en"
    template = mail.compose("vote_confirmation", "v0@example.net", "en", "Confirm your vote for Alder",
                            "awards/email/confirm", contest=contest, project=project, link=link, hours=24,
                            secret=True)
    db.session.flush()
    rows = [dict(kind=template.kind, recipient=f"v{{n}}@example.net", subject=template.subject,
                 body_text=template.body_text, body_html=template.body_html, headers={{}}, attachments=[],
                 locale="en", holds_secret=True, status=template.status, attempts=0,
                 created_at=template.created_at, next_attempt_at=template.next_attempt_at, last_error="")
            for n in range(1, {count})]
    db.session.execute(sa.insert(mail.OutboxMessage), rows)
    db.session.commit()
"""
    subprocess.run([sys.executable, "-c", code], env=env, cwd=ROOT, check=True)


def measure(workers: int, count: int, pooler: bool, work: Path) -> dict[str, float]:
    name = f"fellowship_mail_bench_{int(time.time())}_{workers}"
    admin = {"host": "127.0.0.1", "user": "postgres", "dbname": "postgres", "autocommit": True}
    with psycopg.connect(**admin) as conn:
        conn.execute(f'CREATE DATABASE "{name}"')
    direct = f"postgresql+psycopg://postgres@127.0.0.1:5432/{name}"
    running = cl.Cluster(work / f"w{workers}", "postgresql+psycopg://postgres@127.0.0.1:5432/postgres")
    running.work.mkdir()
    running.database = name
    try:
        running.ports.update(smtp=free_port(), pgbouncer=free_port())
        env = {
            **os.environ,
            "PYTHONPATH": str(ROOT),
            "DATABASE_URL": direct,
            "FELLOWSHIP_INSTANCE_PATH": str(running.work / "instance"),
            "FELLOWSHIP_SMTP_HOST": "127.0.0.1",
            "FELLOWSHIP_SMTP_PORT": str(running.ports["smtp"]),
            "FELLOWSHIP_SMTP_SECURITY": "none",
            "FELLOWSHIP_LOG_JSON": "0",
        }
        migrate(env)
        queue(env, count)
        running.start_sink()
        if pooler:
            running.start_pgbouncer()
            env = {**env, "DATABASE_URL": running.pooled_url, "FELLOWSHIP_DATABASE_POOLER": "transaction"}
        command = [str(BIN / "flask"), "--app", "fellowship", "fellowship", "deliver-mail", "--batch", "50"]
        for n in range(workers):
            running.start(f"mail-{n}", command, env)
        engine = sa.create_engine(direct)
        deadline = time.monotonic() + 600
        with engine.connect() as conn:
            while True:
                sent = conn.execute(
                    sa.text("SELECT count(*) FROM outbox_messages WHERE status = 'sent'")
                ).scalar()
                conn.commit()
                if sent == count or time.monotonic() > deadline:
                    break
                time.sleep(0.2)
            first, last = conn.execute(
                sa.text("SELECT min(sent_at), max(sent_at) FROM outbox_messages WHERE status = 'sent'")
            ).one()
        engine.dispose()
        received = len(running.received())
        seconds = (last - first).total_seconds()
        return {
            "workers": workers,
            "messages": count,
            "sent": sent,
            "received": received,
            "seconds": round(seconds, 2),
            "per_second": round((sent - 1) / seconds, 1) if seconds else 0.0,
        }
    finally:
        running.down()


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--messages", type=int, default=3000)
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2, 4])
    parser.add_argument("--pooler", action="store_true", help="through PgBouncer in transaction mode")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fellowship-mail-bench-"))
    results = [measure(workers, args.messages, args.pooler, work) for workers in args.workers]
    print("| workers | messages | seconds (first to last sent) | messages/s | received by the sink |")
    print("|---:|---:|---:|---:|---:|")
    for row in results:
        print(
            f"| {row['workers']} | {row['messages']} | {row['seconds']} | {row['per_second']} | {row['received']} |"
        )
    print(json.dumps(results))
    return 0 if all(row["sent"] == row["messages"] for row in results) else 1


if __name__ == "__main__":
    sys.exit(main())
