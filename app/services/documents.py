"""Use cases on documents: list a case's documents, read one (issuing is ``app.services.letters``).

Who may read letters: the council's staff who see every case of their council (the same roles
and the same council scoping as ``app.services.cases.visible_case``). Partner agencies may
not: letters are the council's correspondence with the victim, carry their name and address,
and partners get what they need through their own tasks. For them, as for another council's
user, a case's documents and a document are 404, never saying they exist.
"""

from __future__ import annotations

from app.letters import render_pdf
from app.models import Document, User
from app.services import mail, restrictions
from app.services.cases import CaseNotFound, staff_councils, visible_case
from app.store import cases as case_store
from app.store import documents as document_store


class DocumentNotFound(Exception):
    pass


def _letter_councils(user: User) -> list[str]:
    return staff_councils(user)


def documents_of_case(user: User, case_id: int, page: int, per_page: int) -> tuple[list[Document], int]:
    """A page of a case's documents; CaseNotFound when the user may not see the case's letters."""
    case = visible_case(user, case_id)
    if case.council_id not in _letter_councils(user):
        raise CaseNotFound(case_id)  # a partner agency that can see the case: not its letters
    query = document_store.documents_of_case_query(
        case.id, without=restrictions.withheld_recipients(user, case)
    )
    return case_store.page_of(query, page, per_page)


def visible_document(user: User, document_id: int) -> Document:
    councils_of_user = _letter_councils(user)
    document = document_store.get_document_in(document_id, councils_of_user) if councils_of_user else None
    if document is None or document.recipient in restrictions.withheld_recipients(user, document.case):
        raise DocumentNotFound(document_id)  # a letter to someone whose data is restricted from them
    return document


def document_pdf(document: Document) -> bytes:
    return render_pdf(document.html)


def pdf_filename(document: Document) -> str:
    return mail.pdf_filename(document)
