"""The ``ctflow`` command: a Flask CLI group (``db`` comes from Flask-Migrate)."""

from __future__ import annotations

import sys

import click
from flask.cli import FlaskGroup

from app import create_app
from app.config import ConfigError
from app.councils import CouncilConfigError


def _create_app():
    try:
        return create_app()
    except (ConfigError, CouncilConfigError) as exc:
        click.echo(f"ctflow: configuration error:\n{exc}", err=True)
        sys.exit(2)


@click.group(cls=FlaskGroup, create_app=_create_app, add_version_option=False)
def cli() -> None:
    """ctflow: the Community Trigger, run as BPMN."""


def main() -> None:
    cli(prog_name="ctflow")
