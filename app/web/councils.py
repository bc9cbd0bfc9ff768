"""Add a council (issue 16): an administrator of the service fills one page and the council is
there, with its settings, its own copy of a diagram and its process owner invited. The same schema
(app.schemas.councils.NewCouncilSchema) and service (app.services.new_councils) as
POST /api/v1/councils, so the page and the API refuse the same things with the same words."""

from __future__ import annotations

from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from app.schemas.councils import NewCouncilSchema
from app.services import councils, new_councils, people
from app.services.users import UserError
from app.web import web_bp
from app.web.forms import form_errors

NEW_COUNTY = "new"  # the county radio's value for a county not listed yet
CONTACT_FIELDS = ("team", "email", "phone", "address", "website")
new_council_schema = NewCouncilSchema()


@web_bp.route("/councils/new", methods=["GET", "POST"])
def council_new():
    if not new_councils.may_add_councils(g.user):
        abort(403)
    values = _values(request.form)
    errors: dict[str, str] = {}
    if request.method == "POST":
        added, errors = _add(values)
        if added is not None:
            flash(
                f"{added.council.name} is added, and {added.process_owner.user.email} invited as its process owner. "
                "It takes applications once they put its diagram live.",
                "success",
            )
            return redirect(url_for("web.people_list", council_id=added.council.id))
    registry = councils.registry()
    return render_template(
        "web/council_new.html",
        values=values,
        counties=list(registry.counties.values()),
        new_county=NEW_COUNTY,
        diagram_choices=new_councils.diagram_choices(),
        **form_errors(errors),
    ), 200 if not errors else 422


def _values(form) -> dict[str, Any]:
    """The form as typed, to show again."""
    return {
        name: form.get(name, "").strip()
        for name in ("id", "name", "nation", "county", "new_county", "county_name", "reference_prefix",
                     "diagram_from", "owner_email", "owner_name", "reason",
                     *(f"contacts-{f}" for f in CONTACT_FIELDS))
    }  # fmt: skip


def _body(values: dict[str, Any]) -> dict[str, Any]:
    """The form as the API's body: what was left empty is left out."""
    new_county = values["county"] == NEW_COUNTY
    body = {
        "id": values["id"], "name": values["name"], "nation": values["nation"],
        "county": values["new_county"] if new_county else values["county"],
        "county_name": values["county_name"] if new_county else "",
        "reference_prefix": values["reference_prefix"], "diagram_from": values["diagram_from"],
        "reason": values["reason"],
        "contacts": {f: values[f"contacts-{f}"] for f in CONTACT_FIELDS},
        "process_owner": {"email": values["owner_email"], "name": values["owner_name"]},
    }  # fmt: skip
    return {k: v for k, v in body.items() if v != ""}


# A field of the API's body -> the id of the form's field that shows its problem (the county's
# id is typed only for a new county: an existing one is chosen).
FIELD_IDS = {"county": "new_county"}


def _add(values: dict[str, Any]) -> tuple[new_councils.AddedCouncil | None, dict[str, str]]:
    unanswered = {
        "nation": "Select the council's nation",
        "county": "Select the council's county",
    }
    missing = {name: message for name, message in unanswered.items() if not values[name]}
    if values["county"] == NEW_COUNTY and not values["new_county"]:
        missing["new_county"] = "Enter the new county's id, for example north-wales"
    if missing:
        return None, missing
    try:
        return new_councils.add_council(g.user, new_council_schema.load(_body(values))), {}
    except ValidationError as exc:
        return None, _field_messages(exc.messages)
    except new_councils.NewCouncilInvalid as exc:
        return None, _field_messages(exc.messages)
    except new_councils.NewCouncilConflict as exc:
        return None, {"reference_prefix" if "prefix" in str(exc) else "id": str(exc)}
    except people.PeopleConflict as exc:
        return None, {"owner_email": str(exc)}
    except UserError as exc:
        return None, {"owner_email" if exc.field == "email" else "owner_name": str(exc)}


def _field_messages(messages: dict[str, Any]) -> dict[str, str]:
    """marshmallow's messages (nested for contacts and the owner) as form field id -> first message."""
    found: dict[str, str] = {}
    for name, problem in messages.items():
        if isinstance(problem, dict):
            for inner, inner_problem in problem.items():
                field_id = "owner_" + inner if name == "process_owner" else f"{name}-{inner}"
                found[field_id] = _first(inner_problem)
        else:
            found[FIELD_IDS.get(name, name)] = _first(problem)
    return found


def _first(problem: Any) -> str:
    return str(problem[0] if isinstance(problem, list) and problem else problem)
