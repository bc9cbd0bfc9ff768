from flask import jsonify
from sqlalchemy import text

from app.api import api_bp
from app.extensions import db


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
