"""/healthz for load balancers and /metrics for Prometheus."""

from __future__ import annotations

from flask import Response, abort, current_app, jsonify
from flask_babel import gettext as _
from prometheus_client import CONTENT_TYPE_LATEST
from sqlalchemy import select
from sqlalchemy.exc import SQLAlchemyError

from app.extensions import db
from app.ops import bp
from app.ops.metrics import may_read_metrics, metrics_page

# Neither a proxy's cache nor a browser's may keep an answer that is about this moment.
NOT_STORED = {"Cache-Control": "no-store"}


@bp.get("/healthz")
def healthz() -> tuple[Response, int, dict[str, str]]:
    """200 while the database answers, 503 when it does not: a load balancer looks elsewhere."""
    try:
        db.session.execute(select(1))
    except SQLAlchemyError as error:
        current_app.logger.warning("Health check: the database does not answer: %s", error)
        forget_failed_statement()
        return jsonify(status="unavailable", database="not answering"), 503, NOT_STORED
    return jsonify(status="ok", database="ok"), 200, NOT_STORED


def forget_failed_statement() -> None:
    """End the failed transaction; the connection itself may be what failed."""
    try:
        db.session.rollback()
    except SQLAlchemyError:
        current_app.logger.warning("Health check: rolling back failed too.")


@bp.get("/metrics")
def metrics() -> tuple[bytes, int, dict[str, str]]:
    """Requests, the outbox and the senders' work, for Prometheus."""
    if not may_read_metrics():
        abort(403, description=_("Only this machine, or a scraper with the token, sees metrics."))
    headers = {"Content-Type": CONTENT_TYPE_LATEST, **NOT_STORED}
    return metrics_page(), 200, headers
