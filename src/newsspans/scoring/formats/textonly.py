"""Text-only predictions (what most LLM extractors emit): labelled strings, optionally aligned to offsets.

JSONL, one document per line, in any of these shapes:

- ``{"doc_id": ..., "entities": [{"label": "PER", "text": "Joe Biden"}, ...]}``
  (an entity may also give ``layer`` and ``attributes``);
- ``{"doc_id": ..., "entities": {"PER": ["Joe Biden", ...], "GPE": [...]}}``;
- the exchange format, whose spans without offsets carry ``text`` (spans with offsets pass unchanged).

Option ``align``:

- ``none`` (default): string-level spans, scored by the ``string`` mode only;
- ``all``: each (label, text) becomes a span at every whole-word occurrence of the text in the
  document (`newsspans.draft.occurrences`), except occurrences inside a longer predicted text
  with the same label (``Kursk`` inside ``Kursk Oblast``) when the text also occurs elsewhere;
  a text that occurs only inside longer ones (``SCALP`` in ``SCALP and Storm Shadow missiles``)
  is read as nested there, with a notice;
- ``first``: the first such occurrence only.

A text with no exact whole-word occurrence is looked for again with any curly or straight quote
for a quote and any whitespace for whitespace, then also ignoring case; the span keeps the
document's spelling. A text found nowhere is rejected with a reason. The same text predicted with
two labels is reported as a notice and both are kept. When aligning, a span's ``id`` goes to its
first occurrence, so relations between aligned spans keep their ends (use ``first`` for them).
"""

from __future__ import annotations

import unicodedata
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import Any

from ...draft import occurrences
from ...ids import is_valid_doc_id
from ..adapters import FormatContext, Records, register
from ..strings import normalise_surface
from . import choice, json_lines, layer_for, layers_of_labels, loose_pattern, notice, short, where

ALIGN = ("none", "all", "first")


def bounded(text: str, start: int, end: int) -> bool:
    """True when ``[start, end)`` neither starts nor ends inside a word (as `newsspans.draft.occurrences` requires)."""
    left = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    right = end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return left and right


def find(text: str, needle: str) -> tuple[list[tuple[int, int]], str]:
    """Whole-word occurrences of `needle` as ``(start, end)``, and how they were found ("" when exact)."""
    needle = unicodedata.normalize("NFC", needle)
    exact = [(s, s + len(needle)) for s in occurrences(text, needle)]
    if exact:
        return exact, ""
    for ignore_case, how in ((False, "with quote or whitespace variants"), (True, "ignoring case")):
        pattern = loose_pattern(needle.strip(), ignore_case=ignore_case)
        found = [(m.start(), m.end()) for m in pattern.finditer(text) if m.end() > m.start() and bounded(text, m.start(), m.end())]
        if found:
            return found, how
    return [], ""


def entities_of(data: Mapping[str, Any]) -> list[tuple[str, Any]] | str:
    """[(where, raw entity)] of one line, or the reason the line has none in a readable shape."""
    if "entities" in data:
        ents = data["entities"]
        if isinstance(ents, list):
            return [(f"entities[{i}]", e) for i, e in enumerate(ents)]
        if isinstance(ents, Mapping):
            out: list[tuple[str, Any]] = []
            for label, texts in ents.items():
                if not isinstance(texts, list):
                    return f"entities.{label} must be a list of strings"
                out += [(f"entities.{label}[{i}]", {"label": label, "text": t}) for i, t in enumerate(texts)]
            return out
        return "entities must be a list of {\"label\", \"text\"} or an object of label -> [text, ...]"
    spans = data.get("spans")
    if isinstance(spans, list):
        return [(f"spans[{i}]", s) for i, s in enumerate(spans)]
    return "expected 'entities' or 'spans'"


def read_line(number: int, data: Any, ctx: FormatContext, mode: str, layers: Mapping[str, str], path: Path) -> Iterator[tuple[int, Any]]:
    """Reasons, then the record for one line."""
    if not isinstance(data, Mapping):
        yield number, "expected a JSON object with doc_id and entities"
        return
    doc_id = data.get("doc_id")
    if not is_valid_doc_id(doc_id):
        yield number, f"doc_id {doc_id!r} is missing or not a valid doc id; line not read"
        return
    found = entities_of(data)
    if isinstance(found, str):
        yield number, f"{doc_id}: {found}"
        return
    text = ctx.texts.get(doc_id)
    if mode != "none" and text is None:
        notice(ctx, f"{where(path, number)}: no text for {doc_id}: its spans are kept at string level (align={mode} needs the text)")
        mode = "none"
    with_offsets: list[dict[str, Any]] = []
    wanted: list[tuple[str, dict[str, Any]]] = []  # (where, span without offsets)
    for at, raw in found:
        span = _span(raw, layers, ctx)
        if isinstance(span, str):
            yield number, f"{doc_id}: {at}: {span}"
        elif "start" in span:
            with_offsets.append(span)
        else:
            wanted.append((at, span))
    _report_ambiguous(wanted, ctx, path, number, doc_id)
    if mode == "none":
        spans = with_offsets + [s for _, s in wanted]
    else:
        aligned, notes, reasons = align(text or "", wanted, mode)
        for reason in reasons:
            yield number, f"{doc_id}: {reason}"
        for message in notes:
            notice(ctx, f"{where(path, number)}: {doc_id}: {message}")
        spans = with_offsets + aligned
    record: dict[str, Any] = {"doc_id": doc_id, "spans": spans}
    if isinstance(data.get("relations"), list):
        record["relations"] = data["relations"]
    yield number, record


def _span(raw: Any, layers: Mapping[str, str], ctx: FormatContext) -> dict[str, Any] | str:
    if not isinstance(raw, Mapping):
        return "expected {\"label\", \"text\"}"
    label, text = raw.get("label"), raw.get("text")
    if not isinstance(label, str) or not label:
        return f"label must be a non-empty string, got {label!r}"
    has_offsets = "start" in raw or "end" in raw
    if not has_offsets and (not isinstance(text, str) or not text.strip()):
        return f"text must be a non-empty string, got {text!r}"
    out = {k: v for k, v in raw.items() if k in ("id", "layer", "label", "start", "end", "text", "attributes", "score")}
    out.setdefault("layer", layer_for(label, layers, ctx))
    return out


def _report_ambiguous(wanted: Sequence[tuple[str, dict[str, Any]]], ctx: FormatContext, path: Path, number: int, doc_id: str) -> None:
    labels: dict[str, set[str]] = {}
    shown: dict[str, str] = {}
    for _, span in wanted:
        key = normalise_surface(span["text"])
        labels.setdefault(key, set()).add(span["label"])
        shown.setdefault(key, span["text"])
    for key, found in labels.items():
        if len(found) > 1:
            notice(ctx, f"{where(path, number)}: {doc_id}: {short(shown[key])} is predicted as {' and '.join(sorted(found))}; all are kept")


def align(text: str, wanted: Sequence[tuple[str, dict[str, Any]]], mode: str) -> tuple[list[dict[str, Any]], list[str], list[str]]:
    """Offset spans for `wanted` over `text` (mode ``all`` or ``first``), notices, and a reason for each text not found."""
    spans: list[dict[str, Any]] = []
    notes: list[str] = []
    reasons: list[str] = []
    located: list[tuple[str, dict[str, Any], list[tuple[int, int]]]] = []
    seen: set[tuple[str, str, str]] = set()
    for at, span in wanted:
        key = (span["layer"], span["label"], span["text"])
        if key in seen and "id" not in span:
            continue  # the same labelled text again: its occurrences are already predicted
        seen.add(key)
        places, how = find(text, span["text"])
        if not places:
            reasons.append(f"{at}: {short(span['text'])} ({span['label']}) does not occur in the document as whole words "
                           "(also tried quote and whitespace variants and ignoring case); not scored")
            continue
        if how:
            notes.append(f"{at}: {short(span['text'])} found only {how}")
        located.append((at, span, places))
    claimed: dict[tuple[str, str], set[tuple[int, int]]] = {}
    for _, span, places in located:
        claimed.setdefault((span["layer"], span["label"]), set()).update(places)
    made: set[tuple[str, str, int, int]] = set()
    for at, span, places in located:
        others = claimed[(span["layer"], span["label"])]
        free = [p for p in places if not any(o[0] <= p[0] and p[1] <= o[1] and o != p for o in others)]
        if not free:
            notes.append(f"{at}: {short(span['text'])} ({span['label']}) occurs only inside longer {span['label']} predictions; "
                         "read as nested there")
            free = places
        for k, (start, end) in enumerate(free[:1] if mode == "first" else free):
            if (span["layer"], span["label"], start, end) in made:
                continue
            made.add((span["layer"], span["label"], start, end))
            new = {**span, "start": start, "end": end, "text": text[start:end]}
            if k:
                new.pop("id", None)
            spans.append(new)
    return spans, notes, reasons


def read_text(path: Path, ctx: FormatContext) -> Records:
    """Exchange records from text-only predictions (see the module docstring).

    Args:
        path: the JSONL file.
        ctx: document texts (doc id -> stored text), the default layer, and options (align, labels, notices).

    Returns:
        An iterator of ``(line, record)`` with exchange-format records, or ``(line, reason)`` for input
        that is not scored.

    Raises:
        InputError: the path cannot be read, or an option has a value that is not allowed.
    """
    mode = choice(ctx, "align", ALIGN, "none")
    layers = layers_of_labels(ctx)
    lines = list(json_lines(path))
    return _generate(lines, ctx, mode, layers, path)


def _generate(lines: Sequence[tuple[int, Any]], ctx: FormatContext, mode: str, layers: Mapping[str, str], path: Path) -> Records:
    for number, data in lines:
        if isinstance(data, str):
            yield number, data
            continue
        yield from read_line(number, data, ctx, mode, layers, path)


register("text", read_text)
