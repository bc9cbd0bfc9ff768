"""The app factory refuses configurations that cannot work, with a message naming the setting."""

import pytest

from app import create_app
from app.clock import Clock
from app.config import ConfigError, read_environment
from app.councils import CouncilConfigError


def test_the_frozen_clock_is_refused_in_production(tmp_path):
    with pytest.raises(ConfigError, match="CTFLOW_NOW"):
        create_app("production", INSTANCE_PATH=str(tmp_path), SECRET_KEY="s", NOW="2026-11-23T10:00:00Z")


def test_production_needs_a_secret_key(tmp_path):
    with pytest.raises(ConfigError, match="CTFLOW_SECRET_KEY"):
        create_app("production", INSTANCE_PATH=str(tmp_path))


def test_development_generates_and_keeps_a_secret_key(tmp_path):
    first = create_app("development", INSTANCE_PATH=str(tmp_path)).config["SECRET_KEY"]
    second = create_app("development", INSTANCE_PATH=str(tmp_path)).config["SECRET_KEY"]
    assert first == second and len(first) >= 40
    assert (tmp_path / "secret_key").stat().st_mode & 0o777 == 0o600


def test_sqlite_in_the_instance_folder_is_the_default(tmp_path, monkeypatch):
    monkeypatch.delenv("CTFLOW_DATABASE_URL", raising=False)
    app = create_app("development", INSTANCE_PATH=str(tmp_path))
    assert app.config["SQLALCHEMY_DATABASE_URI"] == f"sqlite:///{tmp_path / 'ctflow.sqlite3'}"


def test_a_plain_postgresql_url_uses_psycopg3(tmp_path):
    app = create_app(
        "development", INSTANCE_PATH=str(tmp_path), SQLALCHEMY_DATABASE_URI="postgresql://u@h/db"
    )
    assert app.config["SQLALCHEMY_DATABASE_URI"] == "postgresql+psycopg://u@h/db"


def test_an_unknown_environment_is_refused(tmp_path):
    with pytest.raises(ConfigError, match="CTFLOW_ENV must be one of"):
        create_app("staging", INSTANCE_PATH=str(tmp_path))


def test_environment_variables_are_parsed_and_checked():
    assert read_environment({"CTFLOW_MAX_BODY_BYTES": "2048", "CTFLOW_NOW": ""}) == {
        "MAX_CONTENT_LENGTH": 2048
    }
    with pytest.raises(ConfigError, match="CTFLOW_TOKEN_TTL_SECONDS must be int"):
        read_environment({"CTFLOW_TOKEN_TTL_SECONDS": "a day"})


@pytest.mark.parametrize("variable, key", [("CTFLOW_NOTIFY_TIMEOUT_SECONDS", "NOTIFY_TIMEOUT_SECONDS"),
                                           ("CTFLOW_SMTP_TIMEOUT_SECONDS", "SMTP_TIMEOUT_SECONDS")])  # fmt: skip
def test_the_senders_timeouts_are_seconds_above_zero(variable, key):
    assert read_environment({variable: "12.5"}) == {key: 12.5}
    for wrong in ("0", "-3", "soon", "inf", "nan"):
        with pytest.raises(ConfigError, match=f"{variable} must be seconds, not '{wrong}'"):
            read_environment({variable: wrong})


def test_a_bad_councils_file_stops_the_app_naming_file_council_and_field(tmp_path):
    bad = tmp_path / "councils.toml"
    bad.write_text('[councils.derby-city]\nname = "Derby"\nnation = "scotland"\n')
    with pytest.raises(CouncilConfigError) as caught:
        create_app("development", INSTANCE_PATH=str(tmp_path), COUNCILS_FILE=str(bad))
    message = str(caught.value)
    assert "councils.toml" in message and "derby-city" in message and "nation" in message


def test_clock_today_is_the_date_in_england():
    # 23:30 UTC in summer is 00:30 the next day in London.
    assert str(Clock(None).today()) != ""  # system clock works
    summer = Clock()
    summer.freeze("2026-07-01T23:30:00+00:00")
    assert summer.today().isoformat() == "2026-07-02"
    winter = Clock()
    winter.freeze("2026-12-01T23:30:00+00:00")
    assert winter.today().isoformat() == "2026-12-01"
