"""Letters from their snapshots: HTML through Jinja, PDF through WeasyPrint.

The templates live in ``app/templates/letters/``: ``base.html`` is the layout (letterhead,
address block, date and reference, sign-off, print CSS for A4), and each kind's template
fills in the body. Undefined variables fail, and everything is escaped, so a snapshot field
missing or an officer's text with markup in it cannot produce a wrong letter silently.
"""

from __future__ import annotations

from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, StrictUndefined, select_autoescape
from markupsafe import Markup, escape

from app.domain.calendar import format_date
from app.letters.kinds import LETTER_TITLES

TEMPLATES = Path(__file__).resolve().parent.parent / "templates"


class LetterError(Exception):
    """The letter cannot be rendered (unknown kind, or a template problem)."""


@lru_cache(maxsize=1)
def environment() -> Environment:
    env = Environment(
        loader=FileSystemLoader(str(TEMPLATES)),
        autoescape=select_autoescape(enabled_extensions=("html",), default_for_string=True),
        undefined=StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )
    env.filters["long_date"] = long_date
    env.filters["paragraphs"] = paragraphs
    return env


def long_date(value: str | date | None) -> str:
    """``2026-12-14`` as written in letters: ``14 December 2026``."""
    if not value:
        return ""
    return format_date(value if isinstance(value, date) else date.fromisoformat(value))


def paragraphs(text: str | None) -> Markup:
    """Text as typed, blank lines starting new paragraphs and line breaks kept; escaped."""
    blocks = [b.strip() for b in (text or "").replace("\r\n", "\n").split("\n\n") if b.strip()]
    return Markup("").join(
        Markup("<p>{}</p>").format(Markup("<br>").join(escape(line) for line in block.split("\n")))
        for block in blocks
    )


def render_html(snapshot: dict[str, Any]) -> str:
    kind = snapshot.get("kind")
    if kind not in LETTER_TITLES:
        raise LetterError(f"unknown letter {kind!r}")
    return environment().get_template(f"letters/{kind}.html").render(**snapshot)


def render_removed_html(snapshot: dict[str, Any]) -> str:
    """What an anonymised letter shows instead of its content: its title, date, reference and
    recipient, and why and when the content was removed (app/services/anonymise.py)."""
    return environment().get_template("letters/removed.html").render(**snapshot)


def render_email_text(snapshot: dict[str, Any]) -> str:
    """The short plain-text body of the e-mail the letter is attached to."""
    return environment().get_template("letters/email.txt").render(**snapshot)


# PDF/UA-1 (ISO 14289): a tagged PDF with its structure, language and title, so screen readers
# read the letter in order (issue 12, "PDFs are tagged for screen readers").
PDF_VARIANT = "pdf/ua-1"


def render_pdf(html: str) -> bytes:
    """An A4 PDF of a rendered letter, tagged for screen readers. Nothing outside the letter is
    fetched."""
    from weasyprint import HTML  # imported here: loading pango and cairo takes a moment

    return HTML(string=html, url_fetcher=_refuse_fetch).write_pdf(pdf_variant=PDF_VARIANT)


def _refuse_fetch(url: str, *args: Any, **kwargs: Any) -> dict:
    # A letter is self-contained; no text in it may make the server fetch something.
    raise LetterError(f"letters load nothing from outside: {url}")
