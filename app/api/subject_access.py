"""Subject access (issue 17): data protection staff search people across their councils' cases
and export everything held about one of them."""

from flask import g

from app.api import api_bp
from app.api.inputs import load_query
from app.api.pagination import paginate_list
from app.errors import ApiError
from app.presenters.subject_access import export_response
from app.schemas.subject_access import (
    ExportQuerySchema,
    PeopleQuerySchema,
    PersonMatchPageSchema,
)
from app.services import subject_access
from app.services.subject_access import SubjectQueryError

people_query_schema = PeopleQuerySchema()
person_page_schema = PersonMatchPageSchema()
export_query_schema = ExportQuerySchema()


def _bad_query(exc: SubjectQueryError) -> ApiError:
    return ApiError(400, str(exc), "bad_request")


@api_bp.get("/people")
def search_people():
    """People on the caller's councils' cases, by name, e-mail address or postcode (each word
    begins one of them), newest case first: one item per person per case.
    ---
    get:
      tags: [data protection]
      description: "Staff with the data_protection role only. Each result's id goes to
        GET /people/export?case_person=."
      parameters:
        - {in: query, name: q, required: true, schema: {type: string, minLength: 3, maxLength: 200}, example: jane smith}
        - {in: query, name: council, schema: {type: string}, description: "one of the caller's councils (default: all of them)"}
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: A page of people, content: {application/json: {schema: PersonMatchPageSchema}}}
        400: "q is missing, shorter than 3 characters, longer than 200, or holds nothing to search on (said precisely)"
        403: Only data protection staff search people
        404: The council is not one of the caller's
    """
    query = load_query(people_query_schema)
    try:
        found = subject_access.search_people(g.user, query.get("q"), query.get("council"))
    except SubjectQueryError as exc:
        raise _bad_query(exc) from None
    page = paginate_list(found, query)
    subject_access.record_search_results(g.user, page["items"])
    return person_page_schema.dump(page)


@api_bp.get("/people/export")
def export_person():
    """Everything held about one person (a subject access request): every case of the caller's
    councils where they appear and in what capacity, their records, the account of what
    happened, decisions, history and the letters sent to them; other people's personal data left
    out. Recorded in each case's access log and the council's audit list.
    ---
    get:
      tags: [data protection]
      description: "Staff with the data_protection role only. Give email (every case where someone
        with this address appears) or case_person (that person on that case, and every other case of
        their e-mail address). format=zip gives a ZIP of export.json and the letters as PDF."
      parameters:
        - {in: query, name: email, schema: {type: string, format: email}}
        - {in: query, name: case_person, schema: {type: string, pattern: "^[0-9]+:(applicant|victim-[0-9]+)$"}, example: "17:victim-1"}
        - {in: query, name: format, schema: {type: string, enum: [json, zip], default: json}}
      responses:
        200:
          description: The export
          content:
            application/json: {schema: SubjectExportSchema}
            application/zip: {schema: {type: string, format: binary}}
        400: "Neither or both of email and case_person, or one that is malformed (said precisely)"
        403: Only data protection staff export
        404: No such person on the caller's councils' cases (case_person)
    """
    query = load_query(export_query_schema)
    as_zip = query["format"] == "zip"
    try:
        export = subject_access.export_subject(
            g.user, email=query.get("email"), case_person=query.get("case_person"), letters_as_files=as_zip
        )
    except SubjectQueryError as exc:
        raise _bad_query(exc) from None
    return export_response(export, as_zip=as_zip, attachment=False)
