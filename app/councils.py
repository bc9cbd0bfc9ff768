"""The councils that run the Community Trigger here, and the policy each one follows.

The configuration lives in ``processes/councils.toml`` (its header documents the keys).
``load_councils`` reads it, checks all of it with the marshmallow schemas below and returns
an immutable ``CouncilRegistry``; any problem raises ``CouncilConfigError`` listing every
problem, one line each, naming the file, the council (or county, or guidance) and the key, so
the app can refuse to start with a message a process owner can act on.

Pure: no Flask, no database.
"""

from __future__ import annotations

import os
import re
import tomllib
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field, replace
from dataclasses import fields as dataclass_fields
from datetime import date, datetime
from pathlib import Path
from types import MappingProxyType
from typing import Any, NamedTuple

from marshmallow import RAISE, Schema, ValidationError, fields, validate, validates_schema

from app.domain.calendar import NATIONS, ClosureDays, WorkingCalendar, calendar_for, format_date
from app.domain.letter_wording import DEFAULT_WORDING, PLACEHOLDERS, unknown_placeholders
from app.domain.threshold import AGENCIES, SENIOR_ROLES, ReportLimit, ThresholdPolicy, above_the_act

DEFAULT_COUNCILS_PATH = Path(__file__).resolve().parent.parent / "processes" / "councils.toml"

SLUG_RE = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
SLUG_MESSAGE = "Must be a slug: lower-case letters and digits, separated by single hyphens."
PROCESS_KEY_RE = re.compile(r"^[a-z][a-z0-9_]*$")
REFERENCE_PREFIX_RE = re.compile(r"^[A-Z]{2,6}$")

# Tables of a [guidance.*] entry that a council naming it inherits key by key.
GUIDANCE_TABLES = ("threshold", "not_met_review", "appeal", "consent", "ineligible_review", "to_confirm")
# A key of a to_confirm table: a dotted name of a configuration value ("appeal.within_days") or
# of a diagram's limit ("diagram.confirm_reports.dueOn").
DOTTED_KEY_RE = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*(?:\.[A-Za-z_][A-Za-z0-9_]*)*$")

# When the statutory clock starts (RULES.md §3): at receipt, or where the council's documents
# count their limits from the "completed" application, when the victim's consent is recorded.
CLOCK_STARTS = ("receipt", "completed_application")
# How a council's letters are sent (app/services/mail.py): its SMTP server, or GOV.UK Notify.
SENDERS = ("smtp", "notify")

# How long a closed case is kept before it is anonymised (issue 17). No source states it for any
# council: 6 years (the Limitation Act 1980's period for most claims) is assumed until confirmed.
DEFAULT_RETENTION_YEARS = 6
RETENTION_ASSUMED = (
    "No source states how long the council keeps a closed case: 6 years assumed (the Limitation "
    "Act 1980's period for most claims)."
)
# The sections of a council's settings stored as versions in the database (issue 16), in the
# order the API and the settings page show them.
SETTINGS_SECTIONS = (
    "closures", "contacts", "threshold", "appeal", "not_met_review", "letters", "retention_years", "to_confirm",
)  # fmt: skip


# --- What the rest of the app uses ---------------------------------------------------------


@dataclass(frozen=True)
class Contacts:
    team: str
    email: str
    phone: str
    address: str
    website: str


@dataclass(frozen=True)
class ReviewPolicy:
    """Review, on the applicant's request, of a "threshold not met" decision."""

    offered: bool
    within_days: int | None  # None: no time limit stated; the diagram decides
    reviewer: str


@dataclass(frozen=True)
class AppealContact:
    """How to reach an appeal body that takes appeals directly (any of these may be unknown)."""

    website: str | None = None
    email: str | None = None
    phone: str | None = None
    address: str | None = None


@dataclass(frozen=True)
class AppealPolicy:
    """Appeal of the outcome of a case review, lodged within ``within_days`` of notification.

    ``lodge_directly``: the applicant sends the appeal to the body itself (Derbyshire's Police and
    Crime Commissioner's office), at ``contact``, not through the council.
    ``third_party_consent``: someone appealing for the victim must enclose the victim's signed
    consent letter with the appeal.
    """

    body: str
    within_days: int
    lodge_directly: bool = False
    contact: AppealContact | None = None
    third_party_consent: bool = False


@dataclass(frozen=True)
class IneligibleReviewPolicy:
    """Review, on the applicant's request, of a decision that the application is not eligible:
    Schedule 4, para 3 (dissatisfaction with the way an application was dealt with)."""

    within_days: int
    reviewer: str


@dataclass(frozen=True)
class ConsentPolicy:
    """Applications made for someone else (RULES.md §3): when the clock starts, and how many
    days after receipt a case still waiting for the victim's consent may be closed."""

    clock_starts: str = "receipt"
    follow_up_days: int = 28


@dataclass(frozen=True)
class LetterWording:
    """A council's own blocks of its letters (app/domain/letter_wording.py): plain text, placeholders only."""

    support_services: str = DEFAULT_WORDING["support_services"]  # CT4: one service a line
    appeal_body: str = DEFAULT_WORDING["appeal_body"]  # the outcome letter: about the appeal body
    signature: str = DEFAULT_WORDING["signature"]  # every letter, under "Yours sincerely"
    privacy_notice: str = DEFAULT_WORDING["privacy_notice"]  # the public page /privacy/<council>


@dataclass(frozen=True)
class Council:
    id: str
    name: str
    nation: str
    county: str
    reference_prefix: str
    closures: ClosureDays
    process_key: str
    threshold: ThresholdPolicy
    not_met_review: ReviewPolicy
    appeal: AppealPolicy
    contacts: Contacts
    consent: ConsentPolicy = ConsentPolicy()
    ineligible_review: IneligibleReviewPolicy | None = None  # None: as the not_met_review, else the appeal
    # Values no source states, by dotted key, with why they are assumed: listed to the process
    # owner as "to confirm", and worded by letters as an aim, never as a legal limit.
    to_confirm: Mapping[str, str] = field(default_factory=dict)
    sender: str = "smtp"  # one of SENDERS
    letters: LetterWording = LetterWording()
    retention_years: int = DEFAULT_RETENTION_YEARS
    # The settings version these values come from (app/services/council_settings.py); None: the
    # file's, not read from the database.
    settings_version: int | None = None

    def __post_init__(self) -> None:
        object.__setattr__(self, "to_confirm", MappingProxyType(dict(self.to_confirm)))

    @property
    def calendar(self) -> WorkingCalendar:
        return calendar_for(self.nation, self.closures)

    def assumed(self, key: str) -> bool:
        """Whether the value at dotted ``key`` is assumed (no source states it) and unconfirmed."""
        return key in self.to_confirm

    @property
    def review_within_days(self) -> int:
        """Days to ask for a refusal to be reviewed: the policy's, or where it sets none, the
        appeal window's."""
        return self.not_met_review.within_days or self.appeal.within_days

    @property
    def ineligible_review_policy(self) -> IneligibleReviewPolicy:
        """Who reviews an ineligible decision, and the window to ask: the configured one, or the
        refusal review's (its reviewer and window), else the appeal's."""
        if self.ineligible_review is not None:
            return self.ineligible_review
        review = self.not_met_review
        return IneligibleReviewPolicy(
            within_days=(review.offered and review.within_days) or self.appeal.within_days,
            reviewer=(review.offered and review.reviewer) or self.appeal.body,
        )


@dataclass(frozen=True)
class County:
    id: str
    name: str
    council_ids: tuple[str, ...]


@dataclass(frozen=True, eq=False)
class CouncilRegistry:
    """Every configured council and county, in file order. Read-only."""

    councils: Mapping[str, Council] = field(default_factory=dict)
    counties: Mapping[str, County] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # Copy, then expose read-only views, so nobody can change the registry underneath
        # a running app.
        object.__setattr__(self, "councils", MappingProxyType(dict(self.councils)))
        object.__setattr__(self, "counties", MappingProxyType(dict(self.counties)))

    def get(self, council_id: str) -> Council | None:
        return self.councils.get(council_id)

    def county(self, county_id: str) -> County | None:
        return self.counties.get(county_id)

    def councils_in(self, county_id: str) -> list[Council]:
        county = self.counties.get(county_id)
        return [self.councils[c] for c in county.council_ids] if county else []

    def __iter__(self) -> Iterator[Council]:
        return iter(self.councils.values())

    def __len__(self) -> int:
        return len(self.councils)

    def __contains__(self, council_id: object) -> bool:
        return council_id in self.councils


class CouncilConfigError(Exception):
    """The council configuration cannot be used. ``problems`` holds one line per problem."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("\n".join(self.problems))


# --- Schemas of the file -------------------------------------------------------------------


class StrictInteger(fields.Integer):
    """An integer written as one: not 1.5, not "1", not true (bool is an int in Python)."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(strict=True, **kwargs)

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> int:
        if isinstance(value, bool):
            raise self.make_error("invalid")
        return super()._deserialize(value, attr, data, **kwargs)


class StrictBoolean(fields.Boolean):
    """true or false only (marshmallow's Boolean also takes "yes", 1, "on"...)."""

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> bool:
        if not isinstance(value, bool):
            raise self.make_error("invalid")
        return value


class Closure(NamedTuple):
    day: date | tuple[int, int]  # once, or (month, day) every year
    label: str | None = None


CLOSURE_LABEL_MAX = 100


class ClosureDay(fields.Field):
    """ "MM-DD" (every year) or "YYYY-MM-DD" (once), or a TOML date (once), optionally followed by a
    space and a label ("12-24 Christmas Eve") -> Closure."""

    default_error_messages = {
        "invalid": 'Not a closure day: {value!r}. Use "MM-DD" for every year or "YYYY-MM-DD" for once, '
        'and a label after it if you like ("12-24 Christmas Eve").',
        "label": f"The label of a closure day must be at most {CLOSURE_LABEL_MAX} characters long.",
    }

    def _deserialize(self, value: Any, attr: str | None, data: Any, **kwargs: Any) -> Closure:
        if isinstance(value, date) and not isinstance(value, datetime):
            return Closure(value)
        if isinstance(value, str):
            day, _, label = value.strip().partition(" ")
            label = " ".join(label.split()) or None
            if label is not None and len(label) > CLOSURE_LABEL_MAX:
                raise self.make_error("label")
            parsed = _closure_day(day)
            if parsed is not None:
                return Closure(parsed, label)
        raise self.make_error("invalid", value=value)


def _closure_day(text: str) -> date | tuple[int, int] | None:
    if re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):
        try:
            return date.fromisoformat(text)
        except ValueError:
            return None
    if re.fullmatch(r"\d{2}-\d{2}", text):
        month, day = int(text[:2]), int(text[3:])
        try:
            date(2000, month, day)  # a leap year, so "02-29" is allowed
        except ValueError:
            return None
        return (month, day)
    return None


def closure_words(text: str) -> str:
    """A closure day as the settings hold it, in words: "17 December 2026 (Office move)",
    "29 December, every year"."""
    closure = ClosureDay().deserialize(text)
    day = closure.day
    words = format_date(day) if isinstance(day, date) else f"{format_date(date(2000, *day))[:-5]}, every year"
    return f"{words} ({closure.label})" if closure.label else words


def closure_text(day: date | tuple[int, int], label: str | None) -> str:
    """A closure day as the settings hold it: "2026-12-24", "12-29 Office shut"."""
    text = day.isoformat() if isinstance(day, date) else f"{day[0]:02d}-{day[1]:02d}"
    return f"{text} {label}" if label else text


def non_blank(value: str) -> None:
    if not value.strip():
        raise ValidationError("Must not be blank.")


def text(**kwargs: Any) -> fields.String:
    return fields.String(validate=non_blank, **kwargs)


def positive(**kwargs: Any) -> StrictInteger:
    return StrictInteger(validate=validate.Range(min=1), **kwargs)


def one_of_list(choices: Iterable[str], **kwargs: Any) -> fields.List:
    return fields.List(fields.String(validate=validate.OneOf(tuple(choices))), **kwargs)


class StrictSchema(Schema):
    class Meta:
        unknown = RAISE


class ReportLimitSchema(StrictSchema):
    months = positive()
    days = positive()

    @validates_schema
    def exactly_one(self, data: dict, **kwargs: Any) -> None:
        if ("months" in data) == ("days" in data):
            raise ValidationError("Must have exactly one of months or days.")


def within_the_act(name: str):
    """A validator refusing a value that would raise the threshold above the Act (s.104(4), (11))."""

    def validator(value: Any) -> None:
        problem = above_the_act(name, value)
        if problem:
            raise ValidationError(problem)

    return validator


class ThresholdSchema(StrictSchema):
    """RULES.md section 2. A key left out takes the default of ThresholdPolicy."""

    min_qualifying = StrictInteger(validate=[validate.Range(min=1), within_the_act("min_qualifying")])
    window_months = StrictInteger(validate=[validate.Range(min=1), within_the_act("window_months")])
    report_within = fields.Nested(ReportLimitSchema)
    # What the council's wording lists; the relevant bodies of s.105 count whatever it lists.
    eligible_agencies = one_of_list(AGENCIES, validate=validate.Length(min=1))
    onsite_police_only = StrictBoolean()
    separate_occasions = StrictBoolean()
    community_min_reporters = positive()
    hate_incident_route = StrictBoolean()
    discretionary_activation = StrictBoolean()
    discretionary_roles = one_of_list(SENIOR_ROLES)

    @validates_schema
    def someone_can_activate(self, data: dict, partial: Any = None, **kwargs: Any) -> None:
        if partial:
            return  # a [guidance] entry: the council may still complete it
        if data.get("discretionary_activation", True) and data.get("discretionary_roles") == []:
            raise ValidationError(
                "Must name at least one role while discretionary_activation is true.",
                "discretionary_roles",
            )


class ReviewPolicySchema(StrictSchema):
    offered = StrictBoolean(required=True)
    within_days = positive()
    reviewer = text()

    @validates_schema
    def consistent(self, data: dict, partial: Any = None, **kwargs: Any) -> None:
        if partial or "offered" not in data:
            return
        if data["offered"] and "reviewer" not in data:
            raise ValidationError("Required when offered is true.", "reviewer")
        if not data["offered"] and "within_days" in data:
            raise ValidationError("Must be left out when offered is false.", "within_days")


class AppealContactSchema(StrictSchema):
    website = fields.Url(schemes={"http", "https"})
    email = fields.Email()
    phone = fields.String(
        validate=validate.Regexp(r"^\+?[0-9][0-9 ()-]{5,}$", error="Not a valid phone number.")
    )
    address = text()

    @validates_schema
    def something(self, data: dict, **kwargs: Any) -> None:
        if not data:
            raise ValidationError("Give at least one of website, email, phone, address.")


class AppealPolicySchema(StrictSchema):
    body = text(required=True)
    within_days = positive(required=True)
    lodge_directly = StrictBoolean()
    contact = fields.Nested(AppealContactSchema)
    third_party_consent = StrictBoolean()

    @validates_schema
    def reachable(self, data: dict, partial: Any = None, **kwargs: Any) -> None:
        if not partial and data.get("lodge_directly") and "contact" not in data:
            raise ValidationError("Required when lodge_directly is true.", "contact")


class IneligibleReviewSchema(StrictSchema):
    within_days = positive(required=True)
    reviewer = text(required=True)


def to_confirm_table() -> fields.Dict:
    return fields.Dict(
        keys=fields.String(
            validate=validate.Regexp(DOTTED_KEY_RE, error='Not a dotted key such as "appeal.within_days".')
        ),
        values=text(),
        load_default=dict,
    )


class ConsentPolicySchema(StrictSchema):
    clock_starts = fields.String(validate=validate.OneOf(CLOCK_STARTS))
    follow_up_days = positive()


class ContactsSchema(StrictSchema):
    team = text(required=True)
    email = fields.Email(required=True)
    phone = fields.String(
        required=True,
        validate=validate.Regexp(r"^\+?[0-9][0-9 ()-]{5,}$", error="Not a valid phone number."),
    )
    address = text(required=True)
    website = fields.Url(required=True, schemes={"http", "https"})


def wording(max_length: int = 4000, **kwargs: Any) -> fields.String:
    """A letter's wording block: plain text whose only braces are known placeholders."""

    def placeholders_known(value: str) -> None:
        unknown = unknown_placeholders(value)
        if unknown:
            raise ValidationError(
                f"Unknown placeholder {', '.join(unknown)}: use only "
                + ", ".join("{" + name + "}" for name in PLACEHOLDERS)
                + "."
            )

    return fields.String(validate=[validate.Length(max=max_length), placeholders_known], **kwargs)


class LettersSchema(StrictSchema):
    support_services = wording(load_default=DEFAULT_WORDING["support_services"])
    appeal_body = wording(load_default=DEFAULT_WORDING["appeal_body"])
    signature = wording(load_default=DEFAULT_WORDING["signature"])
    privacy_notice = wording(max_length=20000, load_default=DEFAULT_WORDING["privacy_notice"])

    @validates_schema
    def signed(self, data: dict, **kwargs: Any) -> None:
        if "signature" in data and not data["signature"].strip():
            raise ValidationError("Must not be blank: a letter is signed by someone.", "signature")
        if "privacy_notice" in data and not data["privacy_notice"].strip():
            raise ValidationError("Must not be blank: the law requires a privacy notice.", "privacy_notice")


def retention_years(**kwargs: Any) -> StrictInteger:
    return StrictInteger(validate=validate.Range(min=1, max=100), **kwargs)


class PolicySchema(StrictSchema):
    """What a [guidance.*] entry may set for the councils that name it."""

    process = fields.String(
        required=True,
        validate=validate.Regexp(PROCESS_KEY_RE, error="Must be lower-case letters, digits and underscores."),
    )
    threshold = fields.Nested(ThresholdSchema, load_default=dict)
    not_met_review = fields.Nested(ReviewPolicySchema, required=True)
    appeal = fields.Nested(AppealPolicySchema, required=True)
    consent = fields.Nested(ConsentPolicySchema, load_default=dict)
    ineligible_review = fields.Nested(IneligibleReviewSchema)
    to_confirm = to_confirm_table()


class GuidanceSchema(PolicySchema):
    name = text()


class CouncilSchema(PolicySchema):
    name = text(required=True)
    nation = fields.String(required=True, validate=validate.OneOf(NATIONS))
    county = fields.String(required=True, validate=validate.Regexp(SLUG_RE, error=SLUG_MESSAGE))
    reference_prefix = fields.String(
        required=True,
        validate=validate.Regexp(REFERENCE_PREFIX_RE, error="Must be 2 to 6 capital letters."),
    )
    guidance = fields.String()
    closure_days = fields.List(ClosureDay(), load_default=list)
    contacts = fields.Nested(ContactsSchema, required=True)
    sender = fields.String(
        load_default="smtp",
        validate=validate.OneOf(
            SENDERS, error='Must be "smtp" (the SMTP server) or "notify" (GOV.UK Notify), not {input!r}.'
        ),
    )
    letters = fields.Nested(LettersSchema, load_default=dict)
    retention_years = retention_years()


class SettingsSchema(StrictSchema):
    """The sections of a council's settings kept as versions in the database, checked by the
    same fields as the file: a value refused in councils.toml is refused with the same message
    through the API and on the settings page. ``closures`` is the file's ``closure_days``."""

    closures = fields.List(ClosureDay(), required=True)
    contacts = fields.Nested(ContactsSchema, required=True)
    threshold = fields.Nested(ThresholdSchema, required=True)
    appeal = fields.Nested(AppealPolicySchema, required=True)
    not_met_review = fields.Nested(ReviewPolicySchema, required=True)
    letters = fields.Nested(LettersSchema, required=True)
    retention_years = retention_years(required=True)
    to_confirm = to_confirm_table()


class CountySchema(StrictSchema):
    name = text(required=True)


# --- Loading -------------------------------------------------------------------------------


def load_councils(path: str | os.PathLike[str]) -> CouncilRegistry:
    """Read, check and return the council configuration, or raise CouncilConfigError."""
    label = _display_name(path)
    try:
        document = tomllib.loads(Path(path).read_bytes().decode("utf-8"))
    except OSError as exc:
        raise CouncilConfigError([f"{label}: cannot read the file: {exc.strerror or exc}"]) from exc
    except UnicodeDecodeError as exc:
        raise CouncilConfigError([f"{label}: not UTF-8 text: {exc}"]) from exc
    except tomllib.TOMLDecodeError as exc:
        raise CouncilConfigError([f"{label}: TOML syntax error: {exc}"]) from exc

    loader = _Loader(label)
    registry = loader.load(document)
    if loader.problems:
        raise CouncilConfigError(loader.problems)
    return registry


def _display_name(path: str | os.PathLike[str]) -> str:
    """The path relative to the working directory when it is inside it, else as given."""
    try:
        return Path(path).resolve().relative_to(Path.cwd()).as_posix()
    except (OSError, ValueError):
        return os.fspath(path)


class _Loader:
    """Collects every problem of one file instead of stopping at the first."""

    def __init__(self, label: str) -> None:
        self.label = label
        self.problems: list[str] = []

    def problem(self, where: str, path: str, message: str) -> None:
        parts = [self.label, where, path, message]
        self.problems.append(": ".join(p for p in parts if p))

    def load(self, document: dict[str, Any]) -> CouncilRegistry:
        for key in document:
            if key not in ("councils", "counties", "guidance"):
                self.problem("", key, "Unknown field.")
        counties = self._load_entries(document, "counties", "county", CountySchema)
        guidance = self._load_entries(document, "guidance", "guidance", GuidanceSchema, partial=True)
        raw_councils = self._tables(document, "councils", "council")
        if not document.get("councils"):
            self.problem("", "councils", "No councils defined: add a [councils.<id>] table.")

        councils: dict[str, dict[str, Any]] = {}
        for council_id, raw in raw_councils.items():
            data = self._load_council(council_id, raw, document.get("guidance"), guidance)
            if data is not None:
                councils[council_id] = data
        self._check_across(raw_councils, defined_counties=document.get("counties", {}))
        if self.problems:
            return CouncilRegistry()
        registry = self._build(councils, counties)
        return CouncilRegistry() if self.problems else registry

    def _tables(self, document: dict[str, Any], key: str, kind: str) -> dict[str, dict[str, Any]]:
        """The [key.<id>] tables of the document, with their ids checked."""
        section = document.get(key, {})
        if not isinstance(section, dict):
            self.problem("", key, "Must be a table of tables, e.g. [councils.derby-city].")
            return {}
        tables = {}
        for entry_id, raw in section.items():
            where = f"{kind} {entry_id!r}"
            if not SLUG_RE.match(entry_id):
                self.problem(where, "id", SLUG_MESSAGE)
            if not isinstance(raw, dict):
                self.problem(where, "", "Must be a table.")
                continue
            tables[entry_id] = raw
        return tables

    def _load_entries(
        self, document: dict[str, Any], key: str, kind: str, schema: type[Schema], partial: bool = False
    ) -> dict[str, dict[str, Any]]:
        loaded = {}
        for entry_id, raw in self._tables(document, key, kind).items():
            data = self._validate(f"{kind} {entry_id!r}", schema(), raw, partial)
            if data is not None:
                loaded[entry_id] = data
        return loaded

    def _load_council(
        self,
        council_id: str,
        raw: dict[str, Any],
        raw_guidance: Any,
        valid_guidance: dict[str, dict[str, Any]],
    ) -> dict[str, Any] | None:
        where = f"council {council_id!r}"
        guidance_id = raw.get("guidance")
        if guidance_id is None:
            return self._validate(where, CouncilSchema(), raw)
        if isinstance(guidance_id, str) and guidance_id in valid_guidance:
            return self._validate(where, CouncilSchema(), _merge(raw_guidance[guidance_id], raw))
        known = (
            isinstance(raw_guidance, dict) and isinstance(guidance_id, str) and guidance_id in raw_guidance
        )
        if not known:
            self.problem(
                where, "guidance", f"Unknown guidance {guidance_id!r}; define it as [guidance.<id>]."
            )
        # Without usable guidance, still report the council's own mistakes, but not the keys
        # it expected the guidance to supply.
        self._validate(where, CouncilSchema(), raw, partial=True)
        return None

    def _validate(self, where: str, schema: Schema, raw: dict[str, Any], partial: bool = False) -> Any:
        try:
            return schema.load(raw, partial=partial)
        except ValidationError as err:
            for path, message in _flatten(err.messages):
                self.problem(where, path, message)
            return None

    def _check_across(self, raw_councils: dict[str, dict[str, Any]], defined_counties: Any) -> None:
        prefix_owner: dict[str, str] = {}
        for council_id, raw in raw_councils.items():
            where = f"council {council_id!r}"
            prefix = raw.get("reference_prefix")
            if isinstance(prefix, str):
                if prefix in prefix_owner:
                    self.problem(
                        where,
                        "reference_prefix",
                        f"{prefix!r} is already used by council {prefix_owner[prefix]!r}.",
                    )
                else:
                    prefix_owner[prefix] = council_id
            county = raw.get("county")
            if (
                isinstance(county, str)
                and isinstance(defined_counties, dict)
                and county not in defined_counties
            ):
                self.problem(where, "county", f"Unknown county {county!r}; define it as [counties.{county}].")

    def _build(
        self, councils: dict[str, dict[str, Any]], counties: dict[str, dict[str, Any]]
    ) -> CouncilRegistry:
        built = {}
        for council_id, data in councils.items():
            try:
                built[council_id] = _council(council_id, data)
            except (TypeError, ValueError) as exc:  # the domain types' own checks
                self.problem(f"council {council_id!r}", "", str(exc))
        built_counties = {
            county_id: County(
                id=county_id,
                name=data["name"],
                council_ids=tuple(c.id for c in built.values() if c.county == county_id),
            )
            for county_id, data in counties.items()
        }
        return CouncilRegistry(councils=built, counties=built_counties)


def _council(council_id: str, data: dict[str, Any]) -> Council:
    review = data["not_met_review"]
    return Council(
        id=council_id,
        name=data["name"],
        nation=data["nation"],
        county=data["county"],
        reference_prefix=data["reference_prefix"],
        closures=_closure_days(data["closure_days"]),
        process_key=data["process"],
        threshold=_threshold_policy(data["threshold"]),
        not_met_review=ReviewPolicy(
            offered=review["offered"],
            within_days=review.get("within_days"),
            reviewer=review.get("reviewer", ""),
        ),
        appeal=_appeal_policy(data["appeal"]),
        contacts=Contacts(**data["contacts"]),
        consent=ConsentPolicy(**data["consent"]),
        ineligible_review=IneligibleReviewPolicy(**data["ineligible_review"])
        if "ineligible_review" in data
        else None,
        to_confirm=_with_retention_assumed(data),
        sender=data["sender"],
        letters=LetterWording(**data["letters"]),
        retention_years=data.get("retention_years", DEFAULT_RETENTION_YEARS),
    )


def _with_retention_assumed(data: dict[str, Any]) -> dict[str, str]:
    """The file's to_confirm, with the retention period when the file states none."""
    to_confirm = dict(data.get("to_confirm", {}))
    if "retention_years" not in data:
        to_confirm.setdefault("retention_years", RETENTION_ASSUMED)
    return to_confirm


# --- Settings as a document (stored as versions by app/services/council_settings.py) -------


def settings_document(council: Council) -> dict[str, Any]:
    """The council's settings sections as JSON values, in the shape SettingsSchema loads."""
    return {
        "closures": [
            closure_text(day, council.closures.label_of(day))
            for day in [*sorted(council.closures.dates), *sorted(council.closures.annual)]
        ],
        "contacts": _fields_of(council.contacts),
        "threshold": threshold_document(council.threshold),
        "appeal": _appeal_document(council.appeal),
        "not_met_review": _review_document(council.not_met_review),
        "letters": _fields_of(council.letters),
        "retention_years": council.retention_years,
        "to_confirm": dict(council.to_confirm),
    }


def with_settings(council: Council, document: Mapping[str, Any], version: int | None = None) -> Council:
    """``council`` with the sections of a settings document (as settings_document gives it),
    checked by SettingsSchema; raises ValidationError."""
    return replace(council, **_settings_fields(document), settings_version=version)


def _settings_fields(document: Mapping[str, Any]) -> dict[str, Any]:
    data = SettingsSchema().load(document)
    return {
        "closures": _closure_days(data["closures"]),
        "contacts": Contacts(**data["contacts"]),
        "threshold": _threshold_policy(data["threshold"]),
        "appeal": _appeal_policy(data["appeal"]),
        "not_met_review": ReviewPolicy(
            offered=data["not_met_review"]["offered"],
            within_days=data["not_met_review"].get("within_days"),
            reviewer=data["not_met_review"].get("reviewer", ""),
        ),
        "letters": LetterWording(**data["letters"]),
        "retention_years": data["retention_years"],
        "to_confirm": data["to_confirm"],
    }


# --- A council added in the browser (app/services/new_councils.py) -------------------------

# Until a new council states its own policy, the Act's floor: the widest threshold the Act allows
# (s.104(4), (11)), and the usual 28 days to challenge a decision (Schedule 4 requires a way to;
# LIFECYCLE.md: "typically 28 days"), each marked to confirm with why.
NEW_COUNCIL_APPEAL_BODY = "A senior officer of the community safety partnership not involved in the case"
NEW_COUNCIL_TO_CONFIRM = {
    "threshold.min_qualifying": "A new council: the Act's floor, three qualifying complaints (s.104(4)); "
    "the council's procedure may set fewer, never more.",
    "threshold.window_months": "A new council: the Act's six months from each complaint to the "
    "application (s.104(11)); never fewer.",
    "threshold.report_within": "A new council: the Act's one month from the behaviour to the complaint "
    "(s.104(11)); never less.",
    "not_met_review.within_days": "A new council: 28 days assumed for asking for a review of a "
    '"threshold not met" decision (Schedule 4 requires the procedure to offer one).',
    "not_met_review.reviewer": "A new council: who reviews a refusal is assumed until the council says.",
    "appeal.body": "A new council: who hears an appeal of the outcome is assumed until the council says.",
    "appeal.within_days": "A new council: 28 days from the outcome assumed for an appeal, the usual "
    "window (Schedule 4 requires a way to ask for a review of how a case review was carried out).",
    "consent.follow_up_days": "A new council: 28 days from receipt assumed before a case waiting for "
    "the victim's consent may be closed.",
    "retention_years": RETENTION_ASSUMED,
}


def new_council_settings(
    contacts: Mapping[str, Any], diagram_limits: Mapping[str, str] = MappingProxyType({})
) -> dict[str, Any]:
    """The settings document (version 1) of a council added with these contacts: the Act's floor
    and assumed windows, each to confirm, and ``diagram_limits`` (dotted "diagram.<step>.dueOn"
    key -> why it is assumed) for the time limits of the diagram it starts from."""
    return {
        "closures": [],
        "contacts": dict(contacts),
        "threshold": threshold_document(ThresholdPolicy()),
        "appeal": {"body": NEW_COUNCIL_APPEAL_BODY, "within_days": 28, "lodge_directly": False,
                   "third_party_consent": False},
        "not_met_review": {"offered": True, "within_days": 28, "reviewer": NEW_COUNCIL_APPEAL_BODY},
        "letters": _fields_of(LetterWording()),
        "retention_years": DEFAULT_RETENTION_YEARS,
        "to_confirm": {**NEW_COUNCIL_TO_CONFIRM, **diagram_limits},
    }  # fmt: skip


# --- A council as its database row keeps it (app/models/council.py) -----------------------

# The row's columns besides the id: identity, and the policy that is not a versioned setting.
RECORD_FIELDS = (
    "name",
    "nation",
    "county",
    "reference_prefix",
    "process_key",
    "sender",
    "consent",
    "ineligible_review",
)


def council_record(council: Council) -> dict[str, Any]:
    """The values of a council's row (RECORD_FIELDS), as JSON values."""
    return {
        "name": council.name,
        "nation": council.nation,
        "county": council.county,
        "reference_prefix": council.reference_prefix,
        "process_key": council.process_key,
        "sender": council.sender,
        "consent": _fields_of(council.consent),
        "ineligible_review": _fields_of(council.ineligible_review) if council.ineligible_review else None,
    }


def council_from_record(council_id: str, record: Mapping[str, Any], settings: Mapping[str, Any]) -> Council:
    """A council from its row's values (as council_record gives them) and a settings document
    (as settings_document gives it); raises ValidationError for a settings document the schema refuses."""
    ineligible_review = record.get("ineligible_review")
    return Council(
        id=council_id,
        name=record["name"],
        nation=record["nation"],
        county=record["county"],
        reference_prefix=record["reference_prefix"],
        process_key=record["process_key"],
        sender=record["sender"],
        consent=ConsentPolicy(**(record.get("consent") or {})),
        ineligible_review=IneligibleReviewPolicy(**ineligible_review) if ineligible_review else None,
        **_settings_fields(settings),
    )


def threshold_document(policy: ThresholdPolicy) -> dict[str, Any]:
    limit = policy.report_within
    document: dict[str, Any] = {
        "min_qualifying": policy.min_qualifying,
        "window_months": policy.window_months,
        "report_within": {"months": limit.months} if limit.months else {"days": limit.days},
        "eligible_agencies": [a for a in AGENCIES if a in policy.eligible_agencies],
        "onsite_police_only": policy.onsite_police_only,
        "separate_occasions": policy.separate_occasions,
        "hate_incident_route": policy.hate_incident_route,
        "discretionary_activation": policy.discretionary_activation,
        "discretionary_roles": [r for r in SENIOR_ROLES if r in policy.discretionary_roles],
    }
    if policy.community_min_reporters is not None:
        document["community_min_reporters"] = policy.community_min_reporters
    return document


def _appeal_document(appeal: AppealPolicy) -> dict[str, Any]:
    document: dict[str, Any] = {
        "body": appeal.body,
        "within_days": appeal.within_days,
        "lodge_directly": appeal.lodge_directly,
        "third_party_consent": appeal.third_party_consent,
    }
    if appeal.contact is not None:
        document["contact"] = {k: v for k, v in _fields_of(appeal.contact).items() if v is not None}
    return document


def _review_document(review: ReviewPolicy) -> dict[str, Any]:
    document: dict[str, Any] = {"offered": review.offered}
    if review.offered:
        document["reviewer"] = review.reviewer
        if review.within_days is not None:
            document["within_days"] = review.within_days
    return document


def _fields_of(value: Any) -> dict[str, Any]:
    return {f.name: getattr(value, f.name) for f in dataclass_fields(value)}


def _appeal_policy(data: dict[str, Any]) -> AppealPolicy:
    contact = data.get("contact")
    return AppealPolicy(**{**data, "contact": AppealContact(**contact) if contact else None})


def _merge(guidance: dict[str, Any], council: dict[str, Any]) -> dict[str, Any]:
    """The council's keys over its guidance's; the policy tables merge key by key."""
    merged = {k: v for k, v in guidance.items() if k != "name"}
    for key, value in council.items():
        base = merged.get(key)
        if key in GUIDANCE_TABLES and isinstance(base, dict) and isinstance(value, dict):
            merged[key] = {**base, **value}
        else:
            merged[key] = value
    return merged


def _threshold_policy(data: dict[str, Any]) -> ThresholdPolicy:
    kwargs: dict[str, Any] = {}
    for key, value in data.items():
        if key == "report_within":
            kwargs[key] = ReportLimit(**value)
        elif isinstance(value, list):
            kwargs[key] = frozenset(value)
        else:
            kwargs[key] = value
    return ThresholdPolicy(**kwargs)


def _closure_days(days: list[Closure]) -> ClosureDays:
    return ClosureDays(
        dates=frozenset(c.day for c in days if isinstance(c.day, date)),
        annual=frozenset(c.day for c in days if isinstance(c.day, tuple)),
        labels={c.day: c.label for c in days if c.label},
    )


def _flatten(messages: Any, path: str = "") -> Iterator[tuple[str, str]]:
    """marshmallow's nested error dict as (dotted.path[index], message) pairs."""
    if isinstance(messages, dict):
        for key, sub in messages.items():
            if key == "_schema":
                sub_path = path
            elif isinstance(key, int):
                sub_path = f"{path}[{key}]"
            else:
                sub_path = f"{path}.{key}" if path else str(key)
            yield from _flatten(sub, sub_path)
    elif isinstance(messages, list):
        for message in messages:
            yield from _flatten(message, path)
    else:
        yield path, str(messages)
