"""bootsplit: the bootstrap's sums computed by this process and a forked child equal stats.resampled_sums."""

from __future__ import annotations

import os
import time

import numpy as np
import pytest

from newsspans.scoring import bootsplit, stats


def _credit(n_docs: int, width: int = 5) -> tuple:
    rng = np.random.default_rng(n_docs)
    matrix = rng.integers(0, 4, size=(n_docs, width)).astype(np.float32)
    inverse = np.array([0, 2, 2, 4, 1, 3, 0])

    def credit() -> tuple[np.ndarray, np.ndarray]:
        return inverse, matrix

    return credit, matrix, inverse


@pytest.mark.parametrize("n_samples", [1, 50, 51, 260, 13_000])
@pytest.mark.parametrize("jobs", ["1", "2"])
def test_split_sums_equal_the_whole_draw(monkeypatch, n_samples, jobs):
    monkeypatch.setenv("NEWSSPANS_JOBS", jobs)
    n_docs = 300 if n_samples < 13_000 else 20
    credit, matrix, inverse = _credit(n_docs)
    mine, sums = bootsplit.resample_beside(os.getpid, credit, n_docs, n_samples, 5)
    assert mine == os.getpid()
    assert np.array_equal(sums, stats.resampled_sums([matrix], n_samples, 5)[0][:, inverse])


def test_this_process_draws_some_chunks_and_the_child_the_rest(monkeypatch, tmp_path):
    """Both take chunks (this process only after `here`); a chunk this process cannot store in bytes is
    drawn again by the child; the sums do not change."""
    monkeypatch.setenv("NEWSSPANS_JOBS", "2")
    parent = os.getpid()
    drawn_here: list[int] = []
    real = bootsplit.chunk_counts

    def chunk_counts(root, n_docs, n_samples, k, dtype=np.float32):
        if os.getpid() == parent:
            drawn_here.append(k)
            if k % 2:
                return None  # as if a count did not fit a byte
        else:
            (tmp_path / "child drew").touch()
            time.sleep(0.02)  # the child is slow: both surely draw
        return real(root, n_docs, n_samples, k, dtype)

    def here() -> None:  # joins once the child has drawn
        deadline = time.monotonic() + 30
        while not (tmp_path / "child drew").exists() and time.monotonic() < deadline:
            time.sleep(0.005)

    monkeypatch.setattr(bootsplit, "chunk_counts", chunk_counts)
    credit, matrix, inverse = _credit(2000)
    _, sums = bootsplit.resample_beside(here, credit, 2000, 1000, 3)
    assert drawn_here and len(drawn_here) < stats.n_chunks(1000)
    assert np.array_equal(sums, stats.resampled_sums([matrix], 1000, 3)[0][:, inverse])


def test_a_failed_child_costs_time_not_results(monkeypatch):
    monkeypatch.setenv("NEWSSPANS_JOBS", "2")
    parent = os.getpid()
    credit, matrix, inverse = _credit(500)

    def failing() -> tuple[np.ndarray, np.ndarray]:
        if os.getpid() != parent:
            os._exit(3)
        return credit()

    _, sums = bootsplit.resample_beside(lambda: None, failing, 500, 300, 9)
    assert np.array_equal(sums, stats.resampled_sums([matrix], 300, 9)[0][:, inverse])


def test_an_error_here_stops_the_child(monkeypatch):
    monkeypatch.setenv("NEWSSPANS_JOBS", "2")
    credit, *_ = _credit(100)

    def broken() -> None:
        raise ValueError("here")

    with pytest.raises(ValueError, match="here"):
        bootsplit.resample_beside(broken, credit, 100, 200, 1)


def test_chunk_counts_in_bytes_equal_the_float_counts():
    root = np.random.SeedSequence(0)
    assert stats.chunk_counts(root, 1, 50, 0, np.uint8) is not None  # one document: drawn once per resample
    counts = stats.chunk_counts(root, 300, 50, 0, np.uint8)
    assert counts is not None and (counts.sum(axis=1) == 300).all()
    assert np.array_equal(counts, stats.chunk_counts(root, 300, 50, 0))


def test_chunks_this_process_took_but_could_not_hand_over_are_drawn_by_the_child(monkeypatch):
    """A full disk while writing the spill file: the chunks taken here are missing at the child's end,
    which then draws them itself."""
    monkeypatch.setenv("NEWSSPANS_JOBS", "2")
    calls = []

    def pwrite(fd, data, offset):
        calls.append(offset)
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(bootsplit.os, "pwrite", pwrite)
    credit, matrix, inverse = _credit(3000)
    _, sums = bootsplit.resample_beside(lambda: None, credit, 3000, 1000, 4)
    assert calls  # this process took a chunk and failed to hand it over
    assert np.array_equal(sums, stats.resampled_sums([matrix], 1000, 4)[0][:, inverse])
