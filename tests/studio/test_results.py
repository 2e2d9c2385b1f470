"""Translating spans, attributes and relations to Label Studio result items and back (no server)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from newsspans.corpus import load_corpus
from newsspans.labels import LabelSet
from newsspans.labelstudio.config import build_config, control_map
from newsspans.labelstudio.results import from_results, to_results
from newsspans.model import AnnotationSet, Relation, Span

from .conftest import REPO, make_project
from .helpers import intended_record, ls_results, same

LABELS = LabelSet.load(REPO / "schema" / "labels.json")
CMAP = control_map(LABELS)
FITS = {role.name: (role.head, role.tail) for role in LABELS.roles}
SEED = "seed-000-cb7a18f69dde185b"


def convert(text: str, results: list[dict[str, Any]], **kw: Any):  # type: ignore[no-untyped-def]
    return from_results("d1", text, results, CMAP, role_fits=FITS, **kw)


def span_item(rid: str, layer: str, label: str, start: int, end: int, text: str) -> dict[str, Any]:
    return {"id": rid, "from_name": layer, "to_name": "text", "type": "labels",
            "value": {"start": start, "end": end, "text": text, "labels": [label]}}


@pytest.mark.parametrize("old", [False, True], ids=["frontend-code-points", "older-export-utf16"])
def test_tricky_texts_come_back_identical(tmp_path: Path, old: bool) -> None:
    corpus = load_corpus(make_project(tmp_path / "p"))
    for doc_id, doc in corpus.documents.items():
        spans, rels = intended_record(doc_id, doc.text, corpus.labels)
        got = from_results(doc_id, doc.text, ls_results(spans, rels, doc.text, old=old), CMAP, role_fits=FITS)
        assert got.problems == ()
        assert same([s.to_dict() for s in got.annotation.spans], spans), doc_id
        assert sorted((r.label, r.head, r.tail) for r in got.annotation.relations) == sorted(rels)


def test_gold_round_trip_and_sdk_accepts_the_prediction() -> None:
    gold = AnnotationSet.from_dict(json.loads((REPO / "annotations" / "gold" / f"{SEED}.json").read_text(encoding="utf-8")))
    text = json.loads((REPO / "corpus" / f"{SEED}.json").read_text(encoding="utf-8"))["text"]
    out = to_results(gold, text, CMAP)
    assert out.skipped == ()
    assert sum(1 for r in out.results if r["type"] == "relation") == len(gold.relations)
    back = from_results(SEED, text, out.results, CMAP, role_fits=FITS)
    assert back.problems == ()
    assert sorted(s.to_dict().items() for s in back.annotation.spans) == sorted(s.to_dict().items() for s in gold.spans)
    assert sorted((r.label, r.head, r.tail) for r in back.annotation.relations) == sorted((r.label, r.head, r.tail) for r in gold.relations)
    sdk = pytest.importorskip("label_studio_sdk.label_interface")
    assert sdk.LabelInterface(build_config(LABELS)).validate_prediction({"result": out.results}, return_errors=True) == []


def test_to_results_leaves_out_what_cannot_be_shown() -> None:
    text = "Kyiv and Lviv."
    ann = AnnotationSet("d1", (
        Span("d1", "entities", 0, 4, "GPE", "Kyiv", id="s1", attributes=(("mention", "NAM"),)),
        Span("d1", "entities", None, None, "GPE", "Lviv", id="s2"),
        Span("d1", "entities", 9, 13, "GPE", "Odesa", id="s3"),
        Span("d1", "entities", 9, 13, "CITY", "Lviv", id="s4"),
        Span("d1", "entities", 9, 13, "GPE", "Lviv", id="s5", attributes=(("mention", "XYZ"),)),
    ), (Relation("d1", "place", "s1", "s2"),))
    out = to_results(ann, text, CMAP)
    assert [r["id"] for r in out.results if r["type"] == "labels"] == ["s1", "s5"]
    assert [r["value"]["choices"] for r in out.results if r["type"] == "choices"] == [["NAM"]]
    reasons = " | ".join(out.skipped)
    for expected in ("s2: no offsets", "s3: [9, 13) does not cover 'Odesa'", "entities/CITY is not in the labeling config",
                     "mention='XYZ'", "place s1->s2: an end was left out"):
        assert expected in reasons


@pytest.mark.parametrize(("items", "problem"), [
    ([span_item("x", "entities", "DRONE", 0, 4, "Kyiv")], "label 'DRONE' is not a entities label"),
    ([span_item("x", "entities", "GPE", 0, 40, "Kyiv")], "region x: region [0, 40) is out of range"),
    ([span_item("x", "entities", "GPE", 0, 4, "Lviv")], "region x: region [0, 4) records 'Lviv' but covers"),
    ([{"id": "x", "from_name": "sentiment", "to_name": "text", "type": "choices", "value": {"choices": ["pos"]}}], "not part of the scheme"),
    ([{"id": "x", "from_name": "entities", "to_name": "text", "type": "labels", "value": {"start": 0, "end": 4, "text": "Kyiv", "labels": []}}],
     "region x: has no label"),
    ([span_item("x", "entities", "GPE", 0, 4, "Kyiv"),
      {"id": "x", "from_name": "mention", "type": "choices", "value": {"start": 0, "end": 4, "choices": ["NAM", "NOM"]}}], "mention must be one of"),
    ([{"id": "y", "from_name": "mention", "type": "choices", "value": {"start": 0, "end": 4, "choices": ["NAM"]}}],
     "region y: mention chosen for a region that has no label"),
    ([span_item("x", "entities", "GPE", 0, 4, "Kyiv"), {"from_id": "x", "to_id": "zz", "type": "relation", "labels": ["place"]}],
     "relation x->zz: no labelled region zz"),
    ([span_item("x", "entities", "GPE", 0, 4, "Kyiv"), span_item("y", "entities", "GPE", 9, 13, "Lviv"),
      {"from_id": "x", "to_id": "y", "type": "relation", "direction": "right"}], "relation x->y: has no role"),
])
def test_problems_are_named(items: list[dict[str, Any]], problem: str) -> None:
    got = convert("Kyiv and Lviv.", items)
    assert any(problem in p for p in got.problems), got.problems


def test_attribute_left_from_an_earlier_label_is_dropped_with_a_note() -> None:
    items = [span_item("x", "events", "ASSAULT", 0, 6, "struck"),
             {"id": "x", "from_name": "context", "type": "choices", "value": {"choices": ["future"]}},
             {"id": "x", "from_name": "mention", "type": "choices", "value": {"choices": ["NAM"]}}]
    got = convert("struck Kyiv", items)
    assert got.problems == ()
    assert got.annotation.spans[0].attrs == {"context": "future"}
    assert any("dropped mention='NAM'" in n for n in got.notes)


def test_relation_directions_and_regions_with_two_layers() -> None:
    text = "Russia struck Kyiv."
    items = [span_item("a", "entities", "GPE", 0, 6, "Russia"), span_item("b", "events", "ASSAULT", 7, 13, "struck"),
             span_item("c", "entities", "GPE", 14, 18, "Kyiv"), span_item("c", "attribution", "SOURCE", 14, 18, "Kyiv"),
             {"from_id": "a", "to_id": "b", "type": "relation", "direction": "left", "labels": ["actor"]},
             {"from_id": "c", "to_id": "b", "type": "relation", "direction": "bi", "labels": ["target"]}]
    got = convert(text, items)
    assert got.problems == ()
    assert sorted(s.id or "" for s in got.annotation.spans) == ["a", "b", "c-1", "c-2"]
    rels = sorted((r.label, r.head, r.tail) for r in got.annotation.relations)
    c_gpe = next(s.id for s in got.annotation.spans if s.id and s.id.startswith("c") and s.label == "GPE")
    assert rels == [("actor", "b", "a"), ("target", "b", c_gpe)]


def test_annotation_with_utf16_only_regions_is_read_as_utf16_throughout() -> None:
    text = "😀aaaa 😀 bb"
    # an older export: "aa" at code points [2, 4) is UTF-16 [3, 5), which as code points also covers "aa";
    # "bb" at code points [8, 10) is UTF-16 [10, 12), out of range as code points: the annotation is UTF-16
    items = [span_item("x", "entities", "GPE", 3, 5, "aa"), span_item("y", "entities", "LOC", 10, 12, "bb")]
    got = convert(text, items)
    assert got.problems == ()
    assert {s.id: (s.start, s.end) for s in got.annotation.spans} == {"x": (2, 4), "y": (8, 10)}
    assert any("read as UTF-16" in n for n in got.notes)
    forced = convert(text, items, offsets="code points")
    assert any("region y" in p for p in forced.problems)
