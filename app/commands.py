"""The commands of ``ctflow`` beyond Flask's own; registered on the app in ``create_app``."""

from __future__ import annotations

import click
from flask import Flask, current_app
from flask.cli import with_appcontext

from app.extensions import db
from app.models import PartnerAgency, Role


@click.command("seed-demo")
@with_appcontext
def seed_demo_command() -> None:
    """Load the councils and demo users for each role (idempotent); print the logins."""
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("seed-demo creates users with a published password; not in production.")
    from app.services.council_settings import import_settings
    from app.services.councils import seed_registry
    from app.services.demo import seed_demo
    from app.services.processes import load_shipped_diagrams

    logins = seed_demo()
    import_settings(_councils_file_label())
    versions = load_shipped_diagrams()
    click.echo("Diagrams: " + ", ".join(f"{key} v{v.number}" for key, v in sorted(versions.items())))
    click.echo(f"Councils loaded: {len(seed_registry())}")
    click.echo("Demo logins (password for all: " + logins[0].password + "):")
    for login in logins:
        click.echo(f"  {login.council:<24} {login.role:<26} {login.email}")


@click.group("councils")
def councils_group() -> None:
    """The councils of CTFLOW_COUNCILS_FILE and their diagrams."""


@councils_group.command("import")
@click.option(
    "--update", is_flag=True, help="Also store the file's settings over those changed in the database since."
)
@with_appcontext
def import_councils_command(update: bool) -> None:
    """Load the councils file into the database: a row for each council, its settings as version 1
    where it has none (after that the settings page and API change them, and an import keeps
    their changes unless --update), and the shipped diagrams as versions, giving each council
    without a live process its configured one (a council's own choices are kept). Idempotent,
    and allowed in production: run it after `ctflow db upgrade`."""
    _import_councils(update)


# `load` (issue 14) is the same command under its first name, for deployments that call it.
councils_group.add_command(click.Command("load", callback=lambda: _import_councils(False), hidden=True,
                                         help="The same as `ctflow councils import`."))  # fmt: skip


@with_appcontext
def _import_councils(update: bool) -> None:
    from app.services.council_settings import import_settings
    from app.services.councils import sync_council_rows
    from app.services.processes import load_shipped_diagrams

    written = sync_council_rows()
    settings = import_settings(_councils_file_label(), update=update)
    versions = load_shipped_diagrams()
    click.echo(f"Councils: {len(written)} ({', '.join(written)})")
    changed = [f"{c} v{n}" for c, n in settings.items() if n is not None]
    click.echo("Settings: " + (", ".join(changed) if changed else "unchanged (the database's are kept)"))
    click.echo("Diagrams: " + ", ".join(f"{key} v{v.number}" for key, v in sorted(versions.items())))


def _councils_file_label() -> str:
    from app.councils import DEFAULT_COUNCILS_PATH

    return str(current_app.config.get("COUNCILS_FILE") or DEFAULT_COUNCILS_PATH.name)


@click.group("users")
def users_group() -> None:
    """Manage users."""


@users_group.command("create")
@click.option("--email", required=True)
@click.option("--password", prompt=True, hide_input=True, confirmation_prompt=True)
@click.option("--council", "councils", multiple=True, required=True, help="Council id; repeat for several.")
@click.option("--role", required=True, type=click.Choice([r.value for r in Role]))
@click.option(
    "--agency",
    type=click.Choice([a.value for a in PartnerAgency]),
    help="For partner_agency and partner_manager users.",
)
@click.option("--name", help="Display name (default: the part of the e-mail before @).")
@click.option(
    "--service-admin",
    is_flag=True,
    help="An administrator of the whole service: manages the people of every council and adds councils.",
)
@with_appcontext
def create_user_command(email, password, councils, role, agency, name, service_admin) -> None:
    """Provision a user with a role at one or more councils."""
    from app.services.users import UserError, create_user

    try:
        user = create_user(
            email=email,
            password=password,
            councils=councils,
            role=role,
            agency=agency,
            name=name,
            service_admin=service_admin,
        )
    except UserError as exc:
        raise click.ClickException(str(exc)) from None
    also = "; administrator of the service" if user.service_admin else ""
    click.echo(f"Created {user.email}: {role} at {', '.join(user.council_ids)}{also}.")


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=5000, show_default=True, type=click.IntRange(1, 65535))
@click.option(
    "--workers",
    type=click.IntRange(1, 64),
    help="Production: gunicorn with this many worker processes (needs CTFLOW_ENV=production and "
    "PostgreSQL; no timer loop inside: run `ctflow worker`).",
)
@click.option(
    "--threads",
    type=click.IntRange(1, 64),
    help="Requests served at once per process [waitress: 8; gunicorn: 1 per worker].",
)
@click.option(
    "--timeout",
    type=click.IntRange(5, 3600),
    help="With --workers: a worker busy this long on one request (seconds) is replaced [60].",
)
@click.option(
    "--graceful-timeout",
    type=click.IntRange(1, 3600),
    help="With --workers: on SIGTERM, requests in flight get this long to finish (seconds) [30].",
)
@with_appcontext
def serve_command(
    host: str,
    port: int,
    workers: int | None,
    threads: int | None,
    timeout: int | None,
    graceful_timeout: int | None,
) -> None:
    """Serve the web app and API: waitress in this one process with the timer loop, the mailer and
    the daily retention run inside (what `make run` uses), or, with --workers N, gunicorn's N
    processes (production)."""
    app = current_app._get_current_object()
    if workers is None:
        if timeout is not None or graceful_timeout is not None:
            raise click.UsageError("--timeout and --graceful-timeout go with --workers N.")
        _serve_with_waitress(app, host, port, threads or 8)
        return
    if app.config["ENV_NAME"] != "production":
        raise click.ClickException(
            "ctflow serve --workers is the production server and needs CTFLOW_ENV=production "
            f"(it is {app.config['ENV_NAME']}); without --workers, ctflow serve runs one process "
            "with the timers inside."
        )
    if db.engine.dialect.name != "postgresql":
        raise click.ClickException(
            "ctflow serve --workers needs PostgreSQL (CTFLOW_DATABASE_URL=postgresql://...), not "
            f"{db.engine.dialect.name}: SQLite lets one process write at a time."
        )
    from app.serving import ServeOptions, serve_with_gunicorn

    options = ServeOptions(
        workers=workers,
        host=host,
        port=port,
        threads=threads or 1,
        timeout=timeout or 60,
        graceful_timeout=graceful_timeout or 30,
    )
    click.echo(
        f"ctflow serving on http://{host}:{port}/ with {workers} gunicorn worker(s); timers and "
        "letters are `ctflow worker`'s (SIGTERM stops gracefully)"
    )
    serve_with_gunicorn(app, options)


def _serve_with_waitress(app: Flask, host: str, port: int, threads: int) -> None:
    from waitress import serve

    from app.services.mail import start_background_mailer
    from app.services.retention import start_background_retention
    from app.services.timers import start_background_sweep

    start_background_sweep(app)
    start_background_mailer(app)
    start_background_retention(app)
    click.echo(f"ctflow serving on http://{host}:{port}/ (Ctrl+C to stop)")
    serve(app, host=host, port=port, threads=threads, ident="ctflow")


@click.command("timers")
@click.option("--now", "now_text", help="Fire what is due at this ISO instant (default: the clock).")
@with_appcontext
def timers_command(now_text: str | None) -> None:
    """Fire every workflow timer due now, print what fired, and exit."""
    from app import clock
    from app.services.timers import fire_due_timers

    _freeze_clock(now_text)
    report = fire_due_timers(clock.now())
    click.echo(f"Timers due at {clock.now().isoformat()}: fired on {len(report.fired)} case(s).")
    for reference in report.fired:
        click.echo(f"  fired    {reference}")
    for reference in report.skipped:
        click.echo(f"  skipped  {reference} (changed by someone else at the same time)")
    for reference, error in report.failed:
        click.echo(f"  FAILED   {reference}: {error}")
    if report.failed:
        raise SystemExit(1)


def _freeze_clock(now_text: str | None) -> None:
    """--now: run as if at that ISO instant (refused in production)."""
    from app import clock
    from app.clock import parse_instant

    if not now_text:
        return
    if current_app.config["ENV_NAME"] == "production":
        raise click.ClickException("--now moves the clock and is refused in production.")
    try:
        clock.clock().freeze(parse_instant(now_text))
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None


@click.command("retention")
@click.option("--now", "now_text", help="Run as if at this ISO instant (default: the clock).")
@with_appcontext
def retention_command(now_text: str | None) -> None:
    """Anonymise the closed cases past their council's retention period (names, contacts, free
    text and letter bodies replaced; dates, deadlines and figures kept), print what was done, and
    exit. Idempotent; `ctflow worker` runs it once a day."""
    from app import clock
    from app.services.retention import run_retention

    _freeze_clock(now_text)
    report = run_retention(clock.now())
    click.echo(
        f"Retention on {report.today.isoformat()}: {len(report.anonymised)} case(s) anonymised, "
        f"{len(report.left)} left for the next run, {report.drafts_deleted} old draft application(s) deleted."
    )
    for reference, council, years in report.anonymised:
        click.echo(f"  anonymised  {reference} ({council}: closed more than {years} years ago)")
    for what, why in report.left:
        click.echo(f"  left        {what}: {why}")


@click.command("check")
@click.option("--case", "case_id", type=int, help="Check only the case with this id.")
@with_appcontext
def check_command(case_id: int | None) -> None:
    """Check every case's rows against its stored workflow; print each disagreement, exit 1 if any."""
    from app.services.consistency import Finding, UnknownCase, check_cases

    checked = problems = 0
    try:
        for item in check_cases(case_id):
            if isinstance(item, Finding):
                problems += 1
                click.echo(item.line())
            else:
                checked = item
    except UnknownCase as exc:
        raise click.BadParameter(str(exc), param_hint="--case") from None
    summary = f"Checked {checked} case{'s' if checked != 1 else ''}"
    if problems:
        click.echo(f"{summary}: {problems} inconsistenc{'ies' if problems != 1 else 'y'}.", err=True)
        raise SystemExit(1)
    click.echo(f"{summary}: rows agree with the workflows.")


@click.command("worker")
@click.option("--once", is_flag=True, help="Run one pass and exit (1 if a timer failed).")
@click.option(
    "--interval",
    "interval_seconds",
    type=click.FloatRange(min=0.1, max=3600),
    help="Seconds between passes (default: CTFLOW_WORKER_INTERVAL_SECONDS, 10).",
)
@with_appcontext
def worker_command(once: bool, interval_seconds: float | None) -> None:
    """Fire due timers and send the outbox, in a loop, until SIGTERM or Ctrl+C. Any number of
    workers may run at once, on any machines."""
    from app.services.worker import run_worker

    app = current_app._get_current_object()
    interval = interval_seconds or app.config["WORKER_INTERVAL_SECONDS"]
    if not 0.1 <= interval <= 3600:
        raise click.ClickException(
            f"CTFLOW_WORKER_INTERVAL_SECONDS must be from 0.1 to 3600, not {interval:g}."
        )

    def echo(report) -> None:
        click.echo(report.summary() or "Nothing was due.")

    def started() -> None:
        click.echo(
            f"ctflow worker: a pass every {interval:g}s; SIGTERM or Ctrl+C stops it after its current step"
        )

    if once:
        status = run_worker(app, interval, once=True, on_pass=echo)
    else:
        status = run_worker(app, interval, on_start=started)
    if not once:
        click.echo("ctflow worker stopped.")
    raise SystemExit(status)


@click.command("backup")
@click.argument("path", type=click.Path(dir_okay=False))
@click.option("--force", is_flag=True, help="Replace PATH if it exists.")
@with_appcontext
def backup_command(path: str, force: bool) -> None:
    """Write a consistent copy of the database to PATH while the app runs (SQLite: a database
    file; PostgreSQL: a pg_dump custom-format archive for pg_restore)."""
    from app.extensions import db
    from app.services.backup import BackupError, backup

    try:
        result = backup(db.engine, path, force=force)
    except BackupError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(
        f"Backed up {result.cases} case{'s' if result.cases != 1 else ''} to {result.path} ({result.size:,} bytes)."
    )


@click.group("status-link")
def status_link_group() -> None:
    """Applicants' private status links."""


@status_link_group.command("revoke")
@click.argument("reference")
@with_appcontext
def revoke_status_link_command(reference: str) -> None:
    """Revoke every status link of the case REFERENCE (the applicant's link stops working)."""
    from app.services import status_links

    try:
        count = status_links.revoke(reference)
    except LookupError:
        raise click.ClickException(f"No case {reference}.") from None
    click.echo(f"Revoked {count} status link{'s' if count != 1 else ''} of {reference}.")


@click.group("access-log")
def access_log_group() -> None:
    """The access log: who viewed or exported which case's personal data."""


@access_log_group.command("prune")
@click.option("--now", "now_text", help="Prune as at this ISO instant (default: the clock).")
@with_appcontext
def prune_access_log_command(now_text: str | None) -> None:
    """Remove the entries older than CTFLOW_ACCESS_LOG_RETENTION_DAYS (the worker does it daily)."""
    from app import clock
    from app.clock import parse_instant
    from app.services import access_log

    try:
        now = parse_instant(now_text) if now_text else clock.now()
    except ValueError as exc:
        raise click.BadParameter(str(exc), param_hint="--now") from None
    removed = access_log.prune(now)
    click.echo(
        f"Removed {removed} access log entr{'ies' if removed != 1 else 'y'} from before "
        f"{access_log.retention_cutoff(now).isoformat()} ({access_log.retention_days()} days)."
    )


def register_commands(app: Flask) -> None:
    for command in (
        seed_demo_command,
        councils_group,
        users_group,
        serve_command,
        timers_command,
        worker_command,
        retention_command,
        status_link_group,
        check_command,
        backup_command,
        access_log_group,
    ):
        app.cli.add_command(command)
