"""Every letter rendered from its snapshot to HTML and to PDF, with the council's own details and
wording, the threshold explanation and review form in CT3, support in CT4, and no other
person's data in the letters that report outcomes."""

from __future__ import annotations

import io
import json
from dataclasses import replace
from datetime import date

import pytest
from pypdf import PdfReader

from app.councils import ReviewPolicy
from app.letters import (
    LETTER_TITLES,
    letter_snapshot,
    recipients_for,
    render_email_text,
    render_html,
    render_pdf,
)
from tests.letters.pdf import html_text, pdf_text
from tests.letters.samples import COUNCILS, OTHER_PEOPLE, PERPETRATOR, THIRD_PARTY, application, facts

KINDS = list(LETTER_TITLES)


def render(kind, council_id="derby-city", body=None, **data):
    body = body if body is not None else application(**(THIRD_PARTY if kind == "CT2" else {}))
    letter_facts = facts(kind, council_id=council_id, app_body=body, **data)
    addressees = recipients_for(kind, body, dict(letter_facts.data))
    return [letter_snapshot(letter_facts, addressee) for addressee in addressees]


@pytest.mark.parametrize("kind", KINDS)
def test_every_letter_has_the_council_letterhead_contacts_date_and_reference(kind):
    (snapshot,) = render(kind)
    json.dumps(snapshot)  # stored as JSON
    text = html_text(render_html(snapshot))
    council = COUNCILS.get("derby-city")
    for expected in (council.name, council.contacts.phone, council.contacts.email, "DER-2026-0001",
                     "18 December 2026", snapshot["heading"], "Yours sincerely"):  # fmt: skip
        assert expected in text, expected
    assert render_html(snapshot) == render_html(json.loads(json.dumps(snapshot)))  # same letter again


@pytest.mark.parametrize("kind", ["CT1", "CT3", "outcome"])
def test_pdf_is_a4_with_the_letter_text(kind):
    (snapshot,) = render(kind)
    pdf = render_pdf(render_html(snapshot))
    text = pdf_text(pdf)
    assert "Derby City Council" in text and "DER-2026-0001" in text and "Page 1 of" in text
    width, height = PdfReader(io.BytesIO(pdf)).pages[0].mediabox[2:]
    assert (round(float(width) / 72 * 25.4), round(float(height) / 72 * 25.4)) == (210, 297)


def test_ct3_gives_the_threshold_explanation_and_the_review_request_form():
    (snapshot,) = render("CT3", council_id="east-herts")
    text = html_text(render_html(snapshot))
    assert (
        "1 of the 3 qualifying complaints needed: the incident of 10 October 2026 was reported 40 days"
        in text
    )
    # East Herts' own threshold, with the Act's floor: its 30 days or a month, whichever is longer.
    assert "within 30 days of it happening, or within 1 month where that is longer." in text
    assert "Form CT3a: request a review of the decision" in text
    assert "carried out by a peer at a neighbouring authority" in text
    assert "by 15 January 2027" in text  # the diagram's review window
    pdf = pdf_text(render_pdf(render_html(snapshot)))
    assert "East Herts Council" in pdf and "40 days after it happened" in pdf and "Form CT3a" in pdf


def test_ct3_without_a_review_offered_points_to_complaints_and_the_ombudsman():
    council = replace(
        COUNCILS.get("derby-city"), not_met_review=ReviewPolicy(offered=False, within_days=None, reviewer="")
    )
    letter_facts = replace(facts("CT3"), council=council)
    (addressee,) = recipients_for("CT3", application())
    text = html_text(render_html(letter_snapshot(letter_facts, addressee)))
    assert "CT3a" not in text
    assert "Local Government and Social Care Ombudsman" in text


def test_ct4_names_the_point_of_contact_support_and_how_to_be_heard():
    (snapshot,) = render("CT4")
    text = html_text(render_html(snapshot))
    assert (
        "Your single point of contact for the case review is the Community Safety & Integration Service"
        in text
    )
    assert "come to the start of the case review meeting" in text
    assert "victim impact statement" in text
    assert "Victim Support" in text and "08 08 16 89 111" in text
    assert "refer you" in text


def test_ineligible_letter_gives_the_reason_and_where_to_go_instead():
    (snapshot,) = render("ineligible")
    text = html_text(render_html(snapshot))
    assert "The complaint is about the service an organisation provided" in text
    assert "Please use the complaints procedure of the organisation concerned" in text


def test_third_party_letters():
    (ct2,) = render("CT2")
    text = html_text(render_html(ct2))
    assert "Dear Sam Helper" in text and "We need the consent of the person you applied for" in text
    assert "Alex" not in text  # a letter names only its recipient
    victim_copy, third_party_copy = render("CT4", body=application(**THIRD_PARTY), consent_received=True)
    assert "This is your copy" not in html_text(render_html(victim_copy))
    assert "This is your copy of the letter we have sent to them" in html_text(render_html(third_party_copy))
    assert third_party_copy["title"] == "Threshold met (CT4), copy to the third party"


def test_an_organisation_is_asked_for_consent_and_told_nothing_more():
    body = application(applicant_type="agency", consent={"given": False},
                       applicant={"name": "Kim Officer", "organisation": "Derby Homes"})  # fmt: skip
    (ct2,) = render("CT2", body=body)
    text = html_text(render_html(ct2))
    assert "that your organisation made on behalf of the person affected" in text
    assert "We need the consent of the person you applied for" in text
    assert "we cannot tell you anything more about the application" in text
    for private in ("Alex", "shouted at night", "Pollard"):
        assert private not in text
    (victim_only,) = render("CT4", body=body)  # no copy before consent
    assert victim_only["recipient"]["role"] == "victim"


def test_consent_not_given_letter_to_the_applicant_and_the_victim():
    body = application(**THIRD_PARTY)
    letter_facts = replace(
        facts("consent_not_given", app_body=body), deadlines={"consent_follow_up": date(2027, 1, 11)}
    )
    to_victim, to_third_party = (
        letter_snapshot(letter_facts, a)
        for a in recipients_for("consent_not_given", body, dict(letter_facts.data))
    )
    victim_text = html_text(render_html(to_victim))
    assert "made on your behalf by someone else" in victim_text
    assert "We have not received it by 11 January 2027" in victim_text
    assert "shared nothing about it with the person who applied" in victim_text
    third_text = html_text(render_html(to_third_party))
    assert "Dear Sam Helper" in third_text and "So we have closed the application" in third_text
    assert "This is your copy" not in third_text and "Alex" not in third_text


@pytest.mark.parametrize("kind", ["outcome", "appeal_outcome", "review_outcome", "CT3"])
def test_no_other_persons_data_in_letters_reporting_decisions(kind):
    """The application's free text and incidents name the person complained about and a reporter;
    the panel and chair are named in the review; officers mention them in what the letter quotes."""
    (snapshot,) = render(kind)
    html = render_html(snapshot)
    for text in (html_text(html), pdf_text(render_pdf(html))):
        for name in OTHER_PEOPLE:
            assert name not in text, (kind, name)
        for private in ("shouted at night", "Door kicked", "07700", "Neighbourhood officer", "Derby CSP"):
            assert private not in text, (kind, private)
        assert "Alex Victim" in text  # the recipient


def test_outcome_letter_lists_actions_and_agencies_only():
    (snapshot,) = render("outcome")
    text = html_text(render_html(snapshot))
    assert "Install a door camera for the victim" in text and "A housing provider (landlord)" in text
    assert "Joint visit by police and housing to [name withheld]" in text
    # With their timescales (issue 15; derbyshire-public-page.txt line 7), and no one's name.
    assert "1 March 2027" in text and "15 February 2027" in text
    assert "appeal" in text and "19 February 2027" in text  # the diagram's appeal window
    assert snapshot["letter"]["actions"] == [
        {"action": "Joint visit by police and housing to [name withheld]", "agency": "The police",
         "due_on": "2027-02-15"},
        {"action": "Install a door camera for the victim", "agency": "A housing provider (landlord)",
         "due_on": "2027-03-01"},
    ]  # fmt: skip
    assert PERPETRATOR not in json.dumps(snapshot)  # not even stored with the letter


def test_officer_text_is_escaped():
    (snapshot,) = render("CT3", reasons='<script>alert("x")</script> & more')
    html = render_html(snapshot)
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_email_text_is_short_and_names_the_letter():
    (snapshot,) = render("CT1")
    text = render_email_text(snapshot)
    assert text.startswith("Dear Alex Victim,")
    assert "DER-2026-0001" in text and "PDF" in text and "01632 960001" in text


def test_the_pdf_is_tagged_for_screen_readers_and_carries_the_postal_address_block():
    """PDF/UA-1: a structure tree in reading order, marked as tagged, with the document's
    language and its title shown; the recipient's address as the envelope window reads it."""
    body = application()
    body["victims"][0]["address"] = "Flat 2, 10 Corporation Street\nDerby\nDE1 2FS"
    (snapshot,) = render("CT1", body=body)
    pdf = render_pdf(render_html(snapshot))
    reader = PdfReader(io.BytesIO(pdf))
    root = reader.trailer["/Root"]
    assert bool(root["/MarkInfo"]["/Marked"]) and root["/StructTreeRoot"]["/K"]
    assert root["/Lang"] == "en-GB" and bool(root["/ViewerPreferences"]["/DisplayDocTitle"])
    assert b"pdfuaid" in reader.xmp_metadata.stream.get_data()
    text = pdf_text(pdf)
    assert "Alex Victim Flat 2 10 Corporation Street Derby DE1 2FS" in text


def test_the_plan_complete_letter_says_whose_actions_they_were():
    """The review's plan, even on a case whose refusal was overturned on review earlier (upheld is
    in its data), or an upheld appeal's further actions, numbered after the review's."""
    (review,) = render("action_plan_complete", upheld=True, decided_on="2026-12-20")
    assert "After your Community Trigger case review the agencies agreed" in html_text(render_html(review))
    further = [
        {"action": "Repair the door", "owner_agency": "housing_provider", "due_on": "2027-03-01", "number": 3}
    ]
    report = [{"number": 3, "done": True, "closed": False, "done_on": "2027-02-20", "note": "Repaired."}]
    (appeal,) = render("action_plan_complete", upheld=True, decided_on="2027-02-10", actions=further,
                       action_reports=report)  # fmt: skip
    text = html_text(render_html(appeal))
    assert "When your appeal was upheld, further actions were added" in text
    assert "Repair the door" in text and "Done on 20 February 2027" in text


def test_the_plan_complete_letter_says_what_became_of_each_action_naming_no_one():
    (snapshot,) = render("action_plan_complete")
    text = html_text(render_html(snapshot))
    assert "Done on 12 February 2027." in text and "with [name withheld]; a warning was given." in text
    assert "Closed without being done: The landlord is replacing the door in the refurbishment." in text
    assert PERPETRATOR not in json.dumps(snapshot) and "PC Lee" not in json.dumps(snapshot)


def _plan(*actions):
    return [
        {"id": number, "description": text, "owner_agency": agency, "status": status}
        for number, text, agency, status in actions
    ]


def test_the_plan_complete_letter_lists_the_actions_still_under_way_and_does_not_call_the_plan_complete():
    """The review's plan can end while an upheld appeal's further actions are still open, and the
    other way round: each letter says what is still under way, and only a letter with nothing left
    open says the action plan is complete."""
    review_over = replace(
        facts("action_plan_complete"),
        action_plan=_plan((1, "Joint visit", "police", "done"), (2, "Repair the door", "housing_provider", "closed"),
                          (3, "Mediation with Mr Pollard", "council", "open")),
    )  # fmt: skip
    text = html_text(render_html(letter_snapshot(review_over, recipients(review_over)[0])))
    assert "so the action plan is complete" not in text
    assert "Every action agreed at the case review has now been completed or closed." in text
    assert (
        "When your appeal was upheld, further actions were added to the plan. This one is still under way"
        in text
    )
    assert "Mediation with [name withheld] (The council)" in text

    further = [
        {"action": "Repair the door", "owner_agency": "housing_provider", "due_on": "2027-03-01", "number": 3}
    ]
    appeal_over = replace(
        facts("action_plan_complete", actions=further, action_reports=[{"number": 3, "done": True}]),
        action_plan=_plan((1, "Joint visit", "police", "open"), (2, "Install CCTV", "council", "open"),
                          (3, "Repair the door", "housing_provider", "done")),
    )  # fmt: skip
    text = html_text(render_html(letter_snapshot(appeal_over, recipients(appeal_over)[0])))
    assert "Some actions agreed at your case review are still under way" in text
    assert "Joint visit (The police)" in text and "Install CCTV" in text

    done = replace(facts("action_plan_complete"), action_plan=_plan((1, "Joint visit", "police", "done")))
    text = html_text(render_html(letter_snapshot(done, recipients(done)[0])))
    assert "so the action plan is complete" in text and "still under way" not in text


def recipients(letter_facts):
    return recipients_for(letter_facts.kind, letter_facts.application, dict(letter_facts.data))
