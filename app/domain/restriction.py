"""A person's data withheld from an application (issue 17, restriction of processing): what the
readers a restriction keeps out see instead (app/services/restrictions.py decides who they are).

A restricted person's own block of the application (app/domain/case_people.py) has each of its
texts replaced by WITHHELD and its vulnerability left unsaid (None), and is marked
``"restricted": true``; their name, the words of their name, their e-mail address and phone
number are withheld wherever the application's free text and its incidents' reporters mention
them.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Iterable
from typing import Any

from app.domain.case_people import APPLICANT, VICTIM, case_people
from app.letters.privacy import name_words

WITHHELD = "[withheld: restricted]"
FREE_TEXT = (
    "summary",
    "impact",
    "actions_taken",
    "outcome_sought",
    "special_circumstances",
    "other_information",
)


def person_heading(key: str) -> str:
    """A person of a case in words: "victim-2" -> "Victim 2", "applicant" -> "Applicant"."""
    return key.replace("-", " ").capitalize()


def withhold(application: dict[str, Any], keys: Iterable[str]) -> dict[str, Any]:
    """A copy of ``application`` with the data of the people ``keys`` names withheld; the
    application itself when there is nothing to withhold."""
    people = [p for p in case_people(application) if p.key in set(keys)]
    if not people:
        return application
    result = copy.deepcopy(application)
    victims = result.get("victims") or []
    for person in people:
        if person.role == VICTIM:
            number = int(person.key.split("-", 1)[1])
            _withhold_block(victims[number - 1])
            if person.applied_themselves and isinstance(result.get("applicant"), dict):
                _withhold_block(result["applicant"])  # their own details, given in the applicant block
        elif person.role == APPLICANT and isinstance(result.get("applicant"), dict):
            _withhold_block(result["applicant"])
    mentions = _mentions(people)
    for key in FREE_TEXT:
        if isinstance(result.get(key), str):
            result[key] = _without(result[key], mentions)
    for incident in result.get("incidents") or []:
        if isinstance(incident.get("description"), str):
            incident["description"] = _without(incident["description"], mentions)
        for report in incident.get("reports") or []:
            if isinstance(report.get("reporter"), str):
                report["reporter"] = _without(report["reporter"], mentions)
    return result


def _withhold_block(block: dict[str, Any]) -> None:
    for key, value in list(block.items()):
        if isinstance(value, str) and value:
            block[key] = WITHHELD
        elif isinstance(value, bool):
            block[key] = None
    block["restricted"] = True


def _mentions(people) -> list[str]:
    """What identifies them in free text, longest first: whole names, e-mail addresses, phone
    numbers, then each identifying word of their names."""
    whole, words = set(), set()
    for person in people:
        for key in ("name", "email", "phone", "organisation"):
            value = person.record.get(key)
            if isinstance(value, str) and value.strip():
                whole.add(value.strip())
        words |= name_words(person.name)
    return sorted(whole, key=len, reverse=True) + sorted(words, key=len, reverse=True)


def _without(text: str, mentions: list[str]) -> str:
    for mention in mentions:
        text = re.sub(rf"(?<![\w]){re.escape(mention)}(?![\w])", WITHHELD, text, flags=re.IGNORECASE)
    return text
