"""The JSON Schemas are valid draft 2020-12 schemas and reject crafted bad examples."""

from __future__ import annotations

import copy
import json

import pytest
from jsonschema import Draft202012Validator

from newsspans.project import Project
from newsspans.validate.runner import Schemas

from ..conftest import REPO, SEED_ID

SCHEMA_DIR = REPO / "schema"


@pytest.mark.parametrize("path", sorted(SCHEMA_DIR.glob("*.schema.json")), ids=lambda p: p.name)
def test_schema_is_valid_and_documented(path):
    schema = json.loads(path.read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"].startswith("urn:newsspans:schema:")
    assert schema.get("description")

    def walk(node, where):
        if isinstance(node, dict):
            for name, sub in node.get("properties", {}).items():
                assert "description" in sub, f"{path.name}: {where}/{name} has no description"
            for key, sub in node.items():
                walk(sub, f"{where}/{key}")
        elif isinstance(node, list):
            for i, sub in enumerate(node):
                walk(sub, f"{where}/{i}")

    walk(schema, "")


@pytest.fixture(scope="module")
def schemas():
    return Schemas(Project(REPO).schema_dir)


def seed_gold():
    return json.loads((REPO / "annotations" / "gold" / f"{SEED_ID}.json").read_text(encoding="utf-8"))


def test_seed_files_pass(schemas):
    assert list(schemas.errors("annotation", seed_gold())) == []
    doc = json.loads((REPO / "corpus" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    assert list(schemas.errors("document", doc)) == []


BAD_ANNOTATIONS = {
    "missing status": (lambda d: d.pop("status"), ""),
    "negative offset": (lambda d: d["spans"][0].update(start=-1), "/spans/0/start"),
    "string offset": (lambda d: d["spans"][0].update(end="12"), "/spans/0/end"),
    "bad doc id": (lambda d: d.update(doc_id="../etc/passwd"), "/doc_id"),
    "extra span field": (lambda d: d["spans"][0].update(colour="red"), "/spans/0"),
    "short hash": (lambda d: d.update(text_sha256="abc"), "/text_sha256"),
    "relation without tail": (lambda d: d["relations"][0].pop("tail"), "/relations/0"),
    "empty annotators": (lambda d: d.update(annotators=[]), "/annotators"),
    "bad status": (lambda d: d.update(status="done"), "/status"),
}


@pytest.mark.parametrize("name", BAD_ANNOTATIONS)
def test_annotation_schema_rejects(schemas, name):
    corrupt, pointer = BAD_ANNOTATIONS[name]
    data = copy.deepcopy(seed_gold())
    corrupt(data)
    assert pointer in [p for p, _ in schemas.errors("annotation", data)]


@pytest.mark.parametrize(("line", "pointer"), [
    ({"doc_id": "x", "spans": [{"layer": "entities", "label": "PER"}]}, "/spans/0"),  # neither offsets nor text
    ({"doc_id": "x", "spans": [{"layer": "entities", "label": "PER", "start": 3}]}, "/spans/0"),  # start without end
    ({"spans": []}, ""),  # no doc id
    ({"doc_id": "x", "spans": [{"layer": "entities", "label": "PER", "text": ""}]}, "/spans/0/text"),
])
def test_prediction_schema_rejects(schemas, line, pointer):
    assert pointer in [p for p, _ in schemas.errors("prediction", line)]


def test_prediction_schema_accepts_string_level_and_offsets(schemas):
    line = {"doc_id": "x", "spans": [{"layer": "entities", "label": "PER", "text": "Joe Biden"},
                                     {"id": "e1", "layer": "entities", "label": "PER", "start": 1, "end": 4}],
            "relations": [{"label": "actor", "head": "v1", "tail": "e1"}]}
    assert list(schemas.errors("prediction", line)) == []


def test_document_schema_rejects_missing_license(schemas):
    doc = json.loads((REPO / "corpus" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    del doc["metadata"]["license"]
    assert [p for p, _ in schemas.errors("document", doc)] == ["/metadata"]
