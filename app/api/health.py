from flask import jsonify
from sqlalchemy import text

from app.api import api_bp
from app.extensions import db
from app.schemas.health import readiness_schema
from app.services.readiness import check_readiness


@api_bp.get("/health")
def health():
    """Is the service up, and can it reach its database?
    ---
    get:
      tags: [service]
      security: []
      responses:
        200: {description: "Up: {status: ok, database: ok}"}
        503: {description: "The database cannot be reached"}
    """
    try:
        db.session.execute(text("SELECT 1"))
    except Exception:  # any driver error means the same thing here: not healthy
        db.session.rollback()
        return jsonify(status="unavailable", database="unreachable"), 503
    return jsonify(status="ok", database="ok")


@api_bp.get("/health/ready")
def health_ready():
    """Ready for traffic: the database answers and its schema is at the latest migration.
    ---
    get:
      tags: [service]
      security: []
      responses:
        200:
          description: "Ready: {status: ready, database: ok, schema: current}"
          content:
            application/json:
              schema: ReadinessSchema
        503:
          description: "Not ready; reason says why (database unreachable, or schema missing, behind or unknown)"
          content:
            application/json:
              schema: ReadinessSchema
    """
    readiness = check_readiness()
    body = {"database": readiness.database, "schema": readiness.schema}
    if readiness.ready:
        return readiness_schema.dump(body | {"status": "ready"})
    return readiness_schema.dump(body | {"status": "unavailable", "reason": readiness.reason}), 503
