"""/healthz tells a load balancer whether the database answers; /metrics feeds Prometheus."""

from __future__ import annotations

from datetime import timedelta

import pytest
from flask import Flask
from prometheus_client.parser import text_string_to_metric_families

from app.database import utc_now
from app.extensions import db
from app.notifications.heartbeat import SenderHeartbeat
from app.subscriptions.models import Target
from tests.mailserver import free_port
from tests.support import app_for_tests, deliver_outbox

PROXY_CLIENT = {"REMOTE_ADDR": "127.0.0.1", "HTTP_X_FORWARDED_FOR": "203.0.113.9"}


def metric(text: str, name: str, **labels: str) -> float:
    """The value of one sample of a scrape (0 when it is not there)."""
    for family in text_string_to_metric_families(text):
        for sample in family.samples:
            if sample.name == name and all(sample.labels.get(k) == v for k, v in labels.items()):
                return sample.value
    return 0.0


def scrape(app: Flask, **environ: str) -> str:
    response = app.test_client().get("/metrics", environ_base=environ)
    assert response.status_code == 200, response.get_data(as_text=True)[:500]
    return response.get_data(as_text=True)


def test_healthz_answers_ok_while_the_database_answers(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json()["status"] == "ok"
    assert response.headers["Cache-Control"] == "no-store"  # no proxy keeps an old "ok"


@pytest.mark.parametrize(
    "url",
    [
        pytest.param(f"postgresql://briefwechsel@127.0.0.1:{free_port()}/gone", id="closed-port"),
        pytest.param("sqlite:////nonexistent/folder/briefwechsel.sqlite", id="unopenable-file"),
    ],
)
def test_healthz_answers_503_in_json_when_the_database_does_not(url):
    app = app_for_tests(url)
    with app.app_context():
        response = app.test_client().get("/healthz")
        db.engine.dispose()
    assert response.status_code == 503
    assert response.get_json() == {"status": "unavailable", "database": "not answering"}
    assert response.headers["Cache-Control"] == "no-store"


def test_metrics_count_requests_by_endpoint_and_status_and_time_them(app, make_user, make_letter):
    letter = make_letter(make_user())
    before = scrape(app)
    client = app.test_client()
    for _ in range(3):
        assert client.get(f"/letters/{letter.slug}").status_code == 200
    assert client.get("/letters/no-such-letter").status_code == 404
    after = scrape(app)

    def grew(name: str, **labels: str) -> float:
        return metric(after, name, **labels) - metric(before, name, **labels)

    ok = {"endpoint": "letters.show", "method": "GET"}
    assert grew("briefwechsel_http_requests_total", status="200", **ok) == 3
    assert grew("briefwechsel_http_requests_total", status="404", **ok) == 1
    timed = {"endpoint": "letters.show"}
    assert grew("briefwechsel_http_request_duration_seconds_count", **timed) == 4
    assert grew("briefwechsel_http_request_duration_seconds_sum", **timed) > 0


def test_metrics_page_runs_the_same_statements_however_full_the_outbox(
    app, make_user, make_letter, subscribe, count_queries
):
    author = make_user()
    make_letter(author, None, title="First")
    with count_queries() as few:
        scrape(app)
    for number in range(10):
        subscribe(f"reader{number}@example.org", Target.SITE)
    for number in range(2):
        make_letter(author, None, title=f"Letter {number}")
    deliver_outbox()
    with count_queries() as many:
        scrape(app)
    assert many.count == few.count == 2  # the outbox by state; the senders' last round


def test_metrics_are_refused_to_other_machines_and_to_requests_through_a_proxy(app):
    client = app.test_client()
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "203.0.113.9"}).status_code == 403
    assert client.get("/metrics", environ_base=PROXY_CLIENT).status_code == 403
    assert client.get("/metrics", headers={"X-Real-IP": "203.0.113.9"}).status_code == 403
    assert client.get("/metrics", environ_base={"REMOTE_ADDR": "::1"}).status_code == 200
    assert "briefwechsel_outbox" in scrape(app, REMOTE_ADDR="127.0.0.1")


def test_metrics_token_lets_a_scraper_elsewhere_in_and_nobody_without_it(app_factory):
    app = app_factory(METRICS_TOKEN="a-long-random-metrics-token")
    client = app.test_client()
    remote = {"REMOTE_ADDR": "203.0.113.9"}

    def status(authorization: str | None, environ: dict[str, str]) -> int:
        headers = {"Authorization": authorization} if authorization else {}
        return client.get("/metrics", headers=headers, environ_base=environ).status_code

    assert status("Bearer a-long-random-metrics-token", remote) == 200
    assert status("Bearer a-long-random-metrics-token", PROXY_CLIENT) == 200
    assert status("Bearer the-wrong-token", remote) == 403
    assert status(None, remote) == 403
    assert status(None, {"REMOTE_ADDR": "127.0.0.1"}) == 403  # with a token, everyone sends it


def test_sender_round_leaves_a_heartbeat_on_this_machine(app):
    started = utc_now()
    deliver_outbox()
    deliver_outbox()
    (beat,) = db.session.scalars(db.select(SenderHeartbeat)).all()
    assert started - timedelta(seconds=1) <= beat.beat_at <= utc_now()
