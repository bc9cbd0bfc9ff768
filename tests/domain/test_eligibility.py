"""RULES.md §3: applications that are not eligible, and third-party consent."""

import pytest

from app.domain.eligibility import (
    APPLICANT_TYPES,
    CONSENT_EVIDENCE,
    INELIGIBILITY_REASONS,
    SIGNPOSTING,
    agencies_required,
    automatic_ineligibility,
    consent_recorded,
    consent_required,
    describe_ineligibility,
    signposting_for,
)

CODES = (
    "anonymous",
    "cps_decision",
    "court_decision",
    "service_complaint",
    "officer_conduct",
    "repeat_without_material_change",
    "actions_pending",  # east-herts-policy.txt s.14
    "vexatious",
    # Derby City's other four grounds (derby-city-application-guidance-notes.txt line 156)
    "malicious",
    "prejudicial",
    "discriminatory",
    "unreasonable",
)


def test_the_codes_are_those_of_the_rules_in_their_order():
    assert tuple(INELIGIBILITY_REASONS) == CODES
    assert tuple(SIGNPOSTING) == CODES


@pytest.mark.parametrize("code", CODES, ids=CODES)
def test_each_code_has_a_description_and_signposting(code):
    description = describe_ineligibility(code)
    signposting = signposting_for(code)
    assert description == INELIGIBILITY_REASONS[code]
    assert signposting == SIGNPOSTING[code]
    # Plain sentences, ready for a letter.
    for text in (description, signposting):
        assert text[0].isupper() and text.endswith(".")
        assert len(text) > 40


@pytest.mark.parametrize(
    ("code", "words"),
    [
        ("anonymous", ["identifiable"]),
        ("cps_decision", ["Crown Prosecution Service"]),
        ("court_decision", ["court"]),
        ("service_complaint", ["service"]),
        ("officer_conduct", ["one officer"]),
        ("repeat_without_material_change", ["material change"]),
        ("actions_pending", ["earlier case review", "still pending"]),
        ("vexatious", ["vexatious"]),
        ("malicious", ["malicious"]),
        ("prejudicial", ["prejudicial"]),
        ("discriminatory", ["discriminatory"]),
        ("unreasonable", ["unreasonable"]),
    ],
    ids=CODES,
)
def test_each_description_names_its_reason(code, words):
    for word in words:
        assert word in describe_ineligibility(code)


@pytest.mark.parametrize(
    ("code", "where"),
    [
        ("anonymous", "Crimestoppers"),
        ("cps_decision", "Victims' Right to Review"),
        ("court_decision", "appeal"),
        ("service_complaint", "complaints procedure"),
        ("officer_conduct", "Independent Office for Police Conduct (IOPC)"),
        ("officer_conduct", "Professional Standards"),
        ("repeat_without_material_change", "new application"),
        ("actions_pending", "apply again"),
        ("vexatious", "complaints procedure"),
        ("malicious", "101"),
        ("prejudicial", "apply again"),
        ("discriminatory", "True Vision"),
        ("unreasonable", "other ways to support you"),
    ],
    ids=[
        "anonymous-crimestoppers",
        "cps-victims-right-to-review",
        "court-appeal",
        "service-complaints-procedure",
        "conduct-iopc",
        "conduct-professional-standards",
        "repeat-new-application",
        "actions-pending-apply-again",
        "vexatious-complaints-procedure",
        "malicious-police",
        "prejudicial-apply-again",
        "discriminatory-true-vision",
        "unreasonable-support",
    ],
)
def test_signposting_says_where_to_go_instead(code, where):
    assert where in signposting_for(code)


@pytest.mark.parametrize(
    "code", ["", "Anonymous", "material_change", None], ids=["blank", "capitalised", "other", "none"]
)
def test_unknown_codes_raise_value_error(code):
    with pytest.raises(ValueError, match="unknown ineligibility reason"):
        describe_ineligibility(code)
    with pytest.raises(ValueError, match="unknown ineligibility reason"):
        signposting_for(code)


@pytest.mark.parametrize(
    ("applicant_type", "applicant_name", "victim_names", "expected"),
    [
        ("victim", None, ["Ann Smith"], ()),
        ("victim", "Ann Smith", ["Ann Smith"], ()),
        ("victim", None, ["", "  ", "Bob Jones"], ()),
        # The applicant is the victim, so a named applicant is an identifiable victim.
        ("victim", "Ann Smith", [], ()),
        ("victim", None, [], ("anonymous",)),
        ("victim", "  ", ["", " \t"], ("anonymous",)),
        ("victim", None, [None], ("anonymous",)),
        ("third_party", "Carol White", ["Ann Smith"], ()),
        # Someone applying for a victim they will not name: no consent can be had.
        ("third_party", "Carol White", [], ("anonymous",)),
        ("third_party", "Carol White", ["  "], ("anonymous",)),
        # A named victim but an applicant who will not give a name.
        ("third_party", "", ["Ann Smith"], ("anonymous",)),
        ("third_party", None, ["Ann Smith"], ("anonymous",)),
        ("agency", "Riverside Housing", ["Ann Smith"], ()),
        ("agency", "Riverside Housing", [], ("anonymous",)),
        ("agency", " ", ["Ann Smith"], ("anonymous",)),
    ],
    ids=[
        "victim-named",
        "victim-and-applicant-named",
        "one-of-several-victims-named",
        "victim-applicant-named-no-victims-listed",
        "victim-nobody",
        "victim-only-blanks",
        "victim-none-name",
        "third-party-both-named",
        "third-party-no-victim",
        "third-party-blank-victim",
        "third-party-blank-applicant",
        "third-party-no-applicant",
        "agency-both-named",
        "agency-no-victim",
        "agency-blank-applicant",
    ],
)
def test_anonymous_detection(applicant_type, applicant_name, victim_names, expected):
    assert automatic_ineligibility(applicant_type, applicant_name, victim_names) == expected


@pytest.mark.parametrize(
    ("applicant_type", "required"),
    [("victim", False), ("third_party", True), ("agency", True)],
    ids=APPLICANT_TYPES,
)
def test_consent_is_required_from_anyone_applying_for_someone_else(applicant_type, required):
    assert consent_required(applicant_type) is required


@pytest.mark.parametrize(
    ("given", "evidence", "recorded"),
    [
        (True, "written_consent", True),
        (True, "power_of_attorney", True),
        (True, "other", True),
        (True, None, False),
        (True, "verbal", False),
        (True, "", False),
        (False, "written_consent", False),
        (None, "written_consent", False),
        ("yes", "written_consent", False),
        (1, "written_consent", False),
    ],
    ids=[
        "written-consent",
        "power-of-attorney",
        "other-authority",
        "no-evidence",
        "unknown-evidence",
        "blank-evidence",
        "not-given",
        "given-unknown",
        "given-as-string",
        "given-as-int",
    ],
)
def test_consent_recorded(given, evidence, recorded):
    assert consent_recorded(given, evidence) is recorded


def test_consent_evidence_and_applicant_types():
    assert CONSENT_EVIDENCE == ("written_consent", "power_of_attorney", "other")
    assert APPLICANT_TYPES == ("victim", "third_party", "agency")


@pytest.mark.parametrize(
    "call",
    [
        lambda: automatic_ineligibility("neighbour", "Ann", ["Ann"]),
        lambda: automatic_ineligibility("victim", "Ann", "Ann Smith"),
        lambda: consent_required("Third party"),
    ],
    ids=["unknown-applicant-type", "victim-names-as-one-string", "consent-unknown-type"],
)
def test_bad_input_raises_value_error(call):
    with pytest.raises(ValueError):
        call()


@pytest.mark.parametrize(
    ("under_18_involved", "required"),
    [(False, ()), (True, ("youth_offending",))],
    ids=["adults-only", "under-18-youth-offending-service"],
)
def test_the_youth_offending_service_is_asked_when_a_person_under_18_is_involved(under_18_involved, required):
    # derby-city-application-guidance-notes.txt line 106.
    assert agencies_required(under_18_involved=under_18_involved) == required
