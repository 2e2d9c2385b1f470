"""Run independent tasks on two processes: this one and one forked child.

The child gets every other task, pickles its results into an unlinked temporary file (several times
faster than a pipe for megabytes) and exits without running any clean-up of the parent's. If the child
fails for any reason, its tasks run here, so a worker problem can cost time but never change a result. No fork (Windows), `NEWSSPANS_JOBS=1` or a
single task, or other threads running: everything runs here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import signal
import sys
import tempfile
import threading
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def jobs() -> int:
    """Worker processes to use: NEWSSPANS_JOBS, else 2 where fork exists and there are 2+ CPUs.

    Always 1 while other threads run in this process (a forked child could inherit a lock one of them holds).
    """
    if threading.active_count() > 1:
        return 1
    value = os.environ.get("NEWSSPANS_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return 2 if hasattr(os, "fork") and (os.cpu_count() or 1) > 1 else 1


class Forked:
    """`fn(*task)` for each task, in a child forked now; `results()` collects them.

    Without fork (or with NEWSSPANS_JOBS=1) nothing starts and `results()` computes them here.
    """

    def __init__(self, fn: Callable[..., Any], tasks: Sequence[tuple[Any, ...]]) -> None:
        self.fn, self.tasks = fn, list(tasks)
        self.pid: int | None = None
        self.out: Any = None  # the file the child pickles its results into
        if not self.tasks or jobs() < 2 or not hasattr(os, "fork"):
            return
        try:
            out = tempfile.TemporaryFile()
        except OSError:  # no writable temporary directory: everything runs here
            return
        sys.stdout.flush()
        sys.stderr.flush()
        pid = os.fork()
        if pid == 0:  # the child: never returns
            code = 1  # any failure: the parent redoes the work
            try:
                pickle.dump([fn(*task) for task in self.tasks], out, protocol=pickle.HIGHEST_PROTOCOL)
                out.flush()
                code = 0
            finally:
                os._exit(code)
        self.pid, self.out = pid, out

    def cancel(self) -> None:
        """Stop the child (its results are not needed)."""
        if self.pid is not None:
            os.kill(self.pid, signal.SIGKILL)
            os.waitpid(self.pid, 0)
            self.pid = None
            self.out.close()

    def results(self) -> list[Any]:
        """The child's results, or the same computed here if it failed."""
        if self.pid is None:
            return [self.fn(*task) for task in self.tasks]
        _, status = os.waitpid(self.pid, 0)
        self.pid = None
        out: list[Any] | None = None
        with self.out:
            if os.waitstatus_to_exitcode(status) == 0:
                self.out.seek(0)
                try:
                    out = pickle.load(self.out)
                except Exception:  # a truncated payload: redo
                    out = None
        if out is None or len(out) != len(self.tasks):
            out = [self.fn(*task) for task in self.tasks]
        return out


def run_split(fn: Callable[..., T], tasks: Sequence[tuple[Any, ...]]) -> list[T]:
    """`[fn(*task) for task in tasks]`, odd-numbered tasks in a forked child when allowed."""
    if len(tasks) < 2 or jobs() < 2 or not hasattr(os, "fork"):
        return [fn(*task) for task in tasks]
    mine, theirs = list(range(0, len(tasks), 2)), list(range(1, len(tasks), 2))
    child = Forked(fn, [tasks[i] for i in theirs])
    results: dict[int, T] = {}
    try:
        for i in mine:
            results[i] = fn(*tasks[i])
    finally:
        done = child.results()
    results.update(zip(theirs, done, strict=True))
    return [results[i] for i in range(len(tasks))]


_blas_pinned = False  # pin_blas_threads() set OpenBLAS to one thread before numpy loaded


def pin_blas_threads() -> None:
    """Call before numpy loads: OpenBLAS then runs one thread, unless OPENBLAS_NUM_THREADS says otherwise
    (the scorer's matrix products are small, and its threads spin while forked workers run)."""
    global _blas_pinned
    if "numpy" not in sys.modules:
        os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
        _blas_pinned = os.environ["OPENBLAS_NUM_THREADS"] == "1"


def one_blas_thread() -> contextlib.AbstractContextManager[Any]:
    """A context in which OpenBLAS runs one thread: its threads spin while they wait, and two forked children
    running two each on two cores made a matrix product 20 times slower. Nothing to do after
    pin_blas_threads (the command line); else threadpoolctl (a scikit-learn dependency) sets it, if installed."""
    if _blas_pinned:
        return contextlib.nullcontext()
    try:
        from threadpoolctl import threadpool_limits
    except ImportError:
        return contextlib.nullcontext()
    return threadpool_limits(1, user_api="blas")
