"""The bootstrap's resampled sums, computed by this process and a forked child together.

The child builds the matrix to resample, then takes chunks of resamples from a queue (a pipe holding one
byte per group of chunks): it draws each and multiplies it by the matrix. This process first does its
own work (`here`: the per-document figures), then takes chunks from the same queue, but only draws them
(no matrix product: OpenBLAS's buffers would raise this process's peak memory): it writes the counts,
one byte each, into a spill file and tells the child, which multiplies them between its own chunks.
Each chunk comes from its own seed (stats.chunk_counts), so the sums are the same whoever draws what.

If the child fails, everything is computed here; if fork is not allowed, nothing is split.
"""

from __future__ import annotations

import os
import struct
import tempfile
from collections.abc import Callable
from typing import Any, TypeVar

import numpy as np

from .parallel import Forked, jobs, one_blas_thread
from .stats import chunk_counts, chunk_rows, n_chunks, resampled_sums

T = TypeVar("T")
_RECORD = struct.Struct("<q")  # a chunk this process drew: its index (or -1 - index: drawn, but a count did not fit a byte)


def resample_beside(here: Callable[[], T], credit: Callable[[], tuple[np.ndarray, np.ndarray]], n_docs: int, n_samples: int,
                    seed: int | None) -> tuple[T, np.ndarray]:
    """(`here()`, sums): with (inverse, matrix) = credit() (matrix: [n_docs, c] float32), sums is
    `resampled_sums([matrix], n_samples, seed)[0][:, inverse]`."""
    if jobs() < 2 or not hasattr(os, "fork"):
        return here(), sums_here(credit, n_samples, seed)
    try:
        spill = tempfile.TemporaryFile()
    except OSError:  # no writable temporary directory
        return here(), sums_here(credit, n_samples, seed)
    root = np.random.SeedSequence(seed)
    k = n_chunks(n_samples)
    per_group = -(-k // 255)
    groups = [range(g, min(k, g + per_group)) for g in range(0, k, per_group)]
    queue_r, queue_w = os.pipe()
    os.write(queue_w, bytes(range(len(groups))))
    os.close(queue_w)  # an empty queue then reads as the end of the file
    done_r, done_w = os.pipe()
    with spill:
        child = Forked(_child, [(os.getpid(), queue_r, groups, done_r, done_w, spill.fileno(), credit, n_samples, seed, root)])
        os.close(done_r)
        try:
            mine = here()
            if child.pid is not None:  # (else results() computes everything here)
                _take_and_draw(queue_r, groups, done_w, spill.fileno(), n_docs, n_samples, root)
        except BaseException:
            child.cancel()
            raise
        finally:
            os.close(queue_r)
            os.close(done_w)
        return mine, child.results()[0]


def sums_here(credit: Callable[[], tuple[np.ndarray, np.ndarray]], n_samples: int, seed: int | None) -> np.ndarray:
    """The same sums, all computed in this process (small jobs, no fork, a failed child)."""
    inverse, matrix = credit()
    with one_blas_thread():
        return resampled_sums([matrix], n_samples, seed)[0][:, inverse]


def _take_and_draw(queue: int, groups: list[range], done: int, spill: int, n_docs: int, n_samples: int,
                   root: np.random.SeedSequence) -> None:
    """This process's share: draw the chunks of the groups it takes, write their counts to the spill file."""
    try:
        while g := os.read(queue, 1):
            for k in groups[g[0]]:
                counts = chunk_counts(root, n_docs, n_samples, k, np.uint8)
                handed = counts is not None and os.pwrite(spill, counts.tobytes(), chunk_rows(n_samples, k)[0] * n_docs) == counts.size
                os.write(done, _RECORD.pack(k if handed else -1 - k))
    except OSError:  # the child is gone (results() then computes everything here), or the spill file is full
        pass  # (the child draws whatever this process took and did not hand over)


def _child(parent: int, queue: int, groups: list[range], done: int, done_w: int, spill: int, credit: Callable[..., Any],
           n_samples: int, seed: int | None, root: np.random.SeedSequence) -> np.ndarray:
    if os.getpid() == parent:  # Forked's fallback after a failed child: do it all here
        return sums_here(credit, n_samples, seed)
    os.close(done_w)  # the end of the parent's records then reads as the end of the file
    inverse, matrix = credit()
    n_docs = matrix.shape[0]
    sums = np.empty((n_samples, matrix.shape[1]), dtype=np.float64)
    missing = set(range(n_chunks(n_samples)))
    pending = b""

    def add(k: int, weights: np.ndarray) -> None:
        start, stop = chunk_rows(n_samples, k)
        sums[start:stop] = weights @ matrix
        missing.discard(k)

    def parents(block: bool) -> bool:
        """Multiply the chunks the parent has drawn so far (all of them, until it is done, with `block`);
        False once it is done."""
        nonlocal pending
        os.set_blocking(done, block)
        while True:
            try:
                data = os.read(done, 1 << 12)
            except BlockingIOError:
                return True
            if not data:
                return False
            pending += data
            while len(pending) >= _RECORD.size:
                (k,), pending = _RECORD.unpack(pending[:_RECORD.size]), pending[_RECORD.size:]
                handed, k = k >= 0, k if k >= 0 else -1 - k
                start, stop = chunk_rows(n_samples, k)
                b = stop - start
                raw = os.pread(spill, b * n_docs, start * n_docs) if handed else b""
                if len(raw) == b * n_docs:
                    add(k, np.frombuffer(raw, np.uint8).reshape(b, n_docs).astype(np.float32))
                else:  # the parent could not write them (a count over 255, a full disk): drawn here
                    add(k, chunk_counts(root, n_docs, n_samples, k))  # type: ignore[arg-type]

    with one_blas_thread():
        open_ = True
        while g := os.read(queue, 1):
            for k in groups[g[0]]:
                add(k, chunk_counts(root, n_docs, n_samples, k))  # type: ignore[arg-type]
            if open_:
                open_ = parents(block=False)
        if open_:
            parents(block=True)
        for k in sorted(missing):  # taken by the parent, which could not hand them over
            add(k, chunk_counts(root, n_docs, n_samples, k))  # type: ignore[arg-type]
    return sums[:, inverse]
