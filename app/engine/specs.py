"""Parsing a diagram safely, checking it against our conventions, and caching the parsed spec.

Every problem is collected (not just the first), each with the id of the element at fault, so
a process owner can fix a diagram in one pass. A diagram is parsed once per content: the cache
is keyed by its checksum, so no request re-parses a version after warm-up.
"""

from __future__ import annotations

import codecs
import hashlib
import re
from dataclasses import dataclass, field

from defusedxml import DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden
from defusedxml.ElementTree import ParseError
from defusedxml.ElementTree import fromstring as safe_fromstring
from lxml import etree
from SpiffWorkflow.bpmn.specs.event_definitions.multiple import MultipleEventDefinition
from SpiffWorkflow.bpmn.specs.event_definitions.timer import TimerEventDefinition
from SpiffWorkflow.exceptions import SpiffWorkflowException
from SpiffWorkflow.spiff.parser.process import SpiffBpmnParser

from app.engine import isolation, sandbox, structure
from app.engine.properties import ROLE_KEYS, role_for_lane, task_properties
from app.engine.structure import BPMN_NAMESPACE
from forms import FORMS

# One limit for a diagram wherever it comes from, the same as the default request body limit
# (CTFLOW_MAX_BODY_BYTES), so an upload is refused at one size, as both READMEs say.
MAX_DIAGRAM_BYTES = 1024 * 1024
# "monitoring": after the outcome, until every action of the plan is done or closed (LIFECYCLE.md
# "The action plan is followed through"); it runs beside the appeal window.
STAGES = ("acknowledgement", "threshold", "review", "outcome", "monitoring", "appeal")
MILESTONES = (
    "received", "acknowledged", "consent_confirmed", "ineligible", "threshold_met", "threshold_not_met",
    "information_requested", "information_returned", "victim_contacted", "review_held",
    "recommendations_made", "outcome_notified", "appeal_lodged", "appeal_decided", "closed",
)  # fmt: skip
_KEY = re.compile(r"^[a-z][a-z0-9_]{0,63}$")
SAMPLE_DATE = "2026-11-02"
# What the engine and the application put in case data (app/services/cases.py:workflow_data and
# the appeal message); with the forms' fields, the names a diagram's expressions may read.
CASE_DATA_NAMES = (
    "council", "received_on", "clock_started_on", "channel", "applicant_type", "consent_needed",
    "consent_given", "consent_within_days", "victim_vulnerable", "incidents",
    "discretionary", "review_offered", "review_within_days", "appeal_within_days", "threshold",
    "appeal_received_on", "appeal_grounds", "agency", "agencies", "information_returns", "information_return",
    "ineligible_review_within_days", "under_18_involved", "relevant_bodies", "body", "records_checks",
    "records_check", "actions", "action", "action_reports", "action_report", "closed",
)  # fmt: skip
# Sample values where a name holds an object, not a date or a number: one action of the plan (the
# case review's recommendations, numbered by the diagram), as a report task's expressions read it.
SAMPLE_ACTION = {"number": 1, "action": "Joint visit", "owner_agency": "police", "due_on": SAMPLE_DATE,
                 "agreed_with_victim": True}  # fmt: skip


@dataclass(frozen=True)
class Problem:
    element: str | None
    message: str

    def to_dict(self) -> dict:
        return {"element": self.element, "message": self.message}


class DiagramInvalid(Exception):
    def __init__(
        self, problems: list[Problem], parsed: ParsedProcess | None = None, process_id: str | None = None
    ):
        super().__init__("; ".join(f"{p.element or 'diagram'}: {p.message}" for p in problems))
        self.problems = problems
        # The process as SpiffWorkflow read it, when it could (the problems are then ours), so
        # a validator can go on to list the problems of the whole diagram at once; else the id
        # of the process the diagram holds, when that much could be read.
        self.parsed = parsed
        self.process_id = parsed.process_id if parsed is not None else process_id


@dataclass
class ParsedProcess:
    process_id: str
    spec: object
    subprocess_specs: dict
    checksum: str
    user_tasks: dict[str, dict] = field(default_factory=dict)  # element id -> properties + role

    def element_specs(self) -> list:
        """The spec of every element drawn, in the process and in its embedded sub-processes
        (SpiffWorkflow keeps a sub-process's steps in a spec of their own); not the engine's
        own joins and splits, which have no element id."""
        specs = [self.spec, *self.subprocess_specs.values()]
        return [t for s in specs for t in s.task_specs.values() if getattr(t, "bpmn_id", None)]


def checksum_of(xml: bytes) -> str:
    return hashlib.sha256(xml).hexdigest()


def parse_process(xml: bytes | str, checksum: str | None = None) -> ParsedProcess:
    """Parse and check a diagram; raises DiagramInvalid listing every problem found."""
    data = xml.encode() if isinstance(xml, str) else xml
    checksum = checksum or checksum_of(data)
    cached = _PARSED.get(checksum)
    if cached is None:
        cached = _PARSED[checksum] = _parse(data, checksum)
    return cached


# checksum -> parsed process; versions are immutable, so entries never go stale.
_PARSED: dict[str, ParsedProcess] = {}


def cached_process(checksum: str) -> ParsedProcess | None:
    return _PARSED.get(checksum)


def _parse(xml: bytes, checksum: str) -> ParsedProcess:
    """Every gate that can be passed is: a problem stops the checks only where nothing after it
    could be read (unsafe or foreign XML, no process, what the engine cannot parse)."""
    root = _safe_root(xml)
    if etree.QName(root).namespace != BPMN_NAMESPACE or etree.QName(root).localname != "definitions":
        raise DiagramInvalid([Problem(None, "Not a BPMN 2.0 diagram (expected bpmn:definitions).")])
    process, findings = structure.choose_process(root)
    if process is not None and process.get("id"):
        findings += structure.structure_problems(process)
    problems = [Problem(f.element, f.message) for f in findings]
    process_id = process.get("id") if process is not None else None
    if process is None or any(f.blocking for f in findings):
        raise DiagramInvalid(problems, process_id=process_id)
    # Read as executable, and a step's several flows as a split, so the rest is checked; both
    # are problems listed above.
    process.set("isExecutable", "true")
    structure.split_for_reading(process)
    parser = SpiffBpmnParser()
    try:
        parser.add_bpmn_xml(root)
        spec = parser.get_spec(process_id)
        subprocess_specs = parser.get_subprocess_specs(process_id)
    except (SpiffWorkflowException, etree.LxmlError, LookupError, ValueError, TypeError, AttributeError,
            NotImplementedError, RecursionError) as exc:  # fmt: skip
        raise DiagramInvalid(
            problems + [Problem(*structure.engine_problem(exc))], process_id=process_id
        ) from None
    parsed = ParsedProcess(process_id, spec, subprocess_specs, checksum)
    problems += _check_conventions(parsed) + _dry_run_dates(parsed) + _dry_run_scripts(parsed)
    if problems:
        raise DiagramInvalid(problems, parsed)
    return parsed


def _safe_root(xml: bytes):
    if len(xml) > MAX_DIAGRAM_BYTES:
        raise DiagramInvalid(
            [Problem(None, f"The diagram is larger than {MAX_DIAGRAM_BYTES // 1024**2} MB.")]
        )
    xml = as_utf8(xml)
    try:
        # defusedxml first: it refuses DTDs, entity declarations and external references.
        safe_fromstring(xml, forbid_dtd=True, forbid_entities=True, forbid_external=True)
    except (DTDForbidden, EntitiesForbidden, ExternalReferenceForbidden):
        raise DiagramInvalid(
            [Problem(None, "DTDs, entities and external references are not allowed.")]
        ) from None
    except (ParseError, ValueError) as exc:
        raise DiagramInvalid([Problem(None, f"Not well-formed XML: {exc}")]) from None
    parser = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
    try:
        return etree.fromstring(xml, parser=parser)
    except etree.XMLSyntaxError as exc:
        # libxml2 without huge_tree stops at MAX_XML_DEPTH levels; a modelling tool nests a handful.
        if "depth" in str(exc):
            message = (
                f"Its XML nests elements more than {MAX_XML_DEPTH} levels deep; a BPMN diagram needs a "
                "few (a sub-process inside a sub-process is two more)."
            )
        else:
            message = f"Not well-formed XML: {exc.msg}"
        raise DiagramInvalid([Problem(None, message)]) from None


MAX_XML_DEPTH = 256  # libxml2's limit without XML_PARSE_HUGE
_DECLARATION = re.compile(rb"""^<\?xml[^>]*?\sencoding\s*=\s*["']([A-Za-z][A-Za-z0-9._-]*)["']""")
_BOMS = ((codecs.BOM_UTF32_LE, "utf-32"), (codecs.BOM_UTF32_BE, "utf-32"), (codecs.BOM_UTF8, "utf-8-sig"),
         (codecs.BOM_UTF16_LE, "utf-16"), (codecs.BOM_UTF16_BE, "utf-16"))  # fmt: skip


def as_utf8(xml: bytes) -> bytes:
    """The diagram in UTF-8, whatever encoding it declares (Signavio and older tools write
    ISO-8859-1 or windows-1252, some UTF-16), so that what is checked, stored, served to the
    editor and run is one text. The XML declaration is rewritten to say UTF-8; a diagram in an
    encoding we cannot read, or whose bytes do not match its declaration, is refused here, at
    the gate, saying which."""
    encoding = next((name for bom, name in _BOMS if xml.startswith(bom)), None)
    if encoding is None:
        declared = _DECLARATION.match(xml)
        encoding = declared[1].decode().lower() if declared else "utf-8"
    try:
        codec = codecs.lookup(encoding)
        text = xml.decode(codec.name)
    except LookupError:
        raise _refused(
            f"The diagram says it is written in {encoding!r}, an encoding we cannot read"
        ) from None
    except UnicodeDecodeError as exc:
        raise _refused(
            f"The diagram is not {codec.name.upper()} text as it says (byte {exc.start})"
        ) from None
    if codec.name == "utf-8":
        return xml
    text = re.sub(
        r"""^(<\?xml[^>]*?\sencoding\s*=\s*)["'][^"']*["']""", r'\1"UTF-8"', text.lstrip("\ufeff"), count=1
    )
    return text.encode("utf-8")


def _refused(reason: str) -> DiagramInvalid:
    return DiagramInvalid([Problem(None, f"{reason}; save it as UTF-8.")])


def _check_conventions(parsed: ParsedProcess) -> list[Problem]:
    from handlers import HANDLERS

    problems: list[Problem] = []
    for spec in parsed.element_specs():
        element = spec.bpmn_id
        props = task_properties(spec)
        problems += _check_expressions(element, spec, props)
        if getattr(spec, "manual", False):
            problems += _check_user_task(parsed, element, spec, props)
        if "meets" in props and not _KEY.match(props["meets"]):
            problems.append(Problem(element, f"Deadline key {props['meets']!r} must be lower_snake_case."))
        if "milestone" in props and props["milestone"] not in MILESTONES:
            problems.append(Problem(element, f"Unknown milestone {props['milestone']!r}."))
        operation = getattr(spec, "operation_name", None)
        if operation is not None and operation not in HANDLERS:
            problems.append(
                Problem(element, f"Unknown handler {operation!r}; known: {', '.join(sorted(HANDLERS))}.")
            )
    return problems


def _check_user_task(parsed: ParsedProcess, element: str, spec, props: dict) -> list[Problem]:
    problems = []
    role = role_for_lane(spec.lane)
    if role is None:
        problems.append(Problem(element, "A user task must be in a lane (the lane is the role)."))
    elif role not in ROLE_KEYS:
        problems.append(
            Problem(element, f"Lane {spec.lane!r} is not a role; lanes are: {', '.join(sorted(ROLE_KEYS))}.")
        )
    form_key = props.get("formKey")
    if not form_key:
        problems.append(Problem(element, "A user task needs a formKey property."))
    elif form_key not in FORMS:
        problems.append(Problem(element, f"Unknown form {form_key!r}."))
    if props.get("stage") not in STAGES:
        problems.append(Problem(element, f"A user task needs a stage property, one of: {', '.join(STAGES)}."))
    if "deadline" in props and not _KEY.match(props["deadline"]):
        problems.append(Problem(element, f"Deadline key {props['deadline']!r} must be lower_snake_case."))
    if "deadline" in props and "dueOn" not in props:
        problems.append(Problem(element, "A task with a deadline needs a dueOn expression."))
    parsed.user_tasks[element] = {**props, "role": role, "name": spec.bpmn_name or element}
    return problems


def _check_expressions(element: str, spec, props: dict) -> list[Problem]:
    """Every piece of code the element carries must compile under the sandbox's policy."""
    sources: list[tuple[str, str, bool]] = []  # (what, source, is_script)
    for key in ("dueOn", "doneOn", "agency"):
        if props.get(key):
            sources.append((key, props[key], False))
    for condition, _target in getattr(spec, "cond_task_specs", []) or []:
        if condition is not None:
            sources.append(("condition", condition.args[0], False))
    for timer in timer_definitions(spec):
        sources.append(("timer", timer.expression, False))
    for name, param in (getattr(spec, "operation_params", None) or {}).items():
        sources.append((f"parameter {name}", param["value"], False))
    script = getattr(spec, "script", None)
    if script:
        sources.append(("script", script, True))
    for attribute in ("prescript", "postscript"):
        if getattr(spec, attribute, None):
            sources.append((attribute, getattr(spec, attribute), True))
    problems = []
    for what, source, is_script in sources:
        reason = _code_problem(source, is_script)
        if reason:
            problems.append(Problem(element, f"{what} {quoted(source)}: {reason}"))
    return problems


def _code_problem(source: str, is_script: bool) -> str | None:
    reason = sandbox.check_script(source) if is_script else sandbox.check_expression(source)
    if reason and "${" in source:
        # Camunda's expressions (JUEL) are not Python, which is what a diagram here is written in.
        return "it is a Camunda (JUEL) expression; write it in Python, e.g. threshold_met == True."
    return reason


def quoted(source: str, limit: int = 80) -> str:
    """Code as a problem quotes it: in full when short, else its start (a message stays readable)."""
    return repr(source if len(source) <= limit else source[: limit - 1] + "…")


def timer_definitions(spec) -> list[TimerEventDefinition]:
    definition = getattr(spec, "event_definition", None)
    if isinstance(definition, MultipleEventDefinition):
        return [d for d in definition.event_definitions if isinstance(d, TimerEventDefinition)]
    return [definition] if isinstance(definition, TimerEventDefinition) else []


def _sample_data(parsed: ParsedProcess) -> dict:
    """Case data as a diagram may see it, with a sample value for every name the engine, the
    application and the forms can put there (dates as dates, everything else truthy)."""
    from app.engine.functions import FUNCTION_NAMES

    names = set(CASE_DATA_NAMES)
    for schema in FORMS.values():
        names.update(schema().fields)
    names.update(f"{element}_done_on" for element in _all_elements(parsed))
    data = {name: SAMPLE_DATE if name.endswith("_on") else 1 for name in names - FUNCTION_NAMES}
    data["due_on"] = SAMPLE_DATE
    data["action"], data["actions"] = dict(SAMPLE_ACTION), [dict(SAMPLE_ACTION)]
    return data


def _all_elements(parsed: ParsedProcess) -> list[str]:
    return [spec.bpmn_id for spec in parsed.element_specs()]


def _dry_run_dates(parsed: ParsedProcess) -> list[Problem]:
    """Evaluate every due date, done date and timer once against sample data, so a typo in a
    name or a wrong argument is found when the diagram is loaded, not when a case reaches it."""
    from app.domain.calendar import calendar_for
    from app.engine.functions import diagram_functions, to_date

    functions = diagram_functions(calendar_for("england"), lambda: to_date(SAMPLE_DATE))
    data = _sample_data(parsed)
    problems = []
    for spec in parsed.element_specs():
        element = spec.bpmn_id
        props = task_properties(spec)
        checks = [(key, props[key], to_date) for key in ("dueOn", "doneOn") if props.get(key)]
        checks += [("timer", timer.expression, _timestamp) for timer in timer_definitions(spec)]
        if checks:
            isolation.note_progress(element)
        for what, source, convert in checks:
            if sandbox.check_expression(source):
                continue  # refused when compiled, and listed then
            try:
                convert(sandbox.evaluate(source, data, functions))
            except sandbox.ScriptError as exc:
                problems.append(Problem(element, f"{what} {quoted(source)} does not evaluate: {exc}"))
            except (ValueError, TypeError) as exc:
                problems.append(Problem(element, f"{what} {quoted(source)} does not give a date: {exc}"))
    return problems


def _dry_run_scripts(parsed: ParsedProcess) -> list[Problem]:
    """Run every script once against sample data, as a test-run would, so that a script that
    breaks the sandbox's limits or stores what a case cannot save (a range, a set, NaN...) is
    refused on upload instead of breaking every new case. Other failures are left alone: the
    sample data is not a real case's (a list is 1 here), and the test-runs try real ones."""
    from app.domain.calendar import calendar_for
    from app.engine.functions import diagram_functions, to_date

    functions = diagram_functions(calendar_for("england"), lambda: to_date(SAMPLE_DATE))
    sample = _sample_data(parsed)
    problems = []
    for spec in parsed.element_specs():
        element = spec.bpmn_id
        scripts = [(a, getattr(spec, a, None)) for a in ("prescript", "script", "postscript")]
        for what, source in [(a, src) for a, src in scripts if src]:
            isolation.note_progress(element)
            try:
                sandbox.execute(source, dict(sample), functions)
            except (sandbox.LimitExceeded, sandbox.UnstorableValue) as exc:
                problems.append(Problem(element, f"{what}: {exc}"))
            except sandbox.ScriptError:
                pass
    return problems


def _timestamp(value) -> None:
    from datetime import datetime

    if not isinstance(value, str):
        raise ValueError(f"a timer must give an ISO timestamp string, not {value!r}")
    datetime.fromisoformat(value)
