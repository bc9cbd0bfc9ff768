"""The ``ctflow`` command: a Flask CLI group (``db`` comes from Flask-Migrate)."""

from __future__ import annotations

import sys

import click
from flask import current_app
from flask.cli import FlaskGroup, with_appcontext

from app import create_app
from app.config import ConfigError
from app.councils import CouncilConfigError
from app.models import PartnerAgency, Role


def _create_app():
    try:
        return create_app()
    except (ConfigError, CouncilConfigError) as exc:
        click.echo(f"ctflow: configuration error:\n{exc}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """ctflow: the Community Trigger, run as BPMN."""


@cli.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the councils and demo users for each role (idempotent); print the logins."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo creates users with a published password; not in production.")
    from app.services.demo import seed_demo

    logins = seed_demo()
    click.echo(f"Councils loaded: {len(current_app.extensions['ctflow.councils'])}")
    click.echo("Demo logins (password for all: " + logins[0].password + "):")
    for login in logins:
        click.echo(f"  {login.council:<24} {login.role:<26} {login.email}")


@cli.group("users")
def users_group() -> None:
    """Manage users."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--council", "councils", multiple=True, required=True, help="Council id; repeat for several.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option(
    "--agency", type=click.Choice([a.value for a in PartnerAgency]), help="For partner_agency users."
)
@click.option("--name", help="Display name (default: the part of the e-mail before @).")
@with_appcontext
def create_user_command(email, password, councils, role, agency, name) -> None:
    """Provision a user with a role at one or more councils."""
    from app.services.users import UserError, create_user

    try:
        user = create_user(
            email=email, password=password, councils=councils, role=role, agency=agency, name=name
        )
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"Created {user.email}: {role} at {', '.join(user.council_ids)}.")


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option("--threads", default=8, show_default=True, type=click.IntRange(1, 64))
def serve_command(host: str, port: int, threads: int) -> None:
    """Serve the web app and API with waitress."""
    from waitress import serve

    app = _create_app()
    click.echo(f"ctflow serving on http://{host}:{port}/ (Ctrl+C to stop)")
    serve(app, host=host, port=port, threads=threads, ident="ctflow")


def main() -> None:
    cli(prog_name="ctflow")
