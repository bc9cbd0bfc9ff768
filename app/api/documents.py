from flask import Response, g

from app.api import api_bp
from app.api.inputs import load_query
from app.errors import NotFound
from app.schemas.documents import DocumentListQuerySchema, DocumentPageSchema, DocumentQuerySchema
from app.services import access_log, documents

document_page_schema = DocumentPageSchema()
document_query_schema = DocumentQuerySchema()
document_list_query_schema = DocumentListQuerySchema()


@api_bp.get("/cases/<int:case_id>/documents")
def list_case_documents(case_id: int):
    """The case's letters, oldest first, each with the state of its e-mail.
    ---
    get:
      tags: [documents]
      description: Council staff only. A partner agency, like another council's user, gets 404.
      parameters:
        - {in: query, name: page, schema: {type: integer, minimum: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100}}
      responses:
        200: {description: A page of documents, content: {application/json: {schema: DocumentPageSchema}}}
        404: No such case among those whose letters the caller may read
        422: Bad paging
    """
    query = load_query(document_list_query_schema)
    items, total = documents.documents_of_case(g.user, case_id, query["page"], query["per_page"])
    return document_page_schema.dump(
        {"items": items, "page": query["page"], "per_page": query["per_page"], "total": total}
    )


@api_bp.get("/documents/<int:document_id>")
def get_document(document_id: int):
    """A letter as it was issued: HTML (the default) or an A4 PDF.
    ---
    get:
      tags: [documents]
      description: Council staff only. A partner agency, like another council's user, gets 404.
      parameters:
        - {in: query, name: format, schema: {type: string, enum: [html, pdf], default: html}}
      responses:
        200:
          description: The letter
          content:
            text/html: {schema: {type: string}}
            application/pdf: {schema: {type: string, format: binary}}
        404: No such document among those the caller may read
        422: An unknown format
    """
    query = load_query(document_query_schema)
    try:
        document = documents.visible_document(g.user, document_id)
    except documents.DocumentNotFound:
        raise NotFound("document") from None
    access_log.record_document_access(g.user, document)
    if query["format"] == "pdf":
        response = Response(documents.document_pdf(document), mimetype="application/pdf")
        response.headers["Content-Disposition"] = f'inline; filename="{documents.pdf_filename(document)}"'
    else:
        response = Response(document.html, mimetype="text/html")
        # The letter is self-contained: nothing to load, nothing to run.
        response.headers["Content-Security-Policy"] = "default-src 'none'; style-src 'unsafe-inline'"
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    response.headers["X-Content-Type-Options"] = "nosniff"
    return response
