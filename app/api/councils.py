from flask import g

from app.api import api_bp
from app.api.inputs import load_body
from app.api.pagination import paginate_list
from app.domain.threshold import evaluate_threshold
from app.errors import NotFound
from app.schemas.councils import CouncilPageSchema
from app.schemas.threshold import ThresholdCheckSchema, ThresholdResultSchema, to_discretionary, to_incidents
from app.services import councils

council_page_schema = CouncilPageSchema()
threshold_check_schema = ThresholdCheckSchema()
threshold_result_schema = ThresholdResultSchema()


@api_bp.get("/councils")
def list_councils():
    """The councils the caller belongs to.
    ---
    get:
      tags: [councils]
      parameters:
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: A page of councils, content: {application/json: {schema: CouncilPageSchema}}}
        401: {description: Not signed in, content: {application/json: {schema: ErrorSchema}}}
        422: {description: Bad paging parameters, content: {application/json: {schema: ErrorSchema}}}
    """
    return council_page_schema.dump(paginate_list(councils.council_listings(g.user)))


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
        400: {description: Malformed JSON, content: {application/json: {schema: ErrorSchema}}}
        404: {description: No such council among the caller's, content: {application/json: {schema: ErrorSchema}}}
        422: {description: Invalid fields, content: {application/json: {schema: ErrorSchema}}}
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
