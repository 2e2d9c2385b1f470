"""Draft annotations: spans written by surface text and occurrence number, resolved to offsets.

A draft is the quickest way for a person (or a careful helper) to write annotations without
counting characters. Each span is ``[id, label, text, occurrence, attributes?]``: the
`occurrence`-th (1-based) match of `text` that does not start or end inside a word; `null`
when the text occurs once. Relations are ``[id, role, head_id, tail_id]``. The layer is derived
from the label (labels are unique across layers).
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping, Sequence
from typing import Any

from .errors import AlignmentError, InputError
from .labels import LabelSet
from .model import AnnotationSet, Relation, Span, freeze_attributes


def _bounded(text: str, start: int, end: int) -> bool:
    left_ok = start == 0 or not (text[start - 1].isalnum() and text[start].isalnum())
    right_ok = end == len(text) or not (text[end - 1].isalnum() and text[end].isalnum())
    return left_ok and right_ok


def occurrences(text: str, needle: str) -> list[int]:
    """Start offsets of `needle` in `text` that neither start nor end inside a word."""
    out, pos = [], text.find(needle)
    while pos != -1 and needle:
        if _bounded(text, pos, pos + len(needle)):
            out.append(pos)
        pos = text.find(needle, pos + 1)
    return out


def locate(text: str, needle: str, occurrence: int | None) -> int:
    """Start offset of the chosen occurrence.

    Raises:
        AlignmentError: when the text is absent, ambiguous without an occurrence, or has too few matches.
    """
    starts = occurrences(text, needle)
    if not starts:
        raise AlignmentError(f"{needle!r} does not occur in the text (as a whole-word match)")
    if occurrence is None:
        if len(starts) > 1:
            raise AlignmentError(f"{needle!r} occurs {len(starts)} times; give its occurrence number (1-{len(starts)})")
        return starts[0]
    if not 1 <= occurrence <= len(starts):
        raise AlignmentError(f"{needle!r} occurs {len(starts)} times; occurrence {occurrence} does not exist")
    return starts[occurrence - 1]


def label_layers(labels: LabelSet) -> dict[str, str]:
    return {lab.name: layer.name for layer in labels.layers for lab in layer.labels}


def resolve_draft(draft: Mapping[str, Any], text: str, labels: LabelSet) -> tuple[AnnotationSet, list[str]]:
    """Turn a draft into an AnnotationSet; returns it with every problem found (empty when clean)."""
    doc_id = draft["doc_id"]
    layer_of = label_layers(labels)
    spans: list[Span] = []
    problems: list[str] = []
    for i, entry in enumerate(draft.get("spans", [])):
        try:
            sid, label, needle, occ, *rest = entry
            attrs = rest[0] if rest else {}
            if label not in layer_of:
                raise AlignmentError(f"unknown label {label!r}")
            if isinstance(occ, Mapping):  # explicit {"start": n}
                start = int(occ["start"])
                if text[start:start + len(needle)] != needle:
                    raise AlignmentError(f"text at {start} is {text[start:start + len(needle)]!r}, not {needle!r}")
            else:
                start = locate(text, needle, occ)
            spans.append(Span(doc_id, layer_of[label], start, start + len(needle), label, needle, sid, freeze_attributes(attrs)))
        except (AlignmentError, InputError, ValueError, TypeError, KeyError) as exc:
            problems.append(f"/spans/{i} {entry!r}: {exc}")
    relations = []
    for i, entry in enumerate(draft.get("relations", [])):
        try:
            rid, role, head, tail = entry
            relations.append(Relation(doc_id, role, head, tail, rid))
        except ValueError:
            problems.append(f"/relations/{i} {entry!r}: expected [id, role, head, tail]")
    return AnnotationSet(doc_id, tuple(spans), tuple(relations)), problems


def render_inline(text: str, spans: Sequence[Span], layers: Sequence[str] | None = None) -> str:
    """The text with ``[LABEL ...]`` brackets around spans, for reviewing an annotation by eye."""
    chosen = [s for s in spans if s.start is not None and (layers is None or s.layer in layers)]
    opens: dict[int, list[Span]] = {}
    closes: dict[int, int] = {}
    for s in chosen:
        opens.setdefault(s.start, []).append(s)  # type: ignore[arg-type]
        closes[s.end] = closes.get(s.end, 0) + 1  # type: ignore[index]
    out: list[str] = []
    for i, ch in enumerate(text + "\0"):
        out.append("]" * closes.get(i, 0))
        for s in sorted(opens.get(i, []), key=lambda s: -s.end):  # type: ignore[operator]
            out.append(f"[{s.label}{':' + s.id if s.id else ''} ")
        if ch != "\0":
            out.append(ch)
    return "".join(out)


def iter_occurrence_contexts(text: str, needle: str, width: int = 30) -> Iterator[str]:
    """Lines `n: ...context...` for each whole-word occurrence, to pick occurrence numbers."""
    for n, start in enumerate(occurrences(text, needle), start=1):
        left = text[max(0, start - width):start].replace("\n", "⏎")
        right = text[start + len(needle):start + len(needle) + width].replace("\n", "⏎")
        yield f"{n}: {left}[{needle}]{right}  (start {start})"
