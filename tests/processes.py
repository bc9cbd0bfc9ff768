"""Real ``ctflow`` processes on the test's database, for the worker, server and kill tests.

``ctflow_env(app, ...)`` is the environment of a ``ctflow`` command that works on the same
database as the ``app`` fixture (the PostgreSQL schema of this test process, through libpq's
``options`` in the URL), with the app's SMTP settings. ``Ctflow`` starts one in a process group
of its own, writes its output to a file, and can wait for a line, signal it, or SIGKILL the
whole group (a gunicorn master and its workers at once).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

from flask import Flask

CTFLOW = str(Path(sys.executable).with_name("ctflow"))


def database_url(app: Flask) -> str:
    url = app.config["SQLALCHEMY_DATABASE_URI"]
    options = (app.config.get("SQLALCHEMY_ENGINE_OPTIONS") or {}).get("connect_args", {}).get("options")
    if options and url.startswith("postgresql"):
        url += ("&" if "?" in url else "?") + "options=" + quote(options.replace(" ", ""), safe="")
    return url


def ctflow_env(app: Flask, env_name: str = "test", **settings: str) -> dict[str, str]:
    """The environment of a ctflow command on the app's database, plus ``settings`` (CTFLOW_*)."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CTFLOW_")}
    env.update(
        CTFLOW_ENV=env_name,
        CTFLOW_DATABASE_URL=database_url(app),
        CTFLOW_SECRET_KEY="process-test-secret-key",
        PYTHONUNBUFFERED="1",
    )
    if app.config.get("SMTP_HOST"):
        env.update(
            CTFLOW_SMTP_HOST=app.config["SMTP_HOST"],
            CTFLOW_SMTP_PORT=str(app.config["SMTP_PORT"]),
            CTFLOW_SMTP_STARTTLS="true" if app.config["SMTP_STARTTLS"] else "false",
            CTFLOW_SMTP_FROM=app.config.get("SMTP_FROM") or "",
        )
    env.update(settings)
    return env


class Ctflow:
    """One ``ctflow`` command running in a process group of its own."""

    def __init__(self, args: list[str], env: dict[str, str], log: Path) -> None:
        self.args = args
        self.log = log
        with open(log, "ab") as out:
            self.process = subprocess.Popen(
                [CTFLOW, *args], env=env, stdout=out, stderr=subprocess.STDOUT, start_new_session=True
            )

    def output(self) -> str:
        return self.log.read_text(errors="replace")

    def wait_for_output(self, text: str, timeout_seconds: float = 120.0) -> None:
        deadline = time.monotonic() + timeout_seconds
        while text not in self.output():
            if self.process.poll() is not None:
                raise AssertionError(
                    f"ctflow {' '.join(self.args)} exited ({self.process.returncode}):\n{self.output()}"
                )
            assert time.monotonic() < deadline, f"no {text!r} in {timeout_seconds}s:\n{self.output()}"
            time.sleep(0.05)

    def signal(self, sig: signal.Signals) -> None:
        self.process.send_signal(sig)

    def kill_group(self) -> None:
        """SIGKILL to every process of the group: nothing gets to clean up."""
        try:
            os.killpg(self.process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        self.process.wait(30)

    def wait(self, timeout_seconds: float = 60.0) -> int:
        try:
            return self.process.wait(timeout_seconds)
        except subprocess.TimeoutExpired:
            self.kill_group()
            raise AssertionError(
                f"ctflow {' '.join(self.args)} still running after {timeout_seconds}s:\n{self.output()}"
            ) from None

    def stop(self) -> None:
        if self.process.poll() is None:
            self.kill_group()


def run_ctflow(
    args: list[str], env: dict[str, str], timeout_seconds: float = 120.0
) -> subprocess.CompletedProcess:
    return subprocess.run([CTFLOW, *args], env=env, capture_output=True, text=True, timeout=timeout_seconds)
