"""Gold and prediction sets for the scorer, read and checked line by line.

Every prediction is either scored or rejected with a reason: a problem with one span rejects that
span (and relations that use it); a problem with the line itself (JSON, doc id) rejects the line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import InputError
from ..labels import LabelSet
from ..model import AnnotationSet, Relation, Span, freeze_attributes
from ..project import Project
from ..textnorm import text_sha256
from ..validate.checks import Context
from ..validate.runner import Run


@dataclass(frozen=True, slots=True)
class Rejection:
    """A prediction (or line) that was not scored, and why."""

    file: str
    line: int | None
    field: str
    reason: str

    def render(self) -> str:
        where = self.file + (f":{self.line}" if self.line is not None else "")
        return f"{where}: {self.field or '-'}: {self.reason}"

    def to_dict(self) -> dict[str, Any]:
        return {"file": self.file, "line": self.line, "field": self.field, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class GoldSet:
    """The reference: documents (in order), their texts when known, spans and relations."""

    name: str
    sha256: str
    split: str | None
    doc_ids: tuple[str, ...]
    annotations: Mapping[str, AnnotationSet]
    texts: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class PredSet:
    """A system's output restricted to what passed the checks, with every rejection."""

    name: str
    annotations: Mapping[str, AnnotationSet]
    rejected: tuple[Rejection, ...]
    n_spans_read: int
    n_spans_rejected: int
    unknown_docs: tuple[str, ...]


def gold_from_corpus(corpus: Corpus, split: str | None, name: str = "newsspans") -> GoldSet:
    """The bundled gold of `split` (all annotated documents when None)."""
    ids = tuple(d for d in corpus.doc_ids(split) if d in corpus.gold)
    return GoldSet(name=f"{name}-{corpus.version}", sha256=corpus.content_hash(split), split=split or "all", doc_ids=ids,
                   annotations={d: corpus.gold[d] for d in ids}, texts={d: corpus.documents[d].text for d in ids})


def gold_from_records(records: Iterable[Mapping[str, Any]], name: str) -> GoldSet:
    """Gold given as exchange-format records (texts unknown: offsets are checked against each other only)."""
    anns: dict[str, AnnotationSet] = {}
    digest = []
    for record in records:
        ann = AnnotationSet.from_dict({"doc_id": record["doc_id"], "spans": record.get("spans", []), "relations": record.get("relations", [])})
        if ann.doc_id in anns:
            raise InputError(f"doc id {ann.doc_id!r} appears twice in the gold", file=name, field="doc_id")
        anns[ann.doc_id] = ann
        digest.append(json.dumps(record, sort_keys=True, ensure_ascii=False))
    return GoldSet(name=Path(name).name, sha256=text_sha256("\n".join(digest)), split=None, doc_ids=tuple(anns), annotations=anns)


def read_exchange_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object or the JSON error message) for each non-blank line."""
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", file=str(path)) from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"invalid JSON: {exc.msg} (column {exc.colno})"


def check_predictions(records: Iterable[tuple[int, Any]], *, file: str, gold: GoldSet, labels: LabelSet,
                      project: Project) -> PredSet:
    """Validate exchange-format records (levels 1-3 of the validator) against the gold documents."""
    run = Run(project, labels, max_level=3)
    annotations: dict[str, AnnotationSet] = {}
    rejected: list[Rejection] = []
    seen: dict[str, int] = {}
    unknown: list[str] = []
    n_read = n_rejected = 0
    for number, data in records:
        if isinstance(data, str):
            rejected.append(Rejection(file, number, "", data))
            continue
        n_spans = len(data.get("spans", [])) if isinstance(data, dict) and isinstance(data.get("spans"), list) else 0
        n_read += n_spans
        doc_id = data.get("doc_id") if isinstance(data, dict) else None
        if isinstance(doc_id, str) and doc_id in seen:
            rejected.append(Rejection(file, number, "doc_id", f"{doc_id!r} already predicted on line {seen[doc_id]}; line ignored"))
            n_rejected += n_spans
            continue
        if isinstance(doc_id, str) and doc_id not in gold.annotations:
            unknown.append(doc_id)
            rejected.append(Rejection(file, number, "doc_id", f"document {doc_id!r} is not in the gold set ({gold.name}, split {gold.split})"))
            n_rejected += n_spans
            continue
        text = gold.texts.get(doc_id) if isinstance(doc_id, str) else None
        ctx = Context(file, "prediction", labels, line=number, text=text, text_hash=text_sha256(text) if text is not None else None)
        findings = run.check(data, ctx) if text is not None else [f for f in run.check(data, ctx) if f.code != "doc-unknown"]
        bad: dict[str, set[int]] = {"spans": set(), "relations": set()}
        line_ok = True
        for finding in findings:
            parts = finding.pointer.split("/")
            if len(parts) > 2 and parts[1] in bad and parts[2].isdigit():
                bad[parts[1]].add(int(parts[2]))
            else:
                line_ok = False
            rejected.append(Rejection(file, number, finding.pointer.lstrip("/") or "line", f"[{finding.code}] {finding.message}"))
        if not line_ok:
            n_rejected += n_spans
            continue
        annotations[doc_id] = _build(data, doc_id, bad, file, number, rejected)
        n_rejected += len(bad["spans"])
        seen[doc_id] = number
    return PredSet(file, annotations, tuple(rejected), n_read, n_rejected, tuple(unknown))


def _build(data: Mapping[str, Any], doc_id: str, bad: Mapping[str, set[int]], file: str, line: int,
           rejected: list[Rejection]) -> AnnotationSet:
    spans = []
    ids = set()
    for i, raw in enumerate(data.get("spans", [])):
        if i in bad["spans"]:
            continue
        spans.append(Span(doc_id, raw["layer"], raw.get("start"), raw.get("end"), raw["label"], raw.get("text"), raw.get("id"),
                          freeze_attributes(raw.get("attributes"))))
        if raw.get("id") is not None:
            ids.add(raw["id"])
    relations = []
    for i, raw in enumerate(data.get("relations", []) or []):
        if i in bad["relations"]:
            continue
        if isinstance(raw, dict) and raw.get("head") in ids and raw.get("tail") in ids and isinstance(raw.get("label"), str):
            relations.append(Relation(doc_id, raw["label"], raw["head"], raw["tail"], raw.get("id")))
        else:
            rejected.append(Rejection(file, line, f"relations/{i}", "relation not scored: an end is missing or was rejected"))
    return AnnotationSet(doc_id, tuple(spans), tuple(relations))
