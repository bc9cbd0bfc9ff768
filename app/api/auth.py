from flask import g, request

from app.api import api_bp
from app.api.inputs import load_body
from app.errors import ApiError, validation_error
from app.schemas.auth import MeSchema, TokenRequestSchema, TokenSchema
from app.schemas.people import (
    AcceptedSchema,
    LinkPasswordSchema,
    PasswordChangeSchema,
    PasswordResetRequestSchema,
)
from app.services import auth, passwords
from app.services.users import UserError

token_request_schema = TokenRequestSchema()
token_schema = TokenSchema()
me_schema = MeSchema()
reset_request_schema = PasswordResetRequestSchema()
link_password_schema = LinkPasswordSchema()
password_change_schema = PasswordChangeSchema()
accepted_schema = AcceptedSchema()

# The same words whether or not the address has an account.
RESET_REQUESTED = (
    "If the address belongs to an account, an e-mail with a link to choose a new password is on its way."
)


def _throttled(exc: auth.TooManyAttempts) -> ApiError:
    return ApiError(429, str(exc), headers={"Retry-After": str(exc.retry_after_seconds)})


def _password_step(step, *args):
    """Run a password service (app.services.passwords), its refusals as the API's answers: 429 with
    Retry-After once throttled, 404 for a link that no longer works, 422 naming the field whose
    password breaks the rule (or is not the current one)."""
    try:
        return step(*args)
    except auth.TooManyAttempts as exc:
        raise _throttled(exc) from None
    except passwords.LinkNotValid as exc:
        raise ApiError(404, str(exc), "link_not_valid") from None
    except UserError as exc:
        raise validation_error({exc.field or "_schema": [str(exc)]}) from None


@api_bp.post("/auth/token")
def create_token():
    """Sign in and get a bearer token.
    ---
    post:
      tags: [auth]
      security: []
      requestBody:
        required: true
        content:
          application/json: {schema: TokenRequestSchema}
      responses:
        200: {description: The token and when it expires, content: {application/json: {schema: TokenSchema}}}
        401: Wrong e-mail or password (which is not said)
        422: Missing fields
        429: "Too many failed attempts for this e-mail from this address, or from this address; see Retry-After"
    """
    credentials = load_body(token_request_schema)
    try:
        issued = auth.sign_in(credentials["email"], credentials["password"], request.remote_addr)
    except auth.AuthenticationFailed:
        raise ApiError(401, auth.WRONG_CREDENTIALS, "unauthenticated") from None
    except auth.SignInThrottled as exc:
        raise _throttled(exc) from None
    return token_schema.dump(issued)


@api_bp.post("/auth/password-reset")
def request_password_reset():
    """Forgot password: e-mail a one-time link to choose a new one. The answer is the same
    whether or not the address has an account.
    ---
    post:
      tags: [auth]
      security: []
      requestBody:
        required: true
        content:
          application/json: {schema: PasswordResetRequestSchema}
      responses:
        202: {description: Accepted (whatever the address), content: {application/json: {schema: AcceptedSchema}}}
        422: Missing fields
        429: "Too many requests for this e-mail from this address, or from this address; see Retry-After"
    """
    body = load_body(reset_request_schema)
    _password_step(passwords.request_reset, body["email"], request.remote_addr)
    return accepted_schema.dump({"message": RESET_REQUESTED}), 202


@api_bp.post("/auth/password")
def set_password_with_link():
    """Choose a password with the one-time link of an invitation or reset e-mail (the token is
    the last part of its path); signs in: every earlier token and session of the user ends.
    ---
    post:
      tags: [auth]
      security: []
      requestBody:
        required: true
        content:
          application/json: {schema: LinkPasswordSchema}
      responses:
        200: {description: The password is set; a token for the user, content: {application/json: {schema: TokenSchema}}}
        404: "The link is unknown, used or expired"
        422: Invalid fields (the password rule)
        429: Too many attempts with links from this address; see Retry-After
    """
    body = load_body(link_password_schema)
    user = _password_step(
        passwords.set_password_with_link, body["token"], body["password"], request.remote_addr
    )
    return token_schema.dump(auth.issue_token(user))


@api_bp.post("/auth/password/change")
def change_password():
    """Change one's own password, the current one required; every other session and token of the
    caller's ends, and a new token is returned.
    ---
    post:
      tags: [auth]
      requestBody:
        required: true
        content:
          application/json: {schema: PasswordChangeSchema}
      responses:
        200: {description: Changed; a new token, content: {application/json: {schema: TokenSchema}}}
        422: "The current password is wrong, or the new one breaks the rule"
        429: Too many wrong passwords for this account from this address; see Retry-After
    """
    body = load_body(password_change_schema)
    _password_step(
        passwords.change_password, g.user, body["current_password"], body["new_password"], request.remote_addr
    )
    return token_schema.dump(auth.issue_token(g.user))


@api_bp.post("/auth/logout")
def logout():
    """Sign out everywhere: revoke every token issued to the caller and end their web sessions.
    ---
    post:
      tags: [auth]
      responses:
        204: {description: Signed out everywhere}
    """
    auth.sign_out_everywhere(g.user)
    return "", 204


@api_bp.get("/me")
def me():
    """Who the token speaks for, with their councils and roles.
    ---
    get:
      tags: [auth]
      responses:
        200: {description: The caller, content: {application/json: {schema: MeSchema}}}
    """
    return me_schema.dump(g.user)
