"""The text-only reader: string-level spans, alignment to every or the first occurrence, variants, ambiguity."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from .test_formats_common import DOCS, ENTITY_GOLD, gold_record, gold_records, micro, read, score_reader, seed_gold, span_keys


def write(tmp_path: Path, lines: list[Any], name: str = "pred.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def llm_line(doc_id: str, *, dict_shape: bool = False) -> dict[str, Any]:
    """What an LLM extractor writes: (label, text) per entity, no offsets."""
    pairs = [(s["label"], s["text"]) for s in gold_record(doc_id, events=False)["spans"]]
    if dict_shape:
        grouped: dict[str, list[str]] = {}
        for label, text in pairs:
            grouped.setdefault(label, []).append(text)
        return {"doc_id": doc_id, "entities": grouped}
    return {"doc_id": doc_id, "entities": [{"label": label, "text": text} for label, text in pairs]}


@pytest.mark.parametrize("dict_shape", [False, True])
def test_align_none_keeps_string_level_spans(tmp_path, dict_shape):
    out = read("text", write(tmp_path, [llm_line(d, dict_shape=dict_shape) for d in DOCS]))
    assert out.reasons == []
    spans = out.records["fmt-marks"]["spans"]
    assert all("start" not in s for s in spans)
    assert sorted((s["label"], s["text"]) for s in spans) == sorted((s["label"], s["text"]) for s in gold_record("fmt-marks")["spans"]
                                                                     if s["layer"] == "entities")


def test_string_mode_scores_text_only_predictions(tmp_path):
    path = write(tmp_path, [llm_line(d) for d in DOCS])
    report, pred, _ = score_reader("text", path, gold_records(events=False), modes=("strict", "string"))
    assert pred.rejected == ()
    assert micro(report, mode="string")["f1"] == 1.0
    assert micro(report)["actual"] == 0  # no offsets: nothing to match in the span modes


def test_align_all_recovers_the_gold_offsets(tmp_path):
    lines = [llm_line(d) for d in DOCS]
    out = read("text", write(tmp_path, lines), align="all")
    assert out.reasons == []
    for doc_id in DOCS:
        assert span_keys(out.records[doc_id]) == span_keys(gold_record(doc_id, events=False)), doc_id
    report, pred, _ = score_reader("text", write(tmp_path, lines), gold_records(events=False), align="all")
    assert pred.rejected == () and micro(report)["f1"] == 1.0


def test_align_first_takes_the_first_occurrence_only(tmp_path):
    line = {"doc_id": "fmt-emoji", "entities": [{"label": "PER", "text": "Biden"}]}
    text = DOCS["fmt-emoji"]
    first = read("text", write(tmp_path, [line]), align="first").records["fmt-emoji"]["spans"]
    every = read("text", write(tmp_path, [line]), align="all").records["fmt-emoji"]["spans"]
    assert [(s["start"], s["text"]) for s in first] == [(text.index("Biden"), "Biden")]
    assert [s["start"] for s in every] == [text.index("Biden"), text.rindex("Biden")]


def test_a_shorter_text_inside_a_longer_one_of_the_same_label_is_not_repeated(tmp_path):
    line = {"doc_id": "fmt-emoji", "entities": [{"label": "PER", "text": "Joe Biden"}, {"label": "PER", "text": "Biden"}]}
    out = read("text", write(tmp_path, [line]), align="all")
    text = DOCS["fmt-emoji"]
    assert sorted((s["start"], s["text"]) for s in out.records["fmt-emoji"]["spans"]) == [
        (text.index("Joe Biden"), "Joe Biden"), (text.rindex("Biden"), "Biden")]


def test_case_and_quote_variants_are_found_with_the_documents_spelling(tmp_path):
    line = {"doc_id": "fmt-quotes", "entities": [{"label": "WEA", "text": '"storm shadow"'}, {"label": "GPE", "text": "kursk  oblast"},
                                                 {"label": "ORG", "text": "Russia's army"}]}
    out = read("text", write(tmp_path, [line]), align="first")
    assert out.reasons == []
    got = {s["label"]: s["text"] for s in out.records["fmt-quotes"]["spans"]}
    assert got == {"WEA": "“Storm Shadow”", "GPE": "Kursk Oblast", "ORG": "Russia’s army"}
    assert sum("found only" in n for n in out.notices) == 3


def test_non_bmp_and_combining_mark_texts_align(tmp_path):
    line = {"doc_id": "fmt-marks", "entities": [{"label": "PER", "text": "नरेन्द्र मोदी"}, {"label": "GPE", "text": "Q̇uxville"}]}
    emoji = {"doc_id": "fmt-emoji", "entities": [{"label": "TIMEX", "text": "Tuesday"}]}
    out = read("text", write(tmp_path, [line, emoji]), align="all")
    for doc_id, rec in out.records.items():
        for s in rec["spans"]:
            assert DOCS[doc_id][s["start"]:s["end"]] == s["text"]
    assert out.records["fmt-emoji"]["spans"][0]["start"] == DOCS["fmt-emoji"].index("Tuesday")


def test_unresolved_text_is_rejected_with_a_reason(tmp_path):
    line = {"doc_id": "fmt-marks", "entities": [{"label": "PER", "text": "Narendra Modi"}, {"label": "GPE", "text": "Delhi"},
                                                {"label": "PER", "text": "Mod"}]}
    out = read("text", write(tmp_path, [{"doc_id": "fmt-empty", "entities": []}, line]), align="all")
    assert [n for n, _ in out.reasons] == [2, 2]
    assert "entities[1]: 'Delhi' (GPE) does not occur" in out.reasons[0][1]
    assert "'Mod'" in out.reasons[1][1]  # only inside the word "Modi": not a whole-word occurrence
    assert [s["text"] for s in out.records["fmt-marks"]["spans"]] == ["Narendra Modi"]


def test_same_text_with_two_labels_is_noticed_and_both_kept(tmp_path):
    line = {"doc_id": "fmt-quotes", "entities": [{"label": "GPE", "text": "Kursk Oblast"}, {"label": "LOC", "text": "Kursk Oblast"}]}
    out = read("text", write(tmp_path, [line]), align="all")
    assert any("'Kursk Oblast' is predicted as GPE and LOC" in n for n in out.notices)
    assert sorted(s["label"] for s in out.records["fmt-quotes"]["spans"]) == ["GPE", "GPE", "LOC", "LOC"]


def test_repeated_entities_do_not_duplicate_spans(tmp_path):
    line = {"doc_id": "fmt-marks", "entities": [{"label": "PER", "text": "Modi"}] * 3}
    out = read("text", write(tmp_path, [line]), align="all")
    assert len(out.records["fmt-marks"]["spans"]) == 2


def test_exchange_lines_with_and_without_offsets(tmp_path):
    record = gold_record("fmt-quotes")
    spans = [{k: v for k, v in s.items() if k not in ("start", "end")} if s["layer"] == "events" else s for s in record["spans"]]
    out = read("text", write(tmp_path, [{"doc_id": "fmt-quotes", "spans": spans, "relations": record["relations"]}]), align="first")
    assert out.reasons == []
    assert span_keys(out.records["fmt-quotes"], with_ids=True) == span_keys(record, with_ids=True)
    assert out.records["fmt-quotes"]["relations"] == record["relations"]
    report, pred, _ = score_reader("text", write(tmp_path, [{"doc_id": "fmt-quotes", "spans": spans, "relations": record["relations"]}]),
                                   [record], layers=("entities", "events", "relations"), align="first")
    assert pred.rejected == () and micro(report, "relations")["f1"] == 1.0


def test_without_the_document_text_spans_stay_string_level(tmp_path):
    out = read("text", write(tmp_path, [llm_line("fmt-marks")]), texts={}, align="all")
    assert all("start" not in s for s in out.records["fmt-marks"]["spans"])
    assert any("kept at string level" in n for n in out.notices)


def test_layer_from_label_or_given(tmp_path):
    line = {"doc_id": "fmt-quotes", "entities": [{"label": "ASSAULT", "text": "strike"}, {"label": "PER", "text": "army", "layer": "entities"}]}
    out = read("text", write(tmp_path, [line]))
    assert sorted((s["layer"], s["label"]) for s in out.records["fmt-quotes"]["spans"]) == [("entities", "PER"), ("events", "ASSAULT")]


def test_malformed_lines_give_reasons(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_text('{"doc_id": "Bad Id", "entities": []}\n{"doc_id": "fmt-marks", "entities": 5}\n'
                    '{"doc_id": "fmt-emoji", "entities": [{"label": "PER"}, {"text": "x"}, 7]}\n{"doc_id": "fmt-quotes"}\n[]\n',
                    encoding="utf-8")
    out = read("text", path, align="all")
    assert [n for n, _ in out.reasons] == [1, 2, 3, 3, 3, 4, 5]
    assert out.records["fmt-emoji"]["spans"] == []


def test_every_gold_surface_is_a_whole_word_occurrence():
    """The alignment tests rely on it: a gold text found at a place that is not gold would be spurious."""
    from newsspans.draft import occurrences

    for doc_id, rows in ENTITY_GOLD.items():
        for _, label, surface, _ in rows:
            places = set(occurrences(DOCS[doc_id], surface))
            gold = {s["start"] for s in gold_record(doc_id, events=False)["spans"] if s["text"] == surface and s["label"] == label}
            assert places == gold or any(surface in other[2] and surface != other[2] for other in rows), (doc_id, surface)


def test_a_text_found_only_inside_longer_ones_is_read_as_nested(tmp_path):
    line = {"doc_id": "fmt-quotes", "entities": [{"label": "ORG", "text": "Russia’s army"}, {"label": "ORG", "text": "army"}]}
    out = read("text", write(tmp_path, [line]), align="all")
    text = DOCS["fmt-quotes"]
    assert sorted((s["start"], s["text"]) for s in out.records["fmt-quotes"]["spans"]) == [
        (text.index("Russia’s army"), "Russia’s army"), (text.index("army"), "army")]
    assert any("read as nested" in n for n in out.notices)


def test_seed_article_gold_strings_align_to_every_gold_span(seed_project, tmp_path):
    doc_id, text, record = seed_gold(seed_project)
    gold = [s for s in record["spans"] if s["layer"] == "entities"]
    line = {"doc_id": doc_id, "entities": [{"label": s["label"], "text": s["text"]} for s in gold]}
    out = read("text", write(tmp_path, [line]), texts={doc_id: text}, align="all")
    assert out.reasons == []
    got = {(s["label"], s["start"], s["end"]) for s in out.records[doc_id]["spans"]}
    assert {(s["label"], s["start"], s["end"]) for s in gold} <= got  # recall 1: every gold span is found
