"""spaCy-style JSONL: one document per line, with character offsets.

Accepted lines:

- ``Doc.to_json()`` output: ``{"text": ..., "ents": [{"start", "end", "label"}], "spans": {"sc": [...]}}``
  (span groups: the key in option ``span_key``, default ``sc``; ``span_key=none`` reads only ``ents``);
- Prodigy-style ``{"text": ..., "spans": [{"start", "end", "label"}]}``;
- the training tuple ``["text", {"entities": [[start, end, label], ...]}]``.

The doc id comes from ``doc_id``, ``meta.doc_id`` or ``id`` (when it is a valid doc id), else from
the text: the SHA-256 of its NFC-normalised form is looked up among the gold texts. A line whose
text is not the stored text of its document is rejected with a reason; a text that differs only by
the ingest normalisation (CRLF, decomposed accents) is accepted and its offsets are converted, with
a notice. Offsets are code points (Python ``str`` indices, as spaCy's ``start_char``/``end_char``).
A span present both in ``ents`` and in a span group is kept once. The layer comes from the label
(labels.json), else ``ctx.layer``.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ...textnorm import normalise, text_sha256
from ..adapters import FormatContext, Records, register
from . import TextMap, doc_id_from, doc_ids_by_hash, first_difference, json_lines, layer_for, layers_of_labels, notice, short, where

ID_KEYS = (lambda d: d["doc_id"], lambda d: d["meta"]["doc_id"], lambda d: d["id"])


def raw_entities(data: Any, span_key: str | None) -> tuple[str | None, Mapping[str, Any], list[tuple[str, Any]]] | str:
    """(text, the object holding ids, [(where, entity)]) of one line, or the reason it is not a spaCy doc."""
    if isinstance(data, list):
        if len(data) != 2 or not isinstance(data[0], str) or not isinstance(data[1], Mapping):
            return "expected an object, or a [text, {\"entities\": [...]}] pair"
        ents = data[1].get("entities", [])
        if not isinstance(ents, list):
            return "entities must be a list of [start, end, label]"
        found = [(f"entities[{i}]", {"start": e[0], "end": e[1], "label": e[2]} if isinstance(e, list) and len(e) == 3 else e)
                 for i, e in enumerate(ents)]
        return data[0], data[1], found
    if not isinstance(data, Mapping):
        return "expected a JSON object (a spaCy doc) or a [text, annotations] pair"
    text = data.get("text")
    if text is not None and not isinstance(text, str):
        return "text must be a string"
    found = []
    ents = data.get("ents", [])
    if not isinstance(ents, list):
        return "ents must be a list"
    found += [(f"ents[{i}]", e) for i, e in enumerate(ents)]
    groups = data.get("spans")
    if isinstance(groups, list):  # Prodigy
        found += [(f"spans[{i}]", e) for i, e in enumerate(groups)]
    elif isinstance(groups, Mapping) and span_key is not None:
        group = groups.get(span_key, [])
        if not isinstance(group, list):
            return f"spans.{span_key} must be a list"
        found += [(f"spans.{span_key}[{i}]", e) for i, e in enumerate(group)]
    elif groups is not None and not isinstance(groups, Mapping):
        return "spans must be an object of span groups or a list of spans"
    return text, data, found


def read_line(number: int, data: Any, ctx: FormatContext, span_key: str | None, hashes: Mapping[str, str], layers: Mapping[str, str],
              path: Path) -> Iterator[tuple[int, Any]]:
    """Reasons, then the record for one line."""
    parsed = raw_entities(data, span_key)
    if isinstance(parsed, str):
        yield number, parsed
        return
    raw, holder, entities = parsed
    doc_id = doc_id_from(holder, ID_KEYS)
    if doc_id is None and raw is not None:
        doc_id = hashes.get(text_sha256(normalise(raw)))
    if doc_id is None:
        why = "its text matches no gold document" if raw is not None else "it has no text to match"
        yield number, f"no doc id (doc_id, meta.doc_id or id) and {why}; line not read"
        return
    stored = ctx.texts.get(doc_id)
    mapping: TextMap | None = None
    if raw is not None and stored is not None and raw != stored:
        mapping = TextMap.between(raw, stored)
        if mapping is None:
            at = first_difference(normalise(raw), stored)
            yield number, (f"text differs from the stored text of {doc_id} at offset {at} "
                           f"({short(normalise(raw)[at:at + 20])} vs {short(stored[at:at + 20])}); line not read")
            return
        notice(ctx, f"{where(path, number)}: text of {doc_id} differs from the stored text only by normalisation; offsets converted")
    source = raw if raw is not None else stored
    spans: list[dict[str, Any]] = []
    seen: set[tuple[int, int, str]] = set()
    for at, ent in entities:
        span = _span(ent, source, mapping, stored)
        if isinstance(span, str):
            yield number, f"{doc_id}: {at}: {span}"
            continue
        key = (span["start"], span["end"], span["label"])
        if key in seen:
            notice(ctx, f"{where(path, number)}: {doc_id}: {at} repeats a span already read; kept once")
            continue
        seen.add(key)
        span["layer"] = layer_for(span["label"], layers, ctx)
        spans.append(span)
    yield number, {"doc_id": doc_id, "spans": spans}


def _span(ent: Any, source: str | None, mapping: TextMap | None, stored: str | None) -> dict[str, Any] | str:
    if not isinstance(ent, Mapping):
        return "expected {\"start\", \"end\", \"label\"}"
    start, end, label = ent.get("start"), ent.get("end"), ent.get("label")
    if type(start) is not int or type(end) is not int or not 0 <= start < end:
        return f"offsets must be integers with 0 <= start < end, got start={start!r} end={end!r}"
    if not isinstance(label, str) or not label:
        return f"label must be a non-empty string, got {label!r}"
    if source is not None and end > len(source):
        return f"[{start}, {end}) is beyond the end of the text ({len(source)} code points)"
    if mapping is not None:
        mapped = mapping.span(start, end)
        if mapped is None:
            return f"[{start}, {end}) cuts a character sequence that the stored text merges"
        start, end = mapped
    text = stored if stored is not None else source
    out: dict[str, Any] = {"label": label, "start": start, "end": end}
    if text is not None:
        out["text"] = text[start:end]
    return out


def read_spacy(path: Path, ctx: FormatContext) -> Records:
    """Exchange records from spaCy-style JSONL (see the module docstring).

    Args:
        path: the JSONL file.
        ctx: document texts (doc id -> stored text), the default layer, and options (span_key, labels, notices).

    Returns:
        An iterator of ``(line, record)`` with exchange-format records, or ``(line, reason)`` for input
        that is not scored.

    Raises:
        InputError: the path cannot be read, or an option has a value that is not allowed.
    """
    key = ctx.options.get("span_key", "sc")
    span_key = None if key in (None, "none", "") else str(key)
    hashes = doc_ids_by_hash(ctx.texts)
    layers = layers_of_labels(ctx)
    lines = list(json_lines(path))
    return _generate(lines, ctx, span_key, hashes, layers, path)


def _generate(lines: Sequence[tuple[int, Any]], ctx: FormatContext, span_key: str | None, hashes: Mapping[str, str],
              layers: Mapping[str, str], path: Path) -> Records:
    for number, data in lines:
        if isinstance(data, str):
            yield number, data
            continue
        yield from read_line(number, data, ctx, span_key, hashes, layers, path)


register("spacy", read_spacy)
