"""Resampling over documents: percentile bootstrap intervals and paired significance tests.

Every function works on per-document sufficient statistics (arrays `[n_docs, ..., 8]`, see counts.py)
and never re-matches spans. Resampling weights are drawn from one seeded generator per chunk of
samples, so every layer, mode and system sees the same resamples.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import numpy as np

from .counts import prf

CHUNK = 50


def _chunks(n: int) -> Iterator[tuple[int, int]]:
    for start in range(0, n, CHUNK):
        yield start, min(n, start + CHUNK)


def n_chunks(n_samples: int) -> int:
    """How many chunks of resamples `n_samples` are drawn in (each from its own seed)."""
    return -(-n_samples // CHUNK)


def chunk_rows(n_samples: int, k: int) -> tuple[int, int]:
    """The resamples [start, stop) of chunk `k`."""
    return k * CHUNK, min(n_samples, (k + 1) * CHUNK)


def chunk_counts(root: np.random.SeedSequence, n_docs: int, n_samples: int, k: int, dtype: type = np.float32) -> np.ndarray | None:
    """Chunk `k` of the resamples: `[b, n_docs]`, how often each document is drawn in each resample, drawn
    from the k-th child of `root` (as `root.spawn` would make it). None when `dtype` cannot hold a count."""
    start, stop = chunk_rows(n_samples, k)
    child = np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, k), pool_size=root.pool_size)
    draws = np.random.default_rng(child).integers(0, n_docs, size=(stop - start, n_docs), dtype=np.int32)
    counts = np.empty((stop - start, n_docs), dtype=dtype)
    for row in range(stop - start):  # row by row: no [b * n_docs] int64 temporaries
        counts[row] = np.bincount(draws[row], minlength=n_docs)
    if np.issubdtype(dtype, np.integer) and n_docs > np.iinfo(dtype).max and (counts.sum(axis=1, dtype=np.int64) != n_docs).any():
        return None  # a count wrapped around
    return counts


def bootstrap_weights(n_docs: int, n_samples: int, seed: int | None) -> Iterator[np.ndarray]:
    """Chunks of `[b, n_docs]` float32 matrices: how often each document is drawn in each resample.

    The same `seed` gives the same resamples (chunk k uses the k-th child of SeedSequence(seed)).
    """
    root = np.random.SeedSequence(seed)
    for k in range(n_chunks(n_samples)):
        weights = chunk_counts(root, n_docs, n_samples, k)
        assert weights is not None
        yield weights


def resampled_sums(blocks: list[np.ndarray], n_samples: int, seed: int | None) -> list[np.ndarray]:
    """For each `[n_docs, c]` block, the `[n_samples, c]` column sums over bootstrap resamples of documents.

    All blocks share one float32 matrix, so each chunk of resamples costs one matrix product
    (bootsplit.resample_beside computes the same with a forked child).
    """
    if not blocks:
        return []
    n_docs = blocks[0].shape[0]
    matrix = blocks[0] if len(blocks) == 1 and blocks[0].dtype == np.float32 and blocks[0].ndim == 2 else \
        np.concatenate([b.reshape(n_docs, -1).astype(np.float32) for b in blocks], axis=1)
    sums = np.empty((n_samples, matrix.shape[1]), dtype=np.float64)
    start = 0
    for weights in bootstrap_weights(n_docs, n_samples, seed):
        stop = start + weights.shape[0]
        sums[start:stop] = weights @ matrix
        start = stop
    out, col = [], 0
    for b in blocks:
        width = int(np.prod(b.shape[1:]))
        out.append(sums[:, col:col + width])
        col += width
    return out


def percentile_interval(values: np.ndarray, level: float = 0.95) -> np.ndarray:
    """`[..., 2]` lower and upper percentiles over axis 0, ignoring undefined (NaN) resamples."""
    alpha = (1 - level) / 2 * 100
    if values.size and not np.isnan(values).any():  # the common case; nanpercentile is 4x slower and gives the same
        lo, hi = np.percentile(values, [alpha, 100 - alpha], axis=0)
        return np.stack([lo, hi], axis=-1)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)  # all-NaN columns: undefined in every resample
        lo = np.nanpercentile(values, alpha, axis=0) if values.size else np.array([])
        hi = np.nanpercentile(values, 100 - alpha, axis=0) if values.size else np.array([])
    return np.stack([lo, hi], axis=-1)


@dataclass(frozen=True, slots=True)
class TestResult:
    """Outcome of a paired significance test on micro F1 (system A minus system B)."""

    name: str
    delta: float
    p_value: float
    n: int
    seed: int | None


def _f1(sums: np.ndarray, partial_weight: float | None) -> np.ndarray:
    return prf(sums, partial_weight, zero_division=0.0)[..., 2]


def paired_bootstrap(stats_a: np.ndarray, stats_b: np.ndarray, *, n: int, seed: int | None, partial_weight: float | None) -> TestResult:
    """Paired bootstrap test (Koehn 2004) with the p-value of Berg-Kirkpatrick et al. (2012, sec. 2):
    the share of resamples whose difference exceeds twice the observed one, add-one smoothed.

    Args:
        stats_a, stats_b: `[n_docs, 8]` per-document statistics of the two systems on the same documents.
    """
    delta = float(_f1(stats_a.sum(0), partial_weight) - _f1(stats_b.sum(0), partial_weight))
    sums_a, sums_b = resampled_sums([stats_a, stats_b], n, seed)
    deltas = _f1(sums_a, partial_weight) - _f1(sums_b, partial_weight)
    if delta == 0:
        return TestResult("paired_bootstrap", delta, 1.0, n, seed)
    exceed = int(np.sum(deltas > 2 * delta)) if delta > 0 else int(np.sum(deltas < 2 * delta))
    return TestResult("paired_bootstrap", delta, (exceed + 1) / (n + 1), n, seed)


def approximate_randomization(stats_a: np.ndarray, stats_b: np.ndarray, *, n: int, seed: int | None,
                              partial_weight: float | None) -> TestResult:
    """Approximate randomisation (Noreen 1989; Riezler and Maxwell 2005): swap each document's
    statistics between the systems with probability 1/2; p = (#{|Δ_t| >= |Δ|} + 1) / (n + 1),
    the add-one p-value sacreBLEU takes from multeval."""
    total_a, total_b = stats_a.sum(0).astype(np.float64), stats_b.sum(0).astype(np.float64)
    delta = float(_f1(total_a, partial_weight) - _f1(total_b, partial_weight))
    diff = (stats_b - stats_a).astype(np.float32)
    rng = np.random.default_rng(seed)
    count = 0
    for start, stop in _chunks(n):
        swaps = rng.integers(0, 2, size=(stop - start, diff.shape[0])).astype(np.float32)
        moved = swaps @ diff
        d = _f1(total_a + moved, partial_weight) - _f1(total_b - moved, partial_weight)
        count += int(np.sum(np.abs(d) >= abs(delta) - 1e-12))
    return TestResult("approximate_randomization", delta, (count + 1) / (n + 1), n, seed)


TESTS: dict[str, Callable[..., TestResult]] = {"paired_bootstrap": paired_bootstrap, "approximate_randomization": approximate_randomization}
