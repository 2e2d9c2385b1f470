"""The brat standoff reader: round trips with spans, attributes, events and relations; offsets; bad lines."""

from __future__ import annotations

import unicodedata
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .test_formats_common import DOCS, gold_record, gold_records, micro, read, relation_keys, score_reader, seed_gold, span_keys


def ann_text(record: Mapping[str, Any], *, events: bool = True) -> str:
    """A brat .ann for an exchange record: T lines, A lines, events as E lines (or all relations as R lines)."""
    tid = {s["id"]: f"T{k}" for k, s in enumerate(record["spans"], start=1)}
    lines = [f"{tid[s['id']]}\t{s['label']} {s['start']} {s['end']}\t{s['text']}" for s in record["spans"]]
    event_ids = [s["id"] for s in record["spans"] if s["layer"] == "events"] if events else []
    eid = {sid: f"E{k}" for k, sid in enumerate(event_ids, start=1)}
    n = 0
    for s in record["spans"]:
        for name, value in (s.get("attributes") or {}).items():
            n += 1
            lines.append(f"A{n}\t{name} {eid.get(s['id'], tid[s['id']])} {value}")
    for sid, e in eid.items():
        label = next(s["label"] for s in record["spans"] if s["id"] == sid)
        args, seen = [], {}
        for r in record["relations"]:
            if r["head"] == sid:
                seen[r["label"]] = seen.get(r["label"], 0) + 1
                role = r["label"].capitalize() + (str(seen[r["label"]]) if seen[r["label"]] > 1 else "")
                args.append(f"{role}:{tid[r['tail']]}")
        lines.append(f"{e}\t{label}:{tid[sid]} {' '.join(args)}".rstrip())
    rels = [r for r in record["relations"] if r["head"] not in eid]
    lines += [f"R{k}\t{r['label']} Arg1:{tid[r['head']]} Arg2:{tid[r['tail']]}" for k, r in enumerate(rels, start=1)]
    return "\n".join(lines) + "\n"


def write_folder(tmp_path: Path, records, *, txt: bool = True, events: bool = True, name: str = "brat") -> Path:
    folder = tmp_path / name
    folder.mkdir()
    for record in records:
        (folder / f"{record['doc_id']}.ann").write_text(ann_text(record, events=events), encoding="utf-8")
        if txt:
            (folder / f"{record['doc_id']}.txt").write_text(DOCS[record["doc_id"]], encoding="utf-8", newline="")
    return folder


def assert_same(got: Mapping[str, Any], gold: Mapping[str, Any]) -> None:
    assert span_keys(got, attributes=True) == span_keys(gold, attributes=True)
    assert relation_keys(got) == relation_keys(gold)


def test_round_trip_with_events_attributes_and_relations(tmp_path):
    folder = write_folder(tmp_path, gold_records())
    out = read("brat", folder)
    assert out.reasons == []
    assert set(out.records) == set(DOCS)
    for record in gold_records():
        assert_same(out.records[record["doc_id"]], record)
    assert len(out.records["fmt-quotes"]["relations"]) == 4


def test_round_trip_with_r_lines_and_no_txt(tmp_path):
    folder = write_folder(tmp_path, gold_records(), txt=False, events=False)
    out = read("brat", folder)
    assert out.reasons == []
    for record in gold_records():
        assert_same(out.records[record["doc_id"]], record)


def test_round_trip_scores_perfectly_on_every_layer(tmp_path):
    folder = write_folder(tmp_path, gold_records())
    report, pred, _ = score_reader("brat", folder, gold_records(), layers=("entities", "events", "relations"))
    assert pred.rejected == ()
    assert micro(report)["f1"] == micro(report, "events")["f1"] == micro(report, "relations")["f1"] == 1.0
    assert micro(report, "relations")["correct"] == 4


def test_a_single_ann_file_is_named_by_its_stem(tmp_path):
    path = tmp_path / "fmt-emoji.ann"
    path.write_text(ann_text(gold_record("fmt-emoji")), encoding="utf-8")
    out = read("brat", path)
    assert list(out.records) == ["fmt-emoji"]
    assert_same(out.records["fmt-emoji"], gold_record("fmt-emoji"))


def test_offsets_count_code_points_so_utf16_counts_are_rejected(tmp_path):
    text = DOCS["fmt-emoji"]
    start = text.index("Kyiv")
    utf16 = start + sum(1 for ch in text[:start] if ord(ch) > 0xFFFF)
    path = tmp_path / "fmt-emoji.ann"
    path.write_text(f"T1\tGPE {start} {start + 4}\tKyiv\nT2\tGPE {utf16} {utf16 + 4}\tKyiv\n", encoding="utf-8")
    out = read("brat", path)
    assert span_keys(out.records["fmt-emoji"]) == [("entities", "GPE", start, start + 4, "Kyiv")]
    assert [line for line, _ in out.reasons] == [2]
    assert "but the file records 'Kyiv'" in out.reasons[0][1]


def test_discontinuous_span_is_read_as_its_extent_with_a_notice(tmp_path):
    text = DOCS["fmt-quotes"]
    s1, s2 = text.index("Storm"), text.index("Shadow")
    path = tmp_path / "fmt-quotes.ann"
    path.write_text(f"T1\tWEA {s1} {s1 + 5};{s2} {s2 + 6}\tStorm Shadow\n", encoding="utf-8")
    out = read("brat", path)
    assert out.reasons == []
    assert span_keys(out.records["fmt-quotes"]) == [("entities", "WEA", s1, s2 + 6, "Storm Shadow")]
    assert any("discontinuous span T1" in n for n in out.notices)


def test_crlf_and_decomposed_txt_offsets_are_converted(tmp_path):
    stored = DOCS["fmt-quotes"]
    raw = unicodedata.normalize("NFD", stored).replace("\n", "\r\n") + "\r\nZu\u0308rich"
    stored_ctx = {"fmt-quotes": stored + "\nZürich"}
    start = raw.index("Russia")
    z = raw.index("Zu\u0308rich")
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "fmt-quotes.txt").write_bytes(raw.encode("utf-8"))
    (folder / "fmt-quotes.ann").write_text(f"T1\tGPE {start} {start + 6}\tRussia\nT2\tGPE {z} {z + 7}\tZu\u0308rich\n", encoding="utf-8")
    out = read("brat", folder, texts=stored_ctx)
    assert out.reasons == []
    s = stored.index("Russia")
    assert set(span_keys(out.records["fmt-quotes"])) == {("entities", "GPE", s, s + 6, "Russia"),
                                                         ("entities", "GPE", len(stored) + 1, len(stored) + 7, "Zürich")}
    assert any("only by normalisation" in n for n in out.notices)


def test_span_text_mismatch_rejects_the_span_and_its_relations(tmp_path):
    record = gold_record("fmt-quotes")
    content = ann_text(record).replace("\tstrike\n", "\tstrikes\n")
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "fmt-quotes.ann").write_text(content, encoding="utf-8")
    out = read("brat", folder)
    lines = content.split("\n")
    line = next(i for i, x in enumerate(lines, start=1) if x.endswith("\tstrikes"))
    event_line = next(i for i, x in enumerate(lines, start=1) if x.startswith("E1\t"))
    attr_line = next(i for i, x in enumerate(lines, start=1) if x.endswith(" E1 asserted"))
    assert [n for n, _ in out.reasons] == [line, event_line, attr_line]
    trigger = f"T{[s['id'] for s in record['spans']].index('v1') + 1}"
    assert out.reasons[0][1].startswith(f"fmt-quotes.ann:{line}: span {trigger}: ")
    assert f"event trigger {trigger}" in out.reasons[1][1]
    assert "attribute context=asserted refers to E1" in out.reasons[2][1]
    _, pred, _ = score_reader("brat", folder, [record], layers=("entities", "events", "relations"))
    reasons = [r.reason for r in pred.rejected]
    assert sum(f"span {trigger}" in r for r in reasons) == 1
    assert sum("relation" in r for r in reasons) >= 3  # the three relations from the trigger are not scored


def test_malformed_lines_give_reasons_naming_file_and_line(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    start = DOCS["fmt-marks"].index("Colombo")
    (folder / "fmt-marks.ann").write_bytes(
        f"T1\tGPE {start} {start + 7}\tColombo\nT2\tGPE x y\tfoo\nT3 GPE 1 2 foo\nR1\tplace Arg1:T1\nX1\tsomething\n"
        f"A1\tmention T9 NAM\nT1\tGPE {start} {start + 7}\tColombo\n#1\tAnnotatorNotes T1\tok\nT4\tGPE 5 3\tx\n".encode() + b"T5\t\xff\n")
    out = read("brat", folder)
    assert [line for line, _ in out.reasons] == [2, 3, 4, 5, 7, 9, 10, 6]
    assert all(r.startswith(f"fmt-marks.ann:{line}: ") for line, r in out.reasons)
    assert span_keys(out.records["fmt-marks"]) == [("entities", "GPE", start, start + 7, "Colombo")]


def test_file_names_that_are_not_doc_ids_are_reported(tmp_path):
    folder = tmp_path / "b"
    folder.mkdir()
    (folder / "Not An Id.ann").write_text("", encoding="utf-8")
    out = read("brat", folder)
    assert out.records == {} and "not a valid doc id" in out.reasons[0][1]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert "no .ann files" in read("brat", empty).reasons[0][1]


def test_event_roles_and_ids_map_to_scheme_roles_and_triggers(tmp_path):
    text = DOCS["fmt-quotes"]
    t = {w: text.index(w) for w in ("strike", "Ukraine", "Kursk Oblast", "Russia")}
    ann = (f"T1\tASSAULT {t['strike']} {t['strike'] + 6}\tstrike\nT2\tGPE {t['Ukraine']} {t['Ukraine'] + 7}\tUkraine\n"
           f"T3\tGPE {t['Kursk Oblast']} {t['Kursk Oblast'] + 12}\tKursk Oblast\nT4\tGPE {t['Russia']} {t['Russia'] + 6}\tRussia\n"
           "E1\tASSAULT:T1 Actor:T2 Target:T3 Target2:T4\nA1\tcontext E1 asserted\nA2\tNegated T2\n")
    path = tmp_path / "fmt-quotes.ann"
    path.write_text(ann, encoding="utf-8")
    out = read("brat", path)
    assert out.reasons == []
    rec = out.records["fmt-quotes"]
    assert sorted((r["label"], r["head"], r["tail"]) for r in rec["relations"]) == [("actor", "T1", "T2"), ("target", "T1", "T3"),
                                                                                     ("target", "T1", "T4")]
    spans = {s["id"]: s for s in rec["spans"]}
    assert spans["T1"]["layer"] == "events" and spans["T1"]["attributes"] == {"context": "asserted"}
    assert spans["T2"]["attributes"] == {"Negated": "true"}


def test_unknown_label_is_left_to_the_validator(tmp_path):
    start = DOCS["fmt-marks"].index("Colombo")
    path = tmp_path / "fmt-marks.ann"
    path.write_text(f"T1\tCITY {start} {start + 7}\tColombo\n", encoding="utf-8")
    _, pred, _ = score_reader("brat", path, [gold_record("fmt-marks")])
    assert len(pred.rejected) == 1 and "CITY" in pred.rejected[0].reason


def test_seed_article_round_trip(seed_project, tmp_path):
    doc_id, text, record = seed_gold(seed_project)
    folder = tmp_path / "seed"
    folder.mkdir()
    (folder / f"{doc_id}.ann").write_text(ann_text(record), encoding="utf-8")
    (folder / f"{doc_id}.txt").write_text(text, encoding="utf-8", newline="")
    out = read("brat", folder, texts={doc_id: text})
    assert out.reasons == []
    assert_same(out.records[doc_id], record)
    assert len(out.records[doc_id]["relations"]) == len(record["relations"]) > 0
