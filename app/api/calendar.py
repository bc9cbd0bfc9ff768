from app.api import api_bp
from app.api.inputs import load_query
from app.domain.calendar import calendar_for
from app.errors import validation_error
from app.schemas.calendar import WorkingDaysQuerySchema, WorkingDaysSchema
from app.services import councils

working_days_query_schema = WorkingDaysQuerySchema()
working_days_schema = WorkingDaysSchema()


@api_bp.get("/calendar/working-days")
def working_days():
    """The date N working days after a date, on a council's or a nation's calendar, and the days skipped.
    ---
    get:
      tags: [calendar]
      parameters:
        - {in: query, name: from, required: true, schema: {type: string, format: date}}
        - {in: query, name: days, required: true, schema: {type: integer, minimum: 1, maximum: 2000}}
        - {in: query, name: council, schema: {type: string}, description: a council id (its nation and closure days)}
        - {in: query, name: nation, schema: {type: string, enum: [england, wales]}, description: instead of council}
      responses:
        200: {description: The due date, content: {application/json: {schema: WorkingDaysSchema}}}
        401: Not signed in
        422: Invalid or missing parameters
    """
    query = load_query(working_days_query_schema)
    council_id = query.get("council")
    if council_id:
        # Calendars are public policy, so any configured council may be asked about.
        council = councils.policy_for(council_id)
        if council is None:
            raise validation_error({"council": [f"Unknown council {council_id!r}."]})
        calendar, nation = council.calendar, council.nation
    else:
        nation = query["nation"]
        calendar = calendar_for(nation)
    due = calendar.explain_working_days(query["from_"], query["days"])
    return working_days_schema.dump(
        {
            "start": due.start,
            "days": due.days,
            "due_on": due.due_on,
            "skipped": due.skipped,
            "council": council_id,
            "nation": nation,
        }
    )
