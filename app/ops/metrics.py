"""What /metrics shows, in Prometheus' text format (prometheus_client).

Requests are counted by the web process that answers them. Under gunicorn every worker is a
process of its own, and a scrape reaches only one of them, so deploy/gunicorn.conf.py sets
PROMETHEUS_MULTIPROC_DIR: each worker then keeps its counts in a file there and a scrape adds
them all up. The outbox and the senders' work are read from the database at scrape time:
senders may run on other machines and restart at any moment, and the notice rows already
hold every outcome, so their counts are right however many senders there are.
"""

from __future__ import annotations

import hmac
import ipaddress
import os
import time
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from flask import Flask, Response, current_app, request
from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.metrics_core import CounterMetricFamily, GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector
from sqlalchemy import CompoundSelect, String, func, literal, select, type_coerce, union_all

from app.extensions import db
from app.kept_door import ANSWERED_AT_THE_DOOR
from app.notifications.heartbeat import SenderHeartbeat
from app.notifications.models import LetterEvent
from app.outbox import DeliveryState, Notice

REQUESTS = Counter(
    "briefwechsel_http_requests",
    "Requests answered, by endpoint, method and status.",
    ["endpoint", "method", "status"],
)
LATENCY = Histogram(
    "briefwechsel_http_request_duration_seconds",
    "Time from a request's arrival to its response, by endpoint.",
    ["endpoint"],
)
# Where the WSGI environ keeps a request's arrival, set before Flask and every hook see it.
ARRIVED = "briefwechsel.arrived"
# Events are rows of their own until the sender fans them out into notices.
WAITING_EVENTS = "event"


class RequestClock:
    """Notes when a request arrives, so that its time includes every hook and error page."""

    def __init__(self, wsgi_app: Callable[..., Iterable[bytes]]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        environ[ARRIVED] = time.perf_counter()
        answer = self.wsgi_app(environ, start_response)
        if door := environ.get(ANSWERED_AT_THE_DOOR):  # Flask's hooks never saw it
            endpoint, status = door
            REQUESTS.labels(endpoint, environ["REQUEST_METHOD"], str(status)).inc()
            LATENCY.labels(endpoint).observe(time.perf_counter() - environ[ARRIVED])
        return answer


def count_request(response: Response) -> Response:
    """Count every answer, error pages included, by endpoint (not path: their number is finite)."""
    endpoint = request.url_rule.endpoint if request.url_rule else "unrouted"
    REQUESTS.labels(endpoint, request.method, str(response.status_code)).inc()
    arrived = request.environ.get(ARRIVED)
    if arrived is not None:
        LATENCY.labels(endpoint).observe(time.perf_counter() - arrived)
    return response


class OutboxCollector(Collector):
    """The outbox and the senders' work, read from the database at each scrape."""

    def collect(self) -> Iterator[Metric]:
        counts = {state: (0, 0) for state in [*DeliveryState, WAITING_EVENTS]}
        for state, number, failed_attempts in db.session.execute(outbox_by_state()):
            counts[state] = (number, failed_attempts or 0)
        depth = GaugeMetricFamily(
            "briefwechsel_outbox",
            "Emails in the outbox by state; 'event': published letters not yet fanned out.",
            labels=["state"],
        )
        for state, (number, _failed) in counts.items():
            depth.add_metric([str(state)], number)
        yield depth
        yield CounterMetricFamily(
            "briefwechsel_notices_sent",
            "Emails handed to the mail server (their rate is the send rate).",
            value=counts[DeliveryState.SENT][0],
        )
        yield CounterMetricFamily(
            "briefwechsel_delivery_failures",
            "Delivery attempts that failed (each retry counts; refusals too).",
            value=sum(failed for _number, failed in counts.values()),
        )
        yield sender_last_round()


def outbox_by_state() -> CompoundSelect:
    """One statement: notices by state with their failed attempts, and unfanned events."""
    # The plain text of the state: the enum type would refuse the events' label.
    state = type_coerce(Notice.state, String(10))
    notices = select(state, func.count(), func.coalesce(func.sum(Notice.attempts), 0)).group_by(
        state
    )
    events = select(literal(WAITING_EVENTS), func.count(), literal(0)).where(
        LetterEvent.fanned_out_at.is_(None)
    )
    return union_all(notices, events)


def sender_last_round() -> GaugeMetricFamily:
    """When any sender last started a round (alert when it lies minutes back)."""
    latest = db.session.scalar(select(func.max(SenderHeartbeat.beat_at)))
    gauge = GaugeMetricFamily(
        "briefwechsel_sender_last_round_timestamp_seconds",
        "Unix time at which a sender last started a round (0: never).",
    )
    gauge.add_metric([], latest.timestamp() if latest else 0)
    return gauge


def metrics_page() -> bytes:
    """Every metric in Prometheus' text format, added up over all workers when there are several."""
    registry = CollectorRegistry()
    shared_directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if shared_directory:
        MultiProcessCollector(registry, path=shared_directory)
    else:
        registry.register(REQUESTS)
        registry.register(LATENCY)
    registry.register(OutboxCollector())
    return generate_latest(registry)


# Headers a reverse proxy adds: a request carrying one came through the proxy, from anywhere.
FORWARDING_HEADERS = ("X-Forwarded-For", "X-Real-IP", "Forwarded")


def may_read_metrics() -> bool:
    """With METRICS_TOKEN: whoever sends it. Without: only a scraper on this machine.

    A request through the reverse proxy arrives from the loopback address too, so one that
    carries a proxy's forwarding header is refused: otherwise the whole world could read it.
    """
    token = current_app.config.get("METRICS_TOKEN")
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    if any(header in request.headers for header in FORWARDING_HEADERS):
        return False
    try:
        return ipaddress.ip_address(request.remote_addr or "").is_loopback
    except ValueError:
        return False


def init_request_metrics(app: Flask) -> None:
    """Count and time every request the app answers."""
    app.wsgi_app = RequestClock(app.wsgi_app)
    app.after_request(count_request)
