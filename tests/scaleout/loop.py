"""A ``dispatch`` loop for the scale-out proof: what cron does every minute, every ``interval`` seconds, in
one process (importing the application once), until stopped.

    python -m tests.scaleout.loop INTERVAL
"""

from __future__ import annotations

import signal
import sys
import time

from fellowship import create_app


def main() -> None:
    interval = float(sys.argv[1])
    stop = []
    signal.signal(signal.SIGTERM, lambda *_: stop.append(True))
    app = create_app()
    runner = app.test_cli_runner()
    while not stop:
        result = runner.invoke(args=["fellowship", "dispatch"])
        print(
            result.output, end="" if result.exit_code == 0 else f"failed: {result.exception!r}\n", flush=True
        )
        time.sleep(interval)


if __name__ == "__main__":
    main()
