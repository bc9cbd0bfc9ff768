"""The people page of a council (issue 16): its admins (and the service's) see everyone with a
role there, invite someone, change their roles and agency, and deactivate an account. The same
services as the API (app.services.people) decide who may do what."""

from __future__ import annotations

from collections.abc import Callable

from flask import abort, flash, g, redirect, render_template, request, session, url_for

from app.domain.labels import ROLE_LABELS, agency_label
from app.models import PartnerAgency, Role
from app.services import people
from app.services.users import UserError
from app.web import web_bp
from app.web.forms import form_errors

# The pages of one person, under "People" in the navigation with the list.
PERSON_ENDPOINTS = {
    "web.person_page",
    "web.person_deactivate",
    "web.person_reactivate",
    "web.person_reinvite",
}


def _managed(council_id: str):
    try:
        return people.managed_council(g.user, council_id)
    except people.PeopleNotFound:
        abort(404)
    except people.PeopleForbidden:
        abort(403)


def _person(council_id: str, user_id: int) -> people.Person:
    try:
        return people.person_at(g.user, council_id, user_id)
    except people.PeopleNotFound:
        abort(404)


def people_home_council(user) -> str | None:
    """The council the navigation's "People" opens: the chosen one if its people are the user's
    to manage, else the first that is."""
    councils = [c.id for c in people.managed_councils(user)]
    chosen = session.get("council")
    return chosen if chosen in councils else (councils[0] if councils else None)


@web_bp.get("/people")
def people_home():
    council_id = people_home_council(g.user)
    if council_id is None:
        abort(403)
    return redirect(url_for("web.people_list", council_id=council_id))


@web_bp.get("/councils/<council_id>/people")
def people_list(council_id: str):
    council = _managed(council_id)
    return render_template(
        "web/people.html",
        council=council,
        people=people.people_of(g.user, council_id),
        councils=people.managed_councils(g.user),
    )


def _role_items(checked: list[str]) -> list[dict]:
    return [{"value": r.value, "text": ROLE_LABELS[r.value], "checked": r.value in checked} for r in Role]


def _agency_items(selected: str | None) -> list[dict]:
    return [{"value": "", "text": "Not a partner agency", "selected": not selected}] + [
        {"value": a.value, "text": agency_label(a.value), "selected": a.value == selected}
        for a in PartnerAgency
    ]


def _attempt(change: Callable[[], object], conflict_field: str) -> dict[str, str]:
    """Run a change; the problems to show on the form (empty when it was made), a conflict on
    ``conflict_field``."""
    try:
        change()
    except UserError as exc:
        return {exc.field or "roles": str(exc)}
    except people.PeopleConflict as exc:
        return {conflict_field: str(exc)}
    return {}


@web_bp.route("/councils/<council_id>/people/invite", methods=["GET", "POST"])
def people_invite(council_id: str):
    council = _managed(council_id)
    values = {
        "email": request.form.get("email", "").strip(),
        "name": request.form.get("name", "").strip(),
        "roles": request.form.getlist("roles"),
        "agency": request.form.get("agency") or None,
    }
    errors: dict[str, str] = {}
    if request.method == "POST":
        if not values["email"]:
            errors = {"email": "Enter their email address"}
        else:
            errors = _attempt(lambda: people.invite(g.user, council_id, **values), "email")
        if not errors:
            flash(f"Invitation sent to {values['email'].lower()}.", "success")
            return redirect(url_for("web.people_list", council_id=council_id))
    return render_template(
        "web/person_invite.html",
        council=council,
        values=values,
        role_items=_role_items(values["roles"]),
        agency_items=_agency_items(values["agency"]),
        **form_errors(errors),
    ), 200 if not errors else 422


@web_bp.route("/councils/<council_id>/people/<int:user_id>", methods=["GET", "POST"])
def person_page(council_id: str, user_id: int):
    council = _managed(council_id)
    person = _person(council_id, user_id)
    roles = request.form.getlist("roles") if request.method == "POST" else person.roles
    agency = (request.form.get("agency") or None) if request.method == "POST" else person.user.agency
    errors: dict[str, str] = {}
    if request.method == "POST":
        reason = request.form.get("reason", "").strip() or None
        errors = _attempt(
            lambda: people.change_roles(
                g.user, council_id, user_id, roles=roles, agency=agency, reason=reason
            ),
            "roles",
        )
        if not errors:
            flash(f"The roles of {person.user.email} are saved.", "success")
            if not roles:
                return redirect(url_for("web.people_list", council_id=council_id))
            return redirect(url_for("web.person_page", council_id=council_id, user_id=user_id))
    return render_template(
        "web/person.html",
        council=council,
        person=person,
        role_items=_role_items(roles),
        agency_items=_agency_items(agency),
        reason=request.form.get("reason", ""),
        **form_errors(errors),
    ), 200 if not errors else 422


@web_bp.route("/councils/<council_id>/people/<int:user_id>/deactivate", methods=["GET", "POST"])
def person_deactivate(council_id: str, user_id: int):
    council = _managed(council_id)
    person = _person(council_id, user_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        reason = request.form.get("reason", "").strip() or None
        try:
            people.deactivate(g.user, council_id, user_id, reason=reason)
        except people.PeopleConflict as exc:
            errors = {"reason": str(exc)}
        else:
            flash(f"The account of {person.user.email} is deactivated.", "success")
            return redirect(url_for("web.people_list", council_id=council_id))
    return render_template(
        "web/person_deactivate.html",
        council=council,
        person=person,
        reason=request.form.get("reason", ""),
        **form_errors(errors),
    ), 200 if not errors else 409


@web_bp.post("/councils/<council_id>/people/<int:user_id>/reactivate")
def person_reactivate(council_id: str, user_id: int):
    _managed(council_id)
    person = _person(council_id, user_id)
    reason = request.form.get("reason", "").strip() or None
    try:
        people.reactivate(g.user, council_id, user_id, reason=reason)
    except people.PeopleConflict as exc:
        flash(str(exc), "error")
    else:
        flash(
            f"The account of {person.user.email} is active again: an email with a link to choose a new "
            "password is on its way.",
            "success",
        )
    return redirect(url_for("web.person_page", council_id=council_id, user_id=user_id))


@web_bp.post("/councils/<council_id>/people/<int:user_id>/invitation")
def person_reinvite(council_id: str, user_id: int):
    _managed(council_id)
    person = _person(council_id, user_id)
    try:
        people.resend_invitation(g.user, council_id, user_id)
    except people.PeopleConflict as exc:
        flash(str(exc), "error")
    else:
        flash(f"A new invitation is on its way to {person.user.email}.", "success")
    return redirect(url_for("web.person_page", council_id=council_id, user_id=user_id))
