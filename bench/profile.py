"""Profile one request against a database a ``bench.run --keep`` run seeded (pyinstrument, in-process).

    python -m bench.profile --reuse /tmp/bench-data "/cohorts/1/progress" [--times 20] [--anonymous]
    python -m bench.profile --reuse /tmp/bench-data grid      # the attendance grid save the harness makes

Prints the call tree of the slowest parts and the SQL statements with their total time, so a missed target
can be explained (and fixed) from a profile rather than a guess.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import time
from collections import defaultdict
from pathlib import Path
from typing import Any


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("--reuse", type=Path, required=True)
    parser.add_argument("path")
    parser.add_argument("--times", type=int, default=20)
    parser.add_argument("--anonymous", action="store_true")
    parser.add_argument("--brief", action="store_true", help="only the time per request and the SQL time")
    args = parser.parse_args()
    kept = json.loads((args.reuse / "kept.json").read_text())
    from bench.run import environment

    os.environ.update(environment(Path(kept["instance"]), kept["database"]))
    import sqlalchemy as sa
    from pyinstrument import Profiler

    from fellowship import create_app
    from fellowship.accounts.models import User
    from fellowship.extensions import db
    from tests.clients import Client

    app = create_app()
    app.test_client_class = Client
    data = kept["data"]
    with app.app_context():
        client = app.test_client()
        if not args.anonymous:
            client.login_as(
                db.session.scalar(sa.select(User).where(User.email == "bench.facilitator@example.org"))
            )
        request: Any
        if args.path == "grid":
            path = f"/events/{data['grid_event']}/attendance"
            form = client.get(path).get_data(as_text=True)
            fields = dict(re.findall(r'<input type="hidden" name="(o[sn]-[^"]+)" value="([^"]*)"', form))
            body = {**fields, **{key[1:]: value for key, value in fields.items()}}

            def request() -> Any:
                return client.post(path, data=body)
        else:

            def request() -> Any:
                return client.get(args.path)

        print("status", request().status_code)
        begun = time.perf_counter()
        for _ in range(args.times):
            request()
        print(f"{(time.perf_counter() - begun) / args.times * 1000:.1f} ms per request without the profiler")
        timings: dict[str, list[float]] = defaultdict(list)
        started: list[float] = []
        sa.event.listen(db.engine, "before_cursor_execute", lambda *a: started.append(time.perf_counter()))
        sa.event.listen(
            db.engine,
            "after_cursor_execute",
            lambda _c, _cur, statement, *_a: timings[" ".join(statement.split())[:160]].append(
                time.perf_counter() - started.pop()
            ),
        )
        profiler = Profiler(interval=0.0005)
        begun = time.perf_counter()
        with profiler:
            for _ in range(args.times):
                request()
        elapsed = (time.perf_counter() - begun) / args.times
        print(f"{elapsed * 1000:.1f} ms per request with it")
        sql = sum(sum(seconds) for seconds in timings.values()) / args.times * 1000
        print(
            f"SQL: {sum(len(s) for s in timings.values()) // args.times} statements, {sql:.1f} ms per request"
        )
        if args.brief:
            return 0
        for statement, seconds in sorted(timings.items(), key=lambda item: -sum(item[1])):
            print(f"{sum(seconds) / args.times * 1000:8.2f} ms  ×{len(seconds) // args.times}  {statement}")
        print(profiler.output_text(unicode=False, color=False, show_all=False)[:12000])
    return 0


if __name__ == "__main__":
    sys.exit(main())
