"""Issue 13: hostile diagram code gives a clear problem naming its element, never a frozen server.

At upload (422, listed under the element), at a test-run (an error naming the element), and
for a running case (409, nothing saved). The code below is refused by the sandbox's size checks
in process; the uploads and test-runs are checked in a child process as well
(app/engine/isolation.py, tested in tests/engine/test_isolation.py).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.factories.cases import application

DERBYSHIRE = (
    Path(__file__).resolve().parents[2] / "processes" / "community_trigger_derbyshire.bpmn"
).read_text()
KEY = "community_trigger_derbyshire"
ACKNOWLEDGE_DUE = "add_working_days(received_on, 5)"
POST_SCRIPT = 'information_return = {"agency": agency, "summary": summary, "actions_taken": actions_taken}'


def with_due(expression: str) -> str:
    changed = DERBYSHIRE.replace(ACKNOWLEDGE_DUE, expression.replace("'", "&apos;"), 1)
    assert changed != DERBYSHIRE
    return changed


def with_post_script(script: str) -> str:
    changed = DERBYSHIRE.replace(POST_SCRIPT, script.replace('"', "&quot;"), 1)
    assert changed != DERBYSHIRE
    return changed


def upload(client, derby, xml: str | bytes):
    body = xml.encode() if isinstance(xml, str) else xml
    return client.post(f"/api/v1/processes/{KEY}/versions", data=body, content_type="application/xml",
                       headers=derby.as_("owner"))  # fmt: skip


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ("len(str(sum([[0] * 1000 for i in range(1000)], [])))", "sum() adds numbers"),
        ("str(len('%*d' % (10000000, 1)))", "width"),
        ("str(len(f'{1:>10000000}'))", "width"),
        ("str(len(b'x' * 10000000 * 10000000))", "longer than"),
        ("str(len([[0] * 99999 for i in range(10000)]))", "memory"),
        ("add_working_days(received_on, 9999999)", "at most 2,600 working days"),
    ],
    ids=["sum-of-lists", "percent-width", "fstring-width", "bytes-repetition", "memory-growth", "day-count"],
)
def test_a_hostile_due_date_is_422_naming_its_element(derby, client, expression, fragment):
    started_cases = client.get("/api/v1/processes", headers=derby.as_("owner")).get_json()
    response = upload(client, derby, with_due(expression))
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert any(fragment in message for message in fields["acknowledge"]), fields
    assert client.get("/api/v1/processes", headers=derby.as_("owner")).get_json() == started_cases


@pytest.mark.parametrize(
    ("script", "fragment"),
    [
        ("information_return = range(3)", "a range cannot be saved"),
        ("information_return = b'summary'", "a bytes cannot be saved"),
        ("information_return = {agency, summary}", "a set cannot be saved"),
        ("information_return = float('nan')", "nan is not a number"),
    ],
    ids=["range", "bytes", "set", "nan"],
)
def test_a_script_storing_what_cannot_be_saved_is_422_at_upload(derby, client, script, fragment):
    response = upload(client, derby, with_post_script(script))
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    assert any(fragment in message for message in fields["return_information"]), fields


def test_a_script_storing_what_cannot_be_saved_on_real_data_is_an_error_at_test_run(derby, client):
    # Sample data at upload has agency == 1: the set is only made on a real case's data.
    script = "information_return = {agency} if agency != 1 else 0"
    response = upload(client, derby, with_post_script(script))
    assert response.status_code == 201, response.get_json()
    number = response.get_json()["number"]
    response = client.post(f"/api/v1/processes/{KEY}/versions/{number}/test-run",
                           json={"council": "derby-city", "scenario": "met"}, headers=derby.as_("owner"))  # fmt: skip
    assert response.status_code == 200, response.get_json()
    result = response.get_json()
    assert result["outcome"] == "error"
    assert result["error_element"] == "return_information"
    assert "information_return, which cannot be saved with the case: a set cannot be saved" in result["error"]


def test_a_running_case_whose_code_breaks_its_limits_is_a_case_level_error_and_nothing_is_saved(
    derby, client, clock
):
    clock.freeze("2026-12-14T09:00:00+00:00")
    # The upload's sample data has channel == 1; a real application's channel is a word.
    expression = f"{ACKNOWLEDGE_DUE} if channel == 1 else str(len('x' * 10000000 * 10))"
    response = upload(client, derby, with_due(expression))
    assert response.status_code == 201, response.get_json()
    number = response.get_json()["number"]
    response = client.post(f"/api/v1/processes/{KEY}/versions/{number}/activate", json={"council": "derby-city"},
                           headers=derby.as_("owner"))  # fmt: skip
    assert response.status_code == 200, response.get_json()
    before = client.get("/api/v1/cases", headers=derby.as_("manager")).get_json()

    response = client.post(
        "/api/v1/councils/derby-city/cases", json=application(), headers=derby.as_("officer")
    )

    assert response.status_code == 409, response.get_json()
    error = response.get_json()["error"]
    assert error["code"] == "process_error"
    assert "acknowledge" in error["message"] and "longer than 100,000" in error["message"]
    assert "Nothing was saved" in error["message"]
    assert client.get("/api/v1/cases", headers=derby.as_("manager")).get_json() == before


def test_one_case_breaking_its_limits_does_not_stop_the_timer_sweep(app, derby, client, clock):
    from app.clock import parse_instant
    from app.services.timers import fire_due_timers

    clock.freeze("2026-12-14T09:00:00+00:00")
    # The relevant bodies answer at once: only the acknowledgement is left to escalate.
    healthy = derby.check_records(derby.open_case(application()))
    # The escalation's parameter turns hostile only when the timer fires (after 20 December).
    hostile = DERBYSHIRE.replace(
        "value=\"'community_safety_manager'\"",
        "value=\"'community_safety_manager' if today() &lt; '2026-12-20' else str(len('x' * 10000000 * 10))\"",
        1,
    )
    assert hostile != DERBYSHIRE
    number = upload(client, derby, hostile).get_json()["number"]
    response = client.post(f"/api/v1/processes/{KEY}/versions/{number}/activate", json={"council": "derby-city"},
                           headers=derby.as_("owner"))  # fmt: skip
    assert response.status_code == 200, response.get_json()
    broken = derby.open_case(application())

    with app.app_context():
        report = fire_due_timers(parse_instant("2026-12-22T00:00:01+00:00"))

    assert report.fired == [healthy["reference"]]
    [(reference, message)] = report.failed
    assert reference == broken["reference"]
    assert message.startswith("escalate_acknowledge:") and "longer than 100,000" in message
    assert [h["event"] for h in derby.case(healthy["id"])["history"]].count("escalated") == 1
    assert derby.case(broken["id"])["history"] == broken["history"]


@pytest.mark.parametrize(
    ("script", "fragment"),
    [
        ("return information_return", "'return' is not allowed"),
        ("yield information_return", "'yield' is not allowed"),
        ("break", "'break' is only allowed inside a for loop"),
        ("information_return = " + "(" * 10_000 + "1" + ")" * 10_000, "too deeply"),
        ("information_return = " + "[" * 10_000 + "1" + "]" * 10_000, "too deeply"),
        ("information_return = 1" + " + 1" * 50_000, "too deeply"),
    ],
    ids=["return", "yield", "break", "nested-parentheses", "nested-lists", "long-sum"],
)
def test_a_script_python_cannot_compile_is_422_naming_its_element(derby, client, script, fragment):
    response = upload(client, derby, with_post_script(script))
    assert response.status_code == 422, response.get_json()
    fields = response.get_json()["error"]["fields"]
    [message] = [m for m in fields["return_information"] if fragment in m]
    assert len(message) < 300  # the code is quoted by its start, not 20,000 brackets


def test_a_due_date_nested_too_deeply_is_422_naming_its_element(derby, client):
    response = upload(client, derby, with_due("-" * 100_000 + "1"))
    assert response.status_code == 422, response.get_json()
    assert any("too deeply" in m for m in response.get_json()["error"]["fields"]["acknowledge"])


def test_a_diagram_nested_thousands_of_elements_deep_is_422(derby, client):
    deep = "<bpmn:documentation>" * 5000 + "</bpmn:documentation>" * 5000
    response = upload(client, derby, DERBYSHIRE.replace("</bpmn:definitions>", deep + "</bpmn:definitions>"))
    assert response.status_code == 422, response.get_json()
    [message] = response.get_json()["error"]["fields"]["diagram"]
    assert "nests elements more than 256 levels deep" in message


def test_a_diagram_declared_in_another_encoding_is_read_in_it_and_stored_as_utf8(app, derby, client):
    # Signavio and older tools write ISO-8859-1; "é" is one byte there, two in UTF-8.
    latin = DERBYSHIRE.replace('encoding="UTF-8"', 'encoding="ISO-8859-1"', 1)
    latin = latin.replace('name="Acknowledge', 'name="Accusé de réception: acknowledge', 1)
    assert latin != DERBYSHIRE
    response = upload(client, derby, latin.encode("latin-1"))
    assert response.status_code == 201, response.get_json()
    from app.store import processes as process_store

    with app.app_context():
        stored = process_store.get_version_by_number(KEY, response.get_json()["number"]).xml
    assert stored.startswith('<?xml version="1.0" encoding="UTF-8"?>')
    assert 'name="Accusé de réception: acknowledge' in stored


@pytest.mark.parametrize(
    ("body", "fragment"),
    [
        (
            DERBYSHIRE.replace('encoding="UTF-8"', 'encoding="KLINGON-8"', 1).encode(),
            "'klingon-8', an encoding",
        ),
        (DERBYSHIRE.replace("Acknowledge", "Acknowledgé", 1).encode("latin-1"), "not UTF-8 text as it says"),
    ],
    ids=["unknown-encoding", "bytes-not-as-declared"],
)
def test_a_diagram_in_an_encoding_that_cannot_be_read_is_refused_at_the_gate(derby, client, body, fragment):
    response = upload(client, derby, body)
    assert response.status_code == 422, response.get_json()
    [message] = response.get_json()["error"]["fields"]["diagram"]
    assert fragment in message and "save it as UTF-8" in message


def test_a_test_run_with_answers_nested_deeply_is_422(derby, client):
    nested: list = []
    for _ in range(900):
        nested = [nested]
    body = {"council": "derby-city", "scenario": "met", "answers": {"acknowledge": {"notes": nested}}}
    response = client.post(
        f"/api/v1/processes/{KEY}/versions/1/test-run", json=body, headers=derby.as_("owner")
    )
    assert response.status_code == 422, response.get_json()
    assert (
        "Nested more than 8 levels deep"
        in response.get_json()["error"]["fields"]["answers"]["acknowledge"][0]
    )
