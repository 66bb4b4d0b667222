"""Rate limits hold when the requests arrive together, not only one after another."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

from tests.conftest import World


def test_a_simultaneous_burst_of_sign_ins_gets_exactly_the_allowed_number_through(
    world: World, app: Any
) -> None:
    """Thirty guesses from one address released at the same instant: the limit is ten a minute, so ten
    are answered (wrong password) and twenty refused, whatever the interleaving."""
    clients = [app.test_client() for _ in range(30)]
    tokens = [client.csrf_token() for client in clients]
    barrier = threading.Barrier(len(clients))
    statuses: list[Any] = [None] * len(clients)

    def guess(n: int) -> None:
        barrier.wait(30)
        with app.app_context():
            data = {"email": f"burst{n}@example.org", "password": "wrong", "csrf_token": tokens[n]}
            try:
                statuses[n] = clients[n].post("/sign-in", data=data).status_code
            except Exception as error:  # noqa: BLE001 - reported by the assertion below
                statuses[n] = error

    threads = [threading.Thread(target=guess, args=(n,)) for n in range(len(clients))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(60)
    assert Counter(statuses) == {401: 10, 429: 20}, statuses
    late = app.test_client().post("/sign-in", data={"email": "late@example.org", "password": "x"})
    assert late.status_code == 429
