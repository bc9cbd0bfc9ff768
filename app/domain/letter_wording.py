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
    "retention_years": "the years a case is kept after it closes",
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
# The privacy notice page (/privacy/<council>, issue 17). Written from the Act (ss.104-105,
# Schedule 4: shared/notes/the-act.md) and Derby City's application notes ("How we will use your
# information", lines 102-120: the relevant bodies, the Youth Offending Service for under-18s,
# Article 6(1)(c), Article 9(2)(g) with DPA 2018 Sch.1 Part 2 para 6). A line "## ..." is a
# heading, lines "- ..." a list; every other run of lines a paragraph (``blocks``).
DEFAULT_PRIVACY_NOTICE = """## Who we are

{council_name} is the controller of the personal information you give us when you apply for an antisocial behaviour case review (the Community Trigger). You can contact {team} by email at {email}, by phone on {phone} or by post at {address}. Our website is {website}.

## What we collect

- the name, address, email address and phone number of the victim, and of anyone applying for them, and how they are related
- whether the victim is vulnerable, for example because of age, disability or illness
- the incidents of antisocial behaviour: when they happened, what happened, who they were reported to and when
- how the behaviour has affected the victim and what they would like to happen
- the names and details of other people the application mentions, including the people said to be responsible
- what the council and its partners record while reviewing the case: decisions, the review meeting, the recommendations and the action plan, and the letters we send

Some of this can be special category information, for example about health or disability, or about race or religion when an incident is motivated by hate.

## Why we collect it

We use it to carry out the antisocial behaviour case review that sections 104 and 105 and Schedule 4 of the Anti-social Behaviour, Crime and Policing Act 2014 require of us and the other relevant bodies, to tell you the outcome, and to publish each year the number of applications and reviews (only figures, never names).

Our lawful basis is Article 6(1)(c) of the UK GDPR (a legal obligation: the Act requires the relevant bodies to carry out the review and to share information for it) and Article 6(1)(e) (a task in the public interest). For special category information we rely on Article 9(2)(g) (substantial public interest) and the condition in Part 2 of Schedule 1 to the Data Protection Act 2018, paragraph 6 (statutory purposes).

## Who we share it with

To review the case we share what is relevant, necessary and proportionate with the other relevant bodies:

- the police
- the integrated care board (the NHS body for the area)
- the housing providers involved, such as your landlord
- the youth offending service, when someone causing the behaviour is under 18

Other partners the relevant bodies agree should take part in the review, for example environmental health or social care, may also receive what they need to help resolve the case. If you appeal, the body that hears appeals ({appeal_body}) receives what it needs to hear it. Our letters to you never give details about other people.

## How long we keep it

We keep a case for {retention_years} years after it is closed. After that, the names, contact details, addresses and what people wrote are removed; only dates and figures stay.

## Your rights

You have the right to:

- ask for a copy of the information we hold about you (a subject access request)
- ask us to correct information that is wrong or incomplete
- ask us to delete your information, or to limit how we use it, where the law allows
- object to how we use your information

To use any of these rights, contact {team} at {email}, on {phone} or at {address}. We will reply within one month.

If you are unhappy with how we have used your information, please tell us first. You can also complain to the Information Commissioner's Office (ICO): www.ico.org.uk, helpline 0303 123 1113, or Information Commissioner's Office, Wycliffe House, Water Lane, Wilmslow, Cheshire SK9 5AF."""

DEFAULT_WORDING = {
    "support_services": DEFAULT_SUPPORT_SERVICES,
    "appeal_body": DEFAULT_APPEAL_BODY,
    "signature": DEFAULT_SIGNATURE,
    "privacy_notice": DEFAULT_PRIVACY_NOTICE,
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


def blocks(text: str) -> list[tuple[str, str | list[str]]]:
    """A filled page-long block (the privacy notice) as ("heading", text), ("list", items) and
    ("paragraph", text): "## " starts a heading, "- " a list item, and a blank line ends a
    paragraph. Only structure is read: the text stays text, printed escaped."""
    found: list[tuple[str, str | list[str]]] = []
    paragraph: list[str] = []

    def end_paragraph() -> None:
        if paragraph:
            found.append(("paragraph", " ".join(paragraph)))
            paragraph.clear()

    for line in (raw.strip() for raw in text.splitlines()):
        if line.startswith("## "):
            end_paragraph()
            found.append(("heading", line[3:].strip()))
        elif line.startswith("- "):
            end_paragraph()
            if found and found[-1][0] == "list" and isinstance(found[-1][1], list):
                found[-1][1].append(line[2:].strip())
            else:
                found.append(("list", [line[2:].strip()]))
        elif line:
            paragraph.append(line)
        else:
            end_paragraph()
    end_paragraph()
    return found


def lines(text: str) -> list[str]:
    """The non-blank lines of a filled block: a letter prints each as a line or a list item."""
    return [line.strip() for line in text.splitlines() if line.strip()]
