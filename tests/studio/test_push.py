"""Push against a real Label Studio: the config is accepted, tasks are keyed by doc id, pre-annotations."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from newsspans.annotations import annotation_record, write_annotation
from newsspans.corpus import load_corpus
from newsspans.errors import InputError
from newsspans.labels import LabelSet
from newsspans.labelstudio.client import Studio
from newsspans.labelstudio.config import build_config, config_differences, control_map, read_config
from newsspans.labelstudio.errors import StudioError
from newsspans.labelstudio.push import file_predictions, gold_predictions, push, select_documents
from newsspans.model import AnnotationSet
from newsspans.project import Project

from .conftest import REPO, make_project
from .helpers import intended_record


def write_gold(project: Project) -> None:
    corpus = load_corpus(project)
    for doc_id, doc in corpus.documents.items():
        spans, rels = intended_record(doc_id, doc.text, corpus.labels)
        ann = AnnotationSet.from_dict({"doc_id": doc_id, "spans": spans,
                                       "relations": [{"id": f"r{i}", "label": r, "head": h, "tail": t} for i, (r, h, t) in enumerate(rels)]})
        record = annotation_record(ann, text_sha256=doc.sha256, scheme_version=corpus.labels.version, guidelines="0.1",
                                   annotators=["ns-lead"], status="gold")
        write_annotation(project.gold_dir / f"{doc_id}.json", record)


@pytest.mark.studio
def test_generated_config_is_accepted_by_the_server(studio: Studio, title: str, tmp_path: Path) -> None:
    labels = LabelSet.load(REPO / "schema" / "labels.json")
    pid = studio.create_project(title, build_config(labels))
    stored = studio.label_config(pid)
    assert config_differences(control_map(labels), read_config(stored)) == []
    for layer in labels.layers:
        for lab in layer.labels:
            assert f'value="{lab.name}"' in stored
    # a changed scheme yields a config the server takes too
    project = make_project(tmp_path / "p", {"d1": "x"})
    data = json.loads(project.labels_path.read_text(encoding="utf-8"))
    data["layers"][1]["labels"].append({"name": "MILUNIT", "definition": "A unit.", "colour": "#101010", "hotkey": "shift+u",
                                        "attributes": {"mention": {"ref": "mention"}}})
    project.labels_path.write_text(json.dumps(data), encoding="utf-8")
    changed = LabelSet.load(project.labels_path)
    studio.set_label_config(pid, build_config(changed))
    assert config_differences(control_map(changed), read_config(studio.label_config(pid))) == []
    # and the server does check configs: a broken one is refused
    with pytest.raises(StudioError, match="HTTP 400"):
        studio.set_label_config(pid, build_config(changed).replace('toName="text"', 'toName="nowhere"', 1))


@pytest.mark.studio
def test_push_twice_creates_no_duplicates_and_predictions_once_per_model(studio: Studio, title: str, tricky_project: Project,
                                                                         tmp_path: Path) -> None:
    write_gold(tricky_project)
    corpus = load_corpus(tricky_project)
    ids = sorted(corpus.documents)
    first = push(studio, corpus, title, ids, gold_predictions(corpus))
    assert first.project_created and sorted(first.created) == ids and sorted(first.predictions) == ids
    assert first.skipped == () and first.refused == ()
    second = push(studio, corpus, title, ids, gold_predictions(corpus))
    assert (second.created, sorted(second.unchanged), second.predictions) == ((), ids, ())

    preds = tmp_path / "system-x.jsonl"
    lines = [json.dumps({"doc_id": d, "spans": [{"layer": "entities", "label": "GPE", "start": 0, "end": 1, "score": 0.25},
                                                {"layer": "entities", "label": "GPE", "text": "Kyiv"}]}) for d in ids]
    preds.write_text("\n".join(lines) + "\n", encoding="utf-8")
    third = push(studio, corpus, title, ids, file_predictions(preds, "system-x-v2"))
    assert sorted(third.predictions) == ids
    assert any("no offsets (string-level)" in s for s in third.skipped)
    assert push(studio, corpus, title, ids, file_predictions(preds, "system-x-v2")).predictions == ()

    tasks = studio.tasks(first.project_id)
    assert sorted(t.doc_id or "" for t in tasks) == ids
    for task in tasks:
        doc = corpus.documents[task.doc_id or ""]
        assert dict(task.data) == {"text": doc.text, "doc_id": doc.id, "text_sha256": doc.sha256}
        assert task.model_versions == {"gold", "system-x-v2"}


@pytest.mark.studio
def test_push_repairs_unannotated_text_and_refuses_annotated(studio: Studio, title: str, tricky_project: Project) -> None:
    corpus = load_corpus(tricky_project)
    report = push(studio, corpus, title, ["emoji", "quotes"])
    tasks = {t.doc_id: t for t in studio.tasks(report.project_id)}
    for doc_id in ("emoji", "quotes"):
        studio.update_task_data(tasks[doc_id].id, {**tasks[doc_id].data, "text": corpus.documents[doc_id].text + " edited"})
    studio.create_annotation(tasks["quotes"].id, [])
    again = push(studio, corpus, title, ["emoji", "quotes"])
    assert again.updated == ("emoji",)
    assert len(again.refused) == 1 and again.refused[0].startswith("quotes: task") and "immutable" in again.refused[0]
    fixed = {t.doc_id: t for t in studio.tasks(report.project_id)}
    assert fixed["emoji"].data["text"] == corpus.documents["emoji"].text


def test_select_documents(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"a-1": "x", "a-2": "y", "b-1": "z"})
    (project.corpus_dir / "splits.json").write_text(json.dumps({"splits": {"train": ["a-1", "b-1"], "dev": ["a-2"]}}), encoding="utf-8")
    corpus = load_corpus(project)
    assert select_documents(corpus, split="train") == ["a-1", "b-1"]
    assert select_documents(corpus, split="all") == ["a-1", "a-2", "b-1"]
    assert select_documents(corpus, ids=["b-1"], globs=["a-*"]) == ["a-1", "a-2", "b-1"]
    for kwargs, message in (({"split": "test"}, "unknown split"), ({"ids": ["zz"]}, "no document 'zz'"),
                            ({"globs": ["q*"]}, "no doc id matches"), ({}, "no documents chosen")):
        with pytest.raises(InputError, match=message):
            select_documents(corpus, **kwargs)  # type: ignore[arg-type]


def test_prediction_file_errors_are_located(tmp_path: Path) -> None:
    path = tmp_path / "p.jsonl"
    path.write_text('{"doc_id": "a", "spans": []}\n{"doc_id": "a", "spans": []}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"p.jsonl:2: doc id 'a' appears twice"):
        file_predictions(path)
    path.write_text('{"doc_id": "a", "spans": [{"label": "GPE"}]}\n', encoding="utf-8")
    with pytest.raises(InputError, match=r"p.jsonl:1: .*layer"):
        file_predictions(path)


@pytest.mark.studio
def test_config_changes_that_drop_labels_need_replace_config(studio: Studio, title: str, tricky_project: Project) -> None:
    push(studio, load_corpus(tricky_project), title, ["emoji"])
    data = json.loads(tricky_project.labels_path.read_text(encoding="utf-8"))
    entities = next(layer for layer in data["layers"] if layer["name"] == "entities")
    entities["labels"].append({"name": "MILUNIT", "definition": "A unit.", "colour": "#101010", "hotkey": "shift+u",
                               "attributes": {"mention": {"ref": "mention"}}})
    tricky_project.labels_path.write_text(json.dumps(data), encoding="utf-8")
    added = push(studio, load_corpus(tricky_project), title, ["emoji"])
    assert added.config_updated and added.unchanged == ("emoji",)

    entities["labels"] = [lab for lab in entities["labels"] if lab["name"] != "WEA"]
    data["attributes"]["context"]["values"].remove("generic")
    tricky_project.labels_path.write_text(json.dumps(data), encoding="utf-8")
    with pytest.raises(StudioError, match=r"has entities/WEA, context=generic, which labels.json no longer has"):
        push(studio, load_corpus(tricky_project), title, ["emoji"])
    replaced = push(studio, load_corpus(tricky_project), title, ["emoji"], replace_config=True)
    assert replaced.config_updated
    assert 'value="WEA"' not in studio.label_config(replaced.project_id)
