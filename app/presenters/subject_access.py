"""A subject access export as a download (issue 17): the same bytes for the API and the pages."""

from __future__ import annotations

import json

from flask import Response

from app.schemas.subject_access import SubjectExportSchema
from app.services import subject_access
from app.services.subject_access import SubjectExport

export_schema = SubjectExportSchema()


def export_response(export: SubjectExport, *, as_zip: bool, attachment: bool) -> Response:
    """The export as JSON, or a ZIP of the JSON and the letters as PDF; ``attachment``: a file
    to save (the pages' downloads) rather than an answer to read (the API's JSON)."""
    dumped = export_schema.dump(export.document)
    if as_zip:
        response = Response(subject_access.export_zip(export, dumped), mimetype="application/zip")
    else:
        response = Response(json.dumps(dumped, indent=2, ensure_ascii=False), mimetype="application/json")
    if attachment or as_zip:
        name = subject_access.export_filename("zip" if as_zip else "json")
        response.headers["Content-Disposition"] = f'attachment; filename="{name}"'
    response.headers["Cache-Control"] = "private, no-store"  # personal data
    return response
