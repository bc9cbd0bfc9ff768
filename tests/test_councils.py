"""The council configuration: the real processes/councils.toml, and every kind of bad file."""

import dataclasses
from datetime import date

import pytest

from app import create_app
from app.councils import (
    DEFAULT_COUNCILS_PATH,
    RETENTION_ASSUMED,
    AppealContact,
    AppealPolicy,
    CouncilConfigError,
    CouncilRegistry,
    IneligibleReviewPolicy,
    ReviewPolicy,
    load_councils,
)
from app.domain.calendar import ClosureDays, WorkingCalendar
from app.domain.threshold import SENIOR_ROLES, ReportLimit, ThresholdPolicy

COUNCIL_IDS = [
    "derby-city",
    "amber-valley",
    "bolsover",
    "chesterfield",
    "derbyshire-dales",
    "erewash",
    "high-peak",
    "north-east-derbyshire",
    "south-derbyshire",
    "east-herts",
    "kensington-and-chelsea",
]
DERBYSHIRE_IDS = COUNCIL_IDS[:9]
PCC_DERBYSHIRE = "Office of the Police and Crime Commissioner for Derbyshire"


@pytest.fixture(scope="module")
def registry() -> CouncilRegistry:
    return load_councils(DEFAULT_COUNCILS_PATH)


# --- The real file -------------------------------------------------------------------------


def test_default_path_is_the_repository_file():
    assert DEFAULT_COUNCILS_PATH.parts[-2:] == ("processes", "councils.toml")
    assert DEFAULT_COUNCILS_PATH.is_file()


def test_real_file_has_exactly_the_api_councils_in_order(registry):
    assert [c.id for c in registry] == COUNCIL_IDS
    assert list(registry.councils) == COUNCIL_IDS
    assert len(registry) == 11


def test_real_file_has_exactly_the_api_counties(registry):
    assert set(registry.counties) == {"derbyshire", "hertfordshire", "london"}
    assert {c.name for c in registry.counties.values()} == {"Derbyshire", "Hertfordshire", "London"}


@pytest.mark.parametrize(
    ("county_id", "members"),
    [
        ("derbyshire", DERBYSHIRE_IDS),
        ("hertfordshire", ["east-herts"]),
        ("london", ["kensington-and-chelsea"]),
    ],
    ids=["derbyshire-has-derby-city-and-8-districts", "hertfordshire-east-herts", "london-rbkc"],
)
def test_counties_derive_their_members_from_the_councils(registry, county_id, members):
    assert registry.county(county_id).council_ids == tuple(members)
    assert [c.id for c in registry.councils_in(county_id)] == members
    assert all(c.county == county_id for c in registry.councils_in(county_id))


def test_every_council_is_in_england_with_contacts(registry):
    for council in registry:
        assert council.nation == "england"
        assert council.name
        assert all(dataclasses.asdict(council.contacts).values()), council.id
        assert council.contacts.website.startswith("https://")


def test_reference_prefixes_are_unique_short_capitals(registry):
    prefixes = [c.reference_prefix for c in registry]
    assert len(set(prefixes)) == len(prefixes)
    assert all(p.isalpha() and p.isupper() and 2 <= len(p) <= 6 for p in prefixes)
    assert registry.get("derby-city").reference_prefix == "DER"  # as in API.md's example


@pytest.mark.parametrize("council_id", DERBYSHIRE_IDS)
def test_derbyshire_councils_follow_the_county_wide_guidance(registry, council_id):
    council = registry.get(council_id)
    assert council.county == "derbyshire"
    assert council.process_key == "community_trigger_derbyshire"
    threshold = council.threshold
    assert threshold.report_within == ReportLimit(months=1)
    assert (threshold.min_qualifying, threshold.window_months) == (3, 6)
    assert threshold.community_min_reporters is None  # "five households" rule removed
    assert threshold.discretionary_activation is True
    assert {
        "police_inspector",
        "partner_senior_manager",
        "community_safety_manager",
    } <= threshold.discretionary_roles
    assert "icb" in threshold.eligible_agencies  # "relevant organisation" includes the CCG/ICB
    # Derby City's notes: "In addition, the Youth Offending Service will be involved" (line 106).
    assert "youth_offending" in threshold.counted_agencies
    # Line 25: on-site discussions count only with a police officer or PCSO on duty; line 19:
    # "incidents ... that occurred on separate occasions".
    assert (threshold.onsite_police_only, threshold.separate_occasions) == (True, True)
    assert threshold.hate_incident_route is False
    # Lodged with the Commissioner's office directly, a third party enclosing the victim's consent
    # (derby-city-application-guidance-notes.txt line 154; derbyshire-public-page.txt line 55).
    assert council.appeal == AppealPolicy(
        body=PCC_DERBYSHIRE,
        within_days=28,
        lodge_directly=True,
        contact=AppealContact(
            website="https://www.derbyshire-pcc.gov.uk/Public-Information/CommunityTrigger"
        ),
        third_party_consent=True,
    )
    assert council.ineligible_review_policy == IneligibleReviewPolicy(within_days=28, reviewer=PCC_DERBYSHIRE)
    assert council.not_met_review == ReviewPolicy(offered=True, within_days=28, reviewer=PCC_DERBYSHIRE)


def test_derby_city_contacts_come_from_its_guidance_notes(registry):
    contacts = registry.get("derby-city").contacts
    assert contacts.email == "CommunitySafety@derby.gov.uk"
    assert "Council House, Corporation Street, Derby" in contacts.address


def test_east_herts_policy(registry):
    council = registry.get("east-herts")
    assert council.county == "hertfordshire"
    assert council.process_key == "community_trigger_east_herts"
    # Section 5 lists three bodies and "30 days"; the Act's floor adds the ICB and the month.
    assert council.threshold == ThresholdPolicy(
        report_within=ReportLimit(days=30), eligible_agencies={"council", "police", "housing_provider"}
    )
    assert council.threshold.counted_agencies == {"council", "police", "housing_provider", "icb"}
    assert council.threshold.discretionary_roles == frozenset(SENIOR_ROLES)
    assert council.not_met_review == ReviewPolicy(
        offered=True, within_days=28, reviewer="A peer at a neighbouring authority"
    )
    assert "Community Wellbeing and Partnerships Manager" in council.appeal.body
    assert "independent representative" in council.appeal.body
    assert council.contacts.email == "community.safety@eastherts.gov.uk"
    assert council.contacts.phone == "01279 655261"
    assert council.contacts.address.endswith("SG13 8EQ")


def test_kensington_and_chelsea_uses_the_london_wide_threshold(registry):
    council = registry.get("kensington-and-chelsea")
    assert council.county == "london"
    assert council.process_key == "community_trigger_kensington_and_chelsea"
    assert council.threshold == ThresholdPolicy()
    assert (council.threshold.min_qualifying, council.threshold.window_months) == (3, 6)
    assert council.not_met_review.offered is True
    assert council.not_met_review.within_days is None  # not stated in the source
    assert "senior officer" in council.not_met_review.reviewer
    assert "senior officer" in council.appeal.body


@pytest.mark.parametrize("council_id", COUNCIL_IDS)
def test_every_council_calendar_works(registry, council_id):
    calendar = registry.get(council_id).calendar
    assert isinstance(calendar, WorkingCalendar)
    due = calendar.add_working_days(date(2026, 12, 21), 5)
    assert due > date(2026, 12, 21)
    assert calendar.is_working_day(due)
    assert not calendar.is_working_day(date(2026, 12, 25))


def test_registry_is_read_only(registry):
    with pytest.raises(TypeError):
        registry.councils["new"] = registry.get("derby-city")
    with pytest.raises(dataclasses.FrozenInstanceError):
        registry.councils = {}
    with pytest.raises(dataclasses.FrozenInstanceError):
        registry.get("derby-city").name = "Renamed"


def test_unknown_ids_give_none_or_empty(registry):
    assert registry.get("atlantis") is None
    assert registry.county("atlantis") is None
    assert registry.councils_in("atlantis") == []
    assert "derby-city" in registry and "atlantis" not in registry


# --- Small files written for each test -----------------------------------------------------

COUNTY = """
[counties.shire]
name = "Shire"
"""

ALPHA = """
[councils.alpha]
name = "Alpha Council"
nation = "england"
county = "shire"
reference_prefix = "ALP"
process = "community_trigger_alpha"
closure_days = ["12-29", "2026-12-24"]

[councils.alpha.threshold]
report_within = { days = 30 }
eligible_agencies = ["council", "police"]

[councils.alpha.not_met_review]
offered = true
within_days = 28
reviewer = "A peer at a neighbouring authority"

[councils.alpha.appeal]
body = "The PCC"
within_days = 28

[councils.alpha.contacts]
team = "Community Safety Team"
email = "community.safety@alpha.gov.uk"
phone = "01632 960000"
address = "Town Hall, Alpha"
website = "https://www.alpha.gov.uk/"
"""

GUIDANCE = """
[guidance.shire]
name = "Shire county-wide guidance"
process = "community_trigger_shire"

[guidance.shire.threshold]
community_min_reporters = 5

[guidance.shire.not_met_review]
offered = false

[guidance.shire.appeal]
body = "The Shire PCC"
within_days = 28
"""

GUIDED = """
[councils.gamma]
name = "Gamma Council"
nation = "wales"
county = "shire"
reference_prefix = "GAM"
guidance = "shire"

[councils.gamma.appeal]
within_days = 21

[councils.gamma.contacts]
team = "Community Safety Team"
email = "community.safety@gamma.gov.uk"
phone = "01632 960001"
address = "Town Hall, Gamma"
website = "https://www.gamma.gov.uk/"
"""


def write(tmp_path, text, name="councils.toml"):
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def edit(text, old, new):
    assert old in text, old  # a typo in a test case must not pass silently
    return text.replace(old, new, 1)


def test_small_valid_file_loads(tmp_path):
    registry = load_councils(write(tmp_path, COUNTY + ALPHA))
    alpha = registry.get("alpha")
    assert alpha.closures == ClosureDays(dates=frozenset({date(2026, 12, 24)}), annual=frozenset({(12, 29)}))
    assert not alpha.calendar.is_working_day(date(2027, 12, 29))  # annual closure, a Wednesday
    assert alpha.threshold.eligible_agencies == frozenset({"council", "police"})
    assert alpha.threshold.report_within == ReportLimit(days=30)
    assert registry.county("shire").council_ids == ("alpha",)


def test_toml_dates_are_accepted_as_one_off_closures(tmp_path):
    path = write(tmp_path, COUNTY + edit(ALPHA, '["12-29", "2026-12-24"]', "[2026-12-24]"))
    assert load_councils(path).get("alpha").closures.dates == frozenset({date(2026, 12, 24)})


def test_guidance_is_shared_and_the_council_overrides_it(tmp_path):
    registry = load_councils(write(tmp_path, COUNTY + GUIDANCE + GUIDED))
    gamma = registry.get("gamma")
    assert gamma.name == "Gamma Council"  # the guidance's own name is not inherited
    assert gamma.nation == "wales"
    assert gamma.process_key == "community_trigger_shire"
    assert gamma.threshold.community_min_reporters == 5
    assert gamma.not_met_review == ReviewPolicy(offered=False, within_days=None, reviewer="")
    assert gamma.appeal == AppealPolicy(body="The Shire PCC", within_days=21)  # merged key by key
    assert gamma.closures == ClosureDays()


def test_values_to_confirm_merge_key_by_key_and_any_dotted_key_is_allowed(tmp_path):
    guidance = (
        GUIDANCE + '\n[guidance.shire.to_confirm]\n"appeal.within_days" = "The guidance states no window."\n'
    )
    council = GUIDED + (
        '\n[councils.gamma.to_confirm]\n"diagram.confirm_reports.dueOn" = "No source states the time to confirm."\n'
    )
    gamma = load_councils(write(tmp_path, COUNTY + guidance + council)).get("gamma")
    assert dict(gamma.to_confirm) == {
        "appeal.within_days": "The guidance states no window.",
        "diagram.confirm_reports.dueOn": "No source states the time to confirm.",
        "retention_years": RETENTION_ASSUMED,  # the file states none
    }
    assert gamma.assumed("appeal.within_days") and not gamma.assumed("not_met_review.within_days")
    assert gamma.retention_years == 6
    stated = load_councils(
        write(
            tmp_path,
            COUNTY
            + GUIDANCE
            + GUIDED.replace('guidance = "shire"\n', 'guidance = "shire"\nretention_years = 7\n'),
        )
    ).get("gamma")
    assert stated.retention_years == 7 and not stated.assumed("retention_years")
    with pytest.raises(TypeError):
        gamma.to_confirm["appeal.within_days"] = "changed"  # read-only, like the registry


def test_an_ineligible_decision_is_reviewed_as_a_refusal_unless_configured(tmp_path):
    alpha = load_councils(write(tmp_path, COUNTY + ALPHA)).get("alpha")
    assert alpha.ineligible_review is None
    assert alpha.ineligible_review_policy == IneligibleReviewPolicy(
        within_days=28, reviewer="A peer at a neighbouring authority"
    )
    gamma = load_councils(write(tmp_path, COUNTY + GUIDANCE + GUIDED)).get("gamma")  # no refusal review
    assert gamma.ineligible_review_policy == IneligibleReviewPolicy(within_days=21, reviewer="The Shire PCC")
    configured = ALPHA + '\n[councils.alpha.ineligible_review]\nwithin_days = 14\nreviewer = "The manager"\n'
    alpha = load_councils(write(tmp_path, COUNTY + configured)).get("alpha")
    assert alpha.ineligible_review_policy == IneligibleReviewPolicy(within_days=14, reviewer="The manager")


def test_council_report_limit_replaces_the_guidance_one_whole(tmp_path):
    guidance = edit(GUIDANCE, "community_min_reporters = 5", "report_within = { months = 2 }")
    council = GUIDED + "\n[councils.gamma.threshold]\nreport_within = { days = 30 }\n"
    gamma = load_councils(write(tmp_path, COUNTY + guidance + council)).get("gamma")
    assert gamma.threshold.report_within == ReportLimit(days=30)


# One row per kind of mistake in a council: (id, text of the valid file, its replacement,
# the key path the message must name, what the message must say).
# fmt: off
BAD_COUNCIL_EDITS = [
    ("unknown-key", 'nation = "england"', 'nation = "england"\ncolour = "red"', "colour", "Unknown field."),
    ("unknown-nested-key", "within_days = 28\nreviewer", "within_day = 28\nreviewer", "not_met_review.within_day", "Unknown field."),
    ("string-for-int", 'The PCC"\nwithin_days = 28', 'The PCC"\nwithin_days = "28"', "appeal.within_days", "Not a valid integer."),
    ("bool-for-int", "report_within = { days = 30 }", "min_qualifying = true", "threshold.min_qualifying", "Not a valid integer."),
    ("float-for-int", "report_within = { days = 30 }", "window_months = 6.5", "threshold.window_months", "Not a valid integer."),
    ("string-for-bool", "offered = true", 'offered = "yes"', "not_met_review.offered", "Not a valid boolean."),
    ("table-for-string", 'name = "Alpha Council"', 'name = { en = "Alpha" }', "name", "Not a valid string."),
    ("unknown-nation", 'nation = "england"', 'nation = "scotland"', "nation", "Must be one of: england, wales."),
    ("unknown-sender", 'nation = "england"', 'nation = "england"\nsender = "fax"', "sender", 'Must be "smtp" (the SMTP server) or "notify" (GOV.UK Notify), not \'fax\'.'),
    ("unknown-agency", '["council", "police"]', '["council", "fire_service"]', "threshold.eligible_agencies[1]", "Must be one of: council, "),
    # Methods are the Act's (every one but a diary sheet); a council only restricts on-site discussions.
    ("methods-not-configurable", "report_within = { days = 30 }", 'eligible_methods = ["email"]', "threshold.eligible_methods", "Unknown field."),
    ("string-for-onsite-switch", "report_within = { days = 30 }", 'onsite_police_only = "yes"', "threshold.onsite_police_only", "Not a valid boolean."),
    ("string-for-occasions-switch", "report_within = { days = 30 }", "separate_occasions = 1", "threshold.separate_occasions", "Not a valid boolean."),
    ("string-for-hate-switch", "report_within = { days = 30 }", 'hate_incident_route = "on"', "threshold.hate_incident_route", "Not a valid boolean."),
    # Above the Act (s.104(4), (11)): the app must not start.
    ("more-than-three-complaints", "report_within = { days = 30 }", "min_qualifying = 4", "threshold.min_qualifying", "min_qualifying = 4 is above the Act: under s.104(4)"),
    ("window-under-six-months", "report_within = { days = 30 }", "window_months = 5", "threshold.window_months", "window_months = 5 is above the Act: under s.104(11)"),
    ("unknown-role", "report_within = { days = 30 }", 'discretionary_roles = ["police_sergeant"]', "threshold.discretionary_roles[0]", "Must be one of: "),
    ("no-role-while-discretion-on", "report_within = { days = 30 }", "discretionary_roles = []", "threshold.discretionary_roles", "Must name at least one role"),
    ("no-eligible-agency", '["council", "police"]', "[]", "threshold.eligible_agencies", "Shorter than minimum length 1."),
    ("report-limit-both", "{ days = 30 }", "{ days = 30, months = 1 }", "threshold.report_within", "Must have exactly one of months or days."),
    ("report-limit-neither", "{ days = 30 }", "{}", "threshold.report_within", "Must have exactly one of months or days."),
    ("report-limit-zero", "{ days = 30 }", "{ days = 0 }", "threshold.report_within.days", "Must be greater than or equal to 1."),
    ("negative-min-qualifying", "report_within = { days = 30 }", "min_qualifying = -3", "threshold.min_qualifying", "Must be greater than or equal to 1."),
    ("zero-community-reporters", "report_within = { days = 30 }", "community_min_reporters = 0", "threshold.community_min_reporters", "Must be greater than or equal to 1."),
    ("zero-appeal-window", 'The PCC"\nwithin_days = 28', 'The PCC"\nwithin_days = 0', "appeal.within_days", "Must be greater than or equal to 1."),
    ("non-slug-county", 'county = "shire"', 'county = "The Shire"', "county", "Must be a slug"),
    ("county-not-defined", 'county = "shire"', 'county = "midshire"', "county", "Unknown county 'midshire'"),
    ("bad-annual-closure", '"12-29"', '"13-45"', "closure_days[0]", "Not a closure day: '13-45'"),
    ("bad-one-off-closure", '"2026-12-24"', '"2026-02-30"', "closure_days[1]", "Not a closure day: '2026-02-30'"),
    ("closure-as-number", '"12-29"', "1229", "closure_days[0]", "Not a closure day: 1229"),
    ("lower-case-prefix", '"ALP"', '"alp"', "reference_prefix", "Must be 2 to 6 capital letters."),
    ("bad-process-key", '"community_trigger_alpha"', '"Community Trigger"', "process", "Must be lower-case letters"),
    ("missing-key", 'email = "community.safety@alpha.gov.uk"\n', "", "contacts.email", "Missing data for required field."),
    ("missing-table", '[councils.alpha.appeal]\nbody = "The PCC"\nwithin_days = 28\n', "", "appeal", "Missing data for required field."),
    ("bad-email", "community.safety@alpha.gov.uk", "community safety", "contacts.email", "Not a valid email address."),
    ("bad-website", "https://www.alpha.gov.uk/", "www.alpha", "contacts.website", "Not a valid URL."),
    ("bad-phone", '"01632 960000"', '"ring us"', "contacts.phone", "Not a valid phone number."),
    ("blank-name", '"Alpha Council"', '"  "', "name", "Must not be blank."),
    ("review-offered-without-reviewer", 'reviewer = "A peer at a neighbouring authority"\n', "", "not_met_review.reviewer", "Required when offered is true."),
    ("review-window-when-not-offered", "offered = true", "offered = false", "not_met_review.within_days", "Must be left out when offered is false."),
    ("unknown-guidance", 'process = "community_trigger_alpha"', 'guidance = "lowlands"', "guidance", "Unknown guidance 'lowlands'"),
    ("appeal-direct-without-contact", 'The PCC"\nwithin_days = 28', 'The PCC"\nwithin_days = 28\nlodge_directly = true', "appeal.contact", "Required when lodge_directly is true."),
    ("appeal-empty-contact", 'The PCC"\nwithin_days = 28', 'The PCC"\nwithin_days = 28\ncontact = {}', "appeal.contact", "Give at least one of website, email, phone, address."),
    ("to-confirm-not-dotted", "[councils.alpha.contacts]", '[councils.alpha.to_confirm]\n"appeal window" = "No source."\n\n[councils.alpha.contacts]', "to_confirm.appeal window.key", 'Not a dotted key such as "appeal.within_days".'),
    ("to-confirm-blank-reason", "[councils.alpha.contacts]", '[councils.alpha.to_confirm]\n"appeal.within_days" = " "\n\n[councils.alpha.contacts]', "to_confirm.appeal.within_days.value", "Must not be blank."),
    ("ineligible-review-zero-days", "[councils.alpha.contacts]", '[councils.alpha.ineligible_review]\nwithin_days = 0\nreviewer = "The PCC"\n\n[councils.alpha.contacts]', "ineligible_review.within_days", "Must be greater than or equal to 1."),
]

# Mistakes about more than one table: (id, whole file, where, key path, what the message must say).
BAD_FILES = [
    ("non-slug-council-id", COUNTY + ALPHA.replace("councils.alpha", "councils.Alpha_Council"), "council 'Alpha_Council'", "id", "Must be a slug"),
    ("duplicate-reference-prefix", COUNTY + ALPHA + ALPHA.replace("councils.alpha", "councils.beta"), "council 'beta'", "reference_prefix", "'ALP' is already used by council 'alpha'."),
    ("unknown-top-level-table", COUNTY + ALPHA + '\n[defaults]\nnation = "england"\n', "", "defaults", "Unknown field."),
    ("no-councils", COUNTY, "", "councils", "No councils defined"),
    ("county-lists-its-councils", edit(COUNTY, '"Shire"', '"Shire"\ncouncils = ["alpha"]') + ALPHA, "county 'shire'", "councils", "Unknown field."),
    ("county-without-name", "[counties.shire]\n" + ALPHA, "county 'shire'", "name", "Missing data for required field."),
    ("guidance-with-bad-value", COUNTY + edit(GUIDANCE, "reporters = 5", "reporters = -5") + GUIDED, "guidance 'shire'", "threshold.community_min_reporters", "Must be greater than or equal to 1."),
    ("guidance-above-the-act", COUNTY + edit(GUIDANCE, "community_min_reporters = 5", "window_months = 3") + GUIDED, "guidance 'shire'", "threshold.window_months", "window_months = 3 is above the Act"),
    ("guidance-with-council-only-key", COUNTY + edit(GUIDANCE, 'name = "Shire', 'county = "shire"\nname = "Shire') + GUIDED, "guidance 'shire'", "county", "Unknown field."),
    ("guided-council-still-missing-a-key", COUNTY + edit(GUIDANCE, 'body = "The Shire PCC"\n', "") + GUIDED, "council 'gamma'", "appeal.body", "Missing data for required field."),
]
# fmt: on


def assert_refused(config, where, path, message):
    """Loading fails, and one problem line is exactly "<file>: <where>: <path>: <message>..."."""
    with pytest.raises(CouncilConfigError) as caught:
        load_councils(config)
    problems = caught.value.problems
    expected = ": ".join(part for part in (str(config), where, path, message) if part)
    assert any(p.startswith(expected) for p in problems), f"no line starts {expected!r}: {problems}"
    assert all(p.startswith(f"{config}: ") for p in problems)
    assert str(caught.value) == "\n".join(problems)


@pytest.mark.parametrize(
    ("old", "new", "path", "message"),
    [row[1:] for row in BAD_COUNCIL_EDITS],
    ids=[row[0] for row in BAD_COUNCIL_EDITS],
)
def test_bad_council_is_refused_naming_file_council_and_key(tmp_path, old, new, path, message):
    assert_refused(write(tmp_path, COUNTY + edit(ALPHA, old, new)), "council 'alpha'", path, message)


@pytest.mark.parametrize(
    ("text", "where", "path", "message"), [row[1:] for row in BAD_FILES], ids=[row[0] for row in BAD_FILES]
)
def test_bad_file_is_refused_naming_file_entry_and_key(tmp_path, text, where, path, message):
    assert_refused(write(tmp_path, text), where, path, message)


def test_a_bad_guidance_is_reported_once_not_per_council(tmp_path):
    guidance = edit(GUIDANCE, "within_days = 28", "within_days = 0")
    councils = GUIDED + GUIDED.replace("gamma", "delta").replace('"GAM"', '"DEL"')
    with pytest.raises(CouncilConfigError) as caught:
        load_councils(write(tmp_path, COUNTY + guidance + councils))
    assert len(caught.value.problems) == 1
    assert "guidance 'shire': appeal.within_days: " in caught.value.problems[0]


def test_all_problems_are_listed_one_line_each(tmp_path):
    text = (
        COUNTY
        + ALPHA.replace('nation = "england"', 'nation = "scotland"')
        .replace('"12-29"', '"13-45"')
        .replace("{ days = 30 }", "{ days = 30, months = 1 }")
        + ALPHA.replace("councils.alpha", "councils.beta")
    )
    config = write(tmp_path, text)
    with pytest.raises(CouncilConfigError) as caught:
        load_councils(config)
    message = str(caught.value)
    lines = message.splitlines()
    assert len(lines) == 4, message
    assert f"{config}: council 'alpha': nation: Must be one of: england, wales." in lines
    assert any(line.startswith(f"{config}: council 'alpha': closure_days[0]: ") for line in lines)
    assert (
        f"{config}: council 'alpha': threshold.report_within: Must have exactly one of months or days."
        in lines
    )
    assert f"{config}: council 'beta': reference_prefix: 'ALP' is already used by council 'alpha'." in lines


def test_toml_syntax_error_names_the_file_and_line(tmp_path):
    config = write(tmp_path, COUNTY + edit(ALPHA, 'nation = "england"', "nation = england"))
    with pytest.raises(CouncilConfigError) as caught:
        load_councils(config)
    (problem,) = caught.value.problems
    assert problem.startswith(f"{config}: TOML syntax error: ")
    assert "(at line 7, column 10)" in problem  # line 1 is the blank before [counties.shire]


def test_unreadable_file_is_refused(tmp_path):
    missing = tmp_path / "nowhere.toml"
    with pytest.raises(CouncilConfigError, match=r"nowhere\.toml: cannot read the file: No such file"):
        load_councils(missing)


def test_file_that_is_not_utf8_is_refused(tmp_path):
    config = tmp_path / "latin1.toml"
    config.write_bytes((COUNTY + ALPHA).replace("Alpha Council", "Alpha Cöuncil").encode("latin-1"))
    with pytest.raises(CouncilConfigError, match=r"latin1\.toml: not UTF-8 text"):
        load_councils(config)


def test_file_inside_the_working_directory_is_named_relative(tmp_path, monkeypatch):
    config = write(tmp_path, COUNTY + edit(ALPHA, 'nation = "england"', 'nation = "scotland"'))
    monkeypatch.chdir(tmp_path)
    with pytest.raises(CouncilConfigError) as caught:
        load_councils(config)
    assert caught.value.problems[0].startswith("councils.toml: council 'alpha': nation: ")


@pytest.mark.parametrize(
    ("setting", "key", "section"),
    [
        ("min_qualifying = 4", "threshold.min_qualifying", "s.104(4)"),
        ("window_months = 5", "threshold.window_months", "s.104(11)"),
    ],
    ids=["four-complaints", "five-months"],
)
def test_a_threshold_above_the_act_stops_the_app_at_start_up(tmp_path, setting, key, section):
    text = DEFAULT_COUNCILS_PATH.read_text().replace(
        "report_within = { days = 30 }", f"report_within = {{ days = 30 }}\n{setting}"
    )
    config = write(tmp_path, text)
    with pytest.raises(CouncilConfigError) as caught:
        create_app("development", INSTANCE_PATH=str(tmp_path), COUNCILS_FILE=str(config))
    (problem,) = caught.value.problems
    assert problem.startswith(f"{config}: council 'east-herts': {key}: ")
    assert (
        f"is above the Act: under {section} of the Anti-social Behaviour, Crime and Policing Act 2014"
        in problem
    )
