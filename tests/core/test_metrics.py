"""/readyz and /metrics: what an operator's load balancer and Prometheus read."""

from __future__ import annotations

import datetime as dt
from typing import Any

from fellowship.core import clock, mail, notifications
from fellowship.extensions import db


def test_readyz_checks_the_database_and_redis_when_limits_use_it(
    app: Any, client: Any, monkeypatch: Any
) -> None:
    ready = client.get("/readyz")
    assert ready.status_code == 200 and ready.get_json() == {
        "database": "ok",
        "redis": "not used",
        "status": "ok",
    }
    assert ready.headers["Cache-Control"] == "no-store"
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:1/0")  # nothing listens there
    down = client.get("/readyz")
    assert down.status_code == 503 and down.get_json()["redis"] == "unavailable"
    assert down.get_json()["status"] == "unavailable: redis"


def test_metrics_count_requests_by_route_pattern_and_read_the_outbox(
    app: Any, client: Any, monkeypatch: Any
) -> None:
    monkeypatch.setitem(app.config, "FELLOWSHIP_METRICS_TOKEN", "scrape-token-for-tests")
    mail.queue("test", "someone@example.org", "Hello", "Text")
    db.session.commit()
    message = db.session.scalars(db.select(mail.OutboxMessage)).one()
    message.created_at = clock.now() - dt.timedelta(minutes=5)
    db.session.commit()
    client.get("/sign-in")
    client.get("/awards/no-such-contest")
    assert client.get("/metrics").status_code == 404  # no token
    assert client.get("/metrics", headers={"Authorization": "Bearer wrong"}).status_code == 404
    scraped = client.get("/metrics", headers={"Authorization": "Bearer scrape-token-for-tests"})
    text = scraped.get_data(as_text=True)
    assert scraped.status_code == 200 and scraped.mimetype == "text/plain"
    assert 'fellowship_requests_total{method="GET",route="/sign-in",status="200"}' in text
    assert 'route="/awards/<slug>",status="404"' in text and "no-such-contest" not in text
    assert 'fellowship_request_seconds_bucket{le="0.005",method="GET",route="/sign-in"}' in text
    assert "fellowship_outbox_pending 1.0" in text
    oldest = next(
        line for line in text.splitlines() if line.startswith("fellowship_outbox_oldest_pending_seconds ")
    )
    assert 299 <= float(oldest.split()[1]) <= 301
    assert "fellowship_vote_confirmations_total" in text


def test_without_a_token_metrics_answer_the_machine_itself_only(app: Any, client: Any) -> None:
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "127.0.0.1"}).status_code == 200
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 404


def _gauge(text: str, name: str) -> float:
    return float(next(line for line in text.splitlines() if line.startswith(name + " ")).split()[1])


def test_dispatch_lag_is_how_long_ago_dispatch_last_finished(app: Any, client: Any, clock: Any) -> None:
    local = {"REMOTE_ADDR": "127.0.0.1"}
    before = client.get("/metrics", environ_base=local).get_data(as_text=True)
    assert _gauge(before, "fellowship_dispatch_lag_seconds") == float("inf")  # never ran: alert-worthy
    result = app.test_cli_runner().invoke(args=["fellowship", "dispatch"])
    assert result.exit_code == 0, result.output
    assert {name for name, _ in notifications.dispatchers()} == set(notifications.last_runs())
    clock.advance(dt.timedelta(seconds=90))
    after = client.get("/metrics", environ_base=local).get_data(as_text=True)
    assert _gauge(after, "fellowship_dispatch_lag_seconds") == 90
    assert 'fellowship_dispatch_seconds_since_run{dispatcher="event reminders"} 90.0' in after
    app.test_cli_runner().invoke(args=["fellowship", "dispatch"])
    again = client.get("/metrics", environ_base=local).get_data(as_text=True)
    assert _gauge(again, "fellowship_dispatch_lag_seconds") == 0
