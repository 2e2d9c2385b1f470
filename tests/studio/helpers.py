"""Test helpers: intended annotations of the tricky texts, and Label Studio results written the way
the current frontend writes them (code points, a line break in value.text as a literal backslash-n)
or the way older Label Studio versions exported them (UTF-16 code units). Written independently of
newsspans.labelstudio, so the tests do not check the library against itself."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from newsspans.draft import label_layers
from newsspans.labels import LabelSet

# doc id -> (spans as (id, label, needle, occurrence, attributes), relations as (role, head, tail))
INTENDED: dict[str, tuple[list[tuple[str, str, str, int, dict[str, str]]], list[tuple[str, str, str]]]] = {
    "emoji": (
        [("w1", "WEA", "Drone", 1, {"mention": "NOM"}),
         ("e1", "ASSAULT", "strike", 1, {"context": "asserted"}),
         ("g1", "GPE", "Kharkiv", 1, {"mention": "NAM"}),
         ("p1", "PER", "officials", 1, {"mention": "NOM"}),
         ("a1", "SOURCE", "officials 👮", 1, {}),
         ("a2", "CUE", "said", 1, {}),
         ("a3", "CONTENT", "no comment\" 😶.\nKyiv 🇺🇦 responded", 1, {}),
         ("g2", "GPE", "Kyiv", 1, {"mention": "NAM"})],
        [("place", "e1", "g1"), ("instrument", "e1", "w1"), ("source", "a2", "a1"), ("content", "a2", "a3")],
    ),
    "combining": (
        [("g1", "GPE", "Zürich", 1, {"mention": "NAM"}),
         ("g2", "GPE", "Ukraïne", 1, {"mention": "NAM"}),
         ("f1", "FAC", "q\u0307 symbol", 1, {"mention": "NOM"}),
         ("e1", "CONSULT", "talks", 1, {"context": "negated"}),
         ("b1", "BOILERPLATE", "Résumé of events:", 1, {"kind": "nav"})],
        [("actor", "e1", "g2")],
    ),
    "quotes": (
        [("a1", "CONTENT", "We will respond,", 1, {}),
         ("a2", "SOURCE", "the minister", 1, {}),
         ("a3", "CUE", "said", 1, {}),
         ("a4", "CONTENT", "Not now,", 1, {}),
         ("a5", "SOURCE", "aides", 1, {}),
         ("a6", "CUE", "added", 1, {})],
        [("content", "a3", "a1"), ("source", "a3", "a2"), ("content", "a6", "a4"), ("source", "a6", "a5")],
    ),
    "cjk": (
        [("g1", "GPE", "北京", 1, {"mention": "NAM"}),
         ("g2", "GPE", "東京", 1, {"mention": "NAM"}),
         ("l1", "LOC", "𠀀𠀁 city", 1, {"mention": "NOM"}),
         ("o1", "ORG", "中国外交部", 1, {"mention": "NAM"}),
         ("w1", "WEA", "𩸽", 1, {"mention": "NAM"}),
         ("e1", "CONSULT", "talks", 1, {"context": "asserted"}),
         ("g3", "GPE", "서울", 1, {"mention": "NAM"})],
        [("place", "e1", "g3"), ("actor", "e1", "g1"), ("recipient", "e1", "g2")],
    ),
    "crlf": (
        [("b1", "BOILERPLATE", "First line of the wire copy.", 1, {"kind": "byline"}),
         ("g1", "GPE", "Odesa", 1, {"mention": "NAM"}),
         ("c1", "CONTENT", "Odesa.\n\nThird paragraph", 1, {}),
         ("g2", "GPE", "Kherson", 1, {"mention": "NAM"})],
        [],
    ),
}


def find(text: str, needle: str, occurrence: int = 1) -> int:
    pos = -1
    for _ in range(occurrence):
        pos = text.index(needle, pos + 1)
    return pos


def intended_record(doc_id: str, text: str, labels: LabelSet) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]]]:
    """Expected spans (dicts as annotation files store them) and relations (role, head, tail)."""
    layers = label_layers(labels)
    spans = []
    for sid, label, needle, occ, attrs in INTENDED[doc_id][0]:
        start = find(text, needle, occ)
        span = {"id": sid, "layer": layers[label], "label": label, "start": start, "end": start + len(needle), "text": needle}
        if attrs:
            span["attributes"] = attrs
        spans.append(span)
    return spans, list(INTENDED[doc_id][1])


def utf16(text: str, offset: int) -> int:
    return len(text[:offset].encode("utf-16-le")) // 2


def ls_results(spans: list[dict[str, Any]], relations: list[tuple[str, str, str]], text: str, *, old: bool = False) -> list[dict[str, Any]]:
    """Result items as the 1.23 frontend saves them (old=False) or as an older version exported them (old=True)."""
    out: list[dict[str, Any]] = []
    for span in spans:
        start, end = span["start"], span["end"]
        shown = text[start:end]
        if old:
            start, end = utf16(text, start), utf16(text, end)
        else:
            shown = shown.replace("\n", "\\n")
        value = {"start": start, "end": end, "text": shown}
        out.append({"id": span["id"], "from_name": span["layer"], "to_name": "text", "type": "labels",
                    "origin": "manual", "value": {**value, "labels": [span["label"]]}})
        for name, choice in span.get("attributes", {}).items():
            out.append({"id": span["id"], "from_name": name, "to_name": "text", "type": "choices", "origin": "manual",
                        "value": {**value, "choices": [choice]}})
    for role, head, tail in relations:
        out.append({"from_id": head, "to_id": tail, "type": "relation", "direction": "right", "labels": [role]})
    return out


def read_spans(path: Path) -> tuple[list[dict[str, Any]], list[tuple[str, str, str]], dict[str, Any]]:
    data = json.loads(path.read_text(encoding="utf-8"))
    key = lambda s: (s["start"], s["end"], s["label"])  # noqa: E731
    return sorted(data["spans"], key=key), sorted((r["label"], r["head"], r["tail"]) for r in data["relations"]), data


def same(spans_a: list[dict[str, Any]], spans_b: list[dict[str, Any]]) -> bool:
    key = lambda s: (s["start"], s["end"], s["label"])  # noqa: E731
    return sorted(spans_a, key=key) == sorted(spans_b, key=key)
