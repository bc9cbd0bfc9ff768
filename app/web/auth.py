"""Signing in and out of the web pages, and choosing the council to work in."""

from __future__ import annotations

from flask import g, redirect, render_template, request, session, url_for
from flask_wtf import FlaskForm
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, Length

from app.services import auth as auth_service
from app.web import safe_next, web_bp
from app.web.forms import form_errors


class SignInForm(FlaskForm):
    email = EmailField(
        "Email address", validators=[DataRequired("Enter your email address"), Length(max=254)]
    )
    password = PasswordField("Password", validators=[DataRequired("Enter your password")])


@web_bp.route("/sign-in", methods=["GET", "POST"])
def sign_in():
    form = SignInForm()
    errors: dict[str, str] = {}
    status = 200
    if form.validate_on_submit():
        try:
            user = auth_service.authenticate(form.email.data, form.password.data, request.remote_addr)
        except auth_service.AuthenticationFailed:
            errors, status = {"email": auth_service.WRONG_CREDENTIALS}, 200
        except auth_service.SignInThrottled as exc:
            errors, status = {"email": str(exc)}, 429
        else:
            target = safe_next(request.args.get("next"))
            # A new session on sign-in: nothing set before (e.g. by someone else) survives.
            auth_service.end_session(session.get("sid"))
            session.clear()
            session.permanent = True
            session["sid"] = auth_service.start_session(user)
            return redirect(target)
    elif form.is_submitted():
        errors = {name: field.errors[0] for name, field in form._fields.items() if field.errors}
    return render_template("web/sign_in.html", form=form, **form_errors(errors)), status


@web_bp.post("/sign-out")
def sign_out():
    # Ended on the server too: a copy of the cookie is refused from now on.
    auth_service.end_session(session.get("sid"))
    session.clear()
    return redirect(url_for("web.sign_in"))


@web_bp.get("/council")
def choose_council():
    """The council switcher (a GET form in the header): remembered in the session."""
    council = request.args.get("council", "")
    if council in g.user.council_ids or council == "":
        session["council"] = council
    return redirect(url_for("web.inbox"))
