"""Issue a letter: record that the diagram issued it, with the case data of that moment.

The handler runs inside the workflow run, so it only records; the case service then stores
the letter (``app.services.documents.issue_letters``, in the same transaction as the run),
and e-mail goes out only after that transaction commits (``app.services.mail``).
"""

from __future__ import annotations

import copy
from typing import Any, NamedTuple

from app.letters.kinds import LETTER_TITLES

LETTERS = LETTER_TITLES  # kind -> title; the values a diagram's ``letter`` parameter may take


class LetterDue(NamedTuple):
    kind: str
    element: str
    data: dict[str, Any]  # the case data when the diagram issued the letter: what it is written from


def issue_letter(call) -> None:
    kind = call.params.get("letter")
    if kind not in LETTERS:
        raise ValueError(f"unknown letter {kind!r}; letters are: {', '.join(LETTERS)}")
    # A copy: the workflow carries on changing its data, the letter says what was true now.
    call.run.effects.letters.append(LetterDue(kind, call.element, copy.deepcopy(dict(call.data))))
    call.run.effects.history.append(("letter_due", LETTERS[kind]))
