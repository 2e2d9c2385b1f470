"""Translating between newsspans spans/relations and Label Studio result items.

A span is a `labels` item (`from_name` = its layer's `<Labels>`), each attribute a `choices`
item with the same region id (`from_name` = the attribute's per-region `<Choices>`), each
relation a `relation` item between region ids. Span ids become region ids on the way out and
region ids become span ids on the way back, so relations and attributes survive a round trip.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import AlignmentError, InputError
from ..model import AnnotationSet, Relation, Span, freeze_attributes
from .config import ControlMap
from .offsets import CODE_POINTS, UTF16, Reader

AUTO = "auto"
READINGS = (AUTO, CODE_POINTS, UTF16)

MAX_ID = 64


@dataclass(frozen=True, slots=True)
class Converted:
    """Spans and relations read from one annotation, what was refused, and what was adjusted."""

    annotation: AnnotationSet
    problems: tuple[str, ...] = ()  # any problem refuses the whole annotation
    notes: tuple[str, ...] = ()  # adjustments that lose nothing (UTF-16 readings, dropped hidden attributes)


@dataclass(frozen=True, slots=True)
class Outgoing:
    """Result items for one document, and the spans or relations left out with the reason."""

    results: list[dict[str, Any]] = field(default_factory=list)
    skipped: tuple[str, ...] = ()


# ------------------------------------------------------------------ newsspans -> Label Studio
def to_results(ann: AnnotationSet, text: str, cmap: ControlMap, scores: Mapping[str, float] | None = None) -> Outgoing:
    """Result items (a prediction's `result`) for the spans and relations of `ann` over `text`.

    Spans without offsets (string-level predictions), with offsets that do not cover their text,
    or with labels outside the config are left out and listed in `skipped`; so are relations
    whose ends were left out.
    """
    layers = dict(cmap.layers)
    results: list[dict[str, Any]] = []
    skipped: list[str] = []
    kept: dict[str, str] = {}  # span id -> label
    used: set[str] = {s.id for s in ann.spans if s.id}
    counter = 0
    for span in ann.spans:
        where = f"span {span.id}" if span.id else f"span {span.text!r}"
        if span.start is None or span.end is None:
            skipped.append(f"{where}: no offsets (string-level)")
            continue
        if span.label not in layers.get(span.layer, ()):
            skipped.append(f"{where}: {span.layer}/{span.label} is not in the labeling config")
            continue
        if span.end > len(text) or (span.text is not None and text[span.start:span.end] != span.text):
            skipped.append(f"{where}: [{span.start}, {span.end}) does not cover {span.text!r} in the document")
            continue
        rid = span.id
        if not rid or rid in kept:
            counter += 1
            while f"p{counter}" in used:
                counter += 1
            rid = f"p{counter}"
            used.add(rid)
        kept[rid] = span.label
        value = {"start": span.start, "end": span.end, "text": text[span.start:span.end]}
        item: dict[str, Any] = {"id": rid, "from_name": span.layer, "to_name": cmap.text, "type": "labels",
                                "value": {**value, "labels": [span.label]}}
        if scores and span.id in scores:
            item["score"] = scores[span.id]
        results.append(item)
        for name, attr_value in span.attributes:
            ctl = next((c for c in cmap.attributes_for(span.label) if c.attribute == name and attr_value in c.values), None)
            if ctl is None:
                skipped.append(f"{where}: attribute {name}={attr_value!r} is not in the labeling config for {span.label}")
                continue
            results.append({"id": rid, "from_name": ctl.name, "to_name": cmap.text, "type": "choices",
                            "value": {**value, "choices": [attr_value]}})
    roles = set(cmap.roles)
    for rel in ann.relations:
        where = f"relation {rel.label} {rel.head}->{rel.tail}"
        if rel.label not in roles:
            skipped.append(f"{where}: role not in the labeling config")
        elif rel.head not in kept or rel.tail not in kept:
            skipped.append(f"{where}: an end was left out")
        else:
            results.append({"from_id": rel.head, "to_id": rel.tail, "type": "relation", "direction": "right", "labels": [rel.label]})
    return Outgoing(results, tuple(skipped))


# ------------------------------------------------------------------ Label Studio -> newsspans
@dataclass
class _Region:
    rid: str
    spans: list[Span] = field(default_factory=list)


def from_results(doc_id: str, text: str, results: Sequence[Mapping[str, Any]], cmap: ControlMap, *,
                 role_fits: Mapping[str, tuple[frozenset[str], frozenset[str]]] | None = None, offsets: str = AUTO) -> Converted:
    """Spans and relations of one Label Studio annotation over `text` (the corpus text).

    Args:
        doc_id: the document the annotation belongs to.
        text: the document's text in the corpus.
        results: the annotation's `result` list.
        cmap: the controls of the scheme's labeling config.
        role_fits: role -> (head labels, tail labels), to orient bidirectional relations and to
            pick the right span when one region carries labels of several layers.
        offsets: "auto" (code points, else UTF-16, per region; an annotation whose regions fit
            only the UTF-16 reading is read as UTF-16 throughout), "code points" or "UTF-16".

    Returns:
        The annotation, with every problem (any problem means: do not write it) and every
        harmless adjustment.
    """
    problems: list[str] = []
    notes: list[str] = []
    regions: dict[str, _Region] = {}
    choice_items: list[tuple[int, Mapping[str, Any]]] = []
    relation_items: list[tuple[int, Mapping[str, Any]]] = []
    label_items: list[tuple[int, Mapping[str, Any]]] = []
    for i, item in enumerate(results):
        kind = item.get("type")
        if kind == "relation":
            relation_items.append((i, item))
        elif kind == "choices" and cmap.attribute(str(item.get("from_name"))) is not None:
            choice_items.append((i, item))
        elif kind == "labels" and cmap.layer_of(str(item.get("from_name"))) is not None:
            label_items.append((i, item))
        else:
            problems.append(f"region {item.get('id', f'#{i}')}: {kind} from control {item.get('from_name')!r} is not part of the scheme")
    reader = Reader.of(text)
    order = _reading_order(reader, [item for _, item in label_items], offsets, notes)
    readings = [_read_labels(i, item, doc_id, reader, order, cmap, regions, problems) for i, item in label_items]
    if UTF16 in readings and reader.index is not None:
        notes.append(f"{readings.count(UTF16)} of {len(readings)} region(s) read as UTF-16 offsets (an older Label Studio export)")
    for i, item in choice_items:
        _read_choice(i, item, cmap, regions, problems, notes)
    relations = _read_relations(relation_items, regions, role_fits or {}, problems)
    spans = tuple(span for region in regions.values() for span in region.spans)
    return Converted(AnnotationSet(doc_id, spans, tuple(relations)), tuple(problems), tuple(notes))


def _region_id(item: Mapping[str, Any], index: int) -> str:
    rid = item.get("id")
    return rid if isinstance(rid, str) and 0 < len(rid) <= MAX_ID - 4 else f"r{index + 1}"


def _recorded(item: Mapping[str, Any]) -> tuple[object, object, str | None]:
    value = item.get("value")
    if not isinstance(value, Mapping):
        return None, None, None
    recorded = value.get("text")
    return value.get("start"), value.get("end"), recorded if isinstance(recorded, str) else None


def _reading_order(reader: Reader, items: Sequence[Mapping[str, Any]], offsets: str, notes: list[str]) -> tuple[str, ...]:
    if offsets not in READINGS:
        raise InputError(f"unknown offset reading {offsets!r}; choose one of {', '.join(READINGS)}", field="offsets")
    if offsets != AUTO:
        return (offsets,)
    if reader.index is None:
        return (CODE_POINTS,)
    fits = [reader.fits(*_recorded(item)) for item in items]
    only_utf16 = sum(1 for f in fits if f == {UTF16})
    only_cp = sum(1 for f in fits if f == {CODE_POINTS})
    if only_utf16 and only_cp:
        notes.append(f"mixed offsets: {only_cp} region(s) fit only as code points, {only_utf16} only as UTF-16; "
                     "regions that fit both were read as code points")
    return (UTF16, CODE_POINTS) if only_utf16 and not only_cp else (CODE_POINTS, UTF16)


def _read_labels(i: int, item: Mapping[str, Any], doc_id: str, reader: Reader, order: tuple[str, ...], cmap: ControlMap,
                 regions: dict[str, _Region], problems: list[str]) -> str | None:
    """Add the spans of one `labels` item to `regions`; returns the offset reading used (None: refused)."""
    rid = _region_id(item, i)
    layer = str(item["from_name"])
    value = item.get("value")
    if not isinstance(value, Mapping):
        problems.append(f"region {rid}: no value")
        return None
    labels = value.get("labels")
    if not isinstance(labels, list) or not labels:
        problems.append(f"region {rid}: has no label")
        return None
    try:
        where = reader.resolve(*_recorded(item), order)
    except AlignmentError as exc:
        problems.append(f"region {rid}: {exc}")
        return None
    text = reader.text
    region = regions.setdefault(rid, _Region(rid))
    for label in labels:
        if label not in cmap.labels_of(layer):
            problems.append(f"region {rid}: label {label!r} is not a {layer} label; known: {', '.join(cmap.labels_of(layer))}")
            continue
        try:
            region.spans.append(Span(doc_id, layer, where.start, where.end, label, text[where.start:where.end], id=rid))
        except InputError as exc:
            problems.append(f"region {rid}: {exc}")
    if len(region.spans) > 1:
        for n, span in enumerate(list(region.spans), start=1):
            region.spans[n - 1] = Span(span.doc_id, span.layer, span.start, span.end, span.label, span.text,
                                       id=f"{rid}-{n}", attributes=span.attributes)
    return where.reading


def _read_choice(i: int, item: Mapping[str, Any], cmap: ControlMap, regions: dict[str, _Region],
                 problems: list[str], notes: list[str]) -> None:
    rid = _region_id(item, i)
    ctl = cmap.attribute(str(item["from_name"]))
    if ctl is None:  # filtered by the caller
        return
    value = item.get("value") if isinstance(item.get("value"), Mapping) else {}
    choices = value.get("choices") if isinstance(value, Mapping) else None
    region = regions.get(rid)
    if region is None or not region.spans:
        problems.append(f"region {rid}: {ctl.attribute} chosen for a region that has no label")
        return
    if not isinstance(choices, list) or len(choices) != 1 or choices[0] not in ctl.values:
        problems.append(f"region {rid}: {ctl.attribute} must be one of {', '.join(ctl.values)}, got {choices!r}")
        return
    applied = False
    for n, span in enumerate(region.spans):
        if span.label in ctl.labels:
            attrs = {**span.attrs, ctl.attribute: choices[0]}
            region.spans[n] = Span(span.doc_id, span.layer, span.start, span.end, span.label, span.text, id=span.id,
                                   attributes=freeze_attributes(attrs))
            applied = True
    if not applied:
        labels = ", ".join(s.label for s in region.spans)
        notes.append(f"region {rid}: dropped {ctl.attribute}={choices[0]!r}, which {labels} does not have (left from an earlier label)")


def _pick(region: _Region, allowed: frozenset[str] | None) -> str:
    if allowed:
        for span in region.spans:
            if span.label in allowed:
                return span.id or region.rid
    return region.spans[0].id or region.rid


def _read_relations(items: Iterable[tuple[int, Mapping[str, Any]]], regions: Mapping[str, _Region],
                    role_fits: Mapping[str, tuple[frozenset[str], frozenset[str]]], problems: list[str]) -> list[Relation]:
    out: list[Relation] = []
    for _, item in items:
        a, b = item.get("from_id"), item.get("to_id")
        where = f"relation {a}->{b}"
        if a not in regions or b not in regions or not regions[a].spans or not regions[b].spans:  # type: ignore[index]
            missing = ", ".join(str(x) for x in (a, b) if x not in regions or not regions[x].spans)  # type: ignore[index]
            problems.append(f"{where}: no labelled region {missing}")
            continue
        roles = item.get("labels")
        if not isinstance(roles, list) or not roles:
            problems.append(f"{where}: has no role; choose one of the relation labels")
            continue
        for role in roles:
            heads, tails = role_fits.get(role, (frozenset(), frozenset()))
            head, tail = regions[a], regions[b]  # type: ignore[index]
            direction = item.get("direction", "right")
            backwards = direction == "bi" and heads and not any(s.label in heads for s in head.spans)
            if direction == "left" or backwards:
                head, tail = tail, head
            out.append(Relation(head.spans[0].doc_id, str(role), _pick(head, heads or None), _pick(tail, tails or None),
                                id=f"r{len(out) + 1}"))
    return out
