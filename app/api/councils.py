from flask import g

from app.api import api_bp
from app.api.inputs import load_body
from app.api.pagination import paginate_list
from app.domain.threshold import evaluate_threshold
from app.errors import ApiError, NotFound, validation_error
from app.schemas.councils import (
    AddedCouncilSchema,
    CouncilPageSchema,
    FiguresPublicationSchema,
    NewCouncilSchema,
)
from app.schemas.threshold import ThresholdCheckSchema, ThresholdResultSchema, to_discretionary, to_incidents
from app.services import councils, new_councils, people, published_figures
from app.services.published_figures import FiguresConflict, FiguresForbidden, FiguresNotFound
from app.services.users import UserError

council_page_schema = CouncilPageSchema()
new_council_schema = NewCouncilSchema()
added_council_schema = AddedCouncilSchema()
threshold_check_schema = ThresholdCheckSchema()
threshold_result_schema = ThresholdResultSchema()
figures_publication_schema = FiguresPublicationSchema()


@api_bp.get("/councils")
def list_councils():
    """The councils the caller belongs to (every council, to an administrator of the service).
    ---
    get:
      tags: [councils]
      parameters:
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: A page of councils, content: {application/json: {schema: CouncilPageSchema}}}
        401: Not signed in
        422: Bad paging parameters
    """
    return council_page_schema.dump(paginate_list(councils.council_listings(g.user)))


@api_bp.post("/councils")
def add_council():
    """An administrator of the service adds a council in one go: its row and county, its settings
    (version 1: its contacts, and the Act's floor and usual windows marked to confirm), its own
    process with a copy of the diagram it starts from as version 1 (not live: its cases start once
    its process owner puts a version live), and the e-mailed invitation of its first process owner.
    Each step is in the new council's audit list.
    ---
    post:
      tags: [councils]
      requestBody:
        required: true
        content:
          application/json: {schema: NewCouncilSchema}
      responses:
        201: {description: The council added, content: {application/json: {schema: AddedCouncilSchema}}}
        403: Not an administrator of the service
        409: "The id or reference prefix is another council's, or the owner's account is deactivated"
    """
    if not new_councils.may_add_councils(g.user):
        raise ApiError(403, "Only an administrator of the service adds councils.", "forbidden")
    body = load_body(new_council_schema)
    try:
        added = new_councils.add_council(g.user, body)
    except new_councils.NewCouncilInvalid as exc:
        raise validation_error(exc.messages) from None
    except (new_councils.NewCouncilConflict, people.PeopleConflict) as exc:
        raise ApiError(409, str(exc), "conflict") from None
    except UserError as exc:
        raise validation_error({"process_owner": {exc.field or "_schema": [str(exc)]}}) from None
    return added_council_schema.dump(added), 201


@api_bp.post("/councils/<council_id>/threshold-check")
def check_threshold(council_id: str):
    """Evaluate the threshold under a council's policy, without creating anything.
    ---
    post:
      tags: [councils]
      parameters:
        - {in: path, name: council_id, required: true, schema: {type: string}, example: derby-city}
      requestBody:
        required: true
        content:
          application/json: {schema: ThresholdCheckSchema}
      responses:
        200: {description: The evaluation and its explanation, content: {application/json: {schema: ThresholdResultSchema}}}
        400: Malformed JSON
        404: No such council among the caller's
        422: Invalid fields
    """
    council = councils.visible_council(g.user, council_id)
    if council is None:
        raise NotFound("council")
    check = load_body(threshold_check_schema)
    result = evaluate_threshold(
        check["received_on"],
        to_incidents(check["incidents"]),
        council.threshold,
        to_discretionary(check["discretionary"]),
    )
    return threshold_result_schema.dump(result)


@api_bp.post("/councils/<council_id>/figures/<int:year>/publish")
def publish_figures(council_id: str, year: int):
    """A council's manager publishes its statutory figures for a year that has ended: from then on
    anyone sees them at /figures/{council}?year=YYYY (and the county's page counts them).
    ---
    post:
      tags: [councils]
      parameters:
        - {in: path, name: council_id, required: true, schema: {type: string}, example: derby-city}
        - {in: path, name: year, required: true, schema: {type: integer}, example: 2026}
      responses:
        200: {description: Published, content: {application/json: {schema: FiguresPublicationSchema}}}
        403: Only a community safety manager of the council publishes its figures
        409: "The year has not ended, or its figures are published already (when is said)"
    """
    try:
        publication = published_figures.publish(g.user, council_id, year)
    except FiguresNotFound:
        raise NotFound("council") from None
    except FiguresForbidden as exc:
        raise ApiError(403, str(exc), "forbidden") from None
    except FiguresConflict as exc:
        raise ApiError(409, str(exc), "conflict") from None
    return figures_publication_schema.dump(publication)
