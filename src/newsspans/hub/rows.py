"""One row per released document for every config, with ClassLabel names already encoded as integers.

Standard library only: the integer codes come from the same `SchemeNames` lists as the ClassLabel
names of `features.py`.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from ..errors import IntegrityError, SchemaError
from ..model import AnnotationSet, Document, Span, span_sort_key
from .configs import ConfigSpec
from .scheme import NER_FILTER, NER_LAYER, SchemeNames, index
from .standoff import set_row_text
from .tokenize import ner_tokens


def _code(codes: Mapping[str, int], name: str, what: str, doc_id: str) -> int:
    try:
        return codes[name]
    except KeyError:
        raise SchemaError(f"{doc_id}: {what} {name!r} is not in the scheme; known: {', '.join(codes)}", field=what) from None


def conform(value: Any, shape: Any) -> Any:
    """`value` restricted to the keys of a struct `shape` (nested dicts), missing keys as None."""
    if isinstance(shape, dict):
        value = value if isinstance(value, Mapping) else {}
        return {key: conform(value.get(key), sub) for key, sub in shape.items()}
    return value


def _in_layer_order(spans: tuple[Span, ...], layer: str) -> list[Span]:
    return sorted((s for s in spans if s.layer == layer), key=lambda s: (s.start, -(s.end or 0), s.label))


class RowBuilder:
    """Builds the rows of every config for one scheme; holds only the name -> code tables."""

    def __init__(self, names: SchemeNames, metadata_shape: Any) -> None:
        self.names = names
        self.metadata_shape = metadata_shape
        self.layers, self.labels, self.roles, self.tags = (index(n) for n in (names.layers, names.labels, names.roles, names.tags))
        self.layer_labels = {k: index(v) for k, v in names.layer_labels.items()}
        self.attributes = {k: index(v) for k, v in names.attributes.items()}
        self.frame_roles = {k: index(v) for k, v in names.frame_roles.items()}
        self.argument_labels = {k: index(v) for k, v in names.argument_labels.items()}

    def row(self, spec: ConfigSpec, doc: Document, gold: AnnotationSet, *, withhold: bool) -> dict[str, Any]:
        """The row of `doc` in config `spec`; with `withhold`, every text-bearing field is None.

        Raises:
            SchemaError: a label, attribute value or role outside the scheme.
            IntegrityError: named mentions overlap (ner_tokens).
        """
        if spec.kind == "documents":
            row = self.document_row(doc, gold)
        elif spec.kind == "ner":
            row = self.ner_row(doc, gold)
        else:
            row = self.layer_row(doc, gold, str(spec.layer))
        return set_row_text(row, None) if withhold else row

    def _attrs(self, span: Span, names: tuple[str, ...]) -> dict[str, int | None]:
        given = dict(span.attributes)
        return {a: None if a not in given else _code(self.attributes[a], given[a], f"attribute {a}", span.doc_id) for a in names}

    def document_row(self, doc: Document, gold: AnnotationSet) -> dict[str, Any]:
        spans = [{
            "id": s.id, "layer": _code(self.layers, s.layer, "layer", doc.id), "label": _code(self.labels, s.label, "label", doc.id),
            "start": s.start, "end": s.end, "text": s.text, "attributes": self._attrs(s, tuple(self.attributes)),
        } for s in sorted(gold.spans, key=span_sort_key)]
        relations = [{"id": r.id, "label": _code(self.roles, r.label, "role", doc.id), "head": r.head, "tail": r.tail}
                     for r in gold.relations]
        meta = gold.meta
        annotation = {"scheme_version": meta.get("scheme_version"), "guidelines_version": meta.get("guidelines_version"),
                      "annotators": list(meta.get("annotators", ())), "status": meta.get("status")}
        return {"id": doc.id, "text": doc.text, "text_sha256": doc.sha256, "metadata": conform(doc.metadata, self.metadata_shape),
                "annotation": annotation, "spans": spans, "relations": relations}

    def layer_row(self, doc: Document, gold: AnnotationSet, layer: str) -> dict[str, Any]:
        labels, attr_names = self.layer_labels[layer], self.names.layer_attributes[layer]
        roles, arg_labels = self.frame_roles[layer], self.argument_labels[layer]
        by_id = {s.id: s for s in gold.spans}
        out = []
        for span in _in_layer_order(gold.spans, layer):
            item: dict[str, Any] = {"id": span.id, "label": _code(labels, span.label, f"{layer} label", doc.id)}
            item.update(self._attrs(span, attr_names))
            item.update(start=span.start, end=span.end, text=span.text)
            if roles:
                args = [(by_id[r.tail], r.label) for r in gold.relations if r.head == span.id and r.label in roles]
                item["arguments"] = [{
                    "role": roles[role], "id": tail.id, "label": _code(arg_labels, tail.label, f"{role} argument label", doc.id),
                    "start": tail.start, "end": tail.end, "text": tail.text,
                } for tail, role in sorted(args, key=lambda a: (a[0].start, a[0].end, roles[a[1]]))]
            out.append(item)
        return {"id": doc.id, "text": doc.text, "spans": out}

    def ner_row(self, doc: Document, gold: AnnotationSet) -> dict[str, Any]:
        key, value = NER_FILTER
        named = [(s.start, s.end, s.label) for s in gold.spans if s.layer == NER_LAYER and dict(s.attributes).get(key) == value]
        try:
            tokens, tags = ner_tokens(doc.text, named)  # type: ignore[arg-type]
        except IntegrityError as exc:
            raise IntegrityError(f"{doc.id}: {exc}") from None
        return {"id": doc.id, "tokens": [doc.text[s:e] for s, e in tokens], "starts": [s for s, _ in tokens],
                "ends": [e for _, e in tokens], "ner_tags": [_code(self.tags, t, "tag", doc.id) for t in tags]}
