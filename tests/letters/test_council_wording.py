"""A council's own letter wording (issue 16): plain text with a fixed set of placeholders, never
template code. Whatever a council types, the letter engine only ever prints it."""

from __future__ import annotations

from dataclasses import replace

import pytest
from marshmallow import ValidationError

from app.councils import LettersSchema, LetterWording
from app.domain.letter_wording import PLACEHOLDERS, fill, unknown_placeholders
from app.letters import letter_snapshot, recipients_for, render_html
from tests.letters.pdf import html_text
from tests.letters.samples import COUNCILS, application, facts

VALUES = {"council_name": "Derby City Council", "team": "Community Safety", "appeal_within_days": 28}


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Signed, {team} of {council_name}", "Signed, Community Safety of Derby City Council"),
        ("Within {appeal_within_days} days", "Within 28 days"),
        ("{{ council_name }}", "{{ council_name }}"),  # Jinja's syntax is not a placeholder
        ("{{ 7*7 }} {% include 'letters/base.html' %} {# x #}", "{{ 7*7 }} {% include 'letters/base.html' %} {# x #}"),
        ("{council_name.__class__.__mro__}", "{council_name.__class__.__mro__}"),  # no attribute access
        ("{council_name!r} {council_name:>40} {0} {}", "{council_name!r} {council_name:>40} {0} {}"),  # no format spec
        ("{email}", "{email}"),  # a placeholder with no value given stays as written
        ("{{team}}", "{{team}}"),
    ],
)  # fmt: skip
def test_only_known_placeholders_are_replaced_and_nothing_else_is_evaluated(text, expected):
    assert fill(text, VALUES) == expected


@pytest.mark.parametrize(
    ("text", "unknown"),
    [
        ("{council_name} {team}", []),
        ("{councilname}", ["{councilname}"]),
        ("{ council_name }", []),  # spaced: still the placeholder's name, refused by nothing, printed as is
        ("{council_name.__class__}", ["{council_name.__class__}"]),
        ("{config} and {config}", ["{config}"]),
        ("{{ config }}", []),  # printed literally, so allowed
    ],
)
def test_the_schema_names_what_is_no_placeholder(text, unknown):
    assert unknown_placeholders(text) == unknown
    if unknown:
        with pytest.raises(ValidationError) as raised:
            LettersSchema().load({"signature": text})
        assert raised.value.messages["signature"][0].startswith(
            f"Unknown placeholder {', '.join(unknown)}: use only "
        )
        assert all("{" + name + "}" in raised.value.messages["signature"][0] for name in PLACEHOLDERS)


HOSTILE = "\n".join(
    (
        "{{ self.__init__.__globals__ }}",
        "{% for x in range(3) %}loop{% endfor %}",
        "<script>alert(1)</script>",
        "{team}",
    )
)


def test_hostile_wording_comes_out_literally_in_every_block_of_the_letters():
    council = replace(
        COUNCILS.get("derby-city"),
        letters=LetterWording(
            support_services=HOSTILE, appeal_body=HOSTILE, signature=HOSTILE + "\n{council_name}"
        ),
    )
    for kind in ("CT4", "outcome"):
        letter_facts = replace(facts(kind), council=council)
        (addressee,) = recipients_for(kind, application(), dict(letter_facts.data))
        html = render_html(letter_snapshot(letter_facts, addressee))
        text = html_text(html)
        assert "{{ self.__init__.__globals__ }}" in text
        assert "{% for x in range(3) %}loop{% endfor %}" in text and "looploop" not in text
        assert "<script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html
        assert "Community Safety & Integration Service" in text  # {team} filled
        assert "Derby City Council" in text


def test_the_default_wording_is_the_national_services_and_the_teams_signature():
    letter_facts = facts("CT4")
    (addressee,) = recipients_for("CT4", application(), dict(letter_facts.data))
    snapshot = letter_snapshot(letter_facts, addressee)
    assert snapshot["council"]["signature"] == [
        "Community Safety & Integration Service",
        "Derby City Council",
    ]
    assert [line.split(":")[0] for line in snapshot["letter"]["support_lines"]] == [
        "Victim Support", "ASB Help", "Samaritans", "Citizens Advice",
    ]  # fmt: skip


def test_a_letter_issued_before_councils_wrote_their_own_still_renders():
    letter_facts = facts("CT4")
    (addressee,) = recipients_for("CT4", application(), dict(letter_facts.data))
    snapshot = letter_snapshot(letter_facts, addressee)
    del snapshot["council"]["signature"], snapshot["letter"]["support_lines"]
    snapshot["letter"]["support_services"] = [{"name": "Victim Support", "what": "help", "how": "call"}]
    text = html_text(render_html(snapshot))
    assert (
        "Victim Support" in text
        and "help. call." in text
        and "Community Safety & Integration Service" in text
    )
