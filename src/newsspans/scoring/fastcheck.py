"""A fast yes/no check of one exchange-format line: when it says yes, the validator (levels 1-3)
would find nothing, so the scorer skips it; when it says no, the validator runs and names the problems.
tests/scoring/test_fastcheck.py checks the two agree on mutated lines."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from ..ids import is_valid_doc_id
from ..labels import LabelSet

LINE_KEYS = frozenset({"doc_id", "spans", "relations"})
SPAN_KEYS = frozenset({"id", "layer", "label", "start", "end", "text", "attributes", "score"})
REL_KEYS = frozenset({"id", "label", "head", "tail"})


@dataclass(frozen=True, slots=True)
class LineChecker:
    """Allowed labels per layer, attributes per label and role head/tail labels, from labels.json."""

    labels: Mapping[str, frozenset[str]]
    attributes: Mapping[str, Mapping[str, frozenset[str]]]  # label -> attribute -> values
    roles: Mapping[str, tuple[frozenset[str], frozenset[str]]]

    @classmethod
    def for_labels(cls, scheme: LabelSet) -> LineChecker:
        return cls(
            labels={layer.name: frozenset(layer.label_names) for layer in scheme.layers},
            attributes={lab.name: {a.name: frozenset(a.values) for a in lab.attributes} for layer in scheme.layers for lab in layer.labels},
            roles={r.name: (r.head, r.tail) for r in scheme.roles},
        )

    def ok(self, data: Any, text: str | None) -> bool:
        """True only if the line is certainly valid against `text` (offset checks skipped when it is None)."""
        return self.rows(data, text) is not None

    def rows(self, data: Any, text: str | None) -> tuple[dict[str, list[tuple]], list[tuple]] | None:
        """The line's spans grouped by layer as scorer rows and its relations, or None if the line may be invalid.

        Rows are `(start, end, label, text, id, attributes)`; relations `(role, head, tail, id)`.
        """
        if type(data) is not dict or not data.keys() <= LINE_KEYS or not is_valid_doc_id(data.get("doc_id")):
            return None
        spans = data.get("spans")
        if type(spans) is not list:
            return None
        label_of: dict[str, str] = {}
        layers: dict[str, list[tuple]] = {}
        for span in spans:
            if type(span) is not dict or not span.keys() <= SPAN_KEYS or None in span.values():  # JSON null is never allowed
                return None
            layer, label = span.get("layer"), span.get("label")
            if type(layer) is not str or type(label) is not str:
                return None
            layer_labels = self.labels.get(layer)
            if layer_labels is None or label not in layer_labels:
                return None
            start, end, t = span.get("start"), span.get("end"), span.get("text")
            if t is not None and (type(t) is not str or not t):
                return None
            if start is None and end is None:
                if t is None:
                    return None
            elif type(start) is not int or type(end) is not int or not 0 <= start < end:
                return None
            elif text is not None and (end > len(text) or (t is not None and text[start:end] != t)):
                return None
            attrs = span.get("attributes")
            if attrs is not None:
                allowed = self.attributes.get(label, {})
                if type(attrs) is not dict or any(type(v) is not str or v not in allowed.get(k, ()) for k, v in attrs.items()):
                    return None
            score = span.get("score")
            if score is not None and (type(score) not in (int, float)):
                return None
            sid = span.get("id")
            if sid is not None:
                if type(sid) is not str or not 0 < len(sid) <= 64 or sid in label_of:
                    return None
                label_of[sid] = label  # type: ignore[assignment]
            elif "id" in span:
                return None
            row = (start, end, label, t, sid, tuple(sorted(attrs.items())) if attrs else ())
            rows = layers.get(span["layer"])
            if rows is None:
                layers[span["layer"]] = [row]
            else:
                rows.append(row)
        relations = data.get("relations", [])
        if type(relations) is not list:
            return None
        rel_ids: set[str] = set()
        out_relations = []
        for rel in relations:
            if type(rel) is not dict or not rel.keys() <= REL_KEYS or not {"label", "head", "tail"} <= rel.keys():
                return None
            if type(rel["head"]) is not str or type(rel["tail"]) is not str or type(rel["label"]) is not str:
                return None
            role = self.roles.get(rel["label"])
            head, tail = label_of.get(rel["head"]), label_of.get(rel["tail"])
            if role is None or head is None or tail is None or head not in role[0] or tail not in role[1]:
                return None
            rid = rel.get("id")
            if "id" in rel:
                if type(rid) is not str or not 0 < len(rid) <= 64 or rid in rel_ids:
                    return None
                rel_ids.add(rid)
            out_relations.append((rel["label"], rel["head"], rel["tail"], rid))
        return layers, out_relations
