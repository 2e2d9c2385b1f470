"""The synthetic generator used by benchmarks produces corpora that pass every validator level."""

from __future__ import annotations

from newsspans.labels import LabelSet
from newsspans.project import Project
from newsspans.synth import generate, write_project
from newsspans.validate import validate_project

from ..conftest import REPO


def test_synthetic_corpus_is_valid_and_seeded(tmp_path):
    labels = LabelSet.load(REPO / "schema" / "labels.json")
    docs = list(generate(labels, 40, spans_per_doc=12, seed=3))
    assert [d.document.text for d in docs] == [d.document.text for d in generate(labels, 40, spans_per_doc=12, seed=3)]
    assert write_project(tmp_path, docs, labels, REPO / "schema") == 40
    run = validate_project(Project(tmp_path), jobs=1)
    assert [f.render() for f in run.findings] == []
    assert run.files["annotation"] == 40


def test_parallel_validation_equals_serial(tmp_path, monkeypatch):
    labels = LabelSet.load(REPO / "schema" / "labels.json")
    docs = list(generate(labels, 30, seed=1))
    write_project(tmp_path, docs, labels, REPO / "schema")
    bad = tmp_path / "annotations" / "gold" / f"{docs[7].document.id}.json"
    bad.write_text(bad.read_text().replace('"label": "BOILERPLATE"', '"label": "FURNITURE"'))
    monkeypatch.setattr("newsspans.validate.runner.PARALLEL_MIN_FILES", 1)
    serial = validate_project(Project(tmp_path), jobs=1)
    parallel = validate_project(Project(tmp_path), jobs=2)
    assert sorted(serial.findings) == sorted(parallel.findings) and len(serial.findings) == 1
    assert serial.files == parallel.files
