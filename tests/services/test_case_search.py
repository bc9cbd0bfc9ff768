"""The staff case list: search by reference, name, e-mail and postcode, and the stage, status
and overdue filters (app/services/cases.py list_cases), on both databases."""

from __future__ import annotations

import pytest

from app.models import User
from app.services import cases
from tests.factories.cases import application, third_party_application
from tests.factories.users import create_user


def _find(app, email, **filters):
    with app.app_context():
        user = User.query.filter_by(email=email).one()
        options = {
            "council": None,
            "status": None,
            "stage": None,
            "overdue": False,
            "page": 1,
            "per_page": 50,
        }
        items, total = cases.list_cases(user, **{**options, **filters})
        return sorted(c.reference for c in items), total


@pytest.fixture
def three(derby, clock):
    clock.freeze("2026-12-14T09:00:00+00:00")
    jane = derby.open_case(
        application(victims=[{"name": "Jane Smith", "email": "jane.smith@example.org",
                              "address": "1 High Street, Derby DE1 1AA", "vulnerable": False}])
    )  # fmt: skip
    john = derby.open_case(
        application(victims=[{"name": "John Smithers", "email": "john@example.net",
                              "address": "4 Low Road, Derby DE22 3AB", "vulnerable": True}])
    )  # fmt: skip
    helped = derby.open_case(
        third_party_application(
            received_on="2026-12-01",
            victims=[{"name": "Ada Lovelace", "address": "9 Park Lane, Derby DE1 2BB", "vulnerable": False}],
        )
    )
    return {"jane": jane["reference"], "john": john["reference"], "helped": helped["reference"]}


OFFICER = "officer.derby-city@example.org"


@pytest.mark.parametrize(
    ("q", "found"),
    [
        ("smith", ["jane", "john"]),
        ("jane smith", ["jane"]),
        ("JOHN@example.net", ["john"]),
        ("de1 1aa", ["jane"]),
        ("DE11AA", ["jane"]),
        ("de1", ["helped", "jane"]),
        ("sam", ["helped"]),
        ("sam@example.org", ["helped"]),
        ("lovelace smith", []),
        ("high street", []),
    ],
    ids=[
        "a surname prefix", "first name and surname", "an e-mail in any case", "a postcode spaced",
        "a postcode compact", "an outward code", "the applicant's name", "the applicant's e-mail",
        "every word must match one case", "street names are not searched",
    ],
)  # fmt: skip
def test_search(app, three, q, found):
    references, total = _find(app, OFFICER, q=q)
    assert references == sorted(three[name] for name in found)
    assert total == len(found)


def test_search_by_reference(app, three):
    assert _find(app, OFFICER, q=three["john"].lower()) == ([three["john"]], 1)
    number = three["helped"].rsplit("-", 1)[1]
    assert _find(app, OFFICER, q=number) == ([three["helped"]], 1)


def test_search_never_crosses_councils(app, derby, three):
    create_user(app, councils=("east-herts",), role="community_safety_manager", email="herts@example.org")
    assert _find(app, "herts@example.org", q="smith") == ([], 0)


def test_filters_combine_with_search(app, derby, three, clock):
    # The third-party case waits for consent; the others move on once acknowledged.
    assert _find(app, OFFICER, stage="acknowledgement", q="smith") == (
        sorted([three["jane"], three["john"]]),
        2,
    )
    assert _find(app, OFFICER, status="closed") == ([], 0)
    # The case received on 1 December is past its acknowledgement (5 working days) on the 14th.
    assert _find(app, OFFICER, overdue=True) == ([three["helped"]], 1)
    assert _find(app, OFFICER, overdue=True, q="smith") == ([], 0)


def test_pages(app, three):
    with app.app_context():
        user = User.query.filter_by(email=OFFICER).one()
        first, total = cases.list_cases(
            user, council=None, status=None, stage=None, overdue=False, page=1, per_page=2
        )
        second, _ = cases.list_cases(
            user, council=None, status=None, stage=None, overdue=False, page=2, per_page=2
        )
    assert total == 3
    assert len(first) == 2 and len(second) == 1
    assert not {c.id for c in first} & {c.id for c in second}


def test_the_api_searches_with_q(derby, client, three):
    body = client.get("/api/v1/cases?q=DE1+1AA", headers=derby.as_("manager")).get_json()
    assert [c["reference"] for c in body["items"]] == [three["jane"]]
    response = client.get("/api/v1/cases?q=", headers=derby.as_("manager"))
    assert response.status_code == 422
