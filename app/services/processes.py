"""Process diagrams: loading the shipped files as versions, binding councils to versions, and
the parsed spec of a version (parsed once per content, then cached by the engine)."""

from __future__ import annotations

from pathlib import Path

from app import clock
from app.engine.specs import (
    DiagramInvalid,
    ParsedProcess,
    Problem,
    as_utf8,
    cached_process,
    checksum_of,
    parse_process,
)
from app.extensions import db
from app.models import CouncilProcess, ProcessVersion
from app.services import councils
from app.store import processes as process_store

PROCESSES_DIR = Path(__file__).resolve().parent.parent.parent / "processes"
BASE_PROCESS = "community_trigger"


def parsed(version: ProcessVersion) -> ParsedProcess:
    # The XML (a deferred column) is read from the database only the first time a version is seen.
    return cached_process(version.checksum) or parse_process(version.xml.encode(), version.checksum)


def save_version(
    process_key: str, xml: bytes, created_by_id: int | None = None, note: str = ""
) -> ProcessVersion:
    """Check a diagram and store it as the next version of ``process_key`` (flushes, no commit).

    An identical diagram to the latest version is not stored twice: that version is returned.
    """
    xml = as_utf8(xml)  # stored, served and run as UTF-8, whatever it was declared in
    checked = parse_process(xml)
    if checked.process_id != process_key:
        raise DiagramInvalid(
            [
                Problem(
                    checked.process_id, f"The process id must be {process_key!r}, the key it is saved under."
                )
            ]
        )
    latest = process_store.latest_version(process_key)
    if latest is not None and latest.checksum == checked.checksum:
        return latest
    version = ProcessVersion(
        process_key=process_key,
        number=process_store.next_version_number(process_key),
        xml=xml.decode("utf-8"),
        checksum=checksum_of(xml),
        created_at=clock.now(),
        created_by_id=created_by_id,
        note=note,
    )
    db.session.add(version)
    db.session.flush()
    return version


def copy_diagram(version: ProcessVersion, process_key: str, name: str) -> bytes:
    """The diagram of ``version`` as a process of its own: its process id (and what points at it:
    the participant's processRef, the drawing's bpmnElement) becomes ``process_key``, its name
    ``name``. Nothing else changes, so the copy runs exactly as the original does."""
    from lxml import etree

    from app.engine.structure import BPMN_NAMESPACE

    old_key = version.process_key
    root = etree.fromstring(
        version.xml.encode("utf-8"), parser=etree.XMLParser(resolve_entities=False, no_network=True)
    )
    for element in root.iter():
        if not isinstance(element.tag, str):
            continue  # a comment or processing instruction
        if element.tag == f"{{{BPMN_NAMESPACE}}}process" and element.get("id") == old_key:
            element.set("id", process_key)
            element.set("name", name)
        for attribute in ("processRef", "bpmnElement"):
            if element.get(attribute) == old_key:
                element.set(attribute, process_key)
    return etree.tostring(root, xml_declaration=True, encoding="UTF-8")


def activate(council_id: str, version: ProcessVersion) -> None:
    binding = db.session.get(CouncilProcess, council_id) or CouncilProcess(council_id=council_id)
    binding.process_version_id = version.id
    binding.version = version
    binding.activated_at = clock.now()
    db.session.add(binding)


def load_shipped_diagrams() -> dict[str, ProcessVersion]:
    """Store every ``processes/*.bpmn`` as a version (unchanged files are not duplicated) and
    bind each council of the councils file without a process to its configured one (a council
    added in the browser starts when its process owner puts a version live). Idempotent; commits."""
    versions = {path.stem: save_version(path.stem, path.read_bytes(), note=f"shipped {path.name}")
                for path in sorted(PROCESSES_DIR.glob("*.bpmn"))}  # fmt: skip
    for council in councils.seed_registry():
        if process_store.active_version_for(council.id) is not None:
            continue
        # Until a council's own variant ships, its cases run the base lifecycle.
        version = versions.get(council.process_key) or versions.get(BASE_PROCESS)
        if version is not None:
            activate(council.id, version)
    db.session.commit()
    return versions
