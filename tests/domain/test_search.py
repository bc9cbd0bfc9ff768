"""What a case is found by, and how a search's words are read (app/domain/search.py)."""

from __future__ import annotations

import pytest

from app.domain.search import case_terms, postcodes_in, search_words

APPLICATION = {
    "applicant_type": "third_party",
    "victims": [
        {
            "name": "Siobhán O'Brien-Smith",
            "email": "Siobhan@Example.org",
            "address": "1 High St, Derby DE1 1AA",
        }
    ],
    "applicant": {
        "name": "Sam Helper",
        "organisation": "Derby Carers",
        "address": {"line_1": "2 Low Rd", "postcode": "de221bx"},
    },
}


def test_a_case_is_found_by_its_reference_names_emails_and_postcodes():
    terms = case_terms("DER-2026-0017", APPLICATION)
    for expected in (
        "der-2026-0017",
        "0017",  # the reference, whole and by its number
        "siobhan",  # accents folded
        "o'brien-smith",
        "obriensmith",
        "brien",
        "smith",  # names, whole and by part
        "siobhan@example.org",  # e-mail, lower-case
        "de11aa",
        "de221bx",  # postcodes, compact, from a one-line address or an address's parts
        "sam",
        "helper",
        "derby",
        "carers",  # the applicant and their organisation
    ):
        assert expected in terms, expected
    # Street names are not search terms (only the postcode of an address is).
    assert "high" not in terms


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("DE1 1AA", ["de11aa"]),
        ("  de11aa ", ["de11aa"]),
        ("DE1", ["de1"]),
        ("Jane Smi", ["jane", "smi"]),
        ("jane@example.org", ["jane@example.org"]),
        ("DER-2026-0017", ["der-2026-0017"]),
        ("O’Brien", ["o'brien"]),
        ("Siobhán", ["siobhan"]),
        ("jane jane", ["jane"]),
        ("%_*", []),
        ("a b c d e f g h", ["a", "b", "c", "d", "e", "f"]),
    ],
    ids=[
        "a whole postcode, however spaced", "a compact postcode", "an outward code is a prefix",
        "each word a prefix", "an e-mail address whole", "a reference whole", "a curly apostrophe",
        "accents folded", "a repeated word once", "nothing to search on", "at most six words",
    ],
)  # fmt: skip
def test_search_words(text, words):
    assert search_words(text) == words


def test_postcodes_in_text_and_parts():
    assert postcodes_in("Flat 2, 10 Road, Derby, DE22 3AB") == {"de223ab"}
    assert postcodes_in({"lines": ["1 Road"], "postcode": "SW1A 1AA"}) == {"sw1a1aa"}
    assert postcodes_in(None) == set()
