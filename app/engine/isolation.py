"""Brand-new diagram code runs in a child process that the server can always stop.

Upload validation, the due-date preview and test-runs are where code nobody has run before
first runs. The sandbox's size checks (app/engine/guards.py) refuse every costly operation we
know of, in process; this is the hard limit behind them, for whatever they miss: the work is
done in a forked child with its own limits on memory (``RLIMIT_AS``) and processor time
(``RLIMIT_CPU``), watched by the parent with a wall-clock deadline and killed when it passes
it. The child shares nothing the parent needs (no interpreter lock, no heap), so however it
ends, the server's other requests go on. Only the result comes back, pickled and bounded.

The child must not touch the database: it inherits the parent's connections, and using one
would break the parent's session. What runs here computes from what it is given.
"""

from __future__ import annotations

import mmap
import os
import pickle
import resource
import select
import signal
import threading
import time
from collections.abc import Callable
from typing import Any, TypeVar

WALL_SECONDS = 30.0
CPU_SECONDS = 20
MEMORY_BYTES = 512 * 1024 * 1024  # above what the parent already has mapped
MAX_RESULT_BYTES = 16 * 1024 * 1024
# Children at once: the rest wait their turn, so many uploads cannot fork the machine to death.
CONCURRENT_CHILDREN = 2
_slots = threading.BoundedSemaphore(CONCURRENT_CHILDREN)

T = TypeVar("T")


class LimitBreached(Exception):
    """The isolated work went past a process limit; the message says which, for a process owner,
    and ``element`` the diagram element the child was working on, when it had said."""

    def __init__(self, message: str, element: str | None = None):
        super().__init__(message)
        self.element = element


# In a child: a page shared with the parent, holding what the child works on now.
_progress: mmap.mmap | None = None
PROGRESS_BYTES = 256


def note_progress(element: str) -> None:
    """Say which element the isolated work is on, so that a breach can name it. Free in the parent."""
    if _progress is not None:
        _progress[:] = element.encode()[:PROGRESS_BYTES].ljust(PROGRESS_BYTES, b"\0")


def _noted(progress: mmap.mmap) -> str | None:
    return progress[:].rstrip(b"\0").decode(errors="replace") or None


def run_isolated(
    function: Callable[..., T],
    *args: Any,
    wall_seconds: float = WALL_SECONDS,
    cpu_seconds: int = CPU_SECONDS,
    memory_bytes: int = MEMORY_BYTES,
) -> T:
    """``function(*args)`` in a child process under the limits; its result, or its exception
    re-raised here. Where processes cannot be forked, it runs in process, under the sandbox's own limits."""
    if not hasattr(os, "fork"):
        return function(*args)
    with _slots, mmap.mmap(-1, PROGRESS_BYTES) as progress:
        read_fd, write_fd = os.pipe()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            global _progress
            _progress = progress
            os.close(read_fd)
            _run_child(write_fd, function, args, cpu_seconds, memory_bytes)
        os.close(write_fd)
        try:
            payload = _collect(read_fd, pid, wall_seconds, cpu_seconds, memory_bytes)
        except LimitBreached as exc:
            exc.element = _noted(progress)
            raise
        finally:
            os.close(read_fd)
        element = _noted(progress)
    try:
        outcome, value = pickle.loads(payload)  # noqa: S301 - written by our own child
    except Exception as exc:
        raise LimitBreached(
            f"The check ended without a readable result ({type(exc).__name__}).", element
        ) from None
    if outcome == "raise":
        if isinstance(value, LimitBreached) and value.element is None:
            value.element = element
        raise value
    return value


def _run_child(write_fd: int, function: Callable, args: tuple, cpu_seconds: int, memory_bytes: int) -> None:
    try:
        _limit_self(cpu_seconds, memory_bytes)
        try:
            result: tuple[str, Any] = ("ok", function(*args))
        except MemoryError:
            result = ("raise", LimitBreached(_memory_message(memory_bytes)))
        except BaseException as exc:  # noqa: BLE001 - every failure goes back to the parent
            result = ("raise", exc)
        try:
            payload = pickle.dumps(result)
        except Exception as exc:  # an exception or value that cannot be pickled
            payload = pickle.dumps(("raise", RuntimeError(f"{type(exc).__name__}: {exc}")))
        if len(payload) > MAX_RESULT_BYTES:
            payload = pickle.dumps(("raise", LimitBreached("The check's result was too large to return.")))
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(payload)
    finally:
        os._exit(0)  # no atexit handlers, no flushing of the parent's buffers, no database goodbyes


def _limit_self(cpu_seconds: int, memory_bytes: int) -> None:
    with open("/proc/self/statm") as statm:
        mapped = int(statm.read().split()[0]) * resource.getpagesize()
    limit = mapped + memory_bytes
    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    # The child's processor time starts at zero; past the soft limit the kernel sends SIGXCPU.
    resource.setrlimit(resource.RLIMIT_CPU, (cpu_seconds, cpu_seconds + 1))


def _collect(read_fd: int, pid: int, wall_seconds: float, cpu_seconds: int, memory_bytes: int) -> bytes:
    """The child's payload; kills the child if it has not finished by the deadline."""
    deadline = time.monotonic() + wall_seconds
    chunks: list[bytes] = []
    size = 0
    while True:
        left = deadline - time.monotonic()
        ready = select.select([read_fd], [], [], max(left, 0))[0] if left > 0 else []
        if not ready:
            _kill(pid)
            raise LimitBreached(f"The check did not finish within {wall_seconds:g} seconds and was stopped.")
        chunk = os.read(read_fd, 1 << 16)
        if not chunk:
            break
        size += len(chunk)
        if size > MAX_RESULT_BYTES + 1024:
            _kill(pid)
            raise LimitBreached("The check's result was too large to return.")
        chunks.append(chunk)
    _, status = os.waitpid(pid, 0)
    if not chunks:
        signalled = os.WTERMSIG(status) if os.WIFSIGNALED(status) else None
        if signalled == signal.SIGXCPU or signalled == signal.SIGKILL:
            raise LimitBreached(
                f"The check used more than {cpu_seconds} seconds of processor time and was stopped."
            )
        raise LimitBreached(_memory_message(memory_bytes) if signalled is None else "The check was stopped.")
    return b"".join(chunks)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    os.waitpid(pid, 0)


def _memory_message(memory_bytes: int) -> str:
    return f"The check needed more than {memory_bytes // (1024 * 1024)} MB of memory and was stopped."
