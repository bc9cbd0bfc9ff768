from flask import g

from app.api import api_bp
from app.api.inputs import load_body
from app.errors import ApiError, NotFound, validation_error
from app.presenters.council_settings import settings_view
from app.schemas.settings import CouncilSettingsSchema, SettingsChangedSchema, SettingsChangeSchema
from app.services import council_settings
from app.services.council_settings import (
    SettingsConflict,
    SettingsForbidden,
    SettingsInvalid,
    SettingsNotFound,
)

settings_schema = CouncilSettingsSchema()
change_schema = SettingsChangeSchema()
changed_schema = SettingsChangedSchema()


def _readable(council_id: str):
    """The council's settings today, if the caller may see them: 404 or 403 otherwise."""
    try:
        return council_settings.readable_council(g.user, council_id)
    except SettingsNotFound:
        raise NotFound("council") from None
    except SettingsForbidden as exc:
        raise ApiError(403, str(exc), "forbidden") from None


@api_bp.get("/councils/<council_id>/settings")
def get_settings(council_id: str):
    """The council's settings in force today, and the values still to confirm.
    ---
    get:
      tags: [councils]
      parameters:
        - {in: path, name: council_id, required: true, schema: {type: string}, example: derby-city}
      responses:
        200: {description: The settings, content: {application/json: {schema: CouncilSettingsSchema}}}
        403: Partner agencies do not see them
    """
    return settings_schema.dump(settings_view(g.user, _readable(council_id)))


@api_bp.patch("/councils/<council_id>/settings")
def change_settings(council_id: str):
    """Change the council's settings: a new version with who, when, why and the day it applies from.
    ---
    patch:
      tags: [councils]
      description: >-
        Admins (the council's and the service's) change every section; process owners threshold,
        appeal and not_met_review (and confirm their assumed values). Applications received from effective_from follow the
        change; running cases keep the policy they were received under. A change of closures
        moves the due dates of open tasks it falls inside, with a history entry on each case
        (dry_run shows which, saving nothing). A threshold above the Act is refused, citing the
        section.
      parameters:
        - {in: path, name: council_id, required: true, schema: {type: string}, example: derby-city}
      requestBody:
        required: true
        content:
          application/json: {schema: SettingsChangeSchema}
      responses:
        200: {description: "The settings now (or as they would be, with dry_run)", content: {application/json: {schema: SettingsChangedSchema}}}
        403: Not an admin or process owner of the council or a section they may not change
        409: Someone else changed the settings at the same moment
    """
    _readable(council_id)
    body = load_body(change_schema)
    sections = {s: body[s] for s in council_settings.EDITABLE_SECTIONS if s in body}
    confirm = list(body["confirm"])
    for name, value in sections.items():
        # What GET shows beside a section's values: "confirmed": {"within_days": true} confirms it.
        if isinstance(value, dict) and isinstance(value.get("confirmed"), dict):
            value = dict(value)
            marks = value.pop("confirmed")
            confirm += [f"{name}.{key}" for key, mark in marks.items() if mark is True]
            sections[name] = value
    try:
        result = council_settings.change(
            g.user,
            council_id,
            sections=sections,
            confirm=tuple(dict.fromkeys(confirm)),
            reason=body["reason"].strip(),
            effective_from=body.get("effective_from"),
            dry_run=body["dry_run"],
        )
    except SettingsForbidden as exc:
        raise ApiError(403, str(exc), "forbidden") from None
    except SettingsInvalid as exc:
        raise validation_error(exc.messages) from None
    except SettingsConflict as exc:
        raise ApiError(409, str(exc), "conflict") from None
    view = settings_view(g.user, result.settings)
    view.update(dry_run=body["dry_run"], version_created=result.version, moved_due_dates=result.moves)
    return changed_schema.dump(view)
