"""Starts, on this machine, the scale-out topology of docs/operators.md ("Scale-out"), every process its own:
PgBouncer in transaction mode in front of the PostgreSQL server, a Redis server, two application servers
(gunicorn, one process of four threads each, each with its own instance folder and page cache) behind
nginx, two ``deliver-mail`` workers and two ``dispatch`` loops, all against one SMTP sink
(tests/scaleout/sink.py).

Nothing is shared between the application servers but what the operator's guide says is shared: the
database (through PgBouncer), Redis, the secret keys and the proxy. Files go to the database
(FELLOWSHIP_STORAGE=database). Everything listens on 127.0.0.1 only.
"""

from __future__ import annotations

import contextlib
import json
import os
import pwd
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import sqlalchemy as sa

from bench.run import migrate

ROOT = Path(__file__).resolve().parents[2]
BIN = Path(sys.executable).parent
PAGE_CACHE_SECONDS = 5
"""The window the page caches (each server's and nginx's) may show a page that is out of date."""
MAIL_LEASE_SECONDS = 5
"""Short, so the proof need not wait five minutes for a dead worker's messages to be handed on."""
SIGN_IN_LIMIT = 6
SECRET_KEY = "scale-out-proof-secret-key-0123456789-abcdefghij"
MAIL_FROM = "City Awards <awards@scale.test>"
VOTER_SECRET = "scale-out-proof-voter-secret-0123456789-abcdefgh"
NEEDED = ("pgbouncer", "nginx", "redis-server", "wrk")


def missing_programs() -> list[str]:
    found = {name: shutil.which(name) or _sbin(name) for name in NEEDED}
    return [name for name, path in found.items() if not path]


def _sbin(name: str) -> str | None:
    for folder in ("/usr/sbin", "/usr/local/sbin", "/sbin"):
        if Path(folder, name).exists():
            return str(Path(folder, name))
    return None


def program(name: str) -> str:
    return shutil.which(name) or _sbin(name) or name


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def wait_for_port(port: int, process: subprocess.Popen[bytes], what: str, seconds: float = 60) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{what} stopped at start (exit {process.returncode})")
        with contextlib.suppress(OSError), socket.create_connection(("127.0.0.1", port), timeout=1):
            return
        time.sleep(0.1)
    raise RuntimeError(f"{what} did not listen on {port} within {seconds} s")


def wait_for_answer(url: str, seconds: float = 60) -> None:
    """An answer (any status) from the application: a worker has imported it."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            urllib.request.urlopen(url, timeout=5).close()
            return
        except urllib.error.HTTPError:
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.2)


@dataclass
class Cluster:
    work: Path
    server_url: str
    """The PostgreSQL server of TEST_DATABASE_URL (its database is not used)."""
    database: str = ""
    ports: dict[str, int] = field(default_factory=dict)
    processes: dict[str, subprocess.Popen[bytes]] = field(default_factory=dict)
    logs: list[Any] = field(default_factory=list)
    seeded: dict[str, Any] = field(default_factory=dict)

    # --- addresses ---------------------------------------------------------------------------------------

    @property
    def proxy(self) -> str:
        return f"http://127.0.0.1:{self.ports['nginx']}"

    def server(self, name: str) -> str:
        return f"http://127.0.0.1:{self.ports[name]}"

    @property
    def direct_url(self) -> str:
        """PostgreSQL itself: migrations and the proof's own reads (docs: migrate around the pooler)."""
        return sa.make_url(self.server_url).set(database=self.database).render_as_string(hide_password=False)

    @property
    def pooled_url(self) -> str:
        url = sa.make_url(self.server_url).set(
            database=self.database, host="127.0.0.1", port=self.ports["pgbouncer"]
        )
        return url.render_as_string(hide_password=False)

    @property
    def record(self) -> Path:
        return self.work / "sink.jsonl"

    @property
    def hold_flag(self) -> Path:
        return self.work / "held"

    # --- processes ---------------------------------------------------------------------------------------

    def start(
        self, name: str, command: list[str], env: dict[str, str] | None = None
    ) -> subprocess.Popen[bytes]:
        log = (self.work / f"{name}.log").open("ab")
        self.logs.append(log)
        process = subprocess.Popen(
            command, cwd=ROOT, env=env or os.environ.copy(), stdout=log, stderr=subprocess.STDOUT
        )
        self.processes[name] = process
        return process

    def log(self, name: str) -> str:
        path = self.work / f"{name}.log"
        return path.read_text(errors="replace")[-3000:] if path.exists() else ""

    def app_env(self, instance: str, **extra: str) -> dict[str, str]:
        inherited = {
            name: value
            for name, value in os.environ.items()
            if name not in {"TEST_DATABASE_URL", "PROMETHEUS_MULTIPROC_DIR"}
        }
        env = {
            **inherited,
            "PYTHONPATH": str(ROOT),
            "FLASK_APP": "fellowship",
            "FELLOWSHIP_INSTANCE_PATH": str(self.work / instance),
            "DATABASE_URL": self.pooled_url,
            "FELLOWSHIP_DATABASE_POOLER": "transaction",
            "FELLOWSHIP_STORAGE": "database",
            "FELLOWSHIP_STORAGE_DIR": str(self.work / instance / "storage"),  # must stay empty
            "SECRET_KEY": SECRET_KEY,
            "FELLOWSHIP_VOTER_KEY_SECRET": VOTER_SECRET,
            "FELLOWSHIP_BASE_URL": self.proxy,
            "FELLOWSHIP_RATELIMIT_STORAGE_URI": f"redis://127.0.0.1:{self.ports['redis']}/0",
            "FELLOWSHIP_TRUSTED_PROXIES": "1",
            "FELLOWSHIP_PAGE_CACHE_SECONDS": str(PAGE_CACHE_SECONDS),
            "FELLOWSHIP_MAIL_LEASE_SECONDS": str(MAIL_LEASE_SECONDS),
            "FELLOWSHIP_SMTP_HOST": "127.0.0.1",
            "FELLOWSHIP_SMTP_PORT": str(self.ports["smtp"]),
            "FELLOWSHIP_SMTP_SECURITY": "none",
            "FELLOWSHIP_MAIL_FROM": MAIL_FROM,
            # One address (this machine) makes every request of the load: only the failed sign-ins the
            # rate-limit scenario counts keep a low limit.
            "FELLOWSHIP_RATELIMIT_SIGN_IN": f"{SIGN_IN_LIMIT} per minute",
            "FELLOWSHIP_RATELIMIT_VOTE_IP": "1000000 per hour",
            "FELLOWSHIP_LOG_JSON": "0",
            **extra,
        }
        return env

    def up(self) -> None:
        for name in ("pgbouncer", "redis", "smtp", "a", "b", "nginx"):
            self.ports[name] = free_port()
        self._create_database()
        self._start_redis()
        self.start_pgbouncer()
        self._migrate_and_seed()
        self.start_sink()
        for name in ("a", "b"):
            self._start_app_server(name)
        self._start_nginx()
        for name in ("a", "b"):
            wait_for_answer(self.server(name) + "/healthz")
        self.start_worker("mail-1")
        self.start_worker("mail-2")
        for n in (1, 2):
            self.start(
                f"dispatch-{n}", [sys.executable, "-m", "tests.scaleout.loop", "1"], self.app_env(f"d{n}")
            )

    def down(self) -> None:
        for process in self.processes.values():
            if process.poll() is None:
                process.send_signal(signal.SIGTERM)
        for process in self.processes.values():
            try:
                process.wait(timeout=15)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()
        for log in self.logs:
            log.close()
        if self.database:
            import psycopg

            with psycopg.connect(**self._admin()) as conn:
                conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')

    def _admin(self) -> dict[str, Any]:
        url = sa.make_url(self.server_url)
        return {
            "host": url.host or "127.0.0.1",
            "port": url.port or 5432,
            "user": url.username or "postgres",
            "dbname": "postgres",
            "autocommit": True,
        }

    def _create_database(self) -> None:
        import psycopg

        self.database = f"{sa.make_url(self.server_url).database}_scaleout"
        with psycopg.connect(**self._admin()) as conn:
            conn.execute(f'DROP DATABASE IF EXISTS "{self.database}" WITH (FORCE)')
            conn.execute(f'CREATE DATABASE "{self.database}"')

    def _start_redis(self) -> None:
        process = self.start(
            "redis",
            [
                program("redis-server"),
                "--port",
                str(self.ports["redis"]),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "no",
                "--dir",
                str(self.work),
            ],
        )
        wait_for_port(self.ports["redis"], process, "redis-server")

    def start_pgbouncer(self) -> None:
        """PgBouncer refuses to run as root: as root, it switches to the ``postgres`` account (-u)."""
        folder = self.work / "pgbouncer"
        folder.mkdir()
        url = sa.make_url(self.server_url)
        user = url.username or "postgres"
        (folder / "users.txt").write_text(f'"{user}" ""\n')
        (folder / "pgbouncer.ini").write_text(
            "[databases]\n"
            f"* = host={url.host or '127.0.0.1'} port={url.port or 5432}\n"
            "[pgbouncer]\n"
            "listen_addr = 127.0.0.1\n"
            f"listen_port = {self.ports['pgbouncer']}\n"
            "unix_socket_dir =\n"
            "auth_type = trust\n"
            f"auth_file = {folder / 'users.txt'}\n"
            "pool_mode = transaction\n"
            "max_client_conn = 400\n"
            "default_pool_size = 20\n"
            "ignore_startup_parameters = extra_float_digits,options\n"
            # 1.21 and later can follow prepared statements (1.24 does by default); the proof shows a
            # pooler that does not, as docs/operators.md describes.
            + ("max_prepared_statements = 0\n" if pgbouncer_version() >= (1, 21) else "")
        )
        for path in (self.work, folder, *folder.iterdir()):
            path.chmod(0o755 if path.is_dir() else 0o644)
        command = [program("pgbouncer")]
        if os.geteuid() == 0:
            account = "postgres" if _account_exists("postgres") else "nobody"
            command += ["-u", account]
        process = self.start("pgbouncer", [*command, str(folder / "pgbouncer.ini")])
        wait_for_port(self.ports["pgbouncer"], process, "pgbouncer")

    def _migrate_and_seed(self) -> None:
        env = self.app_env("setup", DATABASE_URL=self.direct_url, FELLOWSHIP_DATABASE_POOLER="none")
        migrate(env)
        code = (
            "import json\n"
            "from fellowship import create_app\n"
            "from tests.scaleout.seed import seed\n"
            "app = create_app()\n"
            "with app.app_context():\n"
            "    print(json.dumps(seed()))\n"
        )
        done = subprocess.run(
            [sys.executable, "-c", code], cwd=ROOT, env=env, check=True, capture_output=True, text=True
        )
        self.seeded = json.loads(done.stdout.strip().splitlines()[-1])

    def start_sink(self) -> None:
        process = self.start(
            "smtp",
            [
                sys.executable,
                "-m",
                "tests.scaleout.sink",
                str(self.ports["smtp"]),
                str(self.record),
                "--hold",
                "[hold]",
                "--flag",
                str(self.hold_flag),
                "--seconds",
                "60",
            ],
        )
        wait_for_port(self.ports["smtp"], process, "the SMTP sink")

    def _start_app_server(self, name: str) -> None:
        metrics = self.work / f"metrics-{name}"
        metrics.mkdir()
        env = self.app_env(name, PROMETHEUS_MULTIPROC_DIR=str(metrics))
        # One process with four threads per server: each server has exactly one page cache, so what a
        # request meets in it is known (with several processes, each would keep its own).
        self.start(
            name,
            [
                str(BIN / "gunicorn"),
                "--workers",
                "1",
                "--threads",
                "4",
                "-b",
                f"127.0.0.1:{self.ports[name]}",
                "--log-level",
                "warning",
                "wsgi:app",
            ],
            env,
        )

    def _start_nginx(self) -> None:
        folder = self.work / "nginx"
        folder.mkdir()
        config = (ROOT / "docs" / "deploy" / "nginx.conf").read_text()
        # The documented site, made to run unprivileged in a folder of its own on loopback ports.
        config = (
            config.replace("listen 443 ssl;", f"listen 127.0.0.1:{self.ports['nginx']};")
            .replace("server 127.0.0.1:8001", f"server 127.0.0.1:{self.ports['a']}")
            .replace("server 127.0.0.1:8002", f"server 127.0.0.1:{self.ports['b']}")
            .replace("/var/cache/nginx/fellowship", str(folder / "cache"))
        )
        config = "\n".join(
            line for line in config.splitlines() if not line.strip().startswith(("ssl_", "# ssl"))
        )
        user = "user root;\n" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"{user}worker_processes 1;\n"
            f"pid {folder}/nginx.pid;\n"
            f"error_log {folder}/error.log warn;\n"
            "events { worker_connections 2048; }\n"
            "http {\n"
            f"  access_log off;\n"
            f"  client_body_temp_path {folder}/body;\n"
            f"  proxy_temp_path {folder}/proxy;\n"
            f"  fastcgi_temp_path {folder}/fastcgi;\n"
            f"  uwsgi_temp_path {folder}/uwsgi;\n"
            f"  scgi_temp_path {folder}/scgi;\n"
            f"{config}\n"
            "}\n"
        )
        process = self.start(
            "nginx",
            [program("nginx"), "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
        )
        wait_for_port(self.ports["nginx"], process, "nginx")

    def start_worker(self, name: str) -> subprocess.Popen[bytes]:
        return self.start(
            name,
            [
                str(BIN / "flask"),
                "--app",
                "fellowship",
                "fellowship",
                "deliver-mail",
                "--batch",
                "20",
                "--interval",
                "0.2",
            ],
            self.app_env(name),
        )

    # --- what the sink received --------------------------------------------------------------------------

    def received(self) -> list[dict[str, Any]]:
        """Every message the sink has recorded in full: a line the sink is still writing (no newline
        yet) waits for the next read."""
        if not self.record.exists():
            return []
        *complete, _partial = self.record.read_text().split("\n")
        return [json.loads(line) for line in complete if line.strip()]


def pgbouncer_version() -> tuple[int, ...]:
    output = subprocess.run([program("pgbouncer"), "--version"], capture_output=True, text=True).stdout
    found = re.search(r"PgBouncer (\d+)\.(\d+)", output)
    return (int(found.group(1)), int(found.group(2))) if found else (0,)


def _account_exists(name: str) -> bool:
    try:
        pwd.getpwnam(name)
    except KeyError:
        return False
    return True


def process_with_port(pids: list[int], port: int) -> int | None:
    """Which of ``pids`` holds the TCP connection whose local port is ``port`` (read from /proc)."""
    inodes = set()
    for table in ("/proc/net/tcp", "/proc/net/tcp6"):
        with contextlib.suppress(OSError):
            for line in Path(table).read_text().splitlines()[1:]:
                parts = line.split()
                if int(parts[1].rsplit(":", 1)[1], 16) == port:
                    inodes.add(parts[9])
    for pid in pids:
        with contextlib.suppress(OSError):
            for fd in Path(f"/proc/{pid}/fd").iterdir():
                with contextlib.suppress(OSError):
                    target = os.readlink(fd)
                    if target.startswith("socket:[") and target[8:-1] in inodes:
                        return pid
    return None
