"""Passwords on the web pages: "forgot your password?", choosing one with an e-mailed link (an
invitation or a reset), and changing one's own. The same services and throttles as the API."""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, session, url_for

from app.services import auth as auth_service
from app.services import passwords
from app.services.users import MIN_PASSWORD_LENGTH, UserError
from app.web import web_bp
from app.web.forms import form_errors

RESET_REQUESTED = (
    "If {email} belongs to an account, we have sent it an email with a link to choose a new password. "
    "The link works for an hour."
)


@web_bp.route("/forgot-password", methods=["GET", "POST"])
def forgot_password():
    email = request.form.get("email", "").strip()
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        if not email:
            errors = {"email": "Enter your email address"}
        elif len(email) > 254:
            errors = {"email": "Email address must be 254 characters or fewer"}
        else:
            try:
                passwords.request_reset(email, request.remote_addr)
            except auth_service.TooManyAttempts as exc:
                errors, status = {"email": str(exc)}, 429
            else:
                return render_template(
                    "web/reset_requested.html", message=RESET_REQUESTED.format(email=email)
                )
        status = status if status == 429 else 422
    return render_template("web/forgot_password.html", email=email, **form_errors(errors)), status


@web_bp.route("/set-password/<token>", methods=["GET", "POST"])
def set_password(token: str):
    try:
        link = passwords.link_for_page(token)
    except passwords.LinkNotValid as exc:
        return render_template("web/link_not_valid.html", message=str(exc)), 404
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        password, confirm = request.form.get("password", ""), request.form.get("confirm_password", "")
        if password != confirm:
            errors, status = {"confirm_password": "The two passwords are not the same"}, 422
        else:
            try:
                user = passwords.set_password_with_link(token, password, request.remote_addr)
            except passwords.LinkNotValid as exc:
                return render_template("web/link_not_valid.html", message=str(exc)), 404
            except UserError as exc:
                errors, status = {"password": str(exc)}, 422
            except auth_service.TooManyAttempts as exc:
                errors, status = {"password": str(exc)}, 429
            else:
                # Signed in afresh, as after a sign-in: nothing set before survives.
                auth_service.end_session(session.get("sid"))
                session.clear()
                session.permanent = True
                session["sid"] = auth_service.start_session(user)
                flash("Your password is set; you are signed in.", "success")
                return redirect(url_for("web.inbox"))
    return render_template(
        "web/set_password.html",
        invitation=link.purpose == "invitation",
        email=link.user.email,
        min_length=MIN_PASSWORD_LENGTH,
        **form_errors(errors),
    ), status


@web_bp.route("/account/password", methods=["GET", "POST"])
def change_password():
    errors: dict[str, str] = {}
    status = 200
    if request.method == "POST":
        new, confirm = request.form.get("new_password", ""), request.form.get("confirm_password", "")
        current = request.form.get("current_password", "")
        if not current:
            errors, status = {"current_password": "Enter your current password"}, 422
        elif new != confirm:
            errors, status = {"confirm_password": "The two new passwords are not the same"}, 422
        else:
            try:
                passwords.change_password(
                    g.user, current, new, request.remote_addr, keep_session=session.get("sid")
                )
            except UserError as exc:
                errors, status = {exc.field or "new_password": str(exc)}, 422
            except auth_service.TooManyAttempts as exc:
                errors, status = {"current_password": str(exc)}, 429
            else:
                flash("Your password is changed. You are signed out everywhere else.", "success")
                return redirect(url_for("web.change_password"))
    return render_template(
        "web/change_password.html", min_length=MIN_PASSWORD_LENGTH, **form_errors(errors)
    ), status
