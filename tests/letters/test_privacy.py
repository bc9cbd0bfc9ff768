"""Other people's names, e-mail addresses and phone numbers are kept out of the text letters quote."""

from __future__ import annotations

import pytest

from app.letters.privacy import DETAILS_WITHHELD, WITHHELD, Redactor, name_words, names_in


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Gary Pollard shouted at night", {"Gary Pollard"}),
        ("On Monday Gary Pollard kicked the door", {"Gary Pollard"}),
        ("Threats by Mr Pollard at the door", {"Mr Pollard"}),
        ("PC Lee came round", {"PC Lee"}),
        ("Dr. J. Watson saw it", {"Dr. J. Watson"}),
        ("Gary Pollard's dog barks", {"Gary Pollard"}),
        ("Shouting at night", set()),
        ("The Police and the Council did nothing", set()),
        ("Derby Road, every Saturday Night", set()),
        ("Victim Support and Citizens Advice helped", set()),
    ],
    ids=[
        "first and last name", "leading words that are not names are trimmed", "title and surname",
        "police rank and surname", "initials", "possessive", "no capitals", "agencies are not names",
        "places and times are not names", "services are not names",
    ],
)  # fmt: skip
def test_names_in_free_text(text, names):
    assert names_in(text) == names


def test_name_words_leave_out_titles_initials_and_common_words():
    assert name_words("PC J. Lee") == {"Lee"}
    assert name_words("Alex Victim") == {"Alex"}
    assert name_words("Gary Pollard's") == {"Gary", "Pollard"}


REDACT = Redactor.for_names(
    {"Gary Pollard", "PC Lee", "Jo Smithers", "Dana Whitfield"},
    keep_names=["Alex Victim", "Derby City Council"],
    keep_contacts=["CommunitySafety@derby.gov.uk", "01632 960001"],
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Gary Pollard was warned.", f"{WITHHELD} was warned."),
        ("gary pollard was warned.", f"{WITHHELD} was warned."),
        ("Mr Pollard denied it.", f"{WITHHELD} denied it."),
        ("Pollard denied it.", f"{WITHHELD} denied it."),
        ("Seen by PC Lee and Jo Smithers.", f"Seen by {WITHHELD} and {WITHHELD}."),
        ("Chaired by Dana Whitfield.", f"Chaired by {WITHHELD}."),
        ("Sam Jones from number 12 was spoken to.", f"{WITHHELD} from number 12 was spoken to."),
        ("Call him on 07700 900123 or at gary@example.com.", f"Call him on {DETAILS_WITHHELD} or at {DETAILS_WITHHELD}."),
        ("Call us on 01632 960001 or CommunitySafety@derby.gov.uk.",
         "Call us on 01632 960001 or CommunitySafety@derby.gov.uk."),
        ("Alex Victim's diary helped. Alex attended.", "Alex Victim's diary helped. Alex attended."),
        ("Derby City Council and Derby Homes will meet.", "Derby City Council and Derby Homes will meet."),
        ("The housing officer will visit.", "The housing officer will visit."),
    ],
    ids=[
        "a known name", "in any case", "titled surname", "surname alone", "panel members", "the chair",
        "a name only the officer wrote", "other people's phone and e-mail", "the council's own contacts",
        "the recipient's own name", "the council's name", "plain text untouched",
    ],
)  # fmt: skip
def test_redactor(text, expected):
    assert REDACT(text) == expected


def test_redactor_on_nothing():
    assert REDACT(None) == "" and REDACT("") == ""
