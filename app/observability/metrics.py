"""Prometheus metrics (prometheus-client), served at ``GET /metrics`` (app.observability.views).

Two kinds of figures:

- events counted by the process they happen in: request latency, task completions, timers
  fired and the sweep's duration and lag, outbox failures. Under ``ctflow serve --workers N``
  each gunicorn worker writes them to files in ``PROMETHEUS_MULTIPROC_DIR`` and a scrape adds
  them up (prometheus-client's multiprocess mode);
- states read from the database when scraped (``DatabaseCollector``): the outbox's depth and
  the cases by stage. Read once per scrape, never kept per process, so they are not counted
  once per worker.

Labels are bounded: a route is its URL rule, never a path; a council, a form, a stage or a
status come from short fixed lists. No case, task or user id is ever a label.

The instruments are built on first use, not at import: prometheus-client decides at import
whether values live in memory or in the multiprocess files, and the serve command sets the
directory after the app (and so this module) has been imported, before gunicorn forks.
"""

from __future__ import annotations

import functools
import logging
import os
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TypeVar

logger = logging.getLogger(__name__)

MULTIPROC_DIR = "PROMETHEUS_MULTIPROC_DIR"
DEFAULT_MULTIPROC_DIR = "prometheus-multiproc"  # under the instance folder, when not set
# Seconds. Requests: a page or a completion takes tens of ms; 10 s is past any proxy's patience.
REQUEST_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)
# A sweep fires what is due: nothing in a few ms, a backlog after an outage in minutes.
SWEEP_BUCKETS = (0.01, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0, 60.0, 300.0)
UNMATCHED_ROUTE = "<unmatched>"  # requests no URL rule matched (404s, scanners): one label

F = TypeVar("F", bound=Callable[..., Any])


class Instruments:
    """The counted metrics of this process. Registered nowhere: each scrape builds a registry
    (``exposition``), so tests and repeated ``create_app`` calls never meet a duplicate."""

    def __init__(self) -> None:
        from prometheus_client import Counter, Gauge, Histogram, disable_created_metrics

        # The *_created series double the output and mean nothing once the processes add up.
        disable_created_metrics()

        self.request_duration = Histogram(
            "ctflow_http_request_duration_seconds",
            "Time to answer a request, by URL rule, method and status.",
            ["route", "method", "status"],
            buckets=REQUEST_BUCKETS,
            registry=None,
        )
        self.task_completions = Counter(
            "ctflow_task_completions",
            "Tasks completed, by council and form.",
            ["council", "form"],
            registry=None,
        )
        self.timers_fired = Counter(
            "ctflow_timers_fired", "Cases whose due workflow timers a sweep fired.", registry=None
        )
        self.sweep_duration = Histogram(
            "ctflow_timer_sweep_duration_seconds",
            "Time a timer sweep took.",
            buckets=SWEEP_BUCKETS,
            registry=None,
        )
        # The most recent sweep's figure, whichever process ran it.
        self.sweep_lag = Gauge(
            "ctflow_timer_sweep_lag_seconds",
            "How long the longest-waiting due timer had waited when the last sweep started.",
            multiprocess_mode="mostrecent",
            registry=None,
        )
        self.outbox_failures = Counter(
            "ctflow_outbox_failures",
            "Failed attempts to e-mail a letter, by council.",
            ["council"],
            registry=None,
        )

    def collect(self) -> Iterator[Any]:
        for metric in vars(self).values():
            yield from metric.collect()


_built: dict[str, Any] = {"dir": None, "instruments": None}


def instruments() -> Instruments:
    """This process's instruments, rebuilt if the multiprocess directory changed since."""
    directory = os.environ.get(MULTIPROC_DIR) or None
    if _built["instruments"] is None or _built["dir"] != directory:
        from prometheus_client import values

        if directory:
            os.makedirs(directory, exist_ok=True)
        # prometheus-client reads the variable once, when first imported (values.ValueClass);
        # read it again, so a directory set later (before the fork) is the one written to.
        values.ValueClass = values.get_value_class()
        _built.update(dir=directory, instruments=Instruments())
    return _built["instruments"]


def _never_raises(record: F) -> F:
    """A figure that cannot be written (a full disk, a missing directory) is logged, never
    raised: counting must not fail a completion, a sweep or a letter."""

    @functools.wraps(record)
    def guarded(*args: Any, **kwargs: Any) -> Any:
        try:
            return record(*args, **kwargs)
        except Exception:
            logger.warning("Could not record the metric %s", record.__name__, exc_info=True)
            return None

    return guarded  # type: ignore[return-value]


# --- What the app records -----------------------------------------------------------------


@_never_raises
def record_request(route: str, method: str, status: int, seconds: float) -> None:
    instruments().request_duration.labels(route, method, str(status)).observe(seconds)


@_never_raises
def record_task_completion(task: Any) -> None:
    """A task was completed (after its transaction committed). Also names its case and council
    on the request's log line, which a task's URL does not."""
    from app.observability import requests

    instruments().task_completions.labels(task.council_id, task.form_key).inc()
    requests.annotate(case_id=task.case_id, council=task.council_id)


@_never_raises
def record_outbox_failure(council_id: str) -> None:
    instruments().outbox_failures.labels(council_id).inc()


def observe_sweep(sweep: F) -> F:
    """Wrap the timer sweep: its lag (how long the oldest due timer had waited at the start),
    its duration, and how many cases it fired on (``len(report.fired)``)."""

    @functools.wraps(sweep)
    def observed(*args: Any, **kwargs: Any) -> Any:
        lag = _sweep_lag_seconds()
        started = time.perf_counter()
        report = sweep(*args, **kwargs)
        _record_sweep(time.perf_counter() - started, lag, len(report.fired))
        return report

    return observed  # type: ignore[return-value]


def _sweep_lag_seconds() -> float | None:
    from app import clock
    from app.extensions import db
    from app.store import observability as store

    instant = clock.now()
    try:
        oldest = store.open_timer_due_since(instant)
    except Exception:  # the sweep itself will meet the same database and say so
        db.session.rollback()
        logger.warning("Could not read the timer sweep's lag", exc_info=True)
        return None
    return 0.0 if oldest is None else max(0.0, (instant - oldest).total_seconds())


@_never_raises
def _record_sweep(seconds: float, lag: float | None, fired: int) -> None:
    measured = instruments()
    measured.sweep_duration.observe(seconds)
    if lag is not None:
        measured.sweep_lag.set(lag)
    measured.timers_fired.inc(fired)


# --- Read at scrape time --------------------------------------------------------------------


class DatabaseCollector:
    """The outbox's depth and the cases by stage, read when scraped (one query each). When the
    database cannot answer, ``ctflow_database_up`` says 0 and the two are left out: a scrape
    never fails for it."""

    def collect(self) -> Iterator[Any]:
        from prometheus_client.core import GaugeMetricFamily

        from app.extensions import db
        from app.store import observability as store

        up = GaugeMetricFamily("ctflow_database_up", "1 when the scrape could read the database.")
        try:
            depth = store.outbox_depth()
            stages = store.cases_by_stage()
        except Exception:
            db.session.rollback()
            logger.warning("Metrics: the database did not answer", exc_info=True)
            up.add_metric([], 0)
            yield up
            return
        finally:
            db.session.rollback()  # end the read; nothing is held between scrapes
        up.add_metric([], 1)
        yield up
        outbox = GaugeMetricFamily("ctflow_outbox_depth", "Letters by e-mail status.", labels=["status"])
        for status, count in sorted(depth.items()):
            outbox.add_metric([status], count)
        yield outbox
        cases = GaugeMetricFamily("ctflow_cases", "Cases by council and stage.", labels=["council", "stage"])
        for council, stage, count in sorted(stages):
            cases.add_metric([council, stage], count)
        yield cases


class _ProcessCollector:
    """This process's instruments, when there is no multiprocess directory (``ctflow serve``)."""

    def collect(self) -> Iterator[Any]:
        yield from instruments().collect()


def exposition() -> tuple[bytes, str]:
    """The metrics in Prometheus text format, and its content type."""
    from prometheus_client import CONTENT_TYPE_LATEST, CollectorRegistry, generate_latest
    from prometheus_client.multiprocess import MultiProcessCollector

    # auto_describe off: registering must not run the collectors (the database's would read twice).
    registry = CollectorRegistry(auto_describe=False)
    directory = os.environ.get(MULTIPROC_DIR)
    if directory:
        instruments()  # creates the directory if this process has counted nothing yet
        MultiProcessCollector(registry, path=directory)
    else:
        registry.register(_ProcessCollector())
    registry.register(DatabaseCollector())
    return generate_latest(registry), CONTENT_TYPE_LATEST


# --- Multiprocess mode under gunicorn (called by the serve command and its hooks) ------------


def prepare_multiprocess_dir(instance_path: str | os.PathLike[str] | None = None) -> Path:
    """Before gunicorn forks its workers: use ``PROMETHEUS_MULTIPROC_DIR`` (or
    ``prometheus-multiproc`` in the instance folder, default the current app's, then set it
    for the workers), create it, and delete the files of processes that are no longer running,
    so a restart starts the counts afresh (Prometheus reads that as a counter reset) while a
    ``ctflow worker`` sharing the directory on this host keeps its own."""
    given = os.environ.get(MULTIPROC_DIR)
    if not given and instance_path is None:
        from flask import current_app

        instance_path = current_app.instance_path  # outside an app context: RuntimeError
    directory = Path(given or Path(instance_path or ".") / DEFAULT_MULTIPROC_DIR)
    directory.mkdir(parents=True, exist_ok=True)
    for path in directory.glob("*.db"):
        pid = path.stem.rpartition("_")[2]
        if not (pid.isdigit() and _running(int(pid))):
            path.unlink(missing_ok=True)
    os.environ[MULTIPROC_DIR] = str(directory)
    return directory


def on_child_exit(pid: int) -> None:
    """gunicorn's ``child_exit`` hook: drop the dead worker's live gauges (its counts stay)."""
    directory = os.environ.get(MULTIPROC_DIR)
    if directory:
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(pid, directory)


def _running(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # someone else's process: alive
    return True
