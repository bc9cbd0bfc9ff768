"""Observing the running service: structured logs with a request id, Prometheus metrics at
``GET /metrics``, and (in app/api/health.py) the readiness check."""

from __future__ import annotations

from flask import Flask


def init_app(app: Flask) -> None:
    from app.extensions import csrf
    from app.observability import logs, requests
    from app.observability.views import observability_bp

    logs.configure_logging(app)
    requests.init_app(app)
    csrf.exempt(observability_bp)  # read-only, and for machines: no session, no form
    app.register_blueprint(observability_bp)
