"""`ctflow serve --workers N`: the app under gunicorn, the production server.

gunicorn runs in the ``ctflow`` process (a ``BaseApplication``, no gunicorn command line or
config file): the master forks N worker processes, each serving one request at a time (or
``--threads`` at a time), restarts any that dies or hangs past ``--timeout``, and on SIGTERM
stops taking connections and gives the requests in flight ``--graceful-timeout`` to finish.
No timer loop or mailer runs in these processes: that is ``ctflow worker``'s job.

The app is preloaded: ``ctflow`` has already built it (and so checked the configuration) before
the command runs, so the master forks it and the workers share its memory until they write to it.
The one thing a fork must not share is a database connection: each worker drops the pool it
inherited (``post_fork``). Code changes need a restart; gunicorn's HUP would fork the old code.

Forwarded headers: the app's ProxyFix (``CTFLOW_PROXY_COUNT``) reads X-Forwarded-For and -Proto.
Here they are first dropped from any request whose peer is not one of the proxies
(``CTFLOW_FORWARDED_ALLOW_IPS``), so a client that reaches gunicorn directly cannot pose as
someone else; gunicorn is given the same list, and its own reading of those headers is turned off
so that ProxyFix stays the one place they are read.
"""

from __future__ import annotations

import contextvars
import ipaddress
import logging
import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

from flask import Flask
from gunicorn import glogging
from gunicorn.app.base import BaseApplication

from app.extensions import db
from app.observability import logs, metrics
from app.services import access_log

Network = ipaddress.IPv4Network | ipaddress.IPv6Network
# The WSGI names of the headers a proxy sets about the client; untrusted peers lose them.
FORWARDED_HEADERS = (
    "HTTP_X_FORWARDED_FOR",
    "HTTP_X_FORWARDED_PROTO",
    "HTTP_X_FORWARDED_HOST",
    "HTTP_X_FORWARDED_PORT",
    "HTTP_X_FORWARDED_PREFIX",
    "HTTP_FORWARDED",
)


class TrustedProxyHeaders:
    """WSGI middleware: a request's forwarded headers reach the app only when its peer is a proxy."""

    def __init__(self, wsgi_app: Callable[..., Any], proxies: Iterable[str]) -> None:
        self.wsgi_app = wsgi_app
        self.proxies: tuple[Network, ...] = tuple(ipaddress.ip_network(p) for p in proxies)

    def trusts(self, address: str | None) -> bool:
        try:
            peer = ipaddress.ip_address(address or "")
        except ValueError:
            return False
        if isinstance(peer, ipaddress.IPv6Address) and peer.ipv4_mapped:
            peer = peer.ipv4_mapped
        return any(peer in network for network in self.proxies)

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        if not self.trusts(environ.get("REMOTE_ADDR")):
            for key in FORWARDED_HEADERS:
                environ.pop(key, None)
        return self.wsgi_app(environ, start_response)


@dataclass(frozen=True)
class ServeOptions:
    workers: int
    host: str = "127.0.0.1"
    port: int = 8000
    threads: int = 1
    timeout: int = 60
    graceful_timeout: int = 30
    keepalive: int = 5


def gunicorn_settings(app: Flask, options: ServeOptions) -> dict[str, Any]:
    """Every gunicorn setting ctflow uses, by gunicorn's names."""
    host = f"[{options.host}]" if ":" in options.host else options.host

    def on_starting(server) -> None:
        # Before any worker forks: the directory the workers' metrics files go to (set in the
        # environment they inherit), emptied of the files of processes that are gone.
        metrics.prepare_multiprocess_dir(app.instance_path)

    def post_fork(server, worker) -> None:
        # The pool came from the master: forget its connections without closing them (they are
        # the master's), so this worker opens its own.
        with app.app_context():
            db.engine.dispose(close=False)

    def worker_exit(server, worker) -> None:
        # What the access log still holds for a later commit (app/services/access_log.py).
        access_log.write_pending_at_exit(app)

    def child_exit(server, worker) -> None:
        metrics.on_child_exit(worker.pid)  # its live gauges go; its counts stay

    settings: dict[str, Any] = {
        "bind": [f"{host}:{options.port}"],
        "workers": options.workers,
        "threads": options.threads,
        "worker_class": "gthread" if options.threads > 1 else "sync",
        "timeout": options.timeout,
        "graceful_timeout": options.graceful_timeout,
        "keepalive": options.keepalive,
        "preload_app": True,
        "forwarded_allow_ips": ",".join(app.config["FORWARDED_ALLOW_IPS"]),
        "secure_scheme_headers": {},
        "forwarder_headers": "",
        # The app logs every request itself (with its request id); gunicorn logs its own events.
        "accesslog": None,
        "errorlog": "-",
        "loglevel": "info",
        "proc_name": "ctflow-web",
        "logger_class": GunicornLogger,
        # gunicorn's control socket would sit in $HOME and clash between instances; not used.
        "control_socket_disable": True,
        "on_starting": on_starting,
        "post_fork": post_fork,
        "worker_exit": worker_exit,
        "child_exit": child_exit,
    }
    if os.path.isdir("/dev/shm") and os.access("/dev/shm", os.W_OK):
        settings["worker_tmp_dir"] = "/dev/shm"  # the workers' heartbeat files, off the disk
    return settings


class GunicornLogger(glogging.Logger):
    """gunicorn's own lines (its error log: starting, a worker booted, timed out or killed; its
    access log, were it on) written by ctflow's handler, in the app's format (JSON in production)
    and beside its records, rather than by gunicorn's handlers in gunicorn's text format. Left as
    gunicorn has them when the app writes no log (``LOG_TO_STDERR`` off)."""

    def setup(self, cfg) -> None:
        super().setup(cfg)
        if not any(handler.name == logs.HANDLER_NAME for handler in logging.getLogger().handlers):
            return
        for log in (self.error_log, self.access_log):
            for handler in [h for h in log.handlers if getattr(h, "_gunicorn", False)]:
                log.removeHandler(handler)
            log.propagate = True


class OwnContextPerRequest:
    """WSGI wrapper: each request runs in an empty ``contextvars`` context.

    The CLI pushed an app context before gunicorn forked, and a sync worker serves requests in
    that same thread; Flask reuses an app context it finds, so without this ``g`` and the
    database session would live from one request to the next (stale cases, 409s) and
    ``teardown_appcontext`` would never run.
    """

    def __init__(self, wsgi_app: Callable[..., Any]) -> None:
        self.wsgi_app = wsgi_app

    def __call__(self, environ: dict[str, Any], start_response: Callable[..., Any]) -> Any:
        return contextvars.Context().run(self.wsgi_app, environ, start_response)


class CtflowGunicorn(BaseApplication):
    def __init__(self, app: Flask, options: ServeOptions) -> None:
        self.flask_app = app
        self.options = options
        super().__init__(prog="ctflow serve")

    def load_config(self) -> None:
        for key, value in gunicorn_settings(self.flask_app, self.options).items():
            self.cfg.set(key, value)

    def load(self) -> OwnContextPerRequest:
        return OwnContextPerRequest(self.flask_app)


def serve_with_gunicorn(app: Flask, options: ServeOptions) -> None:
    """Run the gunicorn master until it is stopped (SIGTERM: gracefully; SIGINT: at once)."""
    app.wsgi_app = TrustedProxyHeaders(app.wsgi_app, app.config["FORWARDED_ALLOW_IPS"])  # type: ignore[method-assign]
    CtflowGunicorn(app, options).run()
