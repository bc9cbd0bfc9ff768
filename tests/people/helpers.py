"""What the people tests share: sending the e-mailed links, and reading them from the messages."""

from __future__ import annotations

import re
from email.message import EmailMessage

from sqlalchemy import select

from app.extensions import db
from app.models import AccountLink
from app.models.audit import AuditEntry
from app.services import account_links

LINK = re.compile(r"http://127\.0\.0\.1:5000/set-password/([A-Za-z0-9_-]+)")


def send_link_emails(app) -> account_links.LinkMailReport:
    """What the worker's pass does for the links: e-mail every one that is due."""
    with app.app_context():
        return account_links.send_due_emails()


def token_in(message: EmailMessage) -> str:
    match = LINK.search(message.get_content())
    assert match, message.get_content()
    return match.group(1)


def audit_actions(app, council_id: str | None = "derby-city") -> list[tuple[str, str, str]]:
    """(actor, action, subject) of a council's audit list, oldest first."""
    with app.app_context():
        entries = db.session.scalars(
            select(AuditEntry).where(AuditEntry.council_id == council_id).order_by(AuditEntry.id)
        )
        return [(e.actor, e.action, e.subject) for e in entries]


def stored_link_values(app) -> list[str]:
    """Every value the account_link table holds, as text (to show no token is kept)."""
    with app.app_context():
        return [
            str(value) for link in db.session.scalars(select(AccountLink)) for value in vars(link).values()
        ]
