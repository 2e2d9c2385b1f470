"""Pull against a real Label Studio: offsets exact on tricky texts, refusals, drafts, several annotators."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import httpx
import pytest

from newsspans.corpus import load_corpus
from newsspans.labelstudio.client import Studio
from newsspans.labelstudio.errors import ConfigMismatch
from newsspans.labelstudio.pull import pull_export, pull_project
from newsspans.labelstudio.push import push
from newsspans.project import Project

from .conftest import TRICKY, Server
from .helpers import intended_record, ls_results, read_spans, utf16

FIXTURES = Path(__file__).parent / "fixtures"
ADMIN_NAME = "admin"  # from admin@newsspans.test


def pushed(studio: Studio, project: Project, title: str, doc_ids: list[str] | None = None) -> dict[str, Any]:
    corpus = load_corpus(project)
    report = push(studio, corpus, title, doc_ids or sorted(corpus.documents))
    return {t.doc_id: t for t in studio.tasks(report.project_id)}


def snapshot(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): p.read_text(encoding="utf-8") for p in sorted(folder.rglob("*")) if p.is_file()}


@pytest.mark.studio
def test_frontend_annotations_come_back_with_identical_code_point_spans(studio: Studio, title: str, tricky_project: Project) -> None:
    tasks = pushed(studio, tricky_project, title)
    corpus = load_corpus(tricky_project)
    gold_before = snapshot(tricky_project.gold_dir)
    for doc_id, doc in corpus.documents.items():
        spans, rels = intended_record(doc_id, doc.text, corpus.labels)
        studio.create_annotation(tasks[doc_id].id, ls_results(spans, rels, doc.text))
    report = pull_project(studio, corpus, title)
    assert report.refused == () and report.drafts == () and report.skipped == ()
    assert len(report.written) == len(TRICKY)
    assert "\r" not in corpus.documents["crlf"].text and "Odesa.\n\nThird" in corpus.documents["crlf"].text
    for doc_id, doc in corpus.documents.items():
        spans, rels = intended_record(doc_id, doc.text, corpus.labels)
        got_spans, got_rels, data = read_spans(tricky_project.by_annotator_dir / ADMIN_NAME / f"{doc_id}.json")
        assert got_spans == sorted(spans, key=lambda s: (s["start"], s["end"], s["label"])), doc_id
        assert got_rels == sorted(rels), doc_id
        assert (data["text_sha256"], data["annotators"], data["status"]) == (doc.sha256, [ADMIN_NAME], "complete")
        assert all(doc.text[s["start"]:s["end"]] == s["text"] for s in got_spans)
    assert snapshot(tricky_project.gold_dir) == gold_before  # pull never writes gold
    again = pull_project(studio, corpus, title)
    assert (again.written, len(again.unchanged)) == ((), len(TRICKY))


def older_export(corpus: Any, doc_ids: list[str]) -> list[dict[str, Any]]:
    """A JSON export as Label Studio 1.x before the code-point fix wrote it: UTF-16 offsets, users as objects."""
    tasks = []
    for n, doc_id in enumerate(doc_ids, start=1):
        doc = corpus.documents[doc_id]
        spans, rels = intended_record(doc_id, doc.text, corpus.labels)
        data = {"text": doc.text} if doc_id == "cjk" else {"text": doc.text, "doc_id": doc_id}  # one task without doc_id
        tasks.append({"id": n, "data": data, "predictions": [], "annotations": [{
            "id": 100 + n, "completed_by": {"id": 7, "email": "Old.Annotator@Example.org", "first_name": "", "last_name": ""},
            "result": ls_results(spans, rels, doc.text, old=True), "was_cancelled": False, "ground_truth": False,
            "created_at": "2021-03-04T10:00:00Z", "updated_at": "2021-03-04T10:05:00Z", "lead_time": 31.5}]})
    return tasks


def test_older_utf16_export_comes_back_identical(tricky_project: Project, tmp_path: Path) -> None:
    corpus = load_corpus(tricky_project)
    assert any(utf16(d.text, len(d.text)) != len(d.text) for d in corpus.documents.values())  # the texts do differ in UTF-16
    path = tmp_path / "export.json"
    path.write_text(json.dumps(older_export(corpus, sorted(corpus.documents))), encoding="utf-8")
    report = pull_export(corpus, path)
    assert report.refused == ()
    assert any("read as UTF-16" in w.message for w in report.warnings)
    for doc_id, doc in corpus.documents.items():
        spans, rels = intended_record(doc_id, doc.text, corpus.labels)
        got_spans, got_rels, data = read_spans(tricky_project.by_annotator_dir / "old.annotator" / f"{doc_id}.json")
        assert got_spans == sorted(spans, key=lambda s: (s["start"], s["end"], s["label"])), doc_id
        assert got_rels == sorted(rels)
        assert data["notes"].startswith("label-studio: export export.json")


def test_stored_older_export_fixture(tricky_project: Project) -> None:
    """tests/studio/fixtures/export-1.x-utf16.json: an export in the older shape, kept as a file."""
    corpus = load_corpus(tricky_project)
    report = pull_export(corpus, FIXTURES / "export-1.x-utf16.json")
    assert report.refused == () and len(report.written) == 2
    for doc_id in ("emoji", "cjk"):
        spans, rels = intended_record(doc_id, corpus.documents[doc_id].text, corpus.labels)
        got_spans, got_rels, _ = read_spans(tricky_project.by_annotator_dir / "old.annotator" / f"{doc_id}.json")
        assert got_spans == sorted(spans, key=lambda s: (s["start"], s["end"], s["label"]))
        assert got_rels == sorted(rels)


@pytest.mark.studio
def test_bad_regions_are_refused_by_name(studio: Studio, title: str, tricky_project: Project) -> None:
    tasks = pushed(studio, tricky_project, title)
    corpus = load_corpus(tricky_project)
    bad = {
        "emoji": ({"id": "oor1", "from_name": "entities", "to_name": "text", "type": "labels",
                   "value": {"start": 500, "end": 510, "text": "Kharkiv", "labels": ["GPE"]}}, "out of range"),
        "quotes": ({"id": "unk1", "from_name": "entities", "to_name": "text", "type": "labels",
                    "value": {"start": 1, "end": 3, "text": "We", "labels": ["DRONE"]}}, "label 'DRONE'"),
        "cjk": ({"id": "mis1", "from_name": "entities", "to_name": "text", "type": "labels",
                 "value": {"start": 0, "end": 2, "text": "東京", "labels": ["GPE"]}}, "records '東京' but covers"),
    }
    for doc_id, (item, _) in bad.items():
        doc = corpus.documents[doc_id]
        spans, rels = intended_record(doc_id, doc.text, corpus.labels)
        studio.create_annotation(tasks[doc_id].id, [*ls_results(spans, rels, doc.text), item])
    good = corpus.documents["crlf"]
    studio.create_annotation(tasks["crlf"].id, ls_results(*intended_record("crlf", good.text, corpus.labels), good.text))
    report = pull_project(studio, corpus, title)
    for doc_id, (item, reason) in bad.items():
        notices = [n for n in report.refused if n.doc_id == doc_id]
        assert notices, doc_id
        line = notices[0].render()
        assert f"task {tasks[doc_id].id}" in line and f"doc {doc_id}" in line and f"region {item['id']}" in line and reason in line
        assert not (tricky_project.by_annotator_dir / ADMIN_NAME / f"{doc_id}.json").exists()
    assert [p.name for p in report.written] == ["crlf.json"]
    assert not report.ok


@pytest.mark.studio
def test_text_edited_in_label_studio_is_refused(studio: Studio, title: str, tricky_project: Project) -> None:
    tasks = pushed(studio, tricky_project, title, ["quotes"])
    corpus = load_corpus(tricky_project)
    doc = corpus.documents["quotes"]
    task = tasks["quotes"]
    studio.update_task_data(task.id, {**task.data, "text": doc.text.replace("minister", "ministry")})
    studio.create_annotation(task.id, ls_results(*intended_record("quotes", doc.text, corpus.labels), doc.text))
    report = pull_project(studio, corpus, title)
    assert len(report.refused) == 1
    notice = report.refused[0]
    assert notice.doc_id == "quotes" and notice.task == task.id and "differs from the corpus text" in notice.message
    assert "first difference at code point" in notice.message
    assert report.written == () and not (tricky_project.by_annotator_dir / ADMIN_NAME).exists()


@pytest.mark.studio
def test_drafts_and_skipped_tasks_are_reported_not_merged(studio: Studio, studio_server: Server, title: str, tricky_project: Project) -> None:
    tasks = pushed(studio, tricky_project, title, ["emoji", "cjk"])
    corpus = load_corpus(tricky_project)
    doc = corpus.documents["emoji"]
    draft = {"result": ls_results(*intended_record("emoji", doc.text, corpus.labels), doc.text), "lead_time": 3}
    resp = httpx.post(f"{studio_server.url}/api/tasks/{tasks['emoji'].id}/drafts", json=draft,
                      headers={"Authorization": f"Token {studio_server.token}"}, timeout=30)
    assert resp.status_code == 201, resp.text
    studio.create_annotation(tasks["cjk"].id, [], was_cancelled=True)
    report = pull_project(studio, corpus, title)
    assert [(n.doc_id, "draft in progress" in n.message) for n in report.drafts] == [("emoji", True)]
    assert [(n.doc_id, n.annotator, "skipped" in n.message) for n in report.skipped] == [("cjk", ADMIN_NAME, True)]
    assert report.written == () and report.refused == ()


@pytest.mark.studio
def test_config_that_no_longer_matches_labels_json_is_refused(studio: Studio, title: str, tricky_project: Project) -> None:
    pushed(studio, tricky_project, title, ["emoji"])
    data = json.loads(tricky_project.labels_path.read_text(encoding="utf-8"))
    entities = next(layer for layer in data["layers"] if layer["name"] == "entities")
    wea = next(lab for lab in entities["labels"] if lab["name"] == "WEA")
    wea["name"] = "WEAPON"
    data["relations"] = [r for r in data["relations"] if r["name"] != "time"]
    tricky_project.labels_path.write_text(json.dumps(data), encoding="utf-8")
    corpus = load_corpus(tricky_project)
    with pytest.raises(ConfigMismatch) as err:
        pull_project(studio, corpus, title)
    message = str(err.value)
    assert "labels missing from the project: WEAPON" in message and "labels not in labels.json: WEA" in message
    assert "relation roles not in labels.json: time" in message
    assert not tricky_project.by_annotator_dir.joinpath(ADMIN_NAME).exists()


@pytest.mark.studio
def test_two_annotators_on_one_task_arrive_intact_and_distinct(studio: Studio, title: str, tricky_project: Project) -> None:
    tasks = pushed(studio, tricky_project, title, ["cjk"])
    corpus = load_corpus(tricky_project)
    doc = corpus.documents["cjk"]
    spans, rels = intended_record("cjk", doc.text, corpus.labels)
    users = [studio.create_user(f"{title[-8:]}-{n}", f"{n}.{title[-8:]}@annotators.test") for n in ("ana", "ben")]
    ana_spans = spans
    ben_spans = [s for s in spans if s["label"] != "WEA"] + [
        {"id": "x9", "layer": "entities", "label": "GPE", "start": doc.text.index("서울"), "end": doc.text.index("서울") + 2,
         "text": "서울", "attributes": {"mention": "NOM"}}]
    ben_spans = [s for s in ben_spans if s["id"] != "g3"]
    ben_rels = [r for r in rels if r[2] != "g3"]
    studio.create_annotation(tasks["cjk"].id, ls_results(ana_spans, rels, doc.text), user_id=users[0].id)
    studio.create_annotation(tasks["cjk"].id, ls_results(ben_spans, ben_rels, doc.text), user_id=users[1].id)
    report = pull_project(studio, corpus, title)
    assert report.refused == ()
    names = [f"ana.{title[-8:]}".lower(), f"ben.{title[-8:]}".lower()]
    files = [tricky_project.by_annotator_dir / name / "cjk.json" for name in names]
    assert sorted(report.written) == sorted(files)
    a_spans, a_rels, a_data = read_spans(files[0])
    b_spans, b_rels, b_data = read_spans(files[1])
    key = lambda s: (s["start"], s["end"], s["label"])  # noqa: E731
    assert (a_spans, a_rels) == (sorted(ana_spans, key=key), sorted(rels))
    assert (b_spans, b_rels) == (sorted(ben_spans, key=key), sorted(ben_rels))
    assert a_spans != b_spans and (a_data["annotators"], b_data["annotators"]) == ([names[0]], [names[1]])


@pytest.mark.studio
def test_files_not_pulled_from_label_studio_are_kept_unless_overwrite(studio: Studio, title: str, tricky_project: Project) -> None:
    tasks = pushed(studio, tricky_project, title, ["quotes"])
    corpus = load_corpus(tricky_project)
    doc = corpus.documents["quotes"]
    studio.create_annotation(tasks["quotes"].id, ls_results(*intended_record("quotes", doc.text, corpus.labels), doc.text))
    path = tricky_project.by_annotator_dir / ADMIN_NAME / "quotes.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"hand": "made"}\n', encoding="utf-8")
    report = pull_project(studio, corpus, title)
    assert "was not pulled from Label Studio" in report.refused[0].message
    assert path.read_text(encoding="utf-8") == '{"hand": "made"}\n'
    assert pull_project(studio, corpus, title, overwrite=True).written == (path,)
    assert json.loads(path.read_text(encoding="utf-8"))["doc_id"] == "quotes"
