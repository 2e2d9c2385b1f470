"""Label Studio JSON exports: a list of tasks, each with its annotations.

A task is ``{"data": {"doc_id": ..., "text": ...}, "annotations": [{"result": [...]}, ...]}``.
From each task one annotation is read: the first that was not cancelled (option
``annotation=last``: the last; option ``source=predictions`` reads the task's model predictions
instead of its annotations). Result items:

- ``{"id", "from_name", "to_name", "type": "labels", "value": {"start", "end", "text", "labels"}}``:
  a span per label, with the region id as span id (further labels of one region get ``id#2``...).
  The layer comes from the label (labels.json), else from ``from_name`` when it names a layer.
- ``{"id", "type": "choices", "from_name", "value": {"choices": [...]}}`` with a region's id: the
  attribute ``from_name`` (a numbered control such as ``context_1`` is read as ``context``).
- ``{"from_id", "to_id", "type": "relation", "direction", "labels": [...]}``: a relation per label,
  from ``from_id`` to ``to_id`` (reversed for ``direction: "left"``).

Offsets: Label Studio 1.x counts code points; older versions counted UTF-16 code units (label-studio
issues #539, #1347), which differ after any emoji or other non-BMP character. A region is read as
code points when ``value.text`` equals that slice of the text, else as UTF-16 (with a notice), and
is rejected with a reason when neither fits (or when it records no text and the readings differ).
``data.text`` must be the stored text of ``data.doc_id`` (up to the ingest normalisation, whose
offsets are converted); without ``data.doc_id`` the task is matched to a document by its text.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ...textnorm import normalise, text_sha256
from ..adapters import FormatContext, Records, register
from . import (
    TextMap,
    choice,
    doc_id_from,
    doc_ids_by_hash,
    first_difference,
    json_items,
    layers_of_labels,
    notice,
    scheme,
    short,
    utf16_to_codepoints,
    where,
)

ANNOTATION = ("first", "last")
SOURCES = ("annotations", "predictions")
NUMBERED = re.compile(r"^(.+)_\d+$")


def pick_annotation(task: Mapping[str, Any], which: str, source: str = "annotations") -> Mapping[str, Any] | None:
    """The first (or last) item of ``task[source]`` (annotations or predictions) that was not cancelled."""
    items = task.get(source)
    annotations = [a for a in items if isinstance(a, Mapping) and not a.get("was_cancelled")] if isinstance(items, list) else []
    if not annotations:
        return None
    return annotations[0] if which == "first" else annotations[-1]


def same_text(piece: str, recorded: str) -> bool:
    """`recorded` spells `piece` (the frontend stores a line break inside a region as backslash-n)."""
    return piece == recorded or ("\n" in piece and piece.replace("\n", "\\n") == recorded)


def region_offsets(raw: str, utf16: list[int] | None, value: Mapping[str, Any]) -> tuple[int, int, bool] | str:
    """Code-point ``(start, end, read_as_utf16)`` of a region over `raw`, or the reason it fits no reading."""
    start, end, recorded = value.get("start"), value.get("end"), value.get("text")
    if type(start) is not int or type(end) is not int or not 0 <= start < end:
        return f"offsets must be integers with 0 <= start < end, got start={start!r} end={end!r}"
    if recorded is not None and not isinstance(recorded, str):
        return f"value.text must be a string, got {type(recorded).__name__}"
    readings: list[tuple[int, int, bool]] = []
    if end <= len(raw):
        readings.append((start, end, False))
    if utf16 is not None and end < len(utf16) and utf16[start] >= 0 and utf16[end] >= 0:
        readings.append((utf16[start], utf16[end], True))
    if not readings:
        return f"[{start}, {end}) is beyond the end of the text ({len(raw)} code points)"
    if recorded is None:
        if utf16 is None or len({r[:2] for r in readings}) == 1:
            return readings[0]
        return f"[{start}, {end}) records no text, and reading it as code points or as UTF-16 gives different spans"
    for reading in readings:
        if same_text(raw[reading[0]:reading[1]], recorded):
            return reading
    return f"[{start}, {end}) covers {short(raw[start:end])}, not the recorded {short(recorded)} (as code points or UTF-16)"


def attribute_name(control: str, label_attrs: frozenset[str]) -> str:
    """The attribute a per-region `<Choices>` control stands for (``context_1`` -> ``context`` when that is the attribute)."""
    if control in label_attrs:
        return control
    m = NUMBERED.match(control)
    return m.group(1) if m and m.group(1) in label_attrs else control


def read_task(number: int, task: Any, ctx: FormatContext, which: tuple[str, str], hashes: Mapping[str, str], layers: Mapping[str, str],
              attrs_of: Mapping[str, frozenset[str]], path: Path) -> Iterator[tuple[int, Any]]:
    """Reasons, then the record for one task (nothing when it has no usable annotation)."""
    data = task.get("data") if isinstance(task, Mapping) else None
    if not isinstance(data, Mapping):
        yield number, "task has no 'data' object; not read"
        return
    raw = data.get("text")
    raw = raw if isinstance(raw, str) else None
    doc_id = doc_id_from(data, [lambda d: d["doc_id"], lambda d: d["meta"]["doc_id"]])
    if doc_id is None and raw is not None:
        doc_id = hashes.get(text_sha256(normalise(raw)))
    if doc_id is None:
        yield number, "task has no valid data.doc_id and its data.text matches no gold document; not read"
        return
    stored = ctx.texts.get(doc_id)
    mapping: TextMap | None = None
    if raw is None:
        raw = stored
    elif stored is not None and raw != stored:
        mapping = TextMap.between(raw, stored)
        if mapping is None:
            at = first_difference(normalise(raw), stored)
            yield number, f"data.text differs from the stored text of {doc_id} (first difference at offset {at}); task not read"
            return
        notice(ctx, f"{where(path, number)}: data.text of {doc_id} differs from the stored text only by normalisation; offsets converted")
    annotation = pick_annotation(task, *which)
    if annotation is None:
        notice(ctx, f"{where(path, number)}: task for {doc_id} has no {which[1]} item that was not cancelled; the document is not predicted")
        return
    results = annotation.get("result")
    if not isinstance(results, list):
        yield number, f"{doc_id}: the annotation's result is not a list; task not read"
        return
    utf16 = utf16_to_codepoints(raw) if raw is not None else None
    layer_names = set(layers.values())
    spans: list[dict[str, Any]] = []
    by_region: dict[str, list[dict[str, Any]]] = {}
    n_utf16 = 0
    refused: set[str] = set()  # regions rejected with a reason: their choices are not reported again
    later: list[Mapping[str, Any]] = []
    for i, item in enumerate(results):
        if not isinstance(item, dict):  # parsed JSON: objects are dicts
            yield number, f"{doc_id}: result[{i}] is not an object"
            continue
        if item.get("type") != "labels":
            later.append(item)
            continue
        rid = item.get("id") if isinstance(item.get("id"), str) and item.get("id") else f"r{i + 1}"
        value = item.get("value")
        labels = value.get("labels") if isinstance(value, dict) else None
        if not isinstance(labels, list) or not labels or not all(isinstance(x, str) and x for x in labels):
            refused.add(rid)
            yield number, f"{doc_id}: region {rid}: value.labels must be a non-empty list of labels"
            continue
        if raw is None:  # no text known: trust the offsets
            found: tuple[int, int, bool] | str = (value.get("start"), value.get("end"), False)  # type: ignore[assignment]
        else:
            found = region_offsets(raw, utf16, value)
        if isinstance(found, str):
            refused.add(rid)
            yield number, f"{doc_id}: region {rid}: {found}"
            continue
        start, end, as_utf16 = found
        n_utf16 += as_utf16
        if mapping is not None:
            mapped = mapping.span(start, end)
            if mapped is None:
                refused.add(rid)
                yield number, f"{doc_id}: region {rid}: [{start}, {end}) cuts a character sequence that the stored text merges"
                continue
            start, end = mapped
        text = stored if stored is not None else raw
        region: list[dict[str, Any]] = []
        for k, label in enumerate(labels):
            span: dict[str, Any] = {"id": rid if k == 0 else f"{rid}#{k + 1}", "label": label, "start": start, "end": end}
            layer = layers.get(label) or (item.get("from_name") if item.get("from_name") in layer_names else ctx.layer)
            span["layer"] = layer
            if text is not None:
                span["text"] = text[start:end]
            elif isinstance(value.get("text"), str):  # type: ignore[union-attr]
                span["text"] = value["text"]  # type: ignore[index]
            region.append(span)
        by_region.setdefault(rid, []).extend(region)
        spans.extend(region)
    if n_utf16:
        notice(ctx, f"{where(path, number)}: {doc_id}: {n_utf16} region(s) read as UTF-16 offsets (an older Label Studio export)")
    relations: list[dict[str, Any]] = []
    for item in later:
        kind = item.get("type")
        if kind == "choices":
            rid = item.get("id")
            value = item.get("value")
            values = value.get("choices") if isinstance(value, Mapping) else None
            control = str(item.get("from_name", ""))
            if rid in refused:
                continue
            if rid not in by_region:
                yield number, f"{doc_id}: choices {control!r} refer to region {rid!r}, which is not a readable region"
                continue
            if not isinstance(values, list) or len(values) != 1 or not isinstance(values[0], str):
                yield number, f"{doc_id}: choices {control!r} of region {rid}: expected exactly one chosen value, got {values!r}"
                continue
            for span in by_region[rid]:
                name = attribute_name(control, attrs_of.get(span["label"], frozenset()))
                span.setdefault("attributes", {})[name] = values[0]
        elif kind == "relation":
            head, tail, labels = item.get("from_id"), item.get("to_id"), item.get("labels")
            if not isinstance(head, str) or not isinstance(tail, str):
                yield number, f"{doc_id}: relation needs from_id and to_id, got {short(str(dict(item)))}"
                continue
            if not isinstance(labels, list) or not labels:
                yield number, f"{doc_id}: relation {head} -> {tail} has no label; not scored"
                continue
            if item.get("direction") == "left":
                head, tail = tail, head
            for label in labels:
                relations.append({"id": f"rel-{len(relations) + 1}", "label": label, "head": head, "tail": tail})
        else:
            notice(ctx, f"{where(path, number)}: {doc_id}: result item of type {kind!r} skipped (labels, choices and relation are read)")
    yield number, {"doc_id": doc_id, "spans": spans, "relations": relations}


def read_labelstudio(path: Path, ctx: FormatContext) -> Records:
    """Exchange records from a Label Studio JSON export (see the module docstring).

    Args:
        path: the JSON export (a list of tasks).
        ctx: document texts (doc id -> stored text), the default layer, and options (annotation, source, labels, notices).

    Returns:
        An iterator of ``(line, record)`` with exchange-format records, or ``(line, reason)`` for input
        that is not scored.

    Raises:
        InputError: the path cannot be read, or an option has a value that is not allowed.
    """
    which = (choice(ctx, "annotation", ANNOTATION, "first"), choice(ctx, "source", SOURCES, "annotations"))
    labels = scheme(ctx)
    layers = layers_of_labels(ctx, labels)
    attrs_of = {lab.name: frozenset(a.name for a in lab.attributes) for layer in labels.layers for lab in layer.labels} if labels else {}
    hashes = doc_ids_by_hash(ctx.texts)
    items = json_items(path)  # raises InputError for a missing file when first advanced; force it now
    first = next(items, None)

    def generate() -> Records:
        if first is None:
            return
        for number, task in [first, *items]:
            if isinstance(task, str):
                yield number, task
                continue
            if isinstance(task, list):  # a JSON array read line by line (JSONL of tasks is fine; nested lists are not)
                yield number, "expected a task object, got a list"
                continue
            yield from read_task(number, task, ctx, which, hashes, layers, attrs_of, path)

    return generate()


register("labelstudio", read_labelstudio)
