"""What an operator watches: request counts and latencies by route pattern, the mail outbox's backlog and
its oldest waiting message, how long ago ``dispatch`` last ran, and vote confirmations, in Prometheus's text
format (``prometheus-client``).

Under gunicorn, set ``PROMETHEUS_MULTIPROC_DIR`` to an empty folder writable by the workers (cleared at each
start): every worker then writes its counters there and ``/metrics`` adds them up, whichever worker answers.
Without it (one process: ``make run``, the tests) the process's own registry is read. The outbox
and dispatch figures are read from the database when scraped, so they are the same from every server.

``/metrics`` answers only with the bearer token ``FELLOWSHIP_METRICS_TOKEN``; without a token set, only to
requests from the machine itself (a scraper on the same host or a sidecar). Anyone else gets 404.
"""

from __future__ import annotations

import hmac
import os
import time
from collections.abc import Iterator
from typing import Any

import sqlalchemy as sa
from flask import Response, abort, current_app, g, request
from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.core import GaugeMetricFamily
from prometheus_client.registry import Collector

from fellowship.core import clock

REQUESTS = Counter(
    "fellowship_requests_total",
    "Requests answered, by method, route pattern and status.",
    ["method", "route", "status"],
)
LATENCY = Histogram(
    "fellowship_request_seconds",
    "Time to answer a request, by method and route pattern.",
    ["method", "route"],
    buckets=(0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10),
)
VOTE_CONFIRMATIONS = Counter("fellowship_vote_confirmations_total", "Audience votes confirmed.")
LOOPBACK = {"127.0.0.1", "::1"}


def _route() -> str:
    rule = request.url_rule
    return rule.rule if rule is not None else "(no route)"  # never the raw path: unbounded labels


def _started() -> None:
    g.metrics_started = time.perf_counter()


def _answered(response: Response) -> Response:
    """Count the answer; its time too, unless an earlier hook refused the request before ours started."""
    route = _route()
    REQUESTS.labels(request.method, route, str(response.status_code)).inc()
    started = g.pop("metrics_started", None)
    if started is not None:
        LATENCY.labels(request.method, route).observe(time.perf_counter() - started)
    return response


class OutboxCollector(Collector):
    """The outbox as it is now: messages waiting to be sent and the age of the oldest (one query)."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from fellowship.core.mail import MailStatus, OutboxMessage
        from fellowship.extensions import db

        count, oldest = db.session.execute(
            sa.select(sa.func.count(OutboxMessage.id), sa.func.min(OutboxMessage.created_at)).where(
                OutboxMessage.status == MailStatus.PENDING
            )
        ).one()
        db.session.rollback()  # a read for the scrape: end its transaction
        backlog = GaugeMetricFamily("fellowship_outbox_pending", "Messages waiting in the mail outbox.")
        backlog.add_metric([], count)
        yield backlog
        age = GaugeMetricFamily(
            "fellowship_outbox_oldest_pending_seconds", "Age of the oldest message waiting in the outbox."
        )
        age.add_metric([], (clock.now() - oldest).total_seconds() if oldest is not None else 0.0)
        yield age


class DispatchCollector(Collector):
    """How long ago ``flask fellowship dispatch`` last finished each of its dispatchers (one query).

    ``fellowship_dispatch_lag_seconds`` is the oldest of them: with dispatch run every minute it stays
    under about 60 plus a run's length; when it grows, dispatch has stopped (or one dispatcher fails every
    run and rolls back). It is +Inf until dispatch has run at all."""

    def collect(self) -> Iterator[GaugeMetricFamily]:
        from fellowship.core import notifications
        from fellowship.extensions import db

        runs = notifications.last_runs()
        db.session.rollback()
        now = clock.now()
        ages = {}
        for name, _dispatcher in notifications.dispatchers():
            finished = runs.get(name)  # UTCDateTime: always aware
            ages[name] = (now - finished).total_seconds() if finished is not None else float("inf")
        each = GaugeMetricFamily(
            "fellowship_dispatch_seconds_since_run",
            "Seconds since dispatch last finished this dispatcher.",
            labels=["dispatcher"],
        )
        for name, age in ages.items():
            each.add_metric([name], age)
        yield each
        lag = GaugeMetricFamily(
            "fellowship_dispatch_lag_seconds", "Seconds since the dispatcher run longest ago finished."
        )
        lag.add_metric([], max(ages.values(), default=0.0))
        yield lag


def _allowed() -> bool:
    token = current_app.config.get("FELLOWSHIP_METRICS_TOKEN") or ""
    if token:
        given = request.headers.get("Authorization", "")
        return hmac.compare_digest(given.encode(), f"Bearer {token}".encode())
    return request.remote_addr in LOOPBACK


def metrics() -> Response:
    if not _allowed():
        abort(404)
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
    else:
        registry = CollectorRegistry()
        for collector in (REQUESTS, LATENCY, VOTE_CONFIRMATIONS):
            registry.register(collector)
    registry.register(OutboxCollector())
    registry.register(DispatchCollector())
    response = current_app.response_class(generate_latest(registry), mimetype=CONTENT_TYPE_LATEST)
    response.headers["Cache-Control"] = "no-store"
    return response


def init_app(blueprint: Any) -> None:
    """Count every request the application's blueprints answer (a host site's own pages are not counted)
    and add ``/metrics``."""
    blueprint.before_request(_started)
    blueprint.after_request(_answered)
    blueprint.add_url_rule("/metrics", "metrics", metrics)
