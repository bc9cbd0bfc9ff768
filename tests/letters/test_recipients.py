"""Who each letter goes to."""

from __future__ import annotations

import pytest

from app.letters.recipients import address_lines, recipients_for
from tests.letters.samples import THIRD_PARTY, application

AGENCY = {
    "applicant_type": "agency",
    "applicant": {"name": "Kim Officer", "organisation": "Derby Homes", "email": "kim@example.org"},
}


CONSENTED = {"consent_received": True}  # case data once verify_consent recorded it


@pytest.mark.parametrize(
    ("kind", "body", "data", "expected"),
    [
        ("CT1", {}, {}, [("applicant", "Alex Victim")]),
        ("CT2", {}, {}, []),
        ("CT3", {}, {}, [("applicant", "Alex Victim")]),
        ("CT1", THIRD_PARTY, {}, [("victim", "Alex Victim")]),
        ("CT2", THIRD_PARTY, {}, [("third_party", "Sam Helper")]),
        ("CT4", THIRD_PARTY, CONSENTED, [("victim", "Alex Victim"), ("third_party", "Sam Helper")]),
        ("outcome", THIRD_PARTY, CONSENTED, [("victim", "Alex Victim"), ("third_party", "Sam Helper")]),
        ("CT4", THIRD_PARTY, {}, [("victim", "Alex Victim")]),
        ("ineligible", THIRD_PARTY, {"consent_received": False}, [("victim", "Alex Victim")]),
        ("consent_not_given", THIRD_PARTY, {}, [("victim", "Alex Victim"), ("third_party", "Sam Helper")]),
        ("CT3", {**THIRD_PARTY, "consent": {"given": True}}, {}, [("victim", "Alex Victim"), ("third_party", "Sam Helper")]),
        ("CT2", AGENCY, {}, [("third_party", "Kim Officer")]),
        ("appeal_outcome", AGENCY, CONSENTED, [("victim", "Alex Victim"), ("third_party", "Kim Officer")]),
        ("CT3", AGENCY, {}, [("victim", "Alex Victim")]),
    ],
    ids=[
        "victim: CT1 to them", "victim: no CT2", "victim: decisions to them",
        "third party: CT1 to the victim", "third party: CT2 to them", "third party: a copy of the decision",
        "third party: a copy of the outcome", "third party: nothing before consent",
        "third party: nothing while consent is awaited", "third party: told the case closed without consent",
        "third party: consent with the application", "agency: CT2 to its officer",
        "agency: a copy of the appeal outcome", "agency: nothing before consent",
    ],
)  # fmt: skip
def test_recipients(kind, body, data, expected):
    """Changed with issue 11: the person who applied for the victim gets copies only once the
    victim's consent is recorded (RULES.md §3)."""
    assert [(a.role, a.name) for a in recipients_for(kind, application(**body), data)] == expected


def test_addresses_and_emails_come_with_the_recipient():
    victim, third_party = recipients_for("CT3", application(**THIRD_PARTY), CONSENTED)
    assert victim.email == "alex@example.org"
    assert victim.address_lines == ("Flat 2", "10 Example Road", "Derby", "DE1 1AA")
    assert third_party.email == "sam@example.org"


def test_an_anonymous_application_is_still_answered():
    (addressee,) = recipients_for("ineligible", application(victims=[{"name": ""}]))
    assert (addressee.name, addressee.email, addressee.address_lines) == ("", None, ())


def test_address_lines_split_at_commas_and_line_breaks():
    assert address_lines("1 High St,\nDerby, DE1 1AA ") == ("1 High St", "Derby", "DE1 1AA")
    assert address_lines(None) == ()
