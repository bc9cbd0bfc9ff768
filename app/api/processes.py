from flask import g, request

from app.api import api_bp
from app.api.inputs import load_body, load_query
from app.errors import ApiError, validation_error
from app.schemas.processes import (
    ActivateSchema,
    DiffQuerySchema,
    DiffSchema,
    ProcessListSchema,
    ScenarioListSchema,
    ScenarioQuerySchema,
    TestRunRequestSchema,
    TestRunSchema,
    VersionSchema,
)
from app.services import process_versions, test_runs

activate_schema = ActivateSchema()
diff_query_schema = DiffQuerySchema()
diff_schema = DiffSchema()
process_list_schema = ProcessListSchema()
version_schema = VersionSchema()
scenario_query_schema = ScenarioQuerySchema()
scenario_list_schema = ScenarioListSchema()
test_run_request_schema = TestRunRequestSchema()
test_run_schema = TestRunSchema()


@api_bp.get("/processes")
def list_processes():
    """The processes the caller's councils run, their versions, and which version each council runs;
    for the councils where the caller is a process owner or admin.
    ---
    get:
      tags: [processes]
      responses:
        200: {description: Processes, content: {application/json: {schema: ProcessListSchema}}}
        403: No studio role (process owner or admin) at any council
    """
    return process_list_schema.dump({"items": process_versions.process_overview(g.user)})


@api_bp.post("/processes/<key>/versions")
def upload_version(key: str):
    """Upload a new version of a process diagram (BPMN XML).
    ---
    post:
      tags: [processes]
      parameters:
        - {in: path, name: key, required: true, schema: {type: string}, example: community_trigger_derbyshire}
      requestBody:
        required: true
        content:
          application/xml: {schema: {type: string}}
      responses:
        201: {description: "The new version (or the latest, if identical)", content: {application/json: {schema: VersionSchema}}}
        400: Not sent as application/xml
        403: Not a process owner of a council running it
        413: Too large
        422: "Every problem found, by element id under fields"
    """
    if request.mimetype not in ("application/xml", "text/xml"):
        raise ApiError(400, "Send the diagram as BPMN XML with Content-Type: application/xml.", "bad_request")
    xml = request.get_data(cache=False)  # werkzeug answers 413 past CTFLOW_MAX_BODY_BYTES
    version = process_versions.upload_version(g.user, key, xml, note=request.args.get("note", "")[:500])
    return version_schema.dump(version), 201


@api_bp.post("/processes/<key>/versions/<int:number>/activate")
def activate_version(key: str, number: int):
    """Make a version the one new cases of a council start on; running cases keep theirs.
    ---
    post:
      tags: [processes]
      requestBody:
        required: true
        content:
          application/json: {schema: ActivateSchema}
      responses:
        200: {description: The version now live for the council, content: {application/json: {schema: VersionSchema}}}
        403: "Not a process owner of that council, or it does not run this process"
        404: No such version
        422: Invalid body
    """
    body = load_body(activate_schema)
    version = process_versions.activate_version(g.user, key, number, body["council"])
    return version_schema.dump(version)


@api_bp.get("/processes/<key>/diff")
def diff_versions(key: str):
    """Elements added, removed and changed between two versions.
    ---
    get:
      tags: [processes]
      parameters:
        - {in: query, name: from, required: true, schema: {type: integer, minimum: 1}}
        - {in: query, name: to, required: true, schema: {type: integer, minimum: 1}}
      responses:
        200: {description: The differences, content: {application/json: {schema: DiffSchema}}}
        403: No studio role (process owner or admin) at any council
        404: No such process or version among the caller's
        422: Bad parameters
    """
    query = load_query(diff_query_schema)
    process_versions.councils_running(g.user, key)
    return diff_schema.dump(process_versions.diff_versions(key, query["from_"], query["to"]))


@api_bp.get("/processes/<key>/scenarios")
def list_test_scenarios(key: str):
    """The built-in scenarios a process owner can test-run a version of the process against.
    ---
    get:
      tags: [processes]
      parameters:
        - {in: path, name: key, required: true, schema: {type: string}, example: community_trigger_derbyshire}
        - {in: query, name: council, required: true, schema: {type: string}, example: derby-city}
      responses:
        200: {description: "One scenario per route (met, not met, ineligible, appeal, ...)", content: {application/json: {schema: ScenarioListSchema}}}
        403: "Not a process owner of that council, or it does not run this process"
        422: Bad parameters
    """
    query = load_query(scenario_query_schema)
    return scenario_list_schema.dump({"items": test_runs.scenarios_listing(g.user, key, query["council"])})


@api_bp.post("/processes/<key>/versions/<int:number>/test-run")
def test_run_version(key: str, number: int):
    """Run a version (a draft too) against a scenario on a frozen clock, in memory: nothing is saved or sent.
    ---
    post:
      tags: [processes]
      requestBody:
        required: true
        content:
          application/json: {schema: TestRunRequestSchema}
      responses:
        200: {description: "The path taken, deadlines, letters and where it stopped; a diagram that fails, or answers a form refuses, give outcome error", content: {application/json: {schema: TestRunSchema}}}
        400: Not JSON
        403: "Not a process owner of that council, or it does not run this process"
        404: No such version
        422: "Invalid body: an unknown scenario, answers that are not objects or name no form or task, a date out of reach"
    """
    body = load_body(test_run_request_schema)
    try:
        run = test_runs.run_version(
            g.user,
            key,
            number,
            body["council"],
            body["scenario"],
            received_on=body.get("received_on"),
            answers=body.get("answers"),
            step_working_days=body.get("step_working_days"),
        )
    except test_runs.ScenarioError as exc:
        raise validation_error(exc.messages) from None
    return test_run_schema.dump(run)
