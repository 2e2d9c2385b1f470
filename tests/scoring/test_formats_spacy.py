"""The spaCy JSONL reader: Doc.to_json lines, span groups, Prodigy and training tuples; doc ids; text checks."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import pytest

from .test_formats_common import DOCS, gold_record, gold_records, micro, read, score_reader, seed_gold, span_keys


def doc_json(record: Mapping[str, Any], *, id_key: str | None = "doc_id", nested_in: str = "sc", texts: Mapping[str, str] = DOCS) -> dict[str, Any]:
    """A `Doc.to_json()`-shaped line: flat entities in `ents`, the rest in the span group `nested_in`."""
    text = texts[record["doc_id"]]
    ents, rest = [], []
    last_end = -1
    for s in sorted(record["spans"], key=lambda s: (s["start"], -s["end"])):
        item = {"start": s["start"], "end": s["end"], "label": s["label"]}
        if s["start"] >= last_end:
            ents.append(item)
            last_end = s["end"]
        else:
            rest.append(item)
    line: dict[str, Any] = {"text": text, "ents": ents, "spans": {nested_in: rest}, "tokens": []}
    if id_key == "doc_id":
        line["doc_id"] = record["doc_id"]
    elif id_key == "meta":
        line["meta"] = {"doc_id": record["doc_id"], "source": "x"}
    elif id_key == "id":
        line["id"] = record["doc_id"]
    return line


def write(tmp_path: Path, lines: list[Any], name: str = "pred.jsonl") -> Path:
    path = tmp_path / name
    path.write_text("".join(json.dumps(x, ensure_ascii=False) + "\n" for x in lines), encoding="utf-8")
    return path


def entity_keys(doc_id: str) -> list[tuple]:
    return [k for k in span_keys(gold_record(doc_id)) if k[0] == "entities"]


@pytest.mark.parametrize("id_key", ["doc_id", "meta", "id", None])
def test_round_trip_with_every_way_of_naming_the_document(tmp_path, id_key):
    records = gold_records(events=False)
    out = read("spacy", write(tmp_path, [doc_json(r, id_key=id_key) for r in records]))
    assert out.reasons == []
    for record in records:
        assert span_keys(out.records[record["doc_id"]]) == span_keys(record)


def test_nested_spans_come_from_the_span_group(tmp_path):
    record = gold_record("fmt-quotes", events=False)
    line = doc_json(record)
    assert line["spans"]["sc"], "the test needs a nested span"
    only_ents = read("spacy", write(tmp_path, [line]), span_key="none")
    assert len(only_ents.records["fmt-quotes"]["spans"]) == len(record["spans"]) - len(line["spans"]["sc"])
    other_key = read("spacy", write(tmp_path, [doc_json(record, nested_in="ruler")]), span_key="ruler")
    assert span_keys(other_key.records["fmt-quotes"]) == span_keys(record)


def test_layer_comes_from_the_label(tmp_path):
    record = gold_record("fmt-quotes")
    out = read("spacy", write(tmp_path, [doc_json(record)]))
    assert span_keys(out.records["fmt-quotes"]) == span_keys(record)
    assert {s["layer"] for s in out.records["fmt-quotes"]["spans"]} == {"entities", "events"}


def test_prodigy_lines_and_training_tuples(tmp_path):
    rec = gold_record("fmt-emoji", events=False)
    prodigy = {"text": DOCS["fmt-emoji"], "spans": [{"start": s["start"], "end": s["end"], "label": s["label"], "token_start": 0}
                                                    for s in rec["spans"]], "meta": {"doc_id": "fmt-emoji"}, "answer": "accept"}
    marks = gold_record("fmt-marks", events=False)
    training = [DOCS["fmt-marks"], {"entities": [[s["start"], s["end"], s["label"]] for s in marks["spans"]]}]
    out = read("spacy", write(tmp_path, [prodigy, training]))
    assert out.reasons == []
    assert span_keys(out.records["fmt-emoji"]) == span_keys(rec)
    assert span_keys(out.records["fmt-marks"]) == span_keys(marks)


def test_scores_perfectly_end_to_end(tmp_path):
    path = write(tmp_path, [doc_json(r, id_key=None) for r in gold_records()])
    report, pred, _ = score_reader("spacy", path, gold_records(), layers=("entities", "events"))
    assert pred.rejected == ()
    assert micro(report)["f1"] == micro(report, "events")["f1"] == 1.0


def test_a_text_that_differs_is_rejected(tmp_path):
    line = doc_json(gold_record("fmt-marks"))
    line["text"] = line["text"].replace("Colombo", "Colomb0")
    unnamed = dict(line)
    del unnamed["doc_id"]
    out = read("spacy", write(tmp_path, [line, unnamed]))
    assert out.records == {}
    assert [n for n, _ in out.reasons] == [1, 2]
    assert "differs from the stored text of fmt-marks at offset" in out.reasons[0][1]
    assert "matches no gold document" in out.reasons[1][1]


def test_a_text_differing_only_by_normalisation_is_converted(tmp_path):
    record = gold_record("fmt-quotes", events=False)
    stored = DOCS["fmt-quotes"] + "\nZürich"
    raw = unicodedata.normalize("NFD", stored).replace("\n", "\r\n")
    ents = []
    for s in record["spans"]:
        a = len(unicodedata.normalize("NFD", DOCS["fmt-quotes"][:s["start"]]).replace("\n", "\r\n"))
        ents.append({"start": a, "end": a + len(unicodedata.normalize("NFD", s["text"])), "label": s["label"]})
    z = raw.index("Zu\u0308rich")
    ents.append({"start": z, "end": z + 7, "label": "GPE"})
    out = read("spacy", write(tmp_path, [{"text": raw, "ents": ents}]), texts={"fmt-quotes": stored})
    assert out.reasons == []
    expected = [*span_keys(record), ("entities", "GPE", len(DOCS["fmt-quotes"]) + 1, len(stored), "Zürich")]
    assert span_keys(out.records["fmt-quotes"]) == sorted(expected, key=repr)
    assert any("only by normalisation" in n for n in out.notices)


def test_bad_entities_are_rejected_one_by_one(tmp_path):
    line = doc_json(gold_record("fmt-emoji", events=False))
    line["ents"][0]["start"] = "3"
    line["ents"][1]["end"] = 10_000
    line["ents"][2]["label"] = ""
    line["ents"].append("PER")
    path = write(tmp_path, [{"note": "nothing here"}, line])
    out = read("spacy", path)
    assert [n for n, _ in out.reasons] == [1, 2, 2, 2, 2]
    assert [r.split(": ")[1] for _, r in out.reasons[1:]] == ["ents[0]", "ents[1]", "ents[2]", "ents[7]"]
    assert len(out.records["fmt-emoji"]["spans"]) == len(line["ents"]) - 4


def test_a_span_in_ents_and_in_a_group_is_kept_once(tmp_path):
    line = doc_json(gold_record("fmt-marks", events=False))
    line["spans"]["sc"] = [dict(line["ents"][0])]
    out = read("spacy", write(tmp_path, [line]))
    assert len(out.records["fmt-marks"]["spans"]) == len(line["ents"])
    assert any("kept once" in n for n in out.notices)


def test_malformed_lines(tmp_path):
    path = tmp_path / "pred.jsonl"
    path.write_bytes(b'{"text": 3}\n[1]\n{"ents": 4, "doc_id": "fmt-marks"}\n{"spans": 7, "doc_id": "fmt-marks"}\n{oops\n\xff\n')
    out = read("spacy", path)
    assert [n for n, _ in out.reasons] == [1, 2, 3, 4, 5, 6]
    assert out.records == {}


def test_seed_article_round_trip(seed_project, tmp_path):
    doc_id, text, record = seed_gold(seed_project)
    out = read("spacy", write(tmp_path, [doc_json(record, id_key=None, texts={doc_id: text})]), texts={doc_id: text})
    assert out.reasons == []
    assert span_keys(out.records[doc_id]) == span_keys({"spans": [{k: v for k, v in s.items() if k != "id"} for s in record["spans"]]})
