"""Start N workers at the same instant, each with its own application context and database connection."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

from fellowship.extensions import db


def run_at_once(app: Any, workers: list[Callable[[], Any]], timeout: float = 30) -> list[Any]:
    """Run each callable in its own thread, released together by a barrier.

    Returns what each returned, or the exception it raised, in the order given. Each thread has its own
    app context, so its own session and connection; the session is removed when the thread ends.
    """
    barrier = threading.Barrier(len(workers))
    results: list[Any] = [None] * len(workers)

    def run(index: int, work: Callable[[], Any]) -> None:
        with app.app_context():
            try:
                db.session.connection()  # check a connection out before the start line
                barrier.wait(timeout)
                results[index] = work()
            except Exception as error:  # noqa: BLE001 - reported to the test, which asserts on it
                db.session.rollback()
                results[index] = error
            finally:
                db.session.remove()

    threads = [threading.Thread(target=run, args=(i, w)) for i, w in enumerate(workers)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout)
    return results
