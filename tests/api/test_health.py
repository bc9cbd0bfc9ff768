import pytest


def test_health_reports_database_ok(client):
    response = client.get("/api/v1/health")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_ready_when_the_schema_is_at_the_latest_migration(client):
    response = client.get("/api/v1/health/ready")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ready", "database": "ok", "schema": "current"}


def _scratch_app(tmp_path, url: str):
    from app import create_app

    return create_app("test", INSTANCE_PATH=str(tmp_path), SECRET_KEY="k", SQLALCHEMY_DATABASE_URI=url)


def test_not_ready_one_migration_behind_until_upgraded(tmp_path):
    from flask_migrate import downgrade, upgrade

    app = _scratch_app(tmp_path, f"sqlite:///{tmp_path / 'scratch.sqlite3'}")
    client = app.test_client()
    missing = client.get("/api/v1/health/ready")
    assert missing.status_code == 503
    assert missing.get_json()["schema"] == "missing"
    with app.app_context():
        upgrade()
        downgrade(revision="-1")
    behind = client.get("/api/v1/health/ready")
    assert behind.status_code == 503
    assert behind.get_json() == {
        "status": "unavailable",
        "database": "ok",
        "schema": "behind",
        "reason": "The database schema is behind this version of ctflow: run `ctflow db upgrade`.",
    }
    with app.app_context():
        upgrade()
    assert client.get("/api/v1/health/ready").status_code == 200


def test_not_ready_at_a_revision_this_code_does_not_know(tmp_path):
    from flask_migrate import upgrade
    from sqlalchemy import text

    from app.extensions import db

    app = _scratch_app(tmp_path, f"sqlite:///{tmp_path / 'scratch.sqlite3'}")
    with app.app_context():
        upgrade()
        db.session.execute(text("UPDATE alembic_version SET version_num = '0999'"))
        db.session.commit()
    response = app.test_client().get("/api/v1/health/ready")
    assert response.status_code == 503 and response.get_json()["schema"] == "unknown"


@pytest.mark.parametrize(
    "url",
    ["sqlite:////nonexistent-directory/ctflow.sqlite3", "postgresql://postgres@127.0.0.1:1/ctflow"],
    ids=["sqlite-cannot-open", "postgresql-refused"],
)
def test_not_ready_when_the_database_cannot_be_reached(tmp_path, url):
    response = _scratch_app(tmp_path, url).test_client().get("/api/v1/health/ready")
    assert response.status_code == 503
    assert response.get_json() == {
        "status": "unavailable",
        "database": "unreachable",
        "schema": "unknown",
        "reason": "The database cannot be reached.",
    }
