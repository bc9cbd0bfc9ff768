"""The public start page at ``/`` (visitors who are not signed in) and what it says of each
council: what qualifies, how long each step takes, and the other ways to apply. Everything
is read from the councils' configuration and live diagrams, so the page cannot disagree with
the letters."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from flask import render_template

from app.councils import Council
from app.domain.threshold.wording import describe_threshold
from app.services import councils
from app.services.time_limits import limits_of
from app.store import processes as process_store


@dataclass(frozen=True)
class CouncilTerms:
    """What a resident is told of one council's Community Trigger."""

    qualifies: tuple[str, ...]
    limit_rows: tuple[tuple[str, str], ...]  # (what happens, within how long)


def terms_of(council: Council) -> CouncilTerms:
    rows = []
    for limit in limits_of(council.id):
        step = limit.step
        if limit.key == "appeal_window":
            step = f"{step} (to the {council.appeal.body})" if council.appeal.lodge_directly else step
        rows.append((step, limit.within[0].upper() + limit.within[1:]))
    return CouncilTerms(tuple(describe_threshold(council.threshold)), tuple(rows))


def summary_rows(terms: CouncilTerms) -> list[dict[str, Any]]:
    return [{"key": {"text": step}, "value": {"text": within}} for step, within in terms.limit_rows]


def _groups() -> list[dict[str, Any]]:
    """Councils with the same terms together (a county's councils share one guidance), in the
    configuration's order."""
    groups: dict[CouncilTerms, list[Council]] = {}
    for council in councils.registry():
        if process_store.active_version_for(council.id) is None:
            continue  # not taking applications here
        groups.setdefault(terms_of(council), []).append(council)
    return [
        {
            "names": [c.name for c in members],
            "qualifies": terms.qualifies,
            "rows": summary_rows(terms),
        }
        for terms, members in groups.items()
    ]


def start_page():
    taking = [c for c in councils.registry() if process_store.active_version_for(c.id) is not None]
    registry = councils.registry()
    response = render_template(
        "public/home.html",
        councils=taking,
        groups=_groups(),
        # Every council's published figures (issue 15), and each county's collated.
        all_councils=list(registry),
        counties=list(registry.counties.values()),
    )
    # The same address shows staff their inbox: never cache this answer for them.
    return response, 200, {"Cache-Control": "no-store", "Vary": "Cookie"}
