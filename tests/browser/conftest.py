"""Browser tests: Playwright driving Debian's Chromium against the real server on localhost.

One server per test session (per xdist worker, though ``make test`` keeps them all on one worker
with ``--dist loadgroup``): a fresh SQLite file, ``ctflow db upgrade``, ``ctflow seed-demo`` and
``ctflow serve`` on a free port, with the clock frozen so due dates never move. The browser is
``/usr/bin/chromium`` (``make test`` installs the package when missing); Playwright never
downloads one. Every page a journey visits is checked with axe-core (tests/browser/vendor/) and
photographed into test-artifacts/screenshots/.
"""

from __future__ import annotations

import json
import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path

import pytest

from app.services.demo import DEMO_PASSWORD

CHROMIUM = os.getenv("CTFLOW_TEST_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--no-first-run",
]
NOW = "2026-12-14T09:00:00+00:00"  # a Monday; the applications in tests/factories/cases.py arrive today
ROOT = Path(__file__).resolve().parents[2]
SCREENSHOTS = ROOT / "test-artifacts" / "screenshots"
AXE_SOURCE = (Path(__file__).parent / "vendor" / "axe.min.js").read_text(encoding="utf-8")
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22aa"]


def pytest_collection_modifyitems(items):
    for item in items:
        if "tests/browser/" in item.nodeid:
            item.add_marker(pytest.mark.browser)
            item.add_marker(pytest.mark.xdist_group("browser"))


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _ctflow(env: dict[str, str], *args: str) -> None:
    ctflow = str(Path(sys.executable).with_name("ctflow"))
    result = subprocess.run([ctflow, *args], env=env, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, f"ctflow {' '.join(args)} failed:\n{result.stdout}\n{result.stderr}"


# Generous: on a shared, loaded machine `ctflow serve` has taken more than 30 s to answer.
SERVER_START_SECONDS = 120


def _wait_healthy(
    url: str, server: subprocess.Popen, log: Path, seconds: float = SERVER_START_SECONDS
) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        if server.poll() is not None:
            raise RuntimeError(f"ctflow serve exited ({server.returncode}):\n{log.read_text()}")
        try:
            with urllib.request.urlopen(url + "/api/v1/health", timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.1)
    raise RuntimeError(f"ctflow serve did not become healthy in {seconds}s:\n{log.read_text()}")


@pytest.fixture(scope="session")
def server(tmp_path_factory) -> Iterator[str]:
    """The base URL of a real ``ctflow serve`` with the demo councils and users."""
    instance = tmp_path_factory.mktemp("browser-server")
    env = {
        **os.environ,
        "CTFLOW_ENV": "development",
        "CTFLOW_DATABASE_URL": f"sqlite:///{instance / 'ctflow.sqlite3'}",
        "CTFLOW_SECRET_KEY": "browser-test-secret-key",
        "CTFLOW_NOW": NOW,
    }
    env.pop("CTFLOW_SMTP_HOST", None)
    _ctflow(env, "db", "upgrade")
    _ctflow(env, "seed-demo")
    port = _free_port()
    log = instance / "serve.log"
    ctflow = str(Path(sys.executable).with_name("ctflow"))
    with open(log, "w") as out:
        proc = subprocess.Popen(
            [ctflow, "serve", "--port", str(port)], env=env, stdout=out, stderr=subprocess.STDOUT
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_healthy(url, proc, log)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()


@pytest.fixture(scope="session")
def chromium():
    if not (os.path.exists(CHROMIUM) or shutil.which(CHROMIUM)):
        pytest.fail(
            f"{CHROMIUM} is missing: `make test` installs Debian's chromium package (apt-get install chromium)"
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, server):
    context = chromium.new_context(base_url=server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(15_000)
    page = context.new_page()
    yield page
    context.close()


@pytest.fixture(params=[1280, 390], ids=["desktop", "phone"])
def width(request, page) -> int:
    """The page at a desktop's width, then at a phone's (GOV.UK's layout changes at 641 px)."""
    page.set_viewport_size({"width": request.param, "height": 900})
    return request.param


def api(server: str, method: str, path: str, body: dict | None = None, token: str | None = None) -> dict:
    """One JSON call to the server's API, as a client system would make it."""
    headers = {"Content-Type": "application/json", "Accept": "application/json"}
    if token:
        headers["Authorization"] = f"Bearer {token}"
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(server + path, data=data, headers=headers, method=method)
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return json.loads(response.read() or b"{}")
    except urllib.error.HTTPError as exc:
        raise AssertionError(f"{method} {path}: {exc.code} {exc.read().decode()}") from None


def token(server: str, email: str) -> str:
    return api(server, "POST", "/api/v1/auth/token", {"email": email, "password": DEMO_PASSWORD})["token"]


def check_accessibility(page) -> None:
    """axe-core on the page as it is now: no WCAG 2.2 AA violations (A and AA rules of 2.0, 2.1, 2.2).

    The app's CSP allows no injected script tags, so axe's source is evaluated through the
    DevTools protocol, which the page's CSP does not govern.
    """
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SOURCE)
    result = page.evaluate(
        "(tags) => window.axe.run(document, {runOnly: {type: 'tag', values: tags}})", AXE_TAGS
    )
    violations = []
    for v in result["violations"]:
        nodes = [n for n in v["nodes"] if not _govuk_conditional_reveal(v["id"], n)]
        if nodes:
            violations.append(f"{v['id']} ({v['impact']}): {v['help']} at {[n['target'] for n in nodes][:5]}")
    assert not violations, f"axe-core on {page.url}:\n" + "\n".join(violations)


def _govuk_conditional_reveal(rule: str, node: dict) -> bool:
    """GOV.UK Frontend's radios and checkboxes script sets aria-expanded on an input that reveals a
    conditional question; ARIA 1.2 does not list it for radios, and the Design System keeps it on
    purpose because screen readers announce it (a known issue: alphagov/govuk-frontend#979). Only
    that attribute on such an input is let through; any other problem still fails."""
    return (
        rule == "aria-allowed-attr"
        and 'aria-controls="conditional-' in node.get("html", "")
        and "aria-expanded" in node.get("failureSummary", "")
        and node.get("failureSummary", "").count("aria-") == 1
    )


def screenshot(page, name: str) -> None:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / f"{name}.png"), full_page=True)


def visit(page, name: str) -> None:
    """What every page in a journey gets: the axe-core check and a screenshot."""
    screenshot(page, name)
    check_accessibility(page)


def sign_in(page, email: str) -> None:
    page.goto("/sign-in")
    visit(page, "sign-in")
    page.get_by_label("Email address").fill(email)
    page.get_by_role("textbox", name="Password").fill(DEMO_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url("**/")
