"""What every baseline shares: predicted spans, exchange-format records, the fit/predict protocol, timing."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Protocol

from newsspans.corpus import Corpus
from newsspans.model import Document

from .text import overlaps

STRUCTURE = "structure"


@dataclass(frozen=True, slots=True)
class PredSpan:
    """A predicted span: offsets into the document text, layer, label and attributes (sorted pairs)."""

    layer: str
    label: str
    start: int
    end: int
    attributes: tuple[tuple[str, str], ...] = ()


@dataclass(frozen=True, slots=True)
class PredRelation:
    """A predicted relation between two spans of the same prediction, by span."""

    label: str
    head: PredSpan
    tail: PredSpan


@dataclass(frozen=True, slots=True)
class Prediction:
    """All spans and relations a baseline predicts for one document."""

    spans: tuple[PredSpan, ...]
    relations: tuple[PredRelation, ...] = ()


@dataclass(frozen=True, slots=True)
class TuningRow:
    """One setting of a small hyperparameter grid and its dev score."""

    component: str
    setting: str
    dev_f1: float | None
    chosen: bool


@dataclass(frozen=True, slots=True)
class FitInfo:
    """What training produced, for the leaderboard (all deterministic given the repository)."""

    description: str
    tuning: tuple[TuningRow, ...] = ()
    model_bytes: int | None = None
    notes: tuple[str, ...] = ()


class Baseline(Protocol):
    name: str

    def fit(self, corpus: Corpus, log: Callable[[str], None]) -> FitInfo: ...

    def predict(self, doc: Document) -> Prediction: ...


@dataclass(frozen=True, slots=True)
class RunResult:
    """A baseline run over one split: exchange-format records, what fitting reported, and the wall times."""

    name: str
    split: str
    records: tuple[dict[str, Any], ...]
    fit: FitInfo
    train_seconds: float
    predict_seconds: float
    extra: dict[str, Any] = field(default_factory=dict)


def run_baseline(baseline: Baseline, corpus: Corpus, split: str, log: Callable[[str], None] = lambda _m: None) -> RunResult:
    """Fit `baseline` (on the corpus's train/dev gold where it learns) and predict every document of `split`.

    Raises:
        InputError: for an unknown split.
    """
    doc_ids = corpus.doc_ids(split)
    t0 = time.perf_counter()
    info = baseline.fit(corpus, log)
    t1 = time.perf_counter()
    records = tuple(to_record(corpus.documents[d], baseline.predict(corpus.documents[d])) for d in doc_ids)
    t2 = time.perf_counter()
    return RunResult(baseline.name, split, records, info, t1 - t0, t2 - t1)


def to_record(doc: Document, pred: Prediction) -> dict[str, Any]:
    """One exchange-format line: spans with offsets and text (ids only where a relation refers to them)."""
    spans = sorted(set(pred.spans), key=lambda s: (s.layer, s.start, -s.end, s.label, s.attributes))
    linked = {r.head for r in pred.relations} | {r.tail for r in pred.relations}
    ids = {s: f"s{i}" for i, s in enumerate((s for s in spans if s in linked), start=1)}
    out_spans = []
    for s in spans:
        item: dict[str, Any] = {}
        if s in ids:
            item["id"] = ids[s]
        item.update(layer=s.layer, label=s.label, start=s.start, end=s.end, text=doc.text[s.start:s.end])
        if s.attributes:
            item["attributes"] = dict(s.attributes)
        out_spans.append(item)
    rels = []
    seen = set()
    for r in pred.relations:
        key = (r.label, ids.get(r.head), ids.get(r.tail))
        if None in key or key in seen:
            continue
        seen.add(key)
        rels.append({"id": f"r{len(rels) + 1}", "label": r.label, "head": key[1], "tail": key[2]})
    return {"doc_id": doc.id, "spans": out_spans, "relations": rels}


def outside_blocks(spans: Iterable[PredSpan], blocks: Sequence[tuple[int, int]]) -> list[PredSpan]:
    """Spans that overlap no boilerplate block (guidelines 1.4: nothing is annotated inside boilerplate)."""
    return [s for s in spans if not any(overlaps((s.start, s.end), b) for b in blocks)]


def longest_first(candidates: Iterable[PredSpan]) -> list[PredSpan]:
    """A non-overlapping subset: earliest start first, longer before shorter, then greedy."""
    out: list[PredSpan] = []
    last_end = -1
    for s in sorted(candidates, key=lambda s: (s.start, -s.end, s.label, s.attributes)):
        if s.start >= last_end:
            out.append(s)
            last_end = s.end
    return out
