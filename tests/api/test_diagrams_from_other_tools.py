"""Issue 13: diagrams exported by other modelling tools get plain, complete answers.

Each file under tests/fixtures/other_tools is what a tool writes (Camunda Modeler 5 for Camunda 7
and 8, bpmn.io, a Signavio-style collaboration with pools, sub-processes, DI for several pools).
Uploaded as a version, each is saved when it is valid or refused with every problem that can be
found, each under the element it is about and in our words: never SpiffWorkflow's or Python's,
never a 500.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from tests.factories.cases import application

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "other_tools"
KEY = "community_trigger_derbyshire"
# What SpiffWorkflow and Python say, which a process owner must never be shown.
FOREIGN_WORDING = re.compile(
    r"SpiffWorkflow|is not executable\.|not supported for tasks of type|Error\b|Error:|Error\(|Exception|"
    r"Traceback|object has no attribute|unexpected keyword|at statement|SubWorkflow|\.\. |<Element"
)

CASES = {
    "camunda_modeler_5.bpmn": (
        422,
        [
            ("Process_1ke0x7c", "must be 'community_trigger_derbyshire', the key it is saved under"),
            ("Activity_0ack1", 'The user task "Acknowledge application" has 2 outgoing flows'),
            ("Activity_0ack1", "camunda:formKey, camunda:candidateGroups are another engine's settings"),
            # Read as a parallel split, the rest of the diagram is checked too.
            ("Activity_0ack1", "must be in a lane"),
            ("Activity_review", "needs a formKey"),
            ("Gateway_0thr", "Camunda (JUEL) expression; write it in Python"),
            ("Event_1rem5d", "quote it ('P5D')"),
            ("diagram", "no 'threshold_decision' deadline"),
        ],
    ),
    "camunda8_broken_flows.bpmn": (
        422,
        [
            ("Flow_gone", "connects 'Activity_deleted', which is not a step"),
            ("Activity_ack", "zeebe:userTask, zeebe:formDefinition are another engine's settings"),
            ("Gateway_complex", "A complex gateway is not something a case can run"),
            ("Activity_records", 'The call activity "Records check" calls no process'),
            ("Event_wait", 'The catch event "Wait for the panel" waits for nothing'),
            ("Activity_review", 'The sub-process "Case review" needs an end event inside it'),
        ],
    ),
    "bpmn_io.bpmn": (
        422,
        [
            ("Process_1", "the key it is saved under (it is 'Process_1')"),
            ("Process_1", 'marked as not executable (isExecutable="false"'),
            ("Event_wait", 'The catch event "Appeal window"\'s timer needs one time'),
        ],
    ),
    "signavio_collaboration.bpmn": (
        422,
        [
            (
                "diagram",
                "exactly one process, the case's; this one holds 3: process 'sid-PROC-COUNCIL' in pool "
                "'Council ASB team'; process 'sid-PROC-POLICE' in pool 'Police'; process "
                "'sid-PROC-HOUSING' in pool 'Housing provider'",
            ),
            ("sid-PROC-COUNCIL", "marked as not executable"),
            ("sid-PROC-COUNCIL", "the key it is saved under"),
            ("sid-ACK", "needs a formKey"),
            ("diagram", "no 'acknowledge' deadline"),
        ],
    ),  # fmt: skip
    "bpmn_io_pools.bpmn": (
        422,
        [
            # Inside the sub-process: the user task gets the conventions' checks, the island is found.
            ("confirm_reports", "needs a stage property"),
            ("chase_records", 'This task "Chase the records" cannot be reached from the start event'),
            ("diagram", "no 'case_review' deadline"),
        ],
    ),
    "camunda_subprocess.bpmn": (201, []),
}


def upload(client, derby, name: str):
    return client.post(f"/api/v1/processes/{KEY}/versions", data=(FIXTURES / name).read_bytes(),
                       content_type="application/xml", headers=derby.as_("owner"))  # fmt: skip


def test_every_fixture_is_in_the_table():
    assert sorted(p.name for p in FIXTURES.glob("*.bpmn")) == sorted(CASES)


@pytest.mark.parametrize("name", list(CASES))
def test_a_diagram_from_another_tool_gets_plain_complete_answers(derby, client, name):
    status, expected = CASES[name]
    response = upload(client, derby, name)
    assert response.status_code == status, response.get_json()
    if status != 422:
        return
    fields = response.get_json()["error"]["fields"]
    xml = (FIXTURES / name).read_text()
    for element, messages in fields.items():
        assert element == "diagram" or f'id="{element}"' in xml, element  # named by an id it has
        for message in messages:
            assert not FOREIGN_WORDING.search(message), message
    found = [(element, message) for element, messages in fields.items() for message in messages]
    for element, fragment in expected:
        assert any(e == element and fragment in m for e, m in found), (element, fragment, found)


def test_a_diagram_with_a_sub_process_is_saved_and_runs_through_it(derby, client, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    number = upload(client, derby, "camunda_subprocess.bpmn").get_json()["number"]
    response = client.post(f"/api/v1/processes/{KEY}/versions/{number}/test-run",
                           json={"council": "derby-city", "scenario": "met"}, headers=derby.as_("owner"))  # fmt: skip
    assert response.status_code == 200, response.get_json()
    run = response.get_json()
    # The user task inside the sub-process opens, is completed and meets its deadline.
    assert ("task_completed", "threshold_decision") in [(s["kind"], s.get("element")) for s in run["steps"]]
    [decision] = [d for d in run["deadlines"] if d["key"] == "threshold_decision"]
    assert decision["status"] == "met"
    assert run["outcome"] == "completed"
    response = client.post(f"/api/v1/processes/{KEY}/versions/{number}/activate", json={"council": "derby-city"},
                           headers=derby.as_("owner"))  # fmt: skip
    assert response.status_code == 200
    case = derby.open_case(application())
    assert case["process"] == {"key": KEY, "version": number}
