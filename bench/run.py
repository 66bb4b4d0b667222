"""Benchmark harness: seed, serve with gunicorn (2 workers), load with wrk, print the table.

    python -m bench.run [--db sqlite|postgres] [--scale full|smoke] [--seconds 10] [--connections 16]

Each hot path is measured with wrk over loopback (requests/s, p50 and p99 latency, share of non-2xx/3xx
answers), its SQL queries per request are counted in-process, and its throughput is divided by the
baseline's (bench/baseline.py) page or insert. Rate limits are raised for the run (one load-generating
address would otherwise be throttled by design); the table says so.
"""

from __future__ import annotations

import argparse
import contextlib
import datetime as dt
import json
import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.error
import urllib.parse
import urllib.request
from http.cookiejar import CookieJar
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
BIN = Path(sys.executable).parent
LIMITS = "1000000 per hour"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def environment(instance: Path, database_url: str) -> dict[str, str]:
    return {
        **os.environ,
        "FELLOWSHIP_INSTANCE_PATH": str(instance),
        "DATABASE_URL": database_url,
        "SECRET_KEY": "bench-secret-key-that-is-long-enough-0123456789",
        "FELLOWSHIP_RATELIMIT_SIGN_IN": LIMITS,
        "FELLOWSHIP_RATELIMIT_ACCOUNT": LIMITS,
        "FELLOWSHIP_RATELIMIT_TOKEN": LIMITS,
        "FELLOWSHIP_RATELIMIT_VOTE_IP": LIMITS,
        "FELLOWSHIP_RATELIMIT_VOTE_EMAIL": LIMITS,
        "FELLOWSHIP_RATELIMIT_CHECKIN": LIMITS,
        "FELLOWSHIP_LOG_JSON": "0",
        "PYTHONPATH": str(ROOT),
    }


def migrate(env: dict[str, str]) -> None:
    """``flask db upgrade`` with ``env`` (the scale-out proof and bench/mail.py use it too)."""
    subprocess.run(
        [str(BIN / "flask"), "--app", "fellowship", "db", "upgrade"],
        env=env,
        check=True,
        capture_output=True,
        cwd=ROOT,
    )


def prepare(env: dict[str, str], scale: str, out: Path) -> dict[str, Any]:
    migrate(env)
    code = (
        "import json,sys\n"
        "from fellowship import create_app\n"
        "from bench import seed\n"
        "app = create_app()\n"
        "with app.app_context(), app.test_request_context():\n"
        f"    data = seed.seed(seed.{scale.upper()})\n"
        f"open({str(out)!r}, 'w').write(json.dumps(data))\n"
    )
    subprocess.run([sys.executable, "-c", code], env=env, check=True, cwd=ROOT)
    return json.loads(out.read_text())


@contextlib.contextmanager
def serve(app: str, env: dict[str, str], port: int, ready_path: str) -> Any:
    """gunicorn with two workers, yielded once one has answered and both have been kept busy for two seconds.

    The master listens before its workers have imported the application (a second or two here), so an
    open port is not enough: a measurement started then lost its first second (a 1-second smoke run once
    counted no answer at all, and the full runs' first path showed a 1.4 s p99). So: wait for an answer on
    ``ready_path``, then keep both workers busy for two seconds before anything is measured.
    """
    process = subprocess.Popen(
        [str(BIN / "gunicorn"), "-w", "2", "-b", f"127.0.0.1:{port}", "--log-level", "warning", app],
        env=env,
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}{ready_path}", timeout=5).close()
                break
            except urllib.error.HTTPError:
                break  # an answer, even an error page, means a worker has loaded the application
            except OSError as error:
                if time.monotonic() > deadline or process.poll() is not None:
                    output = process.stderr.read().decode()[-2000:] if process.poll() is not None else ""  # type: ignore[union-attr]
                    raise RuntimeError(f"{app} did not start: {output}") from error
                time.sleep(0.2)
        wrk(f"http://127.0.0.1:{port}{ready_path}", 2, 4)  # warm-up, not measured
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=30)


def memory_mb(master: subprocess.Popen[bytes]) -> float:
    """The largest resident size among the master's worker processes."""
    sizes = []
    for status in Path("/proc").glob("[0-9]*/status"):
        with contextlib.suppress(OSError):
            text = status.read_text()
            if re.search(rf"^PPid:\s+{master.pid}$", text, re.M):
                found = re.search(r"^VmRSS:\s+(\d+) kB", text, re.M)
                if found:
                    sizes.append(int(found.group(1)) / 1024)
    return max(sizes, default=0.0)


class Browser:
    """A cookie-keeping client for signing in and fetching CSRF tokens before the load starts."""

    def __init__(self, base: str) -> None:
        self.base, self.jar = base, CookieJar()
        self.opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(self.jar))

    def get(self, path: str) -> str:
        return self.opener.open(self.base + path).read().decode()

    def token(self, path: str) -> str:
        return re.search(r'name="csrf_token"[^>]*value="([^"]+)"', self.get(path)).group(1)  # type: ignore[union-attr]

    def post(self, path: str, data: dict[str, str]) -> None:
        self.opener.open(self.base + path, urllib.parse.urlencode(data).encode())

    def cookie(self) -> str:
        return "; ".join(f"{c.name}={c.value}" for c in self.jar)


def wrk(
    url: str,
    seconds: int,
    connections: int,
    script: Path | None = None,
    headers: dict[str, str] | None = None,
) -> dict[str, float]:
    command = ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency"]
    for key, value in (headers or {}).items():
        command += ["-H", f"{key}: {value}"]
    if script:
        command += ["-s", str(script)]
    output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout

    def latency(label: str) -> float:
        found = re.search(rf"^\s+{label}\s+([\d.]+)(us|ms|s)", output, re.M)
        if not found:
            return 0.0
        value, unit = float(found.group(1)), found.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value

    total = int(re.search(r"(\d+) requests in", output).group(1))  # type: ignore[union-attr]
    bad = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {
        "rps": float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1)),  # type: ignore[union-attr]
        "p50": latency("50%"),
        "p99": latency("99%"),
        "bad": (int(bad.group(1)) if bad else 0) / max(total, 1),
    }


def post_script(
    folder: Path, name: str, body: str, tokens: list[str] | None = None, path_prefix: str = ""
) -> Path:
    """A wrk Lua script that POSTs ``body``; with ``tokens``, each request takes the next token's path."""
    lua = [
        'wrk.method = "POST"',
        f"wrk.body = {json.dumps(body)}",
        'wrk.headers["Content-Type"] = "application/x-www-form-urlencoded"',
    ]
    if tokens:
        lines = "\n".join(tokens)
        (folder / f"{name}.tokens").write_text(lines)
        lua += [
            "local tokens = {}",
            f'for line in io.lines("{folder / (name + ".tokens")}") do tokens[#tokens + 1] = line end',
            "local counter = 0",
            "local thread_id = 0",
            "setup = function(thread) thread:set('offset', thread_id) thread_id = thread_id + 1 end",
            "request = function()",
            "  counter = counter + 1",
            "  local index = ((counter * 2 + (offset or 0)) % #tokens) + 1",
            f'  return wrk.format(nil, "{path_prefix}" .. tokens[index])',
            "end",
        ]
    script = folder / f"{name}.lua"
    script.write_text("\n".join(lua) + "\n")
    return script


def count_queries(env: dict[str, str], data: dict[str, Any], paths: dict[str, str]) -> dict[str, int]:
    """SQL statements per request for each GET path, counted in-process against the same database."""
    code = f"""
import json, sqlalchemy as sa
from fellowship import create_app
from fellowship.extensions import db
from fellowship.accounts.models import User
app = create_app()
app.config.update(SERVER_NAME=None)
counts = {{}}
with app.app_context():
    from tests.clients import Client
    app.test_client_class = Client
    client = app.test_client()
    client.login_as(db.session.scalar(sa.select(User).where(User.email == "bench.facilitator@example.org")))
    statements = []
    listen = lambda *args: statements.append(1)
    sa.event.listen(db.engine, "before_cursor_execute", listen)
    for name, path in {json.dumps(paths)}.items():
        statements.clear()
        status = client.get(path).status_code
        counts[name] = len(statements) if status < 400 else -status
print(json.dumps(counts))
"""
    output = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, cwd=ROOT)
    if output.returncode != 0:
        print(output.stderr[-2000:], file=sys.stderr)
        return {}
    return json.loads(output.stdout.strip().splitlines()[-1])


def database_for(
    args: argparse.Namespace, work: Path
) -> tuple[dict[str, str], str, dict[str, Any], float, str | None]:
    """(environment, database URL, seed data, seconds seeding, PostgreSQL database to drop afterwards):
    a kept one with --reuse, else a new one, seeded (and recorded for --reuse with --keep)."""
    if args.reuse:
        kept = json.loads((args.reuse / "kept.json").read_text())
        return (
            environment(Path(kept["instance"]), kept["database"]),
            kept["database"],
            kept["data"],
            0.0,
            None,
        )
    instance = (args.keep.resolve() if args.keep else work) / "instance"
    instance.mkdir(parents=True, exist_ok=True)
    database, created = f"sqlite:///{instance}/bench.sqlite3", None
    if args.db == "postgres":
        import psycopg

        created = f"fellowship_bench_{int(time.time())}"
        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{created}"')
        database = f"postgresql+psycopg://postgres@127.0.0.1:5432/{created}"
    env = environment(instance, database)
    started = time.time()
    data = prepare(env, args.scale, work / "seed.json")
    seeded = time.time() - started
    if args.keep:
        kept = {"instance": str(instance), "database": database, "data": data}
        (args.keep / "kept.json").write_text(json.dumps(kept))
        created = None  # kept for --reuse, not dropped
    return env, database, data, seeded, created


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="postgres")
    parser.add_argument("--scale", choices=["full", "smoke"], default="full")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--connections", type=int, default=16)
    parser.add_argument(
        "--keep", type=Path, help="keep the seeded database; write what --reuse needs into this folder"
    )
    parser.add_argument("--reuse", type=Path, help="measure a database an earlier --keep run seeded")
    parser.add_argument("--only", action="append", default=[], help="measure only paths whose name has this")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        print("wrk is missing (apt-get install wrk)", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="fellowship-bench-"))
    env, database, data, seeded, created = database_for(args, work)
    app_port, base_port = free_port(), free_port()
    # The baseline uses the same database (its own table), created once before its workers start.
    base_env = {**env, "BASELINE_DATABASE_URL": database}
    subprocess.run([sys.executable, "-c", "import bench.baseline"], env=base_env, check=True, cwd=ROOT)
    rows: list[tuple[str, dict[str, float], str]] = []
    failed = False
    with (
        serve("wsgi:app", env, app_port, "/healthz") as app_server,
        serve("bench.baseline:app", base_env, base_port, "/page"),
    ):
        app_url, base_url = f"http://127.0.0.1:{app_port}", f"http://127.0.0.1:{base_port}"
        baseline_page = wrk(base_url + "/page", args.seconds, args.connections)
        baseline_insert = wrk(
            base_url + "/insert", args.seconds, args.connections, post_script(work, "insert", "title=bench")
        )
        staff = Browser(app_url)
        token = staff.token("/sign-in")
        staff.post(
            "/sign-in",
            {"csrf_token": token, "email": "bench.facilitator@example.org", "password": "bench-password-1"},
        )
        voter = Browser(app_url)
        contest, project = data["contest"], data["project"]
        vote_token = voter.token(f"/awards/{contest}/projects/{project}/vote")
        confirm_token = voter.token(f"/awards/{contest}/confirm/{data['tokens'][0]}")
        grid_path = f"/events/{data['grid_event']}/attendance"
        grid_form = staff.get(grid_path)
        fields = dict(re.findall(r'<input type="hidden" name="(o[sn]-[^"]+)" value="([^"]*)"', grid_form))
        grid_body = {"csrf_token": staff.token(grid_path)}
        for key, value in fields.items():
            grid_body[key] = value
            grid_body[key[1:]] = value  # the same value back: a save that changes nothing
        gets = {
            "contest gallery": (f"/awards/{contest}", "", 0.7, "page"),
            "project page": (f"/awards/{contest}/projects/{project}", "", 0.7, "page"),
            "cohort dashboard": (f"/cohorts/{data['cohort']}", "staff", 0.3, "page"),
            "evaluation summary": (
                f"/events/{data['summary_event']}/evaluation/summary",
                "staff",
                0.3,
                "page",
            ),
            "progress matrix": (f"/cohorts/{data['cohort']}/progress", "staff", 0.3, "page"),
            "impact report (a year)": (f"/reports/{data['period']}", "staff", 0.3, "page"),
            "network search": (
                f"/network?q={data.get('search_word', 'bookkeeping')}",
                "staff",
                0.3,
                "page",
            ),
            "network directory": ("/network/directory", "", 0.7, "page"),
        }
        for name, (path, who, target, base) in gets.items():
            if args.only and not any(part in name for part in args.only):
                continue
            headers = {"Cookie": staff.cookie()} if who == "staff" else {}
            rows.append(
                (
                    name,
                    wrk(app_url + path, args.seconds, args.connections, headers=headers),
                    f"{target}:{base}",
                )
            )
        posts = {
            "vote request (POST)": (
                f"/awards/{contest}/projects/{project}/vote",
                post_script(
                    work,
                    "vote",
                    urllib.parse.urlencode({"csrf_token": vote_token, "email": "bench@example.org"}),
                ),
                voter,
                0.6,
            ),
            "vote confirmation (POST)": (
                "",
                post_script(
                    work,
                    "confirm",
                    urllib.parse.urlencode({"csrf_token": confirm_token}),
                    data["tokens"],
                    f"/awards/{contest}/confirm/",
                ),
                voter,
                0.6,
            ),
            "attendance grid save (POST)": (
                grid_path,
                post_script(work, "grid", urllib.parse.urlencode(grid_body)),
                staff,
                0.3,
            ),
        }
        for name, (path, script, who, target) in posts.items():
            if args.only and not any(part in name for part in args.only):
                continue
            rows.append(
                (
                    name,
                    wrk(app_url + path, args.seconds, args.connections, script, {"Cookie": who.cookie()}),
                    f"{target}:insert",
                )
            )
        memory = memory_mb(app_server)
    queries = count_queries(env, data, {name: path for name, (path, *_rest) in gets.items()})
    print(
        f"\nFellowship benchmark {dt.date.today()} · {args.db} · scale {args.scale} · seeded in {seeded:.0f} s · "
        f"{args.seconds} s × {args.connections} connections · rate limits raised to {LIMITS!r} for the run\n"
    )
    print("| path | req/s | p50 ms | p99 ms | non-2xx/3xx | queries | vs baseline | target | ok |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|---|")
    print(
        f"| baseline page | {baseline_page['rps']:.0f} | {baseline_page['p50']:.1f} | {baseline_page['p99']:.1f} | {baseline_page['bad']:.1%} | 1 | 1.00 | | |"
    )
    print(
        f"| baseline insert | {baseline_insert['rps']:.0f} | {baseline_insert['p50']:.1f} | {baseline_insert['p99']:.1f} | {baseline_insert['bad']:.1%} | 2 | 1.00 | | |"
    )
    if not baseline_page["rps"] or not baseline_insert["rps"]:
        print("\nThe baseline answered no request in the time given: no ratio can be computed.")
        failed, rows = True, []
    for name, measured, target_spec in rows:
        target, base = target_spec.split(":")
        ratio = measured["rps"] / (baseline_page if base == "page" else baseline_insert)["rps"]
        good = ratio >= float(target) and measured["bad"] <= 0.01
        failed |= measured["bad"] > 0.01
        print(
            f"| {name} | {measured['rps']:.0f} | {measured['p50']:.1f} | {measured['p99']:.1f} | {measured['bad']:.1%} | "
            f"{queries.get(name, '—')} | {ratio:.2f} | ≥ {target} | {'yes' if good else 'no'} |"
        )
    print(f"\nLargest gunicorn worker: {memory:.0f} MB (target < 150 MB)")
    if created:
        import psycopg

        with psycopg.connect(host="127.0.0.1", user="postgres", dbname="postgres", autocommit=True) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{created}" WITH (FORCE)')
    shutil.rmtree(work, ignore_errors=True)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
