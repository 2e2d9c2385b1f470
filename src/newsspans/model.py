"""The data model: frozen records for documents, spans, relations and annotation sets.

Offsets are Unicode code points into the stored text, half-open ``[start, end)``.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from .errors import InputError
from .ids import check_doc_id
from .textnorm import text_sha256

Attributes = tuple[tuple[str, str], ...]


def freeze_attributes(attrs: Mapping[str, Any] | None) -> Attributes:
    """Sorted `(name, value)` pairs: a hashable, order-free form of a span's attributes."""
    return tuple(sorted((str(k), str(v)) for k, v in (attrs or {}).items()))


@dataclass(frozen=True, slots=True, order=True)
class Span:
    """One annotated or predicted span.

    `start`/`end` are None only for a string-level prediction (text without offsets).
    """

    doc_id: str
    layer: str
    start: int | None
    end: int | None
    label: str
    text: str | None = None
    id: str | None = field(default=None, compare=False)
    attributes: Attributes = field(default=(), compare=False)

    def __post_init__(self) -> None:
        if (self.start is None) != (self.end is None):
            raise InputError("start and end must be given together", field="start/end")
        if self.start is not None:
            if type(self.start) is not int or type(self.end) is not int:
                raise InputError("offsets must be integers", field="start/end")
            if not 0 <= self.start < self.end:  # type: ignore[operator]
                raise InputError(f"need 0 <= start < end, got [{self.start}, {self.end})", field="start/end")
        elif not self.text:
            raise InputError("a span needs offsets or text", field="text")

    @property
    def key(self) -> tuple[str, str, int | None, int | None, str]:
        """The scoring unit `(doc_id, layer, start, end, label)`."""
        return (self.doc_id, self.layer, self.start, self.end, self.label)

    @property
    def attrs(self) -> dict[str, str]:
        return dict(self.attributes)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], doc_id: str) -> Span:
        try:
            return cls(
                doc_id=doc_id,
                layer=data["layer"],
                start=data.get("start"),
                end=data.get("end"),
                label=data["label"],
                text=data.get("text"),
                id=data.get("id"),
                attributes=freeze_attributes(data.get("attributes")),
            )
        except KeyError as exc:
            raise InputError(f"span lacks required field {exc.args[0]!r}", field=exc.args[0]) from None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        if self.id is not None:
            out["id"] = self.id
        out.update(layer=self.layer, label=self.label)
        if self.start is not None:
            out.update(start=self.start, end=self.end)
        if self.text is not None:
            out["text"] = self.text
        if self.attributes:
            out["attributes"] = dict(self.attributes)
        return out


@dataclass(frozen=True, slots=True, order=True)
class Relation:
    """A labelled link (a role) from a head span id to a tail span id."""

    doc_id: str
    label: str
    head: str
    tail: str
    id: str | None = field(default=None, compare=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], doc_id: str) -> Relation:
        try:
            return cls(doc_id=doc_id, label=data["label"], head=data["head"], tail=data["tail"], id=data.get("id"))
        except KeyError as exc:
            raise InputError(f"relation lacks required field {exc.args[0]!r}", field=exc.args[0]) from None

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"id": self.id} if self.id is not None else {}
        out.update(label=self.label, head=self.head, tail=self.tail)
        return out


@dataclass(frozen=True, slots=True)
class Document:
    """An article: immutable text plus metadata."""

    id: str
    text: str
    metadata: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> Document:
        return cls(id=check_doc_id(data.get("id")), text=data["text"], metadata=dict(data.get("metadata", {})))

    def to_dict(self) -> dict[str, Any]:
        return {"id": self.id, "text_sha256": self.sha256, "metadata": dict(self.metadata), "text": self.text}


@dataclass(frozen=True, slots=True)
class AnnotationSet:
    """All spans and relations of one document by one source (gold, an annotator, or a system)."""

    doc_id: str
    spans: tuple[Span, ...] = ()
    relations: tuple[Relation, ...] = ()
    text_sha256: str | None = None
    meta: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @classmethod
    def from_dict(cls, data: Mapping[str, Any]) -> AnnotationSet:
        doc_id = check_doc_id(data.get("doc_id"))
        meta = {k: v for k, v in data.items() if k not in {"doc_id", "spans", "relations", "text_sha256"}}
        return cls(
            doc_id=doc_id,
            spans=tuple(Span.from_dict(s, doc_id) for s in data.get("spans", ())),
            relations=tuple(Relation.from_dict(r, doc_id) for r in data.get("relations", ())),
            text_sha256=data.get("text_sha256"),
            meta=meta,
        )

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {"doc_id": self.doc_id}
        if self.text_sha256 is not None:
            out["text_sha256"] = self.text_sha256
        out.update(self.meta)
        out["spans"] = [s.to_dict() for s in sorted(self.spans, key=span_sort_key)]
        out["relations"] = [r.to_dict() for r in self.relations]
        return out

    def to_exchange(self, layers: Iterable[str] | None = None) -> dict[str, Any]:
        """The exchange-format record (one JSONL line), optionally restricted to `layers`.

        Relations are kept only when both ends survive the layer filter.
        """
        keep = set(layers) if layers is not None else None
        spans = [s for s in sorted(self.spans, key=span_sort_key) if keep is None or s.layer in keep]
        ids = {s.id for s in spans}
        rels = [r for r in self.relations if r.head in ids and r.tail in ids]
        return {"doc_id": self.doc_id, "spans": [s.to_dict() for s in spans], "relations": [r.to_dict() for r in rels]}


def span_sort_key(span: Span) -> tuple[Any, ...]:
    """Canonical order: layer, start, longer first, label."""
    start = -1 if span.start is None else span.start
    end = -1 if span.end is None else span.end
    return (span.layer, start, -end, span.label, span.text or "")
