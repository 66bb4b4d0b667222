"""The scale-out proof: two application servers behind nginx, PgBouncer in transaction mode, Redis, two
``deliver-mail`` workers and two ``dispatch`` loops against one SMTP sink (tests/scaleout/cluster.py), all
started on this machine. Everything is asked through HTTP (nginx or one server's own port), and checked in
the database and in what the sink received.

Slow (about two minutes, a minute of it load) and PostgreSQL-only: `.ci/run` runs it on its own after the
PostgreSQL leg, installing pgbouncer, nginx and redis from Debian's packages when they are missing. Without
them, or without TEST_DATABASE_URL, it is skipped with a message saying which.
"""

from __future__ import annotations

import datetime as dt
import io
import json
import os
import random
import re
import signal
import subprocess
import threading
import time
import urllib.parse
import zlib
from collections import Counter
from collections.abc import Callable, Iterator
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest
import sqlalchemy as sa
from PIL import Image

from fellowship.core import mail
from tests.conftest import POSTGRES_URL
from tests.factories import PASSWORD
from tests.scaleout import cluster as cl
from tests.scaleout.visitor import Visitor

pytestmark = [pytest.mark.slow, pytest.mark.postgres]

LOAD_SECONDS = float(os.environ.get("SCALEOUT_LOAD_SECONDS", "60"))
FIGURES = os.environ.get("SCALEOUT_FIGURES", "")
"""Where to write the load's figures as JSON (bench/README.md quotes them)."""


@pytest.fixture(scope="module")
def cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[cl.Cluster]:
    if not POSTGRES_URL.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL")
    missing = cl.missing_programs()
    if missing:
        pytest.skip(
            f"the scale-out proof needs {', '.join(missing)} (Debian: apt-get install pgbouncer nginx-light "
            "redis-server; .ci/run installs them when it can)"
        )
    running = cl.Cluster(tmp_path_factory.mktemp("scaleout"), POSTGRES_URL)
    try:
        running.up()
    except Exception:
        logs = "\n".join(f"--- {name}\n{running.log(name)}" for name in running.processes)
        running.down()
        raise RuntimeError(f"the cluster did not start:\n{logs}") from None
    yield running
    running.down()


@pytest.fixture(scope="module")
def database(cluster: cl.Cluster) -> Iterator[sa.Engine]:
    engine = sa.create_engine(cluster.direct_url)
    yield engine
    engine.dispose()


def scalar(engine: sa.Engine, sql: str, **params: Any) -> Any:
    with engine.connect() as conn:
        return conn.execute(sa.text(sql), params).scalar()


def eventually(check: Callable[[], Any], seconds: float, what: str) -> Any:
    deadline = time.monotonic() + seconds
    while True:
        found = check()
        if found:
            return found
        if time.monotonic() > deadline:
            raise AssertionError(f"not within {seconds} s: {what}")
        time.sleep(0.1)


def tally(page: str) -> int:
    """The total the gallery shows (a live tally: "N votes" under each project)."""
    return sum(int(n) for n in re.findall(r'<p class="figure">(\d+) votes?</p>', page))


def confirm_link(cluster: cl.Cluster, address: str, seconds: float = 30) -> str:
    def find() -> str | None:
        for line in cluster.received():
            if address in line["to"]:
                links = [link for link in line["links"] if "/confirm/" in link]
                if links:
                    return links[0]
        return None

    return eventually(find, seconds, f"the vote email to {address}")


def path_of(link: str) -> str:
    parts = urllib.parse.urlsplit(link)
    return parts.path + ("?" + parts.query if parts.query else "")


def vote(visitor: Visitor, base: str, slug: str, project: int, email: str) -> int:
    url = f"{base}/awards/{slug}/projects/{project}/vote"
    token = visitor.token(url)
    return visitor.post(url, {"csrf_token": token, "email": email, "website": ""}).status


def confirm(visitor: Visitor, base: str, link: str) -> tuple[int, str]:
    url = base + path_of(link)
    token = visitor.token(url)
    answer = visitor.post(url, {"csrf_token": token})
    return answer.status, answer.text


def png() -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", (48, 32), "darkorange").save(buffer, "PNG")
    return buffer.getvalue()


# --- one server's work is the other's -------------------------------------------------------------------


def test_an_image_uploaded_through_one_server_is_shown_by_the_other(
    cluster: cl.Cluster, database: sa.Engine
) -> None:
    a, b = cluster.server("a"), cluster.server("b")
    contest = cluster.seeded["contests"]["showcase"]
    project = contest["projects"][0]
    admin = Visitor()
    assert admin.sign_in(a, cluster.seeded["admin"], PASSWORD).status == 302
    edit = f"/contests/{contest['id']}/projects/{project}/edit"
    fields = {
        "csrf_token": admin.token(a + edit),
        "title": "Alder Showcase",
        "summary": "About Alder.",
        "organization": "0",
    }
    saved = admin.post_files(a + edit, fields, {"image": ("alder.png", "image/png", png())})
    assert saved.status == 302, saved.text[:500]

    page = Visitor().get(f"{b}/awards/showcase/projects/{project}").text
    source = re.search(r'<img class="project-image" src="([^"]+)"', page)
    assert source, "server B's project page shows no image"
    image = Visitor().get(b + source.group(1).replace("&amp;", "&"))
    stored = scalar(database, "SELECT data FROM stored_files WHERE area = 'awards'")
    assert image.status == 200 and image.body == bytes(stored)
    assert image.headers["Content-Type"] == "image/jpeg"
    assert image.headers["Cache-Control"] == "public, max-age=31536000, immutable"
    assert Image.open(io.BytesIO(image.body)).size == (48, 32)
    # Nothing went to either server's folder: the database is the store.
    for name in ("a", "b"):
        assert not any((cluster.work / name / "storage").rglob("*.*"))
    # Through nginx: the second request is answered from its cache.
    proxied = [Visitor().get(cluster.proxy + source.group(1).replace("&amp;", "&")) for _ in range(2)]
    assert [p.status for p in proxied] == [200, 200] and proxied[1].body == image.body
    assert proxied[1].headers["X-Cache-Status"] == "HIT"


def test_a_vote_confirmed_through_one_server_shows_on_the_other_within_the_cache_window(
    cluster: cl.Cluster,
) -> None:
    a, b = cluster.server("a"), cluster.server("b")
    contest = cluster.seeded["contests"]["city-vote"]  # a live tally
    gallery = "/awards/city-vote"
    before = tally(Visitor().get(b + gallery).text)
    assert tally(Visitor().get(cluster.proxy + gallery).text) == before  # nginx keeps this copy a while
    voter = Visitor()
    assert vote(voter, a, "city-vote", contest["projects"][1], "first.voter@example.net") == 200
    status, text = confirm(voter, a, confirm_link(cluster, "first.voter@example.net"))
    assert status == 200 and "Your vote is counted" in text
    counted = time.monotonic()
    assert tally(Visitor().get(b + gallery).text) == before + 1  # server B: at once
    eventually(
        lambda: tally(Visitor().get(cluster.proxy + gallery).text) == before + 1,
        cl.PAGE_CACHE_SECONDS + 2,
        "nginx shows the new tally",
    )
    assert time.monotonic() - counted <= cl.PAGE_CACHE_SECONDS + 2


def test_a_contest_change_through_one_server_reaches_both_page_caches(
    cluster: cl.Cluster, database: sa.Engine
) -> None:
    a, b = cluster.server("a"), cluster.server("b")
    contest = cluster.seeded["contests"]["showcase"]
    project = contest["projects"][2]
    gallery = "/awards/showcase"
    admin = Visitor()
    assert admin.sign_in(a, cluster.seeded["admin"], PASSWORD).status == 302
    edit = f"/contests/{contest['id']}/projects/{project}/edit"
    token = admin.token(a + edit)
    for server in (a, b):  # each server renders the gallery once and keeps it in its page cache
        assert "Cedar Showcase" in Visitor().get(server + gallery).text
    warmed = time.monotonic()
    # Renamed behind the application's back (the contest's revision stays): both servers still answer
    # from their caches, so the caches are warm.
    with database.begin() as conn:
        conn.execute(sa.text("UPDATE projects SET title = 'Cedar (quiet)' WHERE id = :id"), {"id": project})
    for server in (a, b):
        assert "Cedar Showcase" in Visitor().get(server + gallery).text
    # Renamed through server A: the contest's revision moves, and both caches render the gallery again.
    fields = {"csrf_token": token, "title": "Cedar Renamed", "summary": "About Cedar.", "organization": "0"}
    assert admin.post(a + edit, fields).status == 302
    for server in (b, a):
        page = Visitor().get(server + gallery).text
        assert "Cedar Renamed" in page and "Cedar Showcase" not in page
    # All within the cache's window: only the revision in the key, not the time, can have made them render.
    assert time.monotonic() - warmed < cl.PAGE_CACHE_SECONDS


def test_a_session_signed_out_through_one_server_is_refused_by_the_other(cluster: cl.Cluster) -> None:
    a, b = cluster.server("a"), cluster.server("b")
    person = Visitor()
    assert person.sign_in(a, cluster.seeded["admin"], PASSWORD).status == 302
    assert person.get(b + "/").status == 200  # one session, whichever server answers
    cookie = person.cookie_header()
    assert person.post(a + "/sign-out", {"csrf_token": person.token(a + "/")}).status == 302
    replayed = Visitor().get(b + "/", headers={"Cookie": cookie})
    assert replayed.status == 302 and "/sign-in" in replayed.headers["Location"]


def test_a_rate_limit_counts_requests_on_both_servers(cluster: cl.Cluster) -> None:
    """Failed sign-ins from one address: the limit is reached by requests split between the servers, and
    holds through the proxy."""
    statuses = []
    for n in range(cl.SIGN_IN_LIMIT + 2):
        server = cluster.server("a" if n % 2 == 0 else "b")
        guesser = Visitor()
        token = guesser.token(server + "/sign-in")
        answer = guesser.post(
            server + "/sign-in",
            {"csrf_token": token, "email": f"nobody{n}@scale.test", "password": "not the password"},
        )
        statuses.append(answer.status)
    assert statuses == [401] * cl.SIGN_IN_LIMIT + [429, 429]
    # Through nginx too: it passes this machine's address on as X-Forwarded-For, the same counter's key.
    guesser = Visitor()
    token = guesser.token(cluster.proxy + "/sign-in")
    answer = guesser.post(
        cluster.proxy + "/sign-in",
        {"csrf_token": token, "email": "nobody.more@scale.test", "password": "not the password"},
    )
    assert answer.status == 429


def test_behind_pgbouncer_in_transaction_mode_only_the_pooler_setting_keeps_queries_working(
    cluster: cl.Cluster,
) -> None:
    """Two clients taking turns through PgBouncer share its server connections. With psycopg's default,
    each prepares a statement after its fifth use, on a server connection the other may be using or never
    reach: PostgreSQL refuses. With FELLOWSHIP_DATABASE_POOLER=transaction's engine options, nothing is
    prepared and every query runs."""
    from fellowship.config import engine_options

    def take_turns(pooler: str) -> list[str]:
        options = engine_options(cluster.pooled_url, pooler)
        engine = sa.create_engine(cluster.pooled_url, **options)
        errors = []
        try:
            with engine.connect() as first, engine.connect() as second:
                for _turn in range(8):
                    for conn in (first, second):
                        try:
                            conn.execute(sa.text("SELECT count(*) FROM contests WHERE id > :n"), {"n": 0})
                            conn.commit()
                        except sa.exc.DBAPIError as error:
                            errors.append(type(error.orig).__name__)
                            conn.rollback()
        finally:
            engine.dispose()
        return errors

    assert take_turns("none"), "psycopg's prepared statements did not break behind the transaction pooler"
    assert take_turns("transaction") == []


# --- the outbox and dispatch -----------------------------------------------------------------------------


def test_mail_is_delivered_at_least_once_and_repeated_only_by_a_worker_that_died(
    cluster: cl.Cluster, database: sa.Engine
) -> None:
    """200 messages, two workers; the sink holds one message's "250 OK" (the worker has handed it over and
    waits to mark it sent) and that worker is killed. Another sends the dead worker's other messages once
    its lease ends: every message arrives, only the held one twice, with the same Message-ID."""
    total, held = 200, 57
    with database.begin() as conn:
        ids = [
            conn.execute(
                sa.text(
                    "INSERT INTO outbox_messages (kind, recipient, subject, body_text, headers, attachments,"
                    " locale, holds_secret, status, attempts, created_at, next_attempt_at, last_error)"
                    " VALUES ('proof', :to, :subject, 'Text', '{}', '[]', 'en', false, 'pending', 0, now(),"
                    " now(), '') RETURNING id"
                ),
                {
                    "to": f"reader{n}@example.net",
                    "subject": f"Proof {n}" + (" [hold]" if n == held else ""),
                },
            ).scalar_one()
            for n in range(total)
        ]
    port = int(eventually(lambda: cluster.hold_flag.exists() and cluster.hold_flag.read_text(), 30, "a hold"))
    workers = {cluster.processes[name].pid: name for name in ("mail-1", "mail-2")}
    victim = cl.process_with_port(list(workers), port)
    assert victim is not None, "no worker holds the held connection"
    os.kill(victim, signal.SIGKILL)
    cluster.processes[workers[victim]].wait()
    cluster.start_worker("mail-3")  # its replacement: two workers again

    def all_sent() -> bool:
        return (
            scalar(database, "SELECT count(*) FROM outbox_messages WHERE kind = 'proof' AND status = 'sent'")
            == total
        )

    eventually(all_sent, 60, "every message marked sent")
    with database.connect() as conn:
        rows = conn.execute(sa.text("SELECT id, created_at FROM outbox_messages WHERE kind = 'proof'")).all()
    expected = {
        mail.message_id(
            SimpleNamespace(id=row.id, created_at=row.created_at.astimezone(dt.UTC)),
            cl.MAIL_FROM,
            cl.SECRET_KEY,
        ): row.id
        for row in rows
    }
    arrived = Counter(
        expected[line["message_id"]] for line in cluster.received() if line["message_id"] in expected
    )
    assert set(arrived) == set(ids)  # none lost
    assert {i for i, n in arrived.items() if n > 1} == {ids[held]}  # the one the dead worker had handed over
    assert arrived[ids[held]] == 2
    assert scalar(database, "SELECT attempts FROM outbox_messages WHERE id = :id", id=ids[held]) == 2


def test_two_dispatch_loops_queue_each_reminder_once_and_it_is_delivered_once(
    cluster: cl.Cluster, database: sa.Engine
) -> None:
    guests = 40
    eventually(
        lambda: (
            scalar(
                database,
                "SELECT count(*) FROM outbox_messages WHERE kind = 'event_reminder' AND status = 'sent'",
            )
            >= guests
        ),
        60,
        "the reminders sent",
    )
    time.sleep(3)  # both loops run again meanwhile
    assert scalar(database, "SELECT count(*) FROM outbox_messages WHERE kind = 'event_reminder'") == guests
    reminders = Counter(
        tuple(line["to"]) for line in cluster.received() if line["subject"].startswith("Reminder:")
    )
    assert len(reminders) == guests and set(reminders.values()) == {1}
    queued = [
        sum(int(n) for n in re.findall(r"^event reminders: (\d+)$", cluster.log(f"dispatch-{k}"), re.M))
        for k in (1, 2)
    ]
    assert sum(queued) == guests  # both loops ran; between them, each reminder once
    assert all(re.search(r"^event reminders: \d+$", cluster.log(f"dispatch-{k}"), re.M) for k in (1, 2))


# --- a minute of load through nginx ----------------------------------------------------------------------


def wrk(url: str, seconds: float, connections: int) -> dict[str, float]:
    output = subprocess.run(
        ["wrk", "-t1", f"-c{connections}", f"-d{int(seconds)}s", "--latency", url],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", output)
    return {
        "requests_per_second": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "non_2xx_3xx": float(bad.group(1)) if bad else 0.0,
        "socket_errors": float(sum(int(n) for n in errors.groups())) if errors else 0.0,
        "p50_ms": _ms(re.search(r"50%\s+([\d.]+)(us|ms|s)", output)),
        "p99_ms": _ms(re.search(r"99%\s+([\d.]+)(us|ms|s)", output)),
    }


def _ms(found: re.Match[str] | None) -> float:
    if not found:
        return 0.0
    value, unit = float(found.group(1)), found.group(2)
    return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value


def test_a_minute_of_gallery_reads_and_votes_through_nginx(cluster: cl.Cluster, database: sa.Engine) -> None:
    """Gallery reads (wrk) and voters asking for and confirming votes, through nginx, for LOAD_SECONDS; then
    the mail drains. No answer is a 5xx, and the tally is the number of distinct voters whose confirmation
    counted. On two cores this shows correctness under load, not capacity."""
    contest = cluster.seeded["contests"]["city-vote"]
    proxy, slug = cluster.proxy, "city-vote"
    counted_votes = (
        "SELECT count(*) FROM votes v JOIN projects p ON p.id = v.project_id "
        "WHERE p.contest_id = :contest AND NOT v.voided"
    )
    before = scalar(database, counted_votes, contest=contest["id"])
    statuses: Counter[int] = Counter()
    counted: set[str] = set()
    asked: list[str] = []
    confirm_times: list[float] = []
    lock = threading.Lock()
    stop = threading.Event()
    started = time.monotonic()

    def voter(seed: int) -> None:
        chance = random.Random(seed)
        n = 0
        while not stop.is_set():
            n += 1
            with lock:
                # One request in ten comes again from an address that voted already.
                email = chance.choice(asked) if asked and n % 10 == 0 else f"v{seed}.{n}@load.example"
                asked.append(email)
            status = vote(Visitor(), proxy, slug, chance.choice(contest["projects"]), email)
            with lock:
                statuses[status] += 1

    done_links: set[str] = set()

    def confirmer(k: int, of: int) -> None:
        while True:
            links = [
                (line["to"][0], link)
                for line in cluster.received()
                for link in line["links"]
                if "/confirm/" in link and "load.example" in line["to"][0]
            ]
            fresh = [
                (to, link) for i, (to, link) in enumerate(links) if i % of == k and link not in done_links
            ]
            if not fresh:
                if stop.is_set() and drained.is_set():
                    return
                time.sleep(0.2)
                continue
            for to, link in fresh:
                begun = time.monotonic()
                status, text = confirm(Visitor(), proxy, link)
                if zlib.crc32(link.encode()) % 7 == 0:  # one voter in seven presses the button again
                    again, _ = confirm(Visitor(), proxy, link)
                    with lock:
                        statuses[again] += 1
                with lock:
                    done_links.add(link)
                    statuses[status] += 1
                    confirm_times.append(time.monotonic() - begun)
                    if status == 200:
                        counted.add(to)

    drained = threading.Event()
    # Daemons, and stopped whatever happens: a failure here must end the test, not hang the run.
    voters = [threading.Thread(target=voter, args=(s,), daemon=True) for s in range(3)]
    confirmers = [threading.Thread(target=confirmer, args=(k, 3), daemon=True) for k in range(3)]
    for thread in (*voters, *confirmers):
        thread.start()
    try:
        reads = wrk(f"{proxy}/awards/{slug}", LOAD_SECONDS, 8)
    finally:
        stop.set()
        for thread in voters:
            thread.join(timeout=60)
    load_seconds = time.monotonic() - started

    def outbox_empty() -> bool:
        return (
            scalar(
                database,
                "SELECT count(*) FROM outbox_messages"
                " WHERE kind = 'vote_confirmation' AND status = 'pending'",
            )
            == 0
        )

    try:
        eventually(outbox_empty, 90, "the vote emails all sent")
        time.sleep(1)
    finally:
        drained.set()
        for thread in confirmers:
            thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in confirmers)

    assert not [s for s in statuses if s >= 500], statuses
    assert reads["non_2xx_3xx"] == 0 and reads["socket_errors"] == 0, reads
    votes = scalar(database, counted_votes, contest=contest["id"])
    distinct = scalar(
        database,
        "SELECT count(DISTINCT v.voter_key) FROM votes v JOIN projects p ON p.id = v.project_id "
        "WHERE p.contest_id = :contest AND NOT v.voided",
        contest=contest["id"],
    )
    # Every counted confirmation of the load is one distinct voter (one vote each), besides the voters of
    # earlier scenarios.
    assert votes == distinct == before + len(counted)
    assert tally(Visitor().get(cluster.server("b") + f"/awards/{slug}").text) == votes
    # /metrics on each server (from this machine, no token): the confirmations counted by A and by B add
    # up to the votes; both read the same outbox and dispatch lag from the database.
    scraped = [Visitor().get(cluster.server(name) + "/metrics").text for name in ("a", "b")]
    confirmations = sum(
        float(m.group(1))
        for text in scraped
        for m in re.finditer(r"^fellowship_vote_confirmations_total (\S+)$", text, re.M)
    )
    assert confirmations == votes
    for text in scraped:
        lag = float(re.search(r"^fellowship_dispatch_lag_seconds (\S+)$", text, re.M).group(1))  # type: ignore[union-attr]
        assert lag < 30

    asked_count = sum(1 for _ in asked)
    figures = {
        "load_seconds": round(load_seconds, 1),
        "gallery_reads": reads,
        "vote_requests": asked_count,
        "vote_requests_per_second": round(asked_count / load_seconds, 1),
        "confirmations": len(done_links),
        "pressed_twice": sum(1 for link in done_links if zlib.crc32(link.encode()) % 7 == 0),
        "counted_voters": len(counted),
        "confirm_p50_ms": round(sorted(confirm_times)[len(confirm_times) // 2] * 1000, 1)
        if confirm_times
        else 0,
        "confirm_p99_ms": round(sorted(confirm_times)[int(len(confirm_times) * 0.99)] * 1000, 1)
        if confirm_times
        else 0,
        "statuses": {str(k): v for k, v in sorted(statuses.items())},
    }
    print("scale-out load:", json.dumps(figures))
    if FIGURES:
        Path(FIGURES).write_text(json.dumps(figures, indent=2))
