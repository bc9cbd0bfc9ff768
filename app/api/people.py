"""A council's people (issue 16): its admins, and the service's, invite, change roles, deactivate."""

from flask import g, request

from app.api import api_bp
from app.api.inputs import load_body
from app.api.pagination import paginate_list
from app.errors import ApiError, NotFound, validation_error
from app.schemas.people import (
    CouncilPersonPageSchema,
    CouncilPersonSchema,
    DeactivationSchema,
    InvitationSchema,
    RolesChangeSchema,
)
from app.services import people
from app.services.users import UserError

person_schema = CouncilPersonSchema()
person_page_schema = CouncilPersonPageSchema()
invitation_schema = InvitationSchema()
roles_change_schema = RolesChangeSchema()
account_change_schema = DeactivationSchema()


def _answer(change, *args, **kwargs):
    """Run a people service, its refusals as the API's statuses."""
    try:
        return change(*args, **kwargs)
    except people.PeopleNotFound:
        raise NotFound("council or person") from None
    except people.PeopleForbidden as exc:
        raise ApiError(403, str(exc)) from None
    except people.PeopleConflict as exc:
        raise ApiError(409, str(exc)) from None
    except UserError as exc:
        raise validation_error({exc.field or "_schema": [str(exc)]}) from None


@api_bp.get("/councils/<council_id>/users")
def list_people(council_id: str):
    """The council's people: everyone with a role there, their roles at this council and whether
    they have signed in yet; for the council's admins and the service's.
    ---
    get:
      tags: [people]
      parameters:
        - council_id
        - {in: query, name: page, schema: {type: integer, minimum: 1, default: 1}}
        - {in: query, name: per_page, schema: {type: integer, minimum: 1, maximum: 100, default: 25}}
      responses:
        200: {description: A page of people, content: {application/json: {schema: CouncilPersonPageSchema}}}
        403: NotCouncilAdmin
    """
    return person_page_schema.dump(paginate_list(_answer(people.people_of, g.user, council_id)))


@api_bp.post("/councils/<council_id>/users")
def invite_person(council_id: str):
    """Invite someone by e-mail with roles at the council: a new address gets an e-mail with a
    one-time link to choose a password; someone of another council gets the roles here.
    ---
    post:
      tags: [people]
      parameters: [council_id]
      requestBody:
        required: true
        content:
          application/json: {schema: InvitationSchema}
      responses:
        201: {description: The person invited, content: {application/json: {schema: CouncilPersonSchema}}}
        403: NotCouncilAdmin
        409: "Already works at the council, or deactivated"
    """
    _answer(people.managed_council, g.user, council_id)
    body = load_body(invitation_schema)
    person = _answer(people.invite, g.user, council_id, **body)
    return person_schema.dump(person), 201


@api_bp.route("/councils/<council_id>/users/<int:user_id>", methods=["GET", "PATCH"])
def person(council_id: str, user_id: int):
    """One person of the council; PATCH gives them exactly the roles sent at the council (and
    this agency, for a partner): an empty list takes them off the council, and tasks they can no
    longer work return to the team. (One rule for both methods: werkzeug answers 405 instead of
    404 for an id too large for the database when two rules share the path.)
    ---
    get:
      tags: [people]
      parameters: [council_id, user_id]
      responses:
        200: {description: The person, content: {application/json: {schema: CouncilPersonSchema}}}
        403: NotCouncilAdmin
    patch:
      tags: [people]
      parameters: [council_id, user_id]
      requestBody:
        required: true
        content:
          application/json: {schema: RolesChangeSchema}
      responses:
        200: {description: The person as they are now, content: {application/json: {schema: CouncilPersonSchema}}}
        403: NotCouncilAdmin
        409: The account is deactivated
    """
    found = _answer(people.person_at, g.user, council_id, user_id)
    if request.method == "GET":
        return person_schema.dump(found)
    body = load_body(roles_change_schema)
    return person_schema.dump(_answer(people.change_roles, g.user, council_id, user_id, **body))


@api_bp.post("/councils/<council_id>/users/<int:user_id>/deactivate")
def deactivate_person(council_id: str, user_id: int):
    """Deactivate the account: no more sign-in; its tokens and web sessions end at once, and its
    claimed tasks return to the team, noted in each case's history.
    ---
    post:
      tags: [people]
      parameters: [council_id, user_id]
      requestBody:
        required: false
        content:
          application/json: {schema: DeactivationSchema}
      responses:
        200: {description: The person deactivated, content: {application/json: {schema: CouncilPersonSchema}}}
        403: NotCouncilAdmin
        409: "Already deactivated, the caller themself, or someone of another council too"
    """
    return person_schema.dump(_change_account(people.deactivate, council_id, user_id))


@api_bp.post("/councils/<council_id>/users/<int:user_id>/reactivate")
def reactivate_person(council_id: str, user_id: int):
    """Reactivate a deactivated account, with the roles it had: its old password stays void, and it
    is e-mailed an invitation with a one-time link to choose a new one (status "invited").
    ---
    post:
      tags: [people]
      parameters: [council_id, user_id]
      requestBody:
        required: false
        content:
          application/json: {schema: ReactivationSchema}
      responses:
        200: {description: The person reactivated, content: {application/json: {schema: CouncilPersonSchema}}}
        403: NotCouncilAdmin
        409: "Not deactivated, or someone of another council too"
    """
    return person_schema.dump(_change_account(people.reactivate, council_id, user_id))


def _change_account(change, council_id: str, user_id: int):
    """Deactivate or reactivate, with the reason of an optional body."""
    _answer(people.person_at, g.user, council_id, user_id)
    body = load_body(account_change_schema) if request.get_data(cache=True).strip() else {}
    return _answer(change, g.user, council_id, user_id, **body)


@api_bp.post("/councils/<council_id>/users/<int:user_id>/invitation")
def reinvite_person(council_id: str, user_id: int):
    """E-mail a new invitation (the earlier link stops working) to someone yet to sign in.
    ---
    post:
      tags: [people]
      parameters: [council_id, user_id]
      responses:
        202: {description: The new invitation is on its way, content: {application/json: {schema: CouncilPersonSchema}}}
        403: NotCouncilAdmin
        409: "The person has already chosen a password, or is deactivated"
    """
    return person_schema.dump(_answer(people.resend_invitation, g.user, council_id, user_id)), 202
