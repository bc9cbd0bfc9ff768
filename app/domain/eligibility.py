"""Applications that are not eligible for a review, and third-party consent (RULES.md §3).

Only ``anonymous`` can be seen by the system itself (``automatic_ineligibility``); the other
reasons are an officer's judgement in the ``screen_eligibility`` task. Each reason has a
plain-English description and a signposting text for the letter that tells the applicant
where to go instead. Sources: east-herts-policy.txt s.9 (lines 289-311: anonymous, CPS and court
decisions, service complaints, one officer's conduct) and s.14 (lines 577-594: a repeat without
a material change, actions still pending, vexatious); derby-city-application-guidance-notes.txt
line 156 ("applications may be rejected if they are thought to be prejudicial, discriminatory,
malicious, unreasonable or vexatious").

An ineligible decision can be challenged like a refusal (Schedule 4, para 3): the signposting
letter says how, and every diagram waits for a review request before it closes.
"""

from collections.abc import Sequence
from datetime import date

APPLICANT_TYPES = ("victim", "third_party", "agency")
CONSENT_EVIDENCE = ("written_consent", "power_of_attorney", "other")

# In RULES.md §3 order, which is also the order the screening form offers them.
INELIGIBILITY_REASONS: dict[str, str] = {
    "anonymous": "The application is anonymous: there is no identifiable victim or applicant.",
    "cps_decision": (
        "The application asks for a review of a Crown Prosecution Service decision "
        "to prosecute or not to prosecute."
    ),
    "court_decision": "The application is about a decision made by a civil or criminal court.",
    "service_complaint": (
        "The complaint is about the service an organisation provided, "
        "not about the response to anti-social behaviour."
    ),
    "officer_conduct": "The complaint is about the conduct or behaviour of one officer.",
    "repeat_without_material_change": (
        "The application is about the same matter as an earlier one that has been decided, "
        "and there has been no material change in the circumstances since."
    ),
    "actions_pending": (
        "Actions agreed at an earlier case review of the same matter are still pending or incomplete, "
        "so a new review cannot start yet."
    ),
    "vexatious": "The application has been judged vexatious: repeated requests without good cause.",
    # Derby City's four other grounds (derby-city-application-guidance-notes.txt line 156).
    "malicious": "The application has been judged malicious: made to cause harm or distress to someone.",
    "prejudicial": (
        "The application has been judged prejudicial: going ahead with it would unfairly harm an "
        "investigation, legal proceedings or another person's rights."
    ),
    "discriminatory": (
        "The application has been judged discriminatory: it targets someone because of who they are "
        "(for example their race, religion, disability, sex or sexual orientation)."
    ),
    "unreasonable": (
        "The application has been judged unreasonable: what it asks for goes beyond what a case review "
        "can reasonably do."
    ),
}

SIGNPOSTING: dict[str, str] = {
    "anonymous": (
        "You can apply again giving your name and how to contact you; we will not share your details "
        "with the people causing the anti-social behaviour. To report crime anonymously, "
        "contact Crimestoppers on 0800 555 111."
    ),
    "cps_decision": (
        "You can ask the Crown Prosecution Service to look at its decision again under the "
        "Victims' Right to Review scheme (www.cps.gov.uk)."
    ),
    "court_decision": (
        "A court's decision can be challenged only through the courts, for example by an appeal. "
        "A solicitor or Citizens Advice can explain your options."
    ),
    "service_complaint": (
        "Please use the complaints procedure of the organisation concerned (the council, the police "
        "or your housing provider). If you are still unhappy after its final response, it will tell "
        "you which ombudsman can look at your complaint."
    ),
    "officer_conduct": (
        "A complaint about a police officer's conduct goes to the force's Professional Standards "
        "Department, and may be referred to the Independent Office for Police Conduct (IOPC). "
        "For an officer of another organisation, use that organisation's complaints procedure."
    ),
    "repeat_without_material_change": (
        "We can consider a new application if your circumstances change, for example if there are new "
        "incidents. Please keep reporting anti-social behaviour to the council, the police or your "
        "housing provider. If you disagree with the earlier decision, use the review or appeal route "
        "explained in our decision letter."
    ),
    "actions_pending": (
        "The agencies are still carrying out the actions agreed at the earlier case review; your point "
        "of contact can tell you how they are progressing. If the actions are completed and the problem "
        "continues, or your circumstances change, you can apply again. Please keep reporting each incident."
    ),
    "vexatious": (
        "If you are unhappy with how your reports have been handled, please use the complaints procedure "
        "of the organisation concerned. We will continue to respond to new reports of anti-social behaviour."
    ),
    "malicious": (
        "We will continue to respond to genuine reports of anti-social behaviour. If you are being harmed "
        "or threatened, please report it to the police on 101, or 999 in an emergency."
    ),
    "prejudicial": (
        "Once the investigation or proceedings are over, you can apply again. In the meantime, please keep "
        "reporting incidents to the council, the police or your housing provider."
    ),
    "discriminatory": (
        "If you are experiencing anti-social behaviour, we will look into reports about behaviour, not about "
        "who someone is. To report a hate incident, contact the police on 101 or True Vision (www.report-it.org.uk)."
    ),
    "unreasonable": (
        "Please contact us to talk about what a case review can and cannot do; we will also look at other "
        "ways to support you. Keep reporting each incident as it happens."
    ),
}


# Derby City's guidance notes (line 106): "the Youth Offending Service will be involved, where
# the anti-social behaviour involves someone who is under 18".
YOUTH_OFFENDING = "youth_offending"


def agencies_required(*, under_18_involved: bool) -> tuple[str, ...]:
    """Agencies that must be among those asked for information, whatever the officer chooses."""
    return (YOUTH_OFFENDING,) if under_18_involved else ()


def automatic_ineligibility(
    applicant_type: str, applicant_name: str | None, victim_names: Sequence[str | None]
) -> tuple[str, ...]:
    """The reasons for ineligibility the system can see itself: ``("anonymous",)`` or ``()``.

    An application is anonymous when there is no identifiable victim or applicant:
    - ``victim``: neither a named victim nor a named applicant (the applicant is the victim);
    - ``third_party`` and ``agency``: no named victim (whose consent or interests the review
      is about), or no named applicant (who must be answered and held to account).
    """
    _check_applicant_type(applicant_type)
    if isinstance(victim_names, str):
        raise ValueError("victim_names must be a sequence of names, not one string")
    named_victim = any(_named(name) for name in victim_names)
    named_applicant = _named(applicant_name)
    if applicant_type == "victim":
        identifiable = named_victim or named_applicant
    else:
        identifiable = named_victim and named_applicant
    return () if identifiable else ("anonymous",)


def consent_required(applicant_type: str) -> bool:
    """Anyone applying for someone else, a third party or an organisation, waits at
    acknowledgement until the victim's consent is recorded (RULES.md §3; Derby City's notes,
    line 124: "If you are applying ... on behalf of someone else, the application form must be
    accompanied by evidence that you have the authority to act on the victim's behalf")."""
    _check_applicant_type(applicant_type)
    return applicant_type in ("third_party", "agency")


def clock_started_on(
    received_on: date, applicant_type: str, consent_given: bool, clock_starts: str
) -> date | None:
    """When the statutory clock starts, as far as the application tells (RULES.md §3): at
    receipt; or, where the council counts its limits from the completed application
    (``clock_starts == "completed_application"``), not until the victim's consent is recorded
    when someone applied for them without it (None: the diagram starts it on consent)."""
    if clock_starts not in ("receipt", "completed_application"):
        raise ValueError(f"unknown clock start {clock_starts!r}")
    waiting = consent_required(applicant_type) and not consent_given
    return None if clock_starts == "completed_application" and waiting else received_on


class ConsentStillAwaited(ValueError):
    """A case may not yet be closed as "consent not given"."""


def check_may_close_without_consent(follow_up_on: date | None, today: date) -> None:
    """A case waiting for consent may be closed as "consent not given" only once the council's
    limit (the ``consent_follow_up`` date) has passed; until then the applicant still has time."""
    if follow_up_on is None:
        raise ConsentStillAwaited("This case is not waiting for the victim's consent.")
    if today <= follow_up_on:
        raise ConsentStillAwaited(
            "The case can be closed as consent not given only after the follow-up date, "
            f"{follow_up_on.isoformat()}: until then the applicant still has time to send it."
        )


def consent_recorded(given: bool, evidence: str | None) -> bool:
    """Consent counts only when ``given`` is True (not merely truthy) and the evidence is known."""
    return given is True and evidence in CONSENT_EVIDENCE


def describe_ineligibility(code: str) -> str:
    """The plain-English description of an ineligibility code; ValueError for unknown codes."""
    return INELIGIBILITY_REASONS[_check_code(code)]


def signposting_for(code: str) -> str:
    """Where to go instead, for the signposting letter; ValueError for unknown codes."""
    return SIGNPOSTING[_check_code(code)]


def _check_code(code: str) -> str:
    if not isinstance(code, str) or code not in INELIGIBILITY_REASONS:
        raise ValueError(
            f"unknown ineligibility reason {code!r}; expected one of {list(INELIGIBILITY_REASONS)}"
        )
    return code


def _check_applicant_type(applicant_type: str) -> None:
    if applicant_type not in APPLICANT_TYPES:
        raise ValueError(
            f"unknown applicant type {applicant_type!r}; expected one of {list(APPLICANT_TYPES)}"
        )


def _named(name: str | None) -> bool:
    return isinstance(name, str) and bool(name.strip())
