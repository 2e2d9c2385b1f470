"""Data model, ingest, atomic writes, drafts and the exchange export."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from newsspans.commands.export import main as export_main
from newsspans.commands.ingest import main as ingest_main
from newsspans.corpus import iter_exchange, load_corpus
from newsspans.draft import locate, occurrences, render_inline, resolve_draft
from newsspans.errors import AlignmentError, InputError, IntegrityError, RefusedOverwrite
from newsspans.ids import doc_path, is_valid_doc_id
from newsspans.ingest import ingest
from newsspans.jsonio import atomic_write_text, dumps_record, read_json
from newsspans.labels import LabelSet
from newsspans.model import AnnotationSet, Span
from newsspans.project import Project
from newsspans.textnorm import normalise, text_sha256

from ..conftest import REPO, SEED_ID

SEED_SOURCE = REPO.parent / "shared" / "seeds" / "000_cb7a18f69dde185b.txt"


def test_seed_text_round_trips_byte_for_byte():
    doc = read_json(REPO / "corpus" / f"{SEED_ID}.json")
    if SEED_SOURCE.exists():  # the source copy lives beside the checkout
        assert normalise(SEED_SOURCE.read_text(encoding="utf-8")) == doc["text"]
    assert text_sha256(doc["text"]) == doc["text_sha256"]


@pytest.mark.parametrize("folder", ["gold", "by-annotator/ns-lead"])
def test_annotation_file_round_trips_byte_for_byte(folder):
    path = REPO / "annotations" / folder / f"{SEED_ID}.json"
    raw = path.read_text(encoding="utf-8")
    data = json.loads(raw)
    assert dumps_record(data) == raw
    ann = AnnotationSet.from_dict(data)
    rebuilt = {k: v for k, v in data.items() if k not in ("spans", "relations")} | {
        "spans": ann.to_dict()["spans"], "relations": ann.to_dict()["relations"]}
    assert rebuilt == data


def test_span_checks_offsets_on_construction():
    with pytest.raises(InputError):
        Span("d", "entities", 5, 5, "PER")
    with pytest.raises(InputError):
        Span("d", "entities", -1, 3, "PER")
    with pytest.raises(InputError):
        Span("d", "entities", None, None, "PER")  # neither offsets nor text
    assert Span("d", "entities", None, None, "PER", text="Joe").start is None


def test_span_identity_is_the_scoring_unit():
    a = Span("d", "entities", 0, 3, "PER", "Joe", id="e1", attributes=(("mention", "NAM"),))
    b = Span("d", "entities", 0, 3, "PER", "Joe", id="x9")
    assert a == b and hash(a) == hash(b) and a.key == ("d", "entities", 0, 3, "PER")
    assert Span("other", "entities", 0, 3, "PER", "Joe") != a


@pytest.mark.parametrize("doc_id", ["../x", "a/b", "A1", "-a", "", "a" * 129, "a..b", "é1"])
def test_bad_doc_ids_never_become_paths(doc_id, tmp_path):
    assert not is_valid_doc_id(doc_id)
    with pytest.raises(InputError):
        doc_path(tmp_path, doc_id)


def test_atomic_write_refuses_overwrite_and_leaves_no_temp(tmp_path):
    target = tmp_path / "a.json"
    atomic_write_text(target, "one")
    with pytest.raises(RefusedOverwrite):
        atomic_write_text(target, "two", overwrite=False)
    assert target.read_text() == "one"
    atomic_write_text(target, "two")
    assert target.read_text() == "two"
    assert os.listdir(tmp_path) == ["a.json"]
    assert target.stat().st_mode & 0o777 == 0o644  # readable like any other file, not mkstemp's 0600


def test_ingest_normalises_crlf_and_nfc(seed_project):
    project = Project(seed_project)
    raw = "Cafe\u0301 in Kyiv\r\nsecond line\rthird"
    path = ingest(project, "crlf-doc", raw, {"title": "t"})
    doc = read_json(path)
    assert doc["text"] == "Café in Kyiv\nsecond line\nthird"
    assert doc["text_sha256"] == text_sha256(doc["text"])


def test_ingest_protects_annotated_text(seed_project):
    project = Project(seed_project)
    meta = read_json(project.corpus_dir / f"{SEED_ID}.json")["metadata"]
    with pytest.raises(RefusedOverwrite):
        ingest(project, SEED_ID, "new text", meta)
    with pytest.raises(IntegrityError):
        ingest(project, SEED_ID, "new text", meta, overwrite=True)


def test_ingest_cli_errors_are_one_line(seed_project, tmp_path, capsys):
    text = tmp_path / "t.txt"
    text.write_bytes(b"\xff\xfe bad utf8")
    meta = tmp_path / "m.json"
    meta.write_text("{}")
    assert ingest_main(["--root", str(seed_project), str(text), "--id", "x1", "--meta", str(meta)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "t.txt" in err and "UTF-8" in err


def test_occurrences_are_whole_word():
    text = "Russia and Russian forces; Russia’s army; U.S.-supplied"
    assert occurrences(text, "Russia") == [0, 27]
    assert locate(text, "Russia", 2) == 27
    assert locate(text, "supplied", None) == text.index("supplied")
    with pytest.raises(AlignmentError, match="occurs 2 times"):
        locate(text, "Russia", None)
    with pytest.raises(AlignmentError, match="does not occur"):
        locate(text, "Kyiv", None)


def test_draft_resolves_and_reports_problems():
    labels = LabelSet.load(REPO / "schema" / "labels.json")
    text = "U.S. President Joe Biden met U.S. officials."
    draft = {"doc_id": "d", "spans": [["e1", "GPE", "U.S.", 2, {"mention": "NAM"}], ["e2", "PER", "Joe Biden", None, {"mention": "NAM"}],
                                      ["e3", "PER", "Jill", None], ["e4", "NOPE", "met", None]],
             "relations": [["r1", "actor", "v1", "e2"]]}
    ann, problems = resolve_draft(draft, text, labels)
    assert [(s.id, s.start, s.end) for s in ann.spans] == [("e1", 29, 33), ("e2", 15, 24)]
    assert len(problems) == 2 and "Jill" in problems[0] and "unknown label" in problems[1]
    assert render_inline(text, ann.spans).startswith("U.S. President [PER:e2 Joe Biden] met [GPE:e1 U.S.] officials.")


def test_export_matches_gold(seed_project, tmp_path):
    out = tmp_path / "gold.jsonl"
    assert export_main(["--root", str(seed_project), "-o", str(out)]) == 0
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    gold = read_json(seed_project / "annotations" / "gold" / f"{SEED_ID}.json")
    assert len(lines) == 1 and lines[0]["doc_id"] == SEED_ID
    assert len(lines[0]["spans"]) == len(gold["spans"]) and len(lines[0]["relations"]) == len(gold["relations"])
    assert export_main(["--root", str(seed_project), "-o", str(out)]) == 2  # no silent overwrite


def test_export_layer_filter_drops_cross_layer_relations(seed_project):
    corpus = load_corpus(Project(seed_project))
    (record,) = iter_exchange(corpus, layers=["attribution"])
    assert {s["layer"] for s in record["spans"]} == {"attribution"}
    assert {r["label"] for r in record["relations"]} == {"source", "content"}
    with pytest.raises(InputError):
        list(iter_exchange(corpus, layers=["nonsense"]))


def test_export_unknown_split_is_usage_error(seed_project, capsys):
    assert export_main(["--root", str(seed_project), "--split", "test"]) == 2
    assert "unknown split" in capsys.readouterr().err


def test_labels_json_drives_label_set():
    labels = LabelSet.load(REPO / "schema" / "labels.json")
    assert labels.layer_names == ("structure", "entities", "events", "attribution")
    assert "WEA" in labels.layer("entities").label_names and len(labels.layer("events").labels) == 16
    assert labels.role("actor").head == frozenset(labels.layer("events").label_names)
    hotkeys = [lab.hotkey for layer in labels.layers for lab in layer.labels]
    assert len(hotkeys) == len(set(hotkeys)), "hotkeys must be unique"
    assert Path(REPO / "schema" / "labels.json").is_file()
