"""A council's own wording blocks for its letters (issue 16): plain text with a few placeholders.

A council writes these blocks in the browser, so they are never template code: the only thing
done to them is replacing each ``{name}`` of ``PLACEHOLDERS`` with its value, by a regular
expression, and the letter templates then print the result as text (escaped like any other
value). ``{{ ... }}``, ``{% ... %}``, ``{council_name.__class__}`` and the like are not
placeholders and come out literally; the schema refuses a ``{word}`` that is no placeholder,
so a typing mistake is caught when the block is saved rather than printed on a letter.

Pure: no Flask.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

# name -> what it stands for (listed beside the form).
PLACEHOLDERS: dict[str, str] = {
    "council_name": "the council's name",
    "team": "the team named in the contacts",
    "email": "the contacts' e-mail address",
    "phone": "the contacts' phone number",
    "address": "the contacts' postal address",
    "website": "the contacts' web site",
    "appeal_body": "who hears an appeal",
    "appeal_within_days": "the days an appeal may be lodged in",
}
# A single brace pair around a lower-case word: "{team}" but not "{{ team }}" nor "{team.x}".
_PLACEHOLDER = re.compile(r"(?<!\{)\{([a-z_]+)\}(?!\})")
# What looks like an attempt at a placeholder: any single-brace pair with a word inside.
_BRACED = re.compile(r"(?<!\{)\{\s*([A-Za-z_][\w.]*)\s*\}(?!\})")

# The wording every council starts from: the national services (Victim Support, ASB Help,
# Samaritans, Citizens Advice) the CT4 letter has always offered, no extra paragraph about the
# appeal body, and the team and council as the signature.
DEFAULT_SUPPORT_SERVICES = "\n".join(
    (
        "Victim Support: free, confidential help for anyone affected by crime or anti-social "
        "behaviour, whether or not it was reported. Supportline 08 08 16 89 111 (free, any time), "
        "www.victimsupport.org.uk.",
        "ASB Help: advice and information for victims of anti-social behaviour, including the "
        "Community Trigger. www.asbhelp.co.uk.",
        "Samaritans: someone to talk to, day or night, if things are getting to you. 116 123 (free, any time).",
        "Citizens Advice: free advice on housing, money, legal and other problems. www.citizensadvice.org.uk.",
    )
)
DEFAULT_APPEAL_BODY = ""
DEFAULT_SIGNATURE = "{team}\n{council_name}"
DEFAULT_WORDING = {
    "support_services": DEFAULT_SUPPORT_SERVICES,
    "appeal_body": DEFAULT_APPEAL_BODY,
    "signature": DEFAULT_SIGNATURE,
}


def unknown_placeholders(text: str) -> list[str]:
    """The ``{word}`` runs of ``text`` that are not placeholders, in order, each once."""
    found = []
    for match in _BRACED.finditer(text):
        if match.group(1) not in PLACEHOLDERS and match.group(0) not in found:
            found.append(match.group(0))
    return found


def fill(text: str, values: Mapping[str, object]) -> str:
    """``text`` with each known placeholder replaced by its value; nothing else is touched."""
    return _PLACEHOLDER.sub(
        lambda m: (
            str(values[m.group(1)]) if m.group(1) in PLACEHOLDERS and m.group(1) in values else m.group(0)
        ),
        text,
    )


def lines(text: str) -> list[str]:
    """The non-blank lines of a filled block: a letter prints each as a line or a list item."""
    return [line.strip() for line in text.splitlines() if line.strip()]
