"""Validation checks: pure functions from parsed data and a context to findings.

Each check's docstring lists the codes it can emit. `CHECKS` is the registry the runner reads;
docs/checks.md is generated from it.
"""

from __future__ import annotations

import bisect
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..ids import is_valid_doc_id
from ..labels import LabelSet
from ..textnorm import is_normalised, text_sha256
from .findings import Finding

Data = Mapping[str, Any]


@dataclass(frozen=True, slots=True)
class Context:
    """What a check may know about the file at hand."""

    file: str
    kind: str  # document | annotation | prediction | splits
    labels: LabelSet
    line: int | None = None
    text: str | None = None  # the document text, when the document is known
    text_hash: str | None = None
    doc_ids: frozenset[str] = frozenset()  # all corpus doc ids (splits, predictions)
    stem: str | None = None  # file name stem, for file-name checks

    def finding(self, pointer: str, code: str, message: str) -> Finding:
        return Finding(self.file, self.line, pointer, code, message)


CheckFn = Callable[[Data, Context], Iterator[Finding]]


@dataclass(frozen=True, slots=True)
class Check:
    level: int
    kinds: frozenset[str]
    fn: CheckFn

    @property
    def codes(self) -> tuple[str, ...]:
        doc = self.fn.__doc__ or ""
        tail = doc.split("Codes:", 1)[1] if "Codes:" in doc else ""
        return tuple(c.strip(" .\n") for c in tail.split(",") if c.strip(" .\n"))


def _short(value: Any, limit: int = 40) -> str:
    text = repr(value)
    return text if len(text) <= limit else text[: limit - 3] + "..."


# ---------------------------------------------------------------- level 1
def check_file_name(data: Data, ctx: Context) -> Iterator[Finding]:
    """The id inside a file equals its file name. Codes: file-name-mismatch, doc-id-invalid."""
    if ctx.stem is None:
        return
    key = "id" if ctx.kind == "document" else "doc_id"
    value = data.get(key)
    if not is_valid_doc_id(value):
        yield ctx.finding(f"/{key}", "doc-id-invalid", f"doc id {_short(value)} is not a valid id")
    elif value != ctx.stem:
        yield ctx.finding(f"/{key}", "file-name-mismatch", f"{key} {value!r} but the file is named {ctx.stem}.json")


# ---------------------------------------------------------------- level 2
def check_text(data: Data, ctx: Context) -> Iterator[Finding]:
    """Document text is NFC with \\n line ends and matches its hash. Codes: text-not-nfc, text-has-cr, text-hash-mismatch."""
    text = data["text"]
    if "\r" in text:
        yield ctx.finding("/text", "text-has-cr", f"text contains {text.count(chr(13))} carriage return(s) at offset {text.index(chr(13))}")
    if not is_normalised(text.replace("\r", "")):
        yield ctx.finding("/text", "text-not-nfc", "text is not in Unicode NFC")
    actual = text_sha256(text)
    if data["text_sha256"] != actual:
        yield ctx.finding("/text_sha256", "text-hash-mismatch", f"recorded {data['text_sha256'][:12]}..., text hashes to {actual[:12]}...")


def check_doc_known(data: Data, ctx: Context) -> Iterator[Finding]:
    """The annotated document exists and has the recorded text. Codes: doc-unknown, text-hash-mismatch."""
    if ctx.text is None:
        yield ctx.finding("/doc_id", "doc-unknown", f"no document {data['doc_id']!r} in corpus/")
    elif "text_sha256" in data and data["text_sha256"] != ctx.text_hash:
        yield ctx.finding("/text_sha256", "text-hash-mismatch",
                          f"annotation records {data['text_sha256'][:12]}..., corpus text hashes to {ctx.text_hash[:12]}...")


def check_span_offsets(data: Data, ctx: Context) -> Iterator[Finding]:
    """Offsets are integers, ordered, in range, and cover the span's text.
    Codes: span-offset-not-integer, span-inverted, span-out-of-range, span-text-mismatch."""
    text = ctx.text
    if text is None:
        return
    for i, span in enumerate(data["spans"]):
        if "start" not in span:
            continue
        start, end = span["start"], span["end"]
        if type(start) is not int or type(end) is not int:
            yield ctx.finding(f"/spans/{i}/start", "span-offset-not-integer", f"offsets must be written as integers, got {start!r} and {end!r}")
        elif start >= end:
            yield ctx.finding(f"/spans/{i}/end", "span-inverted", f"start {start} >= end {end}")
        elif end > len(text):
            yield ctx.finding(f"/spans/{i}/end", "span-out-of-range", f"end {end} is past the end of the text ({len(text)} code points)")
        elif "text" in span and text[start:end] != span["text"]:
            yield ctx.finding(f"/spans/{i}/text", "span-text-mismatch",
                              f"text {_short(span['text'])} but [{start}, {end}) covers {_short(text[start:end])}")


def check_ids(data: Data, ctx: Context) -> Iterator[Finding]:
    """Span and relation ids are unique; relation ends exist; no span is annotated twice.
    Codes: span-id-duplicate, relation-id-duplicate, relation-dangling-arg, span-duplicate."""
    seen: dict[str, int] = {}
    keys: dict[tuple[Any, ...], int] = {}
    for i, span in enumerate(data["spans"]):
        sid = span.get("id")
        if sid is not None:
            if sid in seen:
                yield ctx.finding(f"/spans/{i}/id", "span-id-duplicate", f"span id {sid!r} already used at /spans/{seen[sid]}")
            else:
                seen[sid] = i
        if ctx.kind != "prediction" and "start" in span:
            key = (span["layer"], span["label"], span["start"], span["end"])
            if key in keys:
                where = f"{span['layer']}/{span['label']} [{span['start']}, {span['end']})"
                yield ctx.finding(f"/spans/{i}", "span-duplicate", f"same {where} as /spans/{keys[key]}")
            else:
                keys[key] = i
    rel_seen: set[str] = set()
    for i, rel in enumerate(data.get("relations", ())):
        rid = rel.get("id")
        if rid is not None:
            if rid in rel_seen:
                yield ctx.finding(f"/relations/{i}/id", "relation-id-duplicate", f"relation id {rid!r} already used")
            rel_seen.add(rid)
        for end in ("head", "tail"):
            if rel[end] not in seen:
                yield ctx.finding(f"/relations/{i}/{end}", "relation-dangling-arg", f"{end} {rel[end]!r} is no span id in this document")


# ---------------------------------------------------------------- level 3
def check_labels(data: Data, ctx: Context) -> Iterator[Finding]:
    """Layers, labels and attributes come from schema/labels.json.
    Codes: layer-unknown, label-unknown, attribute-unknown, attribute-value-invalid, attribute-missing."""
    layers = {layer.name: {lab.name: lab for lab in layer.labels} for layer in ctx.labels.layers}
    gold = ctx.kind != "prediction"
    for i, span in enumerate(data["spans"]):
        labels = layers.get(span["layer"])
        if labels is None:
            yield ctx.finding(f"/spans/{i}/layer", "layer-unknown", f"layer {span['layer']!r}; known: {', '.join(layers)}")
            continue
        spec = labels.get(span["label"])
        if spec is None:
            yield ctx.finding(f"/spans/{i}/label", "label-unknown", f"label {span['label']!r} in layer {span['layer']!r}; known: {', '.join(labels)}")
            continue
        attrs = span.get("attributes", {})
        allowed = {a.name: a for a in spec.attributes}
        for name, value in attrs.items():
            if name not in allowed:
                yield ctx.finding(f"/spans/{i}/attributes/{name}", "attribute-unknown",
                                  f"{spec.name} has no attribute {name!r}; allowed: {', '.join(allowed) or 'none'}")
            elif value not in allowed[name].values:
                yield ctx.finding(f"/spans/{i}/attributes/{name}", "attribute-value-invalid",
                                  f"{name}={value!r}; allowed: {', '.join(allowed[name].values)}")
        if gold:
            for name, attr in allowed.items():
                if attr.required and name not in attrs:
                    yield ctx.finding(f"/spans/{i}/attributes", "attribute-missing", f"{spec.name} requires attribute {name!r}")


def check_roles(data: Data, ctx: Context) -> Iterator[Finding]:
    """Relation roles exist and link allowed head and tail labels. Codes: role-unknown, role-head-type, role-tail-type."""
    by_id = {s["id"]: s for s in data["spans"] if "id" in s}
    for i, rel in enumerate(data.get("relations", ())):
        role = ctx.labels.role(rel["label"])
        if role is None:
            yield ctx.finding(f"/relations/{i}/label", "role-unknown",
                              f"role {rel['label']!r}; known: {', '.join(r.name for r in ctx.labels.roles)}")
            continue
        head, tail = by_id.get(rel["head"]), by_id.get(rel["tail"])
        if head is not None and head["label"] not in role.head:
            yield ctx.finding(f"/relations/{i}/head", "role-head-type", f"{role.name} cannot start at a {head['label']} span")
        if tail is not None and tail["label"] not in role.tail:
            yield ctx.finding(f"/relations/{i}/tail", "role-tail-type",
                              f"{role.name} cannot end at a {tail['label']} span; allowed: {', '.join(sorted(role.tail))}")


def check_scheme_version(data: Data, ctx: Context) -> Iterator[Finding]:
    """The file follows the current scheme version. Codes: scheme-version-mismatch."""
    if "scheme_version" in data and data["scheme_version"] != ctx.labels.version:
        yield ctx.finding("/scheme_version", "scheme-version-mismatch", f"file says {data['scheme_version']!r}, labels.json is {ctx.labels.version!r}")


# ---------------------------------------------------------------- level 4
def _overlaps(spans: Sequence[tuple[int, int, int]], nesting: bool) -> Iterator[tuple[int, int, bool]]:
    """Pairs (i, j, crossing) of overlapping spans given as (start, end, index); nested pairs only if not `nesting`."""
    order = sorted(spans, key=lambda s: (s[0], -s[1]))
    stack: list[tuple[int, int, int]] = []
    for start, end, idx in order:
        while stack and stack[-1][1] <= start:
            stack.pop()
        if stack:
            top = stack[-1]
            crossing = top[1] < end
            if crossing or not nesting:
                yield top[2], idx, crossing
        # keep the stack sorted by end descending: drop enclosing spans that end before this one
        if not stack or stack[-1][1] >= end:
            stack.append((start, end, idx))
        else:
            while stack and stack[-1][1] < end:
                stack.pop()
            stack.append((start, end, idx))


def check_overlap(data: Data, ctx: Context) -> Iterator[Finding]:
    """Each layer's overlap policy holds, and NAM entities never overlap.
    Codes: overlap-forbidden, overlap-crossing, nam-overlap."""
    spans = data["spans"]
    for layer in ctx.labels.layers:
        members = [(s["start"], s["end"], i) for i, s in enumerate(spans) if s["layer"] == layer.name]
        code = "overlap-crossing" if layer.overlap != "none" else "overlap-forbidden"
        for a, b, _ in _overlaps(members, nesting=layer.overlap != "none"):
            other = f"{_short(spans[a]['text'])} at /spans/{a}"
            yield ctx.finding(f"/spans/{b}", code, f"{_short(spans[b]['text'])} overlaps {other} ({layer.name}: {layer.overlap})")
    named = [(s["start"], s["end"], i) for i, s in enumerate(spans)
             if s["layer"] == "entities" and s.get("attributes", {}).get("mention") == "NAM"]
    for a, b, _ in _overlaps(named, nesting=False):
        yield ctx.finding(f"/spans/{b}", "nam-overlap", f"named mention {_short(spans[b]['text'])} overlaps {_short(spans[a]['text'])} at /spans/{a}")


def check_boilerplate(data: Data, ctx: Context) -> Iterator[Finding]:
    """No entity, event or attribution span overlaps a boilerplate block. Codes: span-in-boilerplate."""
    blocks = sorted((s["start"], s["end"]) for s in data["spans"] if s["layer"] == "structure")
    starts = [b[0] for b in blocks]
    for i, span in enumerate(data["spans"]):
        if span["layer"] == "structure":
            continue
        k = bisect.bisect_left(starts, span["end"]) - 1
        if k >= 0 and blocks[k][1] > span["start"]:
            yield ctx.finding(f"/spans/{i}", "span-in-boilerplate",
                              f"{span['layer']} span {_short(span['text'])} overlaps boilerplate [{blocks[k][0]}, {blocks[k][1]})")


def check_span_edges(data: Data, ctx: Context) -> Iterator[Finding]:
    """Spans neither start nor end with whitespace. Codes: span-edge-space."""
    for i, span in enumerate(data["spans"]):
        text = span["text"]
        if text[0].isspace() or text[-1].isspace():
            yield ctx.finding(f"/spans/{i}/text", "span-edge-space", f"{_short(text)} starts or ends with whitespace")


def check_relations_policy(data: Data, ctx: Context) -> Iterator[Finding]:
    """No relation is repeated; every CUE has content. Codes: relation-duplicate, cue-incomplete."""
    seen: set[tuple[str, str, str]] = set()
    has_content: set[str] = set()
    for i, rel in enumerate(data["relations"]):
        key = (rel["label"], rel["head"], rel["tail"])
        if key in seen:
            yield ctx.finding(f"/relations/{i}", "relation-duplicate", f"{rel['label']} {rel['head']} -> {rel['tail']} repeated")
        seen.add(key)
        if rel["label"] == "content":
            has_content.add(rel["head"])
    for i, span in enumerate(data["spans"]):
        if span["label"] == "CUE" and span["id"] not in has_content:
            yield ctx.finding(f"/spans/{i}", "cue-incomplete", f"CUE {_short(span['text'])} has no content relation")


# ---------------------------------------------------------------- splits
def check_splits(data: Data, ctx: Context) -> Iterator[Finding]:
    """Splits partition the corpus. Codes: split-unknown-doc, split-overlap, split-missing-doc."""
    owner: dict[str, str] = {}
    for name, ids in data["splits"].items():
        for i, doc_id in enumerate(ids):
            if doc_id not in ctx.doc_ids:
                yield ctx.finding(f"/splits/{name}/{i}", "split-unknown-doc", f"{doc_id!r} is not in corpus/")
            if doc_id in owner:
                yield ctx.finding(f"/splits/{name}/{i}", "split-overlap", f"{doc_id!r} is also in {owner[doc_id]}")
            owner.setdefault(doc_id, name)
    for doc_id in sorted(ctx.doc_ids - owner.keys()):
        yield ctx.finding("/splits", "split-missing-doc", f"{doc_id!r} belongs to no split")


ALL = frozenset({"document", "annotation", "prediction", "splits"})
ANN = frozenset({"annotation"})
SPANS = frozenset({"annotation", "prediction"})

CHECKS: tuple[Check, ...] = (
    Check(1, frozenset({"document", "annotation"}), check_file_name),
    Check(2, frozenset({"document"}), check_text),
    Check(2, SPANS, check_doc_known),
    Check(2, SPANS, check_span_offsets),
    Check(2, SPANS, check_ids),
    Check(2, frozenset({"splits"}), check_splits),
    Check(3, SPANS, check_labels),
    Check(3, SPANS, check_roles),
    Check(3, ANN, check_scheme_version),
    Check(4, ANN, check_overlap),
    Check(4, ANN, check_boilerplate),
    Check(4, ANN, check_span_edges),
    Check(4, ANN, check_relations_policy),
)


def schema_file(kind: str) -> str:
    return {"document": "document", "annotation": "annotation", "prediction": "prediction", "splits": "splits"}[kind] + ".schema.json"


def stem_of(path: Path) -> str:
    return path.name[: -len(".json")] if path.name.endswith(".json") else path.stem
