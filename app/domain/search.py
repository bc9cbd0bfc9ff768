"""What staff find a case by: its reference, the names and e-mail addresses of its victims and
applicant, and the postcodes in their addresses (issue 12, "a case list with search (reference,
name, e-mail, postcode)"; API.md ``GET /api/v1/cases?q=TEXT``).

A case is indexed as a set of lower-case terms; a search is a few words, and a case matches
when each word begins one of its terms. So "jane smi" finds Jane Smith, "de1" every DE1
postcode, and "DE1 1AA" (a whole postcode) that postcode however it is spaced. Prefix matching
on a sorted index works the same on PostgreSQL and SQLite (app/store/cases.py).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator
from typing import Any

TERM_LENGTH = 200  # longer terms are cut: nobody types more of a name or address
MAX_WORDS = 6  # words of a search that count; each is one more indexed range to intersect

# A UK postcode: outward code (area, district) and inward code, spaced or not.
_POSTCODE = re.compile(r"\b([A-Z]{1,2}[0-9][A-Z0-9]?) ?([0-9][A-Z]{2})\b", re.IGNORECASE)
_WHOLE_POSTCODE = re.compile(r"^\s*([A-Z]{1,2}[0-9][A-Z0-9]?)\s*([0-9][A-Z]{2})\s*$", re.IGNORECASE)
# A word: letters and digits, joined by apostrophes or hyphens (O'Brien, Smith-Jones, DER-2026-0017).
_WORD = re.compile(r"[^\W_]+(?:['’\-][^\W_]+)*")
_EMAIL = re.compile(r"[^@\s]+@[^@\s]+")


def _folded(text: str) -> str:
    """Without accents, so "Siobhan" finds Siobhán and "siobhán" finds Siobhan."""
    return "".join(c for c in unicodedata.normalize("NFKD", text) if not unicodedata.combining(c))


def _words(text: str) -> Iterator[str]:
    for word in _WORD.findall(_folded(text.lower())):
        yield word.replace("’", "'")
        parts = re.split(r"['\-]", word.replace("’", "'"))
        if len(parts) > 1:
            yield from parts  # "jones" finds Smith-Jones
            yield "".join(parts)  # "obrien" finds O'Brien


def _strings(value: Any) -> Iterator[str]:
    """Every text in an address, whether one string or parts (lines, town, postcode)."""
    if isinstance(value, str):
        yield value
    elif isinstance(value, dict):
        for part in value.values():
            yield from _strings(part)
    elif isinstance(value, list):
        for part in value:
            yield from _strings(part)


def postcodes_in(address: Any) -> set[str]:
    """The postcodes in an address, compact and lower-case ("de11aa")."""
    found = set()
    for text in _strings(address):
        for outward, inward in _POSTCODE.findall(text):
            found.add(f"{outward}{inward}".lower())
    return found


def person_terms(person: Any) -> set[str]:
    """The terms one person of an application (a victim, the applicant) is found by: the words of
    their name and organisation, their e-mail address and the postcodes of their address."""
    terms: set[str] = set()
    if not isinstance(person, dict):
        return terms
    for key in ("name", "organisation"):
        if isinstance(person.get(key), str):
            terms.update(_words(person[key]))
    email = person.get("email")
    if isinstance(email, str) and email.strip():
        terms.add(email.strip().lower())
    terms.update(postcodes_in(person.get("address")))
    return {term[:TERM_LENGTH] for term in terms if term}


def case_terms(reference: str, application: dict[str, Any]) -> set[str]:
    """The terms a case is found by: its reference's, and each of its people's."""
    terms = {reference.lower(), *_words(reference)}
    people = list(application.get("victims") or [])
    if application.get("applicant"):
        people.append(application["applicant"])
    for person in people:
        terms |= person_terms(person)
    return {term[:TERM_LENGTH] for term in terms if term}


def matches(terms: set[str], words: list[str]) -> bool:
    """Whether each searched word begins one of the terms (as the case index is searched)."""
    return bool(words) and all(any(term.startswith(word) for term in terms) for word in words)


def search_words(text: str) -> list[str]:
    """The prefixes a search looks for; every one must match a term of the case. Empty when the
    text holds nothing to search on."""
    whole = _WHOLE_POSTCODE.match(text)
    if whole:
        return [f"{whole.group(1)}{whole.group(2)}".lower()]
    words: list[str] = []
    for token in text.split():
        if _EMAIL.fullmatch(token):
            words.append(token.lower())
        else:
            words.extend(w.replace("’", "'") for w in _WORD.findall(_folded(token.lower())))
    unique = list(dict.fromkeys(w[:TERM_LENGTH] for w in words))
    return unique[:MAX_WORDS]
