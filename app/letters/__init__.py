"""Letters: who each goes to, what it says (a snapshot kept with it) and how it looks.

``recipients``: who gets which letter. ``snapshots``: the facts a letter prints, worked out
when it is issued. ``privacy``: keeping other people's names out. ``rendering``: HTML (Jinja,
``app/templates/letters/``) and PDF (WeasyPrint). The documents service stores them; the mail
service sends them.
"""

from app.letters.kinds import LETTER_HEADINGS, LETTER_TITLES
from app.letters.recipients import Addressee, recipients_for
from app.letters.rendering import LetterError, render_email_text, render_html, render_pdf
from app.letters.snapshots import IssuedLetter, LetterFacts, letter_snapshot, letters_issued

__all__ = [
    "LETTER_HEADINGS", "LETTER_TITLES", "Addressee", "IssuedLetter", "LetterError", "LetterFacts",
    "letter_snapshot", "letters_issued", "recipients_for", "render_email_text", "render_html", "render_pdf",
]  # fmt: skip
