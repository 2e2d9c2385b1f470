"""Reports validate against schema/report.schema.json, including comparisons and error listings."""

from __future__ import annotations

import json

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from newsspans.commands.score import main as score_main

from ..conftest import REPO, SEED_ID

SCHEMA = json.loads((REPO / "schema" / "report.schema.json").read_text(encoding="utf-8"))
VALIDATOR = Draft202012Validator(SCHEMA, registry=Registry().with_resource(SCHEMA["$id"], Resource.from_contents(SCHEMA)).crawl())


def test_full_report_validates(seed_project, tmp_path, capsys):
    gold = json.loads((seed_project / "annotations" / "gold" / f"{SEED_ID}.json").read_text())
    spans = [{k: v for k, v in s.items() if k != "id"} for s in gold["spans"][::2]]
    spans[0] = {**spans[0], "label": "ORG" if spans[0]["layer"] == "entities" else spans[0]["label"]}
    pred = tmp_path / "p.jsonl"
    pred.write_text(json.dumps({"doc_id": SEED_ID, "spans": spans}) + "\n")
    other = tmp_path / "o.jsonl"
    other.write_text(json.dumps({"doc_id": SEED_ID, "spans": spans[:20]}) + "\n")
    out = tmp_path / "r.json"
    assert score_main(["--root", str(seed_project), "--pred", str(pred), "--compare", str(other), "--json", str(out), "--errors",
                       "--bootstrap", "50", "--split", "all"]) == 0
    report = json.loads(out.read_text())
    errors = sorted(VALIDATOR.iter_errors(report), key=lambda e: e.path)
    assert errors == [], [f"{list(e.path)}: {e.message}" for e in errors[:5]]
    assert report["comparison"]["layers"]["entities"]["strict"]["f1_difference"] > 0
    assert report["errors"] and report["documents"]["scored"] == 1
    capsys.readouterr()


def test_schema_rejects_a_renamed_key():
    bad = {"signature": "x", "signature_fields": {}, "gold": {"name": "g", "sha256": "s", "split": None, "documents": 0}, "layers": {},
           "documents": {"scored": 0, "without_predictions": 0}, "predictions": {}, "rejected": [], "precision": 1}
    assert not VALIDATOR.is_valid(bad)
