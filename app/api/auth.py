from flask import g, request

from app.api import api_bp
from app.api.inputs import load_body
from app.errors import ApiError
from app.schemas.auth import MeSchema, TokenRequestSchema, TokenSchema
from app.services import auth

token_request_schema = TokenRequestSchema()
token_schema = TokenSchema()
me_schema = MeSchema()


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
        401: {description: Wrong e-mail or password (which is not said), content: {application/json: {schema: ErrorSchema}}}
        422: {description: Missing fields, content: {application/json: {schema: ErrorSchema}}}
        429: {description: "Too many failed attempts for this e-mail from this address, or from this address; see Retry-After", content: {application/json: {schema: ErrorSchema}}}
    """
    credentials = load_body(token_request_schema)
    try:
        issued = auth.sign_in(credentials["email"], credentials["password"], request.remote_addr)
    except auth.AuthenticationFailed:
        raise ApiError(401, auth.WRONG_CREDENTIALS, "unauthenticated") from None
    except auth.SignInThrottled as exc:
        raise ApiError(429, str(exc), headers={"Retry-After": str(exc.retry_after_seconds)}) from None
    return token_schema.dump(issued)


@api_bp.post("/auth/logout")
def logout():
    """Sign out everywhere: revoke every token issued to the caller and end their web sessions.
    ---
    post:
      tags: [auth]
      responses:
        204: {description: Signed out everywhere}
        401: {description: Not signed in, content: {application/json: {schema: ErrorSchema}}}
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
        401: {description: Not signed in, content: {application/json: {schema: ErrorSchema}}}
    """
    return me_schema.dump(g.user)
