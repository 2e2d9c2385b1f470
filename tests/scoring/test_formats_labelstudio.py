"""The Label Studio export reader: round trips, code points vs UTF-16 offsets, annotation choice, bad tasks."""

from __future__ import annotations

import json
import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from newsspans.labelstudio.config import control_map
from newsspans.labelstudio.results import to_results
from newsspans.model import AnnotationSet
from newsspans.textnorm import normalise

from ..conftest import REPO
from .helpers import LABELS
from .test_formats_common import DOCS, gold_record, gold_records, micro, read, relation_keys, score_reader, seed_gold, span_keys


def utf16(text: str, offset: int) -> int:
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def results_for(record: Mapping[str, Any], *, old: bool = False, numbered: bool = False, texts: Mapping[str, str] = DOCS) -> list[dict[str, Any]]:
    """Result items as the Label Studio frontend stores them (UTF-16 offsets when `old`)."""
    text = texts[record["doc_id"]]
    out: list[dict[str, Any]] = []
    for s in record["spans"]:
        start, end = (utf16(text, s["start"]), utf16(text, s["end"])) if old else (s["start"], s["end"])
        value = {"start": start, "end": end, "text": s["text"]}
        out.append({"id": s["id"], "from_name": s["layer"], "to_name": "text", "type": "labels", "value": {**value, "labels": [s["label"]]}})
        for name, v in (s.get("attributes") or {}).items():
            control = f"{name}_1" if numbered else name
            out.append({"id": s["id"], "from_name": control, "to_name": "text", "type": "choices", "value": {**value, "choices": [v]}})
    out += [{"from_id": r["head"], "to_id": r["tail"], "type": "relation", "direction": "right", "labels": [r["label"]]}
            for r in record["relations"]]
    return out


def task(record: Mapping[str, Any], n: int = 1, *, texts: Mapping[str, str] = DOCS, **kwargs: Any) -> dict[str, Any]:
    return {"id": n, "data": {"doc_id": record["doc_id"], "text": texts[record["doc_id"]]},
            "annotations": [{"id": 100 + n, "was_cancelled": False, "result": results_for(record, texts=texts, **kwargs)}], "predictions": []}


def write(tmp_path: Path, tasks: list[dict[str, Any]], name: str = "export.json") -> Path:
    path = tmp_path / name
    path.write_text(json.dumps(tasks, ensure_ascii=False, indent=2), encoding="utf-8")
    return path


def assert_same(got: Mapping[str, Any], gold: Mapping[str, Any]) -> None:
    assert span_keys(got, with_ids=True, attributes=True) == span_keys(gold, with_ids=True, attributes=True)
    assert relation_keys(got) == relation_keys(gold)


def test_round_trip_with_attributes_and_relations(tmp_path):
    out = read("labelstudio", write(tmp_path, [task(r, i) for i, r in enumerate(gold_records())]))
    assert out.reasons == []
    for record in gold_records():
        assert_same(out.records[record["doc_id"]], record)
    assert not any("UTF-16" in n for n in out.notices)


def test_older_utf16_exports_are_read_with_a_notice(tmp_path):
    out = read("labelstudio", write(tmp_path, [task(r, i, old=True) for i, r in enumerate(gold_records())]))
    assert out.reasons == []
    for record in gold_records():
        assert_same(out.records[record["doc_id"]], record)
    assert any("fmt-emoji" in n and "read as UTF-16" in n for n in out.notices)
    assert not any("fmt-quotes" in n and "UTF-16" in n for n in out.notices)  # no non-BMP character: the readings agree


def test_numbered_choice_controls_name_their_attribute(tmp_path):
    out = read("labelstudio", write(tmp_path, [task(gold_record("fmt-quotes"), numbered=True)]))
    assert_same(out.records["fmt-quotes"], gold_record("fmt-quotes"))


def test_round_trip_scores_perfectly(tmp_path):
    path = write(tmp_path, [task(r, i, old=i % 2 == 0) for i, r in enumerate(gold_records())])
    report, pred, _ = score_reader("labelstudio", path, gold_records(), layers=("entities", "events", "relations"))
    assert pred.rejected == ()
    assert micro(report)["f1"] == micro(report, "events")["f1"] == micro(report, "relations")["f1"] == 1.0


def test_results_written_by_the_studio_module_read_back(tmp_path):
    cmap = control_map(LABELS)
    tasks = []
    for i, record in enumerate(gold_records()):
        out = to_results(AnnotationSet.from_dict(record), DOCS[record["doc_id"]], cmap)
        assert out.skipped == ()
        tasks.append({"id": i, "data": {"doc_id": record["doc_id"], "text": DOCS[record["doc_id"]]}, "annotations": [{"result": out.results}]})
    read_back = read("labelstudio", write(tmp_path, tasks))
    assert read_back.reasons == []
    for record in gold_records():
        assert_same(read_back.records[record["doc_id"]], record)


def test_the_studio_fixture_of_an_older_export_reads_cleanly():
    path = REPO / "tests" / "studio" / "fixtures" / "export-1.x-utf16.json"
    tasks = json.loads(path.read_text(encoding="utf-8"))
    texts = {t["data"].get("doc_id", "no-id-given"): normalise(t["data"]["text"]) for t in tasks}
    assert "no-id-given" in texts  # that task is matched by its text
    out = read("labelstudio", path, texts=texts)
    assert out.reasons == []
    assert set(out.records) == set(texts)
    for doc_id, record in out.records.items():
        assert record["spans"]
        for span in record["spans"]:
            assert texts[doc_id][span["start"]:span["end"]] == span["text"]
    assert any("read as UTF-16" in n for n in out.notices)


def test_region_that_fits_no_reading_is_rejected_with_its_task_line(tmp_path):
    record = gold_record("fmt-emoji", events=False)
    t = task(record)
    next(i for i in t["annotations"][0]["result"] if i["id"] == "e3" and i["type"] == "labels")["value"]["text"] = "Joe Bidet"
    path = write(tmp_path, [task(gold_record("fmt-marks")), t])
    out = read("labelstudio", path)
    line = path.read_text(encoding="utf-8").split("\n").index("  {", 2) + 1
    assert out.lines["fmt-emoji"] == line
    assert [n for n, _ in out.reasons] == [line]
    assert "region e3" in out.reasons[0][1] and "'Joe Bidet'" in out.reasons[0][1]
    assert len(out.records["fmt-emoji"]["spans"]) == len(record["spans"]) - 1


def test_region_without_text_is_read_only_when_the_readings_agree(tmp_path):
    t = task(gold_record("fmt-emoji", events=False))
    for item in t["annotations"][0]["result"]:
        item["value"].pop("text")
    out = read("labelstudio", write(tmp_path, [t]))
    gold = {s["id"]: s for s in gold_record("fmt-emoji", events=False)["spans"]}
    for span in out.records["fmt-emoji"]["spans"]:  # only regions whose UTF-16 reading is impossible (inside a surrogate pair)
        assert (span["start"], span["end"], span["text"]) == (gold[span["id"]]["start"], gold[span["id"]]["end"], gold[span["id"]]["text"])
    assert len(out.reasons) + len(out.records["fmt-emoji"]["spans"]) == len(gold)
    assert len(out.reasons) >= 5 and all("gives different spans" in r for _, r in out.reasons)
    plain = task(gold_record("fmt-quotes", events=False))
    for item in plain["annotations"][0]["result"]:
        item["value"].pop("text")
    out = read("labelstudio", write(tmp_path, [plain]))
    assert out.reasons == []
    assert span_keys(out.records["fmt-quotes"]) == span_keys(gold_record("fmt-quotes", events=False))


def test_first_annotation_not_cancelled_or_the_last_one(tmp_path):
    t = task(gold_record("fmt-marks"))
    good = t["annotations"][0]
    cancelled = {"id": 1, "was_cancelled": True, "result": []}
    other = {"id": 2, "was_cancelled": False, "result": good["result"][:1]}
    t["annotations"] = [cancelled, good, other]
    path = write(tmp_path, [t])
    assert len(read("labelstudio", path).records["fmt-marks"]["spans"]) == len(good["result"]) // 2
    assert len(read("labelstudio", path, annotation="last").records["fmt-marks"]["spans"]) == 1


def test_predictions_can_be_read_instead_of_annotations(tmp_path):
    t = task(gold_record("fmt-marks"))
    t["predictions"] = [{"model_version": "m1", "result": t["annotations"][0]["result"][:2]}]
    out = read("labelstudio", write(tmp_path, [t]), source="predictions")
    assert len(out.records["fmt-marks"]["spans"]) == 1


def test_task_without_annotation_is_not_predicted_and_noticed(tmp_path):
    t = task(gold_record("fmt-marks"))
    t["annotations"] = []
    out = read("labelstudio", write(tmp_path, [t]))
    assert out.records == {} and out.reasons == []
    assert any("no annotations item" in n for n in out.notices)


def test_relations_left_unlabelled_and_multi_label(tmp_path):
    record = gold_record("fmt-quotes")
    t = task(record)
    rels = [i for i in t["annotations"][0]["result"] if i["type"] == "relation"]
    rels[0]["direction"] = "left"
    rels[0]["from_id"], rels[0]["to_id"] = rels[0]["to_id"], rels[0]["from_id"]
    rels[1]["labels"] = []
    rels[2]["labels"] = ["instrument", "target"]
    out = read("labelstudio", write(tmp_path, [t]))
    assert len(out.reasons) == 1 and "has no label" in out.reasons[0][1]
    got = relation_keys(out.records["fmt-quotes"])
    gold = relation_keys(record)
    assert gold[0] in got  # the reversed one comes back in its direction
    assert len(got) == len(gold) - 1 + 1


def test_text_differing_from_the_stored_text(tmp_path):
    t = task(gold_record("fmt-marks"))
    t["data"]["text"] = t["data"]["text"].replace("Colombo", "Kolombo")
    out = read("labelstudio", write(tmp_path, [t]))
    assert out.records == {} and "differs from the stored text" in out.reasons[0][1]


def test_text_differing_only_by_normalisation_is_converted(tmp_path):
    record = gold_record("fmt-quotes", events=False)
    raw = unicodedata.normalize("NFD", DOCS["fmt-quotes"] + " Zürich").replace("\n", "\r\n")
    texts = {"fmt-quotes": DOCS["fmt-quotes"] + " Zürich"}
    z = raw.index("Zu")
    t = task(record)
    shift = raw.index("Russia") - DOCS["fmt-quotes"].index("Russia")
    for item in t["annotations"][0]["result"]:
        if DOCS["fmt-quotes"].index("\n") < item["value"]["start"]:
            item["value"]["start"] += shift
            item["value"]["end"] += shift
    t["annotations"][0]["result"].append({"id": "z", "from_name": "entities", "to_name": "text", "type": "labels",
                                         "value": {"start": z, "end": z + 7, "text": raw[z:z + 7], "labels": ["GPE"]}})
    t["data"]["text"] = raw
    out = read("labelstudio", write(tmp_path, [t]), texts=texts)
    assert out.reasons == []
    spans = {s["id"]: s for s in out.records["fmt-quotes"]["spans"]}
    assert spans["z"]["text"] == "Zürich" and spans["z"]["start"] == len(DOCS["fmt-quotes"]) + 1
    assert span_keys({"spans": [s for s in spans.values() if s["id"] != "z"]}) == span_keys(record)
    assert any("only by normalisation" in n for n in out.notices)


def test_doc_id_from_the_text_when_missing(tmp_path):
    t = task(gold_record("fmt-marks"))
    del t["data"]["doc_id"]
    unknown = task(gold_record("fmt-marks"), 2)
    del unknown["data"]["doc_id"]
    unknown["data"]["text"] = "Some other article."
    out = read("labelstudio", write(tmp_path, [t, unknown]))
    assert list(out.records) == ["fmt-marks"]
    assert len(out.reasons) == 1 and "matches no gold document" in out.reasons[0][1]


def test_malformed_json_and_tasks_give_reasons_with_lines(tmp_path):
    path = tmp_path / "export.json"
    good = json.dumps(task(gold_record("fmt-marks")), ensure_ascii=False)
    path.write_text(f'[\n{good},\n"a string",\n{{"data": 3}},\n{{"data": {{"doc_id": "fmt-empty"}}, "annotations": [{{"result": 5}}]}},\n'
                    '{"broken": \n]\n', encoding="utf-8")
    out = read("labelstudio", path)
    assert list(out.records) == ["fmt-marks"]
    assert [line for line, _ in out.reasons] == [3, 4, 5, 7]
    assert "invalid JSON" in out.reasons[-1][1]


def test_bad_regions_are_rejected_one_by_one(tmp_path):
    t = task(gold_record("fmt-marks", events=False))
    items = t["annotations"][0]["result"]
    items[0]["value"]["start"] = "0"
    items[2]["value"]["labels"] = []
    items.append({"id": "x", "from_name": "entities", "to_name": "text", "type": "labels",
                  "value": {"start": 0, "end": 10_000, "text": "x", "labels": ["PER"]}})
    items.append({"id": "zz", "type": "choices", "from_name": "mention", "value": {"choices": ["NAM"]}})
    items.append({"type": "textarea", "value": {"text": ["note"]}})
    out = read("labelstudio", write(tmp_path, [t]))
    reasons = [r for _, r in out.reasons]
    assert any("offsets must be integers" in r for r in reasons)
    assert any("non-empty list of labels" in r for r in reasons)
    assert any("beyond the end of the text" in r for r in reasons)
    assert any("region 'zz'" in r for r in reasons)
    assert any("'textarea'" in n for n in out.notices)


def test_seed_article_round_trip(seed_project, tmp_path):
    doc_id, text, record = seed_gold(seed_project)
    for old in (False, True):
        out = read("labelstudio", write(tmp_path, [task(record, texts={doc_id: text}, old=old)]), texts={doc_id: text})
        assert out.reasons == []
        assert_same(out.records[doc_id], record)
