"""Issue a letter. Rendering and sending arrive with the letters work; here the letter is
recorded as due, so the case shows what must go out."""

LETTERS = {
    "CT1": "Acknowledgement to the applicant (CT1)",
    "CT2": "Acknowledgement to the third party (CT2)",
    "CT3": "Threshold not met (CT3)",
    "CT4": "Threshold met (CT4)",
    "ineligible": "Not eligible, with signposting",
    "review_outcome": "Outcome of the review of the threshold decision",
    "outcome": "Outcome of the case review",
    "appeal_outcome": "Outcome of the appeal",
}


def issue_letter(call) -> None:
    kind = call.params.get("letter")
    if kind not in LETTERS:
        raise ValueError(f"unknown letter {kind!r}; letters are: {', '.join(LETTERS)}")
    call.run.effects.letters.append((kind, call.element))
    call.run.effects.history.append(("letter_due", LETTERS[kind]))
