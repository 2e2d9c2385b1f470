"""Run independent tasks on two processes: this one and one forked child.

The child gets every other task, sends its results back pickled through a pipe and exits without
running any clean-up of the parent's. If the child fails for any reason, its tasks run here, so a
worker problem can cost time but never change a result. No fork (Windows), `NEWSSPANS_JOBS=1` or a
single task: everything runs here.
"""

from __future__ import annotations

import os
import pickle
import sys
from collections.abc import Callable, Sequence
from typing import Any, TypeVar

T = TypeVar("T")


def jobs() -> int:
    """Worker processes to use: NEWSSPANS_JOBS, else 2 where fork exists and there are 2+ CPUs."""
    value = os.environ.get("NEWSSPANS_JOBS", "")
    if value.isdigit() and int(value) > 0:
        return int(value)
    return 2 if hasattr(os, "fork") and (os.cpu_count() or 1) > 1 else 1


def run_split(fn: Callable[..., T], tasks: Sequence[tuple[Any, ...]]) -> list[T]:
    """`[fn(*task) for task in tasks]`, odd-numbered tasks in a forked child when allowed."""
    if len(tasks) < 2 or jobs() < 2 or not hasattr(os, "fork"):
        return [fn(*task) for task in tasks]
    mine, theirs = list(range(0, len(tasks), 2)), list(range(1, len(tasks), 2))
    read_fd, write_fd = os.pipe()
    sys.stdout.flush()
    sys.stderr.flush()
    pid = os.fork()
    if pid == 0:  # the child: never returns
        os.close(read_fd)
        code = 0
        try:
            payload = pickle.dumps([fn(*tasks[i]) for i in theirs], protocol=pickle.HIGHEST_PROTOCOL)
        except BaseException:  # any failure: the parent redoes the work
            payload, code = b"", 1
        try:
            with os.fdopen(write_fd, "wb") as out:
                out.write(payload)
        finally:
            os._exit(code)
    os.close(write_fd)
    results: dict[int, T] = {}
    try:
        for i in mine:
            results[i] = fn(*tasks[i])
    finally:
        with os.fdopen(read_fd, "rb") as handle:
            payload = handle.read()
        _, status = os.waitpid(pid, 0)
    child: list[T] | None = None
    if os.waitstatus_to_exitcode(status) == 0 and payload:
        try:
            child = pickle.loads(payload)
        except Exception:  # a truncated payload: redo
            child = None
    if child is None or len(child) != len(theirs):
        child = [fn(*tasks[i]) for i in theirs]
    results.update(zip(theirs, child, strict=True))
    return [results[i] for i in range(len(tasks))]
