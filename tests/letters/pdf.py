"""Reading the text of a PDF in tests (pypdf), with its line breaks folded into spaces."""

from __future__ import annotations

import io
import re

from pypdf import PdfReader


def pdf_text(data: bytes) -> str:
    assert data[:5] == b"%PDF-", data[:20]
    reader = PdfReader(io.BytesIO(data))
    return re.sub(r"\s+", " ", " ".join(page.extract_text() or "" for page in reader.pages))


def html_text(html: str) -> str:
    """The words of an HTML letter, without its markup and style sheet."""
    text = re.sub(r"<style>.*?</style>", " ", html, flags=re.S)
    text = re.sub(r"<[^>]+>", " ", text)
    return re.sub(r"\s+", " ", text.replace("&#39;", "'").replace("&amp;", "&"))
