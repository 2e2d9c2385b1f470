"""Gold and prediction sets for the scorer, read and checked line by line.

Every prediction is either scored or rejected with a reason: a problem with one span rejects that
span (and relations that use it); a problem with the line itself (JSON, doc id) rejects the line.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..corpus import Corpus
from ..errors import InputError
from ..labels import LabelSet
from ..model import AnnotationSet, Relation, Span
from ..project import Project
from ..textnorm import text_sha256
from .fastcheck import LineChecker

if TYPE_CHECKING:  # the validator (and jsonschema) is imported only for lines that need it
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


# A span as the scorer keeps it: (start, end, label, text, id, attributes); start/end None for text-only spans.
Row = tuple[int | None, int | None, str, str | None, str | None, tuple[tuple[str, str], ...]]
RelRow = tuple[str, str, str, str | None]  # (role, head id, tail id, id)


@dataclass(frozen=True, slots=True)
class DocRecord:
    """One document's spans grouped by layer, and its relations: compact rows, not objects (speed)."""

    layers: Mapping[str, list[Row]]
    relations: tuple[RelRow, ...] = ()

    def to_annotation(self, doc_id: str) -> AnnotationSet:
        spans = tuple(Span(doc_id, layer, r[0], r[1], r[2], r[3], r[4], r[5]) for layer, rows in self.layers.items() for r in rows)
        return AnnotationSet(doc_id, spans, tuple(Relation(doc_id, r[0], r[1], r[2], r[3]) for r in self.relations))

    @classmethod
    def from_annotation(cls, ann: AnnotationSet) -> DocRecord:
        layers: dict[str, list[Row]] = {}
        for s in ann.spans:
            layers.setdefault(s.layer, []).append((s.start, s.end, s.label, s.text, s.id, s.attributes))
        return cls(layers, tuple((r.label, r.head, r.tail, r.id) for r in ann.relations))


@dataclass(frozen=True, slots=True)
class GoldSet:
    """The reference: documents (in order), their texts when known, spans and relations."""

    name: str
    sha256: str
    split: str | None
    doc_ids: tuple[str, ...]
    docs: Mapping[str, DocRecord]
    texts: Mapping[str, str] = field(default_factory=dict)

    @property
    def annotations(self) -> dict[str, AnnotationSet]:
        """The gold as AnnotationSets (built on each access)."""
        return {d: rec.to_annotation(d) for d, rec in self.docs.items()}


@dataclass(frozen=True, slots=True)
class PredSet:
    """A system's output restricted to what passed the checks, with every rejection."""

    name: str
    docs: Mapping[str, DocRecord]
    rejected: tuple[Rejection, ...]
    n_spans_read: int
    n_spans_rejected: int
    unknown_docs: tuple[str, ...]
    predicted_ids: frozenset[str] | None = None  # set when `docs` does not hold every predicted document

    @property
    def predicted(self) -> frozenset[str]:
        """Ids of the documents with a scored prediction line."""
        return frozenset(self.docs) if self.predicted_ids is None else self.predicted_ids

    @property
    def annotations(self) -> dict[str, AnnotationSet]:
        """The predictions as AnnotationSets (built on each access)."""
        return {d: rec.to_annotation(d) for d, rec in self.docs.items()}


def gold_from_corpus(corpus: Corpus, split: str | None, name: str = "newsspans") -> GoldSet:
    """The bundled gold of `split` (all annotated documents when None)."""
    ids = tuple(d for d in corpus.doc_ids(split) if d in corpus.gold)
    return GoldSet(name=f"{name}-{corpus.version}", sha256=corpus.content_hash(split), split=split or "all", doc_ids=ids,
                   docs={d: DocRecord.from_annotation(corpus.gold[d]) for d in ids}, texts={d: corpus.documents[d].text for d in ids})


def gold_from_records(records: Iterable[tuple[int, Any]], name: str, labels: LabelSet, sha256: str) -> GoldSet:
    """Gold given as exchange-format records (texts unknown: offsets are checked against each other only).

    Raises:
        InputError: listing every invalid gold line (gold is never partially accepted).
    """
    anns: dict[str, DocRecord] = {}
    problems: list[str] = []
    checker = LineChecker.for_labels(labels)
    for number, record in records:
        rows = None if isinstance(record, str) else checker.rows(record, None)
        if rows is None:
            problems.append(f"{name}:{number}: " + (record if isinstance(record, str) else "not a valid exchange-format line "
                                                     f"(run `newsspans validate --pred {name} --pred-only` for details)"))
            continue
        if record["doc_id"] in anns:
            problems.append(f"{name}:{number}: doc_id: {record['doc_id']!r} appears twice in the gold")
            continue
        anns[record["doc_id"]] = DocRecord(rows[0], tuple(rows[1]))
    if problems:
        more = f" (and {len(problems) - 20} more)" if len(problems) > 20 else ""
        raise InputError("invalid gold:\n" + "\n".join(problems[:20]) + more, file=name)
    return GoldSet(name=Path(name).name, sha256=sha256, split=None, doc_ids=tuple(anns), docs=anns)


def read_exchange_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line number, parsed object or the JSON error message) for each non-blank line."""
    try:
        handle = path.open("rb")
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", file=str(path)) from None
    with handle:
        for number, raw in enumerate(handle, start=1):
            try:
                line = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                yield number, f"not UTF-8: byte {exc.start + 1} of the line"
                continue
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, f"invalid JSON: {exc.msg} (column {exc.colno})"


class PredictionChecker:
    """Checks prediction lines one by one against the gold documents, counting every span as read,
    scored or rejected (used by `check_predictions` and, for the lines it cannot prove valid, by the
    fast reader)."""

    def __init__(self, *, file: str, gold: GoldSet, labels: LabelSet, project: Project, gold_ids: Collection[str] | None = None) -> None:
        self.file, self.gold, self.labels, self.project = file, gold, labels, project
        self.gold_ids = gold.docs if gold_ids is None else gold_ids
        self.checker = LineChecker.for_labels(labels)
        self._run: Run | None = None
        self.rejected: list[Rejection] = []
        self.seen: dict[str, int] = {}
        self.unknown: list[str] = []
        self.n_read = self.n_rejected = 0

    def admit(self, number: int, doc_id: Any, n_spans: int) -> bool:
        """Count the line's spans as read; reject it (False) for a repeated or unknown doc id."""
        self.n_read += n_spans
        if isinstance(doc_id, str) and doc_id in self.seen:
            self.rejected.append(Rejection(self.file, number, "doc_id", f"{doc_id!r} already predicted on line {self.seen[doc_id]}; line ignored"))
            self.n_rejected += n_spans
            return False
        if isinstance(doc_id, str) and doc_id not in self.gold_ids:
            self.unknown.append(doc_id)
            self.rejected.append(Rejection(self.file, number, "doc_id",
                                           f"document {doc_id!r} is not in the gold set ({self.gold.name}, split {self.gold.split})"))
            self.n_rejected += n_spans
            return False
        return True

    def accept(self, number: int, doc_id: str) -> None:
        """Mark `doc_id` as predicted on line `number`."""
        self.seen[doc_id] = number

    def check(self, number: int, data: Any) -> DocRecord | None:
        """The usable part of one record (a parsed line, or the reason it could not be read), or None."""
        if isinstance(data, str):
            self.rejected.append(Rejection(self.file, number, "", data))
            return None
        n_spans = len(data.get("spans", [])) if isinstance(data, dict) and isinstance(data.get("spans"), list) else 0
        doc_id = data.get("doc_id") if isinstance(data, dict) else None
        if not self.admit(number, doc_id, n_spans):
            return None
        text = self.gold.texts.get(doc_id) if isinstance(doc_id, str) else None
        rows = self.checker.rows(data, text)
        if rows is not None:  # the common case: no finding is possible, skip the validator
            self.accept(number, doc_id)  # type: ignore[arg-type]
            return DocRecord(rows[0], tuple(rows[1]))
        from ..validate.checks import Context
        from ..validate.runner import Run

        if self._run is None:
            self._run = Run(self.project, self.labels, max_level=3)
        ctx = Context(self.file, "prediction", self.labels, line=number, text=text,
                      text_hash=text_sha256(text) if text is not None else None)
        findings, bad, line_ok = screen(self._run, data, ctx)
        self.rejected += [Rejection(self.file, number, pointer.lstrip("/") or "line", f"[{f.code}] {f.message}") for pointer, f in findings]
        if not line_ok:
            self.n_rejected += n_spans
            return None
        record = _build(data, doc_id, bad, self.file, number, self.rejected)  # type: ignore[arg-type]
        self.n_rejected += len(bad["spans"])
        self.accept(number, doc_id)  # type: ignore[arg-type]
        return record

    def result(self, annotations: Mapping[str, DocRecord], predicted: frozenset[str] | None = None) -> PredSet:
        return PredSet(self.file, annotations, tuple(self.rejected), self.n_read, self.n_rejected, tuple(self.unknown), predicted)


def check_predictions(records: Iterable[tuple[int, Any]], *, file: str, gold: GoldSet, labels: LabelSet,
                      project: Project) -> PredSet:
    """Validate exchange-format records (levels 1-3 of the validator) against the gold documents."""
    checker = PredictionChecker(file=file, gold=gold, labels=labels, project=project)
    annotations: dict[str, DocRecord] = {}
    for number, data in records:
        record = checker.check(number, data)
        if record is not None:
            annotations[data["doc_id"]] = record
    return checker.result(annotations)


def screen(run: Run, data: Any, ctx: Context) -> tuple[list[tuple[str, Any]], dict[str, set[int]], bool]:
    """Validate a line (levels 1-3), dropping bad spans and relations and re-checking the rest until clean.

    The validator stops at the first level with findings; re-checking what remains makes sure nothing
    that reaches the scorer breaks a higher level. Returns (pointer in the original line, finding) pairs,
    the indices of rejected spans and relations, and whether the line as a whole is usable.
    """
    bad: dict[str, set[int]] = {"spans": set(), "relations": set()}
    out: list[tuple[str, Any]] = []
    for _ in range(5):  # each pass clears at least one level
        keep = {"spans": list(range(len(data["spans"]))), "relations": list(range(len(data.get("relations", []))))} \
            if isinstance(data, dict) and isinstance(data.get("spans"), list) and isinstance(data.get("relations", []), list) else None
        if keep is not None:
            for key in keep:
                keep[key] = [i for i in keep[key] if i not in bad[key]]
            view = {**data, "spans": [data["spans"][i] for i in keep["spans"]]}
            if "relations" in data:
                view["relations"] = [data["relations"][i] for i in keep["relations"]]
        else:
            view = data
        # without document texts (gold from a file) the document check cannot pass: skip it, check the rest
        findings = run.check(view, ctx, ignore=frozenset({"doc-unknown"}) if ctx.text is None else frozenset())
        if not findings:
            return out, bad, True
        line_ok = True
        for finding in findings:
            parts = finding.pointer.split("/")
            if keep is not None and len(parts) > 2 and parts[1] in bad and parts[2].isdigit() and int(parts[2]) < len(keep[parts[1]]):
                original = keep[parts[1]][int(parts[2])]
                bad[parts[1]].add(original)
                out.append(("/".join([*parts[:2], str(original), *parts[3:]]), finding))
            else:
                line_ok = False
                out.append((finding.pointer, finding))
        if not line_ok:
            return out, bad, False
    return out, bad, False


def _build(data: Mapping[str, Any], doc_id: str, bad: Mapping[str, set[int]], file: str, line: int,
           rejected: list[Rejection]) -> DocRecord:
    layers: dict[str, list[Row]] = {}
    ids = set()
    for i, raw in enumerate(data.get("spans", [])):
        if i in bad["spans"]:
            continue
        start, end = raw.get("start"), raw.get("end")
        if isinstance(start, float):  # JSON Schema's integer admits 3.0
            start, end = int(start), int(end)
        sid = raw.get("id")
        attrs = raw.get("attributes")
        layers.setdefault(raw["layer"], []).append((start, end, raw["label"], raw.get("text"), sid, tuple(sorted(attrs.items())) if attrs else ()))
        if sid is not None:
            ids.add(sid)
    relations = []
    for i, raw in enumerate(data.get("relations", []) or []):
        if i in bad["relations"]:
            continue
        if isinstance(raw, dict) and raw.get("head") in ids and raw.get("tail") in ids and isinstance(raw.get("label"), str):
            relations.append((raw["label"], raw["head"], raw["tail"], raw.get("id")))
        else:
            rejected.append(Rejection(file, line, f"relations/{i}", "relation not scored: an end is missing or was rejected"))
    return DocRecord(layers, tuple(relations))
