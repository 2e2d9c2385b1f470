"""Shared data for the format-reader tests, and tests of what the readers share.

The documents hold emoji and other non-BMP characters, combining marks that have no precomposed
form, curly quotes, an entity inside a token ("U.S.-supplied") and nested spans; gold spans are
written by surface text and occurrence and resolved with `newsspans.draft.locate`, so no offset is
typed by hand.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspans.corpus import load_corpus
from newsspans.draft import locate
from newsspans.errors import InputError
from newsspans.model import AnnotationSet
from newsspans.project import Project
from newsspans.scoring.adapters import READERS, FormatContext, reader_for
from newsspans.scoring.api import ScoreConfig, score
from newsspans.scoring.formats import TextMap, choice, json_items, loose_pattern, utf16_to_codepoints
from newsspans.scoring.inputs import DocRecord, GoldSet, PredSet, check_predictions

from ..conftest import REPO, SEED_ID
from .helpers import LABELS

FORMATS = ("conll", "brat", "labelstudio", "spacy", "text")

DOCS = {
    "fmt-emoji": "🇺🇦 Ukraine 🚀 update: U.S. President Joe Biden met Volodymyr Zelensky in Kyiv 😀 on Tuesday.\n"
                 "Biden promised more 🛰️ satellites.",
    "fmt-marks": "Narendra Modi (नरेन्द्र मोदी) visited Colombo and Q̇uxville; Modi left on Friday.",
    "fmt-quotes": "Ukraine’s “Storm Shadow” strike on U.S.-supplied depots hit Kursk Oblast, the Kremlin said.\n"
                  "Russia’s army retreated from Kursk Oblast.",
    "fmt-empty": "Nothing to see here.",
}

# (id, layer, label, surface, occurrence, attributes)
ENTITY_GOLD = {
    "fmt-emoji": [("e1", "GPE", "Ukraine", None), ("e2", "GPE", "U.S.", None), ("e3", "PER", "Joe Biden", None),
                  ("e4", "PER", "Volodymyr Zelensky", None), ("e5", "GPE", "Kyiv", None), ("e6", "TIMEX", "Tuesday", None),
                  ("e7", "PER", "Biden", 2)],
    "fmt-marks": [("e1", "PER", "Narendra Modi", None), ("e2", "PER", "नरेन्द्र मोदी", None), ("e3", "GPE", "Colombo", None),
                  ("e4", "GPE", "Q̇uxville", None), ("e5", "PER", "Modi", 2), ("e6", "TIMEX", "Friday", None)],
    "fmt-quotes": [("e1", "GPE", "Ukraine", None), ("e2", "WEA", "Storm Shadow", None), ("e3", "GPE", "U.S.", None),
                   ("e4", "GPE", "Kursk Oblast", 1), ("e5", "ORG", "the Kremlin", None), ("e6", "GPE", "Russia", None),
                   ("e7", "GPE", "Kursk Oblast", 2)],
    "fmt-empty": [],
}
NESTED_GOLD = {"fmt-quotes": [("e8", "ORG", "Russia’s army", None)]}  # contains e6: not expressible in token tags
EVENT_GOLD = {"fmt-quotes": [("v1", "ASSAULT", "strike", None), ("v2", "RETREAT", "retreated", None)]}
RELATION_GOLD = {"fmt-quotes": [("r1", "actor", "v1", "e1"), ("r2", "target", "v1", "e4"), ("r3", "instrument", "v1", "e2"),
                                ("r4", "actor", "v2", "e8")]}


def _spans(doc_id: str, table: Mapping[str, Sequence[tuple]], layer: str, attrs: Mapping[str, str]) -> list[dict[str, Any]]:
    text = DOCS[doc_id]
    out = []
    for sid, label, surface, occ in table.get(doc_id, ()):
        start = locate(text, surface, occ)
        out.append({"id": sid, "layer": layer, "label": label, "start": start, "end": start + len(surface), "text": surface,
                    "attributes": dict(attrs)})
    return out


def gold_record(doc_id: str, *, nested: bool = True, events: bool = True) -> dict[str, Any]:
    """The gold of one test document as an exchange record (entities; optionally nested spans, events and relations)."""
    spans = _spans(doc_id, ENTITY_GOLD, "entities", {"mention": "NAM"})
    if nested:
        spans += _spans(doc_id, NESTED_GOLD, "entities", {"mention": "NOM"})
    relations: list[dict[str, Any]] = []
    if events:
        spans += _spans(doc_id, EVENT_GOLD, "events", {"context": "asserted"})
        ids = {s["id"] for s in spans}
        relations = [{"id": r, "label": role, "head": h, "tail": t} for r, role, h, t in RELATION_GOLD.get(doc_id, ()) if {h, t} <= ids]
    return {"doc_id": doc_id, "spans": spans, "relations": relations}


def gold_records(**kwargs: bool) -> list[dict[str, Any]]:
    return [gold_record(d, **kwargs) for d in DOCS]


@dataclass(frozen=True)
class Read:
    """What a reader produced: records by doc id (with their line), reasons as (line, text), notices."""

    records: dict[str, dict[str, Any]]
    lines: dict[str, int]
    reasons: list[tuple[int, str]]
    notices: list[str]

    def spans(self, doc_id: str, *, with_ids: bool = False) -> list[tuple]:
        return span_keys(self.records[doc_id], with_ids=with_ids)


def read(fmt: str, path: Path, texts: Mapping[str, str] | None = None, layer: str = "entities", **options: Any) -> Read:
    """Run the reader of `fmt` over `path` with the test documents (or `texts`) and collect everything it says."""
    notices: list[str] = []
    ctx = FormatContext(texts=DOCS if texts is None else texts, layer=layer, options={"notices": notices, "labels": LABELS, **options})
    records: dict[str, dict[str, Any]] = {}
    lines: dict[str, int] = {}
    reasons: list[tuple[int, str]] = []
    for line, item in reader_for(fmt)(path, ctx):
        assert isinstance(line, int)
        if isinstance(item, str):
            reasons.append((line, item))
        else:
            assert isinstance(item, dict), item
            assert item["doc_id"] not in records, f"{item['doc_id']} read twice"
            records[item["doc_id"]] = item
            lines[item["doc_id"]] = line
    return Read(records, lines, reasons, notices)


def span_keys(record: Mapping[str, Any], *, with_ids: bool = False, attributes: bool = False) -> list[tuple]:
    """Sorted (layer, label, start, end, text[, id][, attributes]) of a record's spans."""
    out = []
    for s in record.get("spans", []):
        key: tuple = (s["layer"], s["label"], s.get("start"), s.get("end"), s.get("text"))
        if with_ids:
            key += (s.get("id"),)
        if attributes:
            key += (tuple(sorted((s.get("attributes") or {}).items())),)
        out.append(key)
    return sorted(out, key=repr)


def relation_keys(record: Mapping[str, Any]) -> list[tuple[str, tuple, tuple]]:
    """Relations as (role, head span key, tail span key): independent of the ids a format gives."""
    by_id = {s.get("id"): (s["label"], s.get("start"), s.get("end")) for s in record.get("spans", [])}
    return sorted((r["label"], by_id.get(r["head"]), by_id.get(r["tail"])) for r in record.get("relations", []))


def gold_set(records: Sequence[Mapping[str, Any]]) -> GoldSet:
    anns = {r["doc_id"]: DocRecord.from_annotation(AnnotationSet.from_dict(r)) for r in records}
    return GoldSet("fmt-test", "0" * 64, "all", tuple(anns), anns, {d: DOCS[d] for d in anns})


def check(records_with_lines: Sequence[tuple[int, Any]], gold: GoldSet) -> PredSet:
    return check_predictions(records_with_lines, file="pred", gold=gold, labels=LABELS, project=Project(REPO))


def score_reader(fmt: str, path: Path, gold_records_: Sequence[Mapping[str, Any]], layers: tuple[str, ...] = ("entities",),
                 modes: tuple[str, ...] = ("strict",), **options: Any) -> tuple[dict[str, Any], PredSet, list[str]]:
    """Read `path` with the `fmt` reader, check it like the scorer does, and score it against `gold_records_`."""
    notices: list[str] = []
    ctx = FormatContext(texts=DOCS, options={"notices": notices, "labels": LABELS, **options})
    gold = gold_set(gold_records_)
    pred = check(list(reader_for(fmt)(path, ctx)), gold)
    report = score(gold, pred, LABELS, ScoreConfig(layers=layers, modes=modes, bootstrap=0, pred_format=fmt))
    return report, pred, notices


def seed_gold(root: Path) -> tuple[str, str, dict[str, Any]]:
    """(doc id, text, gold exchange record) of the seed article in a project made by `tests.conftest.make_project`."""
    corpus = load_corpus(Project(root))
    ann = corpus.gold[SEED_ID]
    return SEED_ID, corpus.documents[SEED_ID].text, ann.to_exchange()


def micro(report: Mapping[str, Any], layer: str = "entities", mode: str = "strict") -> dict[str, Any]:
    """The micro-averaged figures of one layer and mode from a JSON report."""
    return report["layers"][layer]["modes"][mode]["micro"]


# ------------------------------------------------------------------ tests of the shared parts
def test_every_format_is_registered():
    reader_for("jsonl")
    assert set(FORMATS) <= set(READERS)


def test_unknown_format_lists_the_known_ones():
    with pytest.raises(InputError, match="known: brat, conll, jsonl, labelstudio, spacy, text"):
        reader_for("xml")


@pytest.mark.parametrize("fmt", FORMATS)
def test_missing_input_raises_input_error(fmt, tmp_path):
    with pytest.raises(InputError, match="cannot read"):
        list(reader_for(fmt)(tmp_path / "nope.x", FormatContext(texts=DOCS)))


@pytest.mark.parametrize(("fmt", "option"), [("conll", "scheme"), ("conll", "repair"), ("labelstudio", "annotation"), ("text", "align")])
def test_invalid_option_raises_listing_allowed_values(fmt, option, tmp_path):
    path = tmp_path / "in.txt"
    path.write_text("", encoding="utf-8")
    with pytest.raises(InputError, match="allowed: "):
        reader_for(fmt)(path, FormatContext(texts=DOCS, options={option: "bogus"}))


def test_choice_is_case_insensitive_and_returns_the_canonical_spelling():
    assert choice(FormatContext(texts={}, options={"scheme": "bioes"}), "scheme", ("auto", "BIOES"), "auto") == "BIOES"
    assert choice(FormatContext(texts={}), "scheme", ("auto", "BIOES"), "auto") == "auto"


def test_textmap_converts_crlf_and_decomposed_offsets():
    stored = "Café\nZürich"
    raw = "Cafe\u0301\r\nZu\u0308rich"
    m = TextMap.between(raw, stored)
    assert m is not None and not m.identity
    assert m.span(0, 5) == (0, 4)  # "Café"
    assert m.span(7, 14) == (5, 11)  # "Zürich"
    assert m.offset(4) is None  # between "e" and its combining accent
    assert m.offset(6) is None  # between CR and LF
    assert TextMap.between("other text", stored) is None


def test_utf16_index_maps_surrogate_pairs():
    text = "a😀b"
    index = utf16_to_codepoints(text)
    assert index == [0, 1, -1, 2, 3]
    assert utf16_to_codepoints("plain") is None


def test_loose_pattern_accepts_quote_and_whitespace_variants():
    assert loose_pattern('"Storm  Shadow"').search("the “Storm\nShadow” missile")
    assert loose_pattern("Ukraine's").search("Ukraine’s army")
    assert not loose_pattern("Ukraine's").search("Ukraines army")
    assert loose_pattern("kyiv", ignore_case=True).search("in Kyiv")


def test_json_items_give_the_line_each_task_starts_on(tmp_path):
    path = tmp_path / "tasks.json"
    path.write_text('[\n  {"a": 1},\n\n  {"b":\n 2},\n  {"c": 3}\n]\n', encoding="utf-8")
    assert list(json_items(path)) == [(2, {"a": 1}), (4, {"b": 2}), (6, {"c": 3})]
    path.write_text('[\n  {"a": 1},\n  {"b": oops}\n]', encoding="utf-8")
    items = list(json_items(path))
    assert items[0] == (2, {"a": 1})
    assert items[1][0] == 3 and "invalid JSON" in items[1][1]
    path.write_text('{"a": 1}\n{"b": 2}\n', encoding="utf-8")  # JSONL
    assert list(json_items(path)) == [(1, {"a": 1}), (2, {"b": 2})]


def test_gold_records_resolve_to_their_surfaces():
    for record in gold_records():
        text = DOCS[record["doc_id"]]
        for span in record["spans"]:
            assert text[span["start"]:span["end"]] == span["text"]


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.one_of(st.binary(max_size=300), st.text(max_size=300).map(lambda t: t.encode("utf-8"))),
       fmt=st.sampled_from(FORMATS))
def test_garbage_input_gives_reasons_never_a_traceback(tmp_path, data, fmt):
    path = tmp_path / "garbage.ann"
    path.write_bytes(data)
    out = read(fmt, path)
    gold = gold_set(gold_records(events=False))
    pred = check([(line, r) for line, r in [*((n, t) for n, t in out.reasons), *((out.lines[d], r) for d, r in out.records.items())]], gold)
    assert pred.n_spans_read >= 0
    for line, reason in out.reasons:
        assert isinstance(line, int) and reason


@pytest.mark.parametrize("fmt", ["conll", "spacy", "text", "labelstudio"])
def test_structured_garbage_is_rejected_line_by_line(fmt, tmp_path):
    path = tmp_path / "in.jsonl"
    path.write_text('{"doc_id": 3}\n[1, 2, 3]\n"just a string"\nnot json at all\n\xff\n', encoding="utf-8")
    out = read(fmt, path)
    assert out.reasons, fmt
    assert all(isinstance(line, int) and 1 <= line <= 5 for line, _ in out.reasons)


def test_jsonl_exchange_still_reads(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in gold_records()), encoding="utf-8")
    report, pred, _ = score_reader("jsonl", path, gold_records(), layers=("entities", "events", "relations"))
    assert not pred.rejected
    assert micro(report)["f1"] == 1.0
