"""Shared helpers for benchmarks: write a synthetic project, time a block, read peak RSS."""

from __future__ import annotations

import resource
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(REPO / "src"))

from newsspans.labels import LabelSet  # noqa: E402
from newsspans.synth import SynthDoc, generate  # noqa: E402
from newsspans.synth import write_project as synth_write_project  # noqa: E402


def labels() -> LabelSet:
    return LabelSet.load(REPO / "schema" / "labels.json")


def write_project(root: Path, n_docs: int, *, spans_per_doc: int = 10, seed: int = 0) -> list[SynthDoc]:
    """A project folder with `n_docs` synthetic documents and their gold files."""
    scheme = labels()
    docs = list(generate(scheme, n_docs, spans_per_doc=spans_per_doc, seed=seed))
    synth_write_project(root, docs, scheme, REPO / "schema")
    return docs


@contextmanager
def timed(label: str, results: dict[str, float]) -> Iterator[None]:
    start = time.perf_counter()
    yield
    results[label] = time.perf_counter() - start


def peak_rss_mb(children: bool = False) -> float:
    who = resource.RUSAGE_CHILDREN if children else resource.RUSAGE_SELF
    return resource.getrusage(who).ru_maxrss / 1024
