"""Subject access (issue 17): data protection staff find a person across their council's cases
and export everything held about them, without other people's personal data."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from sqlalchemy import select

from app.extensions import db
from app.models import AuditEntry, CaseAccess
from app.services import access_log
from tests.factories.cases import application, third_party_application
from tests.factories.users import create_user, token_for

DPO = "dpo.derby-city@example.org"
JANE = {"name": "Jane Doe", "email": "Jane@Example.org", "phone": "07700 900111",
        "address": "1 Elm Road, Derby DE1 1AA", "vulnerable": True}  # fmt: skip
TOM = {
    "name": "Tom Other",
    "email": "tom@example.org",
    "phone": "07700 900222",
    "address": "3 Elm Road, Derby DE1 1AA",
}
EDNA = {"name": "Edna Black", "email": "edna@example.org", "address": "9 Oak Street, Derby DE22 3BB"}
# The people complained about, named only in free text (the product has no field for them).
COMPLAINED_ABOUT = (
    "Gary Pollard",
    "Gary",
    "Pollard",
    "Ronnie Kray",
    "Kray",
    "07700 900999",
    "gary@example.net",
)


@pytest.fixture
def dpo(app, client):
    create_user(app, role="data_protection", email=DPO)
    return {"Authorization": f"Bearer {token_for(client, DPO)}"}


@pytest.fixture
def cases(derby, clock):
    """Jane applies as a victim (with Tom, another victim) about Gary Pollard; in another case she
    applies on behalf of her neighbour Edna about Ronnie Kray."""
    clock.freeze("2026-12-14T09:00:00+00:00")
    own = derby.open_case(
        application(
            received_on="2026-12-10",
            victims=[JANE, TOM],
            summary="Gary Pollard at number 5 shouts abuse at us; call him on 07700 900999 or gary@example.net.",
            impact="I no longer sleep.",
        )
    )
    own = derby.complete(own, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    own = derby.complete(own, "screen_eligibility", {"eligible": True})
    own = derby.check_records(own)
    own = derby.complete(
        own,
        "threshold_decision",
        {"threshold_met": True, "reasons": "Three complaints; Gary Pollard was warned."},
    )
    for_edna = derby.open_case(
        third_party_application(
            received_on="2026-12-11",
            applicant={
                "name": "Jane Doe",
                "email": "jane@example.org",
                "relationship_to_victim": "neighbour",
            },
            victims=[EDNA],
            consent={"given": True, "evidence": "written_consent", "received_on": "2026-12-11"},
            summary="Ronnie Kray plays loud music every night.",
        )
    )
    for_edna = derby.complete(for_edna, "acknowledge", {"sent_on": "2026-12-14", "method": "email"})
    return own, for_edna


def _export(client, headers, **query) -> dict:
    response = client.get("/api/v1/people/export", query_string=query, headers=headers)
    assert response.status_code == 200, response.get_json()
    assert response.headers["Cache-Control"] == "private, no-store"
    return response.get_json()


def test_a_victim_in_two_cases_one_as_applicant_for_someone_else(app, client, cases, dpo):
    own, for_edna = cases
    export = _export(client, dpo, email="jane@example.org")
    assert export["subject"] == {"email": "jane@example.org", "case_person": None, "names": ["Jane Doe"]}
    by_case = {c["case"]["reference"]: c for c in export["cases"]}
    assert set(by_case) == {own["reference"], for_edna["reference"]}

    mine = by_case[own["reference"]]
    assert mine["case_person"] == f"{own['id']}:victim-1"
    assert mine["capacity"] == {
        "role": "victim",
        "applied_themselves": True,
        "description": "Victim, who applied",
    }
    assert mine["record"] == JANE  # her own details, the vulnerability too
    assert mine["application"]["impact"] == "I no longer sleep."
    assert "[name withheld] at number 5 shouts abuse" in mine["application"]["summary"]
    assert mine["threshold_decision"]["met"] is True
    assert mine["threshold_decision"]["reasons"] == "Three complaints; [name withheld] was warned."
    assert mine["history"] and all(
        e["actor"] in ("a member of staff", "system", "timer") for e in mine["history"]
    )
    assert mine["records"]  # the tasks' answers: the acknowledgement, the checks, the decision
    assert [letter["kind"] for letter in mine["letters"]][:1] == ["CT1"]
    assert all(letter["recipient"] == "applicant" for letter in mine["letters"])
    assert "Jane Doe" in mine["letters"][0]["html"]

    for_someone = by_case[for_edna["reference"]]
    assert for_someone["case_person"] == f"{for_edna['id']}:applicant"
    assert for_someone["capacity"] == {
        "role": "applicant",
        "applied_themselves": False,
        "description": "Applicant on behalf of the victim (their neighbour)",
    }
    assert for_someone["record"]["relationship_to_victim"] == "neighbour"
    assert for_someone["consent"]["given"] is True
    assert [letter["kind"] for letter in for_someone["letters"]] == ["CT2"]  # the victim's CT1 is Edna's

    text = json.dumps(export)
    for absent in (*COMPLAINED_ABOUT, "Tom Other", "tom@example.org", "900222", "Edna Black", "edna@example.org",
                   "Oak Street", "officer.derby-city@example.org"):  # fmt: skip
        assert absent not in text, absent


def test_another_victim_of_the_same_case_gets_only_their_own(app, client, cases, dpo):
    own, _ = cases
    export = _export(client, dpo, case_person=f"{own['id']}:victim-2")
    [tom] = export["cases"]
    assert tom["capacity"]["description"] == "Victim, named in the application"
    assert tom["record"] == {**TOM, "vulnerable": False}  # the schema's default
    assert tom["letters"] == []  # the letters went to Jane
    text = json.dumps(export)
    for absent in (*COMPLAINED_ABOUT, "Jane", "jane@example.org", "900111", "1 Elm Road"):
        assert absent not in text, absent


def test_the_zip_holds_the_json_and_the_letters_as_pdf(app, client, cases, dpo):
    response = client.get("/api/v1/people/export?email=jane@example.org&format=zip", headers=dpo)
    assert response.status_code == 200 and response.mimetype == "application/zip"
    assert response.headers["Content-Disposition"] == 'attachment; filename="subject-access-2026-12-14.zip"'
    archive = zipfile.ZipFile(io.BytesIO(response.data))
    export = json.loads(archive.read("export.json"))
    files = [letter["file"] for case in export["cases"] for letter in case["letters"]]
    assert files and sorted(files) == sorted(n for n in archive.namelist() if n.startswith("letters/"))
    for name in files:
        assert archive.read(name).startswith(b"%PDF")


def test_every_export_is_in_the_access_log_and_the_audit_list(app, client, cases, dpo):
    own, for_edna = cases
    _export(client, dpo, email="jane@example.org")
    with app.app_context():
        # Written with the audit entry's commit: nothing of the export was left pending.
        assert access_log.pending_access().of_case(own["id"]) == []
        rows = db.session.execute(
            select(
                CaseAccess.case_id, CaseAccess.actor, CaseAccess.kind, CaseAccess.target, CaseAccess.route
            ).where(CaseAccess.kind == "export")
        ).all()
        [entry] = db.session.scalars(
            select(AuditEntry).where(AuditEntry.action == "data_protection.subject_access_export")
        )
    assert sorted(tuple(r) for r in rows) == sorted(
        [
            (own["id"], DPO, "export", "person victim-1", "GET /api/v1/people/export"),
            (for_edna["id"], DPO, "export", "person applicant", "GET /api/v1/people/export"),
        ]
    )
    assert (entry.council_id, entry.actor, entry.subject) == ("derby-city", DPO, "jane@example.org")
    assert sorted(entry.details["cases"]) == sorted([own["reference"], for_edna["reference"]])


def test_an_address_nobody_has_gives_an_empty_export_recorded_all_the_same(app, client, cases, dpo):
    export = _export(client, dpo, email="nobody@example.org")
    assert export["cases"] == [] and export["subject"]["names"] == []
    with app.app_context():
        assert db.session.scalar(
            select(AuditEntry.subject).where(AuditEntry.action.like("data_protection.%"))
        ) == ("nobody@example.org")


@pytest.mark.parametrize(
    ("q", "found"),
    [("jane", {"own:victim-1", "edna:applicant"}), ("Jane Doe", {"own:victim-1", "edna:applicant"}),
     ("jane@example.org", {"own:victim-1", "edna:applicant"}), ("DE1 1AA", {"own:victim-1", "own:victim-2"}),
     ("de22", {"edna:victim-1"}), ("edna bla", {"edna:victim-1"}), ("pollard", set())],
    ids=["first name", "full name", "e-mail", "postcode", "postcode district", "name prefixes", "free text is not searched"],
)  # fmt: skip
def test_people_search(app, client, cases, dpo, q, found):
    own, for_edna = cases
    ids = {own["id"]: "own", for_edna["id"]: "edna"}
    response = client.get("/api/v1/people", query_string={"q": q}, headers=dpo)
    assert response.status_code == 200, response.get_json()
    body = response.get_json()
    assert {f"{ids[item['case_id']]}:{item['id'].split(':')[1]}" for item in body["items"]} == found
    assert body["total"] == len(found) and body["page"] == 1 and body["per_page"] == 25


def test_a_search_result_names_the_person_and_is_logged(app, client, cases, dpo):
    own, _ = cases
    [tom] = client.get("/api/v1/people?q=tom", headers=dpo).get_json()["items"]
    assert tom == {
        "id": f"{own['id']}:victim-2", "case_id": own["id"], "case_reference": own["reference"],
        "council": "derby-city", "case_status": "open", "received_on": "2026-12-10",
        "capacity": {"role": "victim", "applied_themselves": False, "description": "Victim, named in the application"},
        "name": "Tom Other", "email": "tom@example.org", "postcodes": ["DE1 1AA"],
    }  # fmt: skip
    with app.app_context():
        pending = access_log.pending_access().of_case(own["id"])
    assert [(e["actor"], e["route"], e["target"]) for e in pending] == [
        (DPO, "GET /api/v1/people", "people search")
    ]


@pytest.mark.parametrize(
    ("q", "message"),
    [(None, "Give q: a name, an e-mail address or a postcode to search for."),
     ("   ", "Give q: a name, an e-mail address or a postcode to search for."),
     ("ab", "q is too short: give at least 3 characters of a name, an e-mail address or a postcode (it has 2)."),
     ("!?!", "q holds nothing to search on: give letters or digits of a name, an e-mail address or a postcode."),
     ("x" * 201, "q is too long: at most 200 characters.")],
    ids=["missing", "blank", "too short", "no letters", "too long"],
)  # fmt: skip
def test_a_search_needs_something_to_search_for(client, dpo, q, message):
    response = client.get("/api/v1/people", query_string={"q": q} if q is not None else {}, headers=dpo)
    assert response.status_code == 400
    assert response.get_json()["error"] == {"code": "bad_request", "message": message}


@pytest.mark.parametrize(
    ("query", "status", "message"),
    [({}, 400, "Give exactly one of email (an e-mail address) or case_person (such as 17:victim-1)."),
     ({"email": "a@example.org", "case_person": "1:applicant"}, 400, "Give exactly one of"),
     ({"case_person": "victim-1"}, 400, "case_person must be a case id and a person, such as 17:applicant"),
     ({"case_person": "1:victim-0"}, 400, "case_person must be"),
     ({"email": "not an address"}, 400, "email must be an e-mail address"),
     ({"case_person": "999999:victim-1"}, 404, "No such council or person among yours."),
     ({"case_person": "OWN:victim-9"}, 404, "No such council or person among yours."),
     ({"email": "a@example.org", "format": "pdf"}, 422, None),
     ({"email": "a@example.org", "extra": "1"}, 422, None)],
)  # fmt: skip
def test_an_export_says_precisely_what_is_wrong_with_its_query(client, cases, dpo, query, status, message):
    own, _ = cases
    query = {k: v.replace("OWN", str(own["id"])) for k, v in query.items()}
    response = client.get("/api/v1/people/export", query_string=query, headers=dpo)
    assert response.status_code == status, response.get_json()
    if message:
        assert response.get_json()["error"]["message"].startswith(message)


@pytest.mark.parametrize(
    ("who", "status"),
    [
        ("manager", 403),
        ("officer", 403),
        ("admin", 403),
        ("police", 403),
        ("other_dpo", 200),
        ("nobody", 401),
    ],
)
def test_only_data_protection_staff_and_only_their_councils_cases(app, client, derby, cases, who, status):
    own, _ = cases
    if who == "other_dpo":
        email = create_user(app, councils=("erewash",), role="data_protection")
        headers = {"Authorization": f"Bearer {token_for(client, email)}"}
    elif who == "admin":
        headers = {"Authorization": f"Bearer {token_for(client, create_user(app, role='admin'))}"}
    elif who == "nobody":
        headers = {}
    else:
        headers = derby.as_(who)
    search = client.get("/api/v1/people?q=jane", headers=headers)
    export = client.get("/api/v1/people/export?email=jane@example.org", headers=headers)
    assert (search.status_code, export.status_code) == (status, status)
    if who == "other_dpo":  # Erewash's data protection officer: nothing of Derby's
        assert search.get_json()["items"] == [] and export.get_json()["cases"] == []
        by_id = client.get(f"/api/v1/people/export?case_person={own['id']}:victim-1", headers=headers)
        assert by_id.status_code == 404
        assert client.get("/api/v1/people?q=jane&council=derby-city", headers=headers).status_code == 404
