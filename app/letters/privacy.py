"""Keeping other people's personal data out of letters.

A letter names only its recipient. Two things make that hold:

1. Letters are written from a snapshot that copies only what each letter needs
   (``app.letters.snapshots``): never the incident descriptions, the reporters, the panel,
   the chair, the officers, nor the application's free text.
2. What officers write that a letter quotes (decision reasons, the panel's findings,
   recommended actions, appeal reasons) can still mention someone, so it is passed through
   ``Redactor``: every name the case knows of other people, and every name found in the
   quoted text itself, is replaced, as are e-mail addresses and phone numbers other than the
   council's own.

The names come from the structured fields (incident reporters, panel members, the chair, the
person who applied for the victim when the letter goes to the victim and the other way
round) and from names found in the application's free text (summary, incident descriptions,
impact...) by ``names_in``: a person's title followed by a capitalised word (``Mr Pollard``,
``PC Lee``), or two or more capitalised words in a row (``Gary Pollard``). A full name is
removed in any letter case, and each of its words as a capitalised word on its own
(``Pollard`` after ``Gary Pollard``), unless the word is the recipient's own name or a word
like ``Road`` or ``Police``. Redacting too much is the safer mistake.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

WITHHELD = "[name withheld]"
DETAILS_WITHHELD = "[details withheld]"

_TITLES = (
    "Mr", "Mrs", "Ms", "Miss", "Mx", "Dr", "Prof", "Sir", "Dame", "Lady", "Lord", "Rev", "Cllr",
    "PC", "PCSO", "DC", "DS", "Sgt", "Insp", "Inspector", "Sergeant", "Constable", "Officer",
)  # fmt: skip
_WORD = r"[A-Z][a-zA-Z'’\-]+"
_TITLED = re.compile(rf"\b(?:{'|'.join(_TITLES)})\.?\s+(?:[A-Z]\.\s*)*{_WORD}(?:\s+{_WORD})?")
_CAPITALISED_RUN = re.compile(rf"\b{_WORD}(?:\s+(?:[A-Z]\.\s*)*{_WORD})+")
_POSSESSIVE = re.compile(r"['’]s$")
_EMAIL = re.compile(r"[\w.+'-]+@[\w-]+(?:\.[\w-]+)+")
# UK numbers as people write them: 07700 900123, 0116 496 0123, +44 (0)20 7946 0000.
_PHONE = re.compile(r"(?<![\w])(?:\+44\s?(?:\(0\)\s?)?|0)\d(?:[\s-]?\d){8,9}(?![\w])")

# Capitalised words that are not names: a run of them is not a name, and a name's word that is
# one of these is not removed on its own (the whole name still is).
NOT_NAMES = frozenset(
    """
    A An And As At Because But By For From He Her His However I If In It Its My No Not Of On Or Our
    She So That The Their Then There They This To We When Where Which While Who With You Your
    After Again Also Before During Later Since Until Every Each Some Many Most All Both One Two Three
    Monday Tuesday Wednesday Thursday Friday Saturday Sunday Today Yesterday Tonight Morning Evening Night
    January February March April May June July August September October November December
    Christmas Easter New Year Day Bank Holiday Week Weekend Month
    Mr Mrs Ms Miss Mx Dr Prof Sir Dame Lady Lord Rev Cllr PC PCSO DC DS Sgt Insp Inspector Sergeant
    Constable Officer Chair Manager Coordinator Co-ordinator Worker Team Service Services Support Victim
    Police Council Councillor Housing Association Homes Provider Agency Agencies Board Trust Partnership
    Community Safety Trigger Review Case Panel Anti-social Antisocial Behaviour ASB CCTV NHS ICB CSP
    Health Mental Social Care Youth Offending Fire Rescue Ambulance Probation Education School Court
    Crown Prosecution Citizens Advice Ombudsman Office Commissioner Crime Neighbourhood Watch Street Road
    Lane Avenue Close Drive Way Court Place Square Gardens Park Crescent Terrace Flat Flats House Estate
    Block Floor Garden Centre Shop Pub Station North South East West Upper Lower City Town Village
    Borough District County Royal England Wales English Welsh British UK Constabulary Metropolitan
    Group Action Plan Notice Warning Order Protection Injunction Mediation Letter Visit Joint Meeting
    Statement Impact Information Agreement Contract Acceptable Civil Criminal Closure Public Spaces
    Dispersal Tenancy Tenant Tenants Landlord Noise Nuisance Environmental Abatement Local Government
    Authority Department Unit Standards Professional Independent Resident Residents Neighbour Neighbours
    Safer Safe Victims Partners Partner Representative Representatives
    """.split()
)


def names_in(text: str) -> set[str]:
    """Names a person may have written in ``text``; see the module's description."""
    if not text:
        return set()
    found = {match.group(0) for match in _TITLED.finditer(text)}
    for match in _CAPITALISED_RUN.finditer(text):
        words = match.group(0).split()
        # Trim words that are not names from both ends: "On Monday Gary Pollard" -> "Gary Pollard".
        while words and words[0].rstrip(".") in NOT_NAMES:
            words.pop(0)
        while words and words[-1].rstrip(".") in NOT_NAMES:
            words.pop()
        if len(words) >= 2:
            found.add(" ".join(words))
    return {_POSSESSIVE.sub("", name.strip()) for name in found if name.strip()}


def name_words(name: str) -> set[str]:
    """The words of a name that identify someone on their own (not initials, titles or NOT_NAMES)."""
    words = set()
    for word in re.split(r"[\s,]+", name or ""):
        word = _POSSESSIVE.sub("", word.strip(".,;:()'\""))
        if len(word) >= 2 and word[0].isupper() and word not in NOT_NAMES and word.rstrip(".") not in _TITLES:
            words.add(word)
    return words


@dataclass(frozen=True)
class Redactor:
    """Removes ``names`` (full names and their identifying words) from text, keeping ``keep``."""

    names: frozenset[str]
    keep: frozenset[str] = frozenset()  # the recipient's own name words
    keep_contacts: frozenset[str] = frozenset()  # the council's own e-mail address and phone number

    @classmethod
    def for_names(
        cls, names: Iterable[str], keep_names: Iterable[str] = (), keep_contacts: Iterable[str] = ()
    ):
        keep = set()
        for name in keep_names:
            keep |= name_words(name)
        return cls(
            names=frozenset(n.strip() for n in names if n and n.strip()),
            keep=frozenset(keep),
            keep_contacts=frozenset(_digits(c) or c.lower() for c in keep_contacts if c),
        )

    def __call__(self, text: str | None) -> str:
        if not text:
            return ""
        result = _EMAIL.sub(lambda m: self._contact(m.group(0), m.group(0).lower()), text)
        result = _PHONE.sub(lambda m: self._contact(m.group(0), _digits(m.group(0))), result)
        names = self.names | {n for n in names_in(result) if not name_words(n) <= self.keep}
        # Longest first, so "Gary Pollard" goes whole before "Gary" is looked at.
        for name in sorted(names, key=len, reverse=True):
            if name_words(name) and name_words(name) <= self.keep:
                continue
            result = re.sub(rf"(?<![\w]){re.escape(name)}(?![\w])", WITHHELD, result, flags=re.IGNORECASE)
        words = set().union(*(name_words(n) for n in names)) - self.keep if names else set()
        for word in sorted(words, key=len, reverse=True):
            result = re.sub(rf"(?<![\w]){re.escape(word)}(?![\w])", WITHHELD, result)
        # "Mr [name withheld]" says no more than "[name withheld]"; runs of markers become one.
        result = re.sub(rf"\b(?:{'|'.join(_TITLES)})\.?\s+{re.escape(WITHHELD)}", WITHHELD, result)
        return re.sub(rf"{re.escape(WITHHELD)}(?:\s*{re.escape(WITHHELD)})+", WITHHELD, result)

    def _contact(self, found: str, key: str) -> str:
        return found if key in self.keep_contacts else DETAILS_WITHHELD


def _digits(text: str) -> str:
    digits = re.sub(r"\D", "", text)
    return "0" + digits[2:] if digits.startswith("44") else digits
