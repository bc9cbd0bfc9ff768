"""GET /privacy and /privacy/<council>, no sign-in: each council's privacy notice (issue 17).

The notice is the council's ``letters.privacy_notice`` wording block (settings, issue 16): plain
text whose placeholders are filled like a letter's (``{council_name}``, the contacts,
``{retention_years}``...), read as headings, lists and paragraphs by ``letter_wording.blocks``
and printed escaped. Every public page links here from its footer.
"""

from __future__ import annotations

from flask import abort, render_template

from app.domain.letter_wording import blocks, fill
from app.letters.snapshots import wording_values
from app.public import public_bp
from app.services import councils


@public_bp.get("/privacy")
def privacy_index():
    return render_template("public/privacy_index.html", all_councils=list(councils.registry()))


@public_bp.get("/privacy/<council_id>")
def privacy_notice(council_id: str):
    council = councils.policy_for(council_id)
    if council is None:
        abort(404)
    notice = blocks(fill(council.letters.privacy_notice, wording_values(council)))
    return render_template("public/privacy.html", council=council, notice=notice)
