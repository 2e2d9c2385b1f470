"""Adjudication, agreement and frozen splits on a throw-away project built from the seed."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest

from newsspans.commands.adjudicate import main as adjudicate_main
from newsspans.commands.split import main as split_main
from newsspans.commands.validate import main as validate_main
from newsspans.project import Project
from newsspans.validate import validate_project

from ..conftest import REPO, SEED_ID


def annotator_file(root: Path, name: str, edit=None) -> Path:
    data = json.loads((REPO / "annotations" / "gold" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    data["annotators"], data["status"] = [name], "complete"
    if edit:
        edit(data)
    path = root / "annotations" / "by-annotator" / name / f"{SEED_ID}.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def second_annotator(data: dict) -> None:
    """ann-b: drops "Joe Biden" (and its relation) and one place relation, and calls "Ukrainian forces" GPE."""
    biden = next(s for s in data["spans"] if s["text"] == "Joe Biden")
    data["spans"].remove(biden)
    data["relations"] = [r for r in data["relations"] if biden["id"] not in (r["head"], r["tail"])]
    data["relations"].remove(next(r for r in data["relations"] if r["label"] == "place"))
    next(s for s in data["spans"] if s["text"] == "Ukrainian forces")["label"] = "GPE"


@pytest.fixture
def two_annotators(seed_project: Path) -> Path:
    (seed_project / "annotations" / "gold" / f"{SEED_ID}.json").unlink()
    annotator_file(seed_project, "ann-a")
    annotator_file(seed_project, "ann-b", second_annotator)
    return seed_project


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def test_list_shows_every_disagreement(two_annotators, capsys):
    code = adjudicate_main(["--root", str(two_annotators), SEED_ID, "--annotator", "ann-a", "--annotator", "ann-b", "--list"])
    out = capsys.readouterr().out
    assert code == 0
    assert "S:entities:15:24:PER [ann-a] 'Joe Biden'" in out
    assert "S:entities:40:56:ORG [ann-a] 'Ukrainian forces'" in out and "S:entities:40:56:GPE [ann-b]" in out
    assert "R:place|S:events:" in out and "[ann-a]" in out  # the place relation ann-b left out
    assert not (two_annotators / "annotations" / "gold" / f"{SEED_ID}.json").exists()


def test_undecided_writes_nothing(two_annotators, capsys):
    args = ["--root", str(two_annotators), SEED_ID, "--annotator", "ann-a", "--annotator", "ann-b", "--adjudicator", "adj"]
    assert adjudicate_main(args) == 1
    assert "undecided S:entities:15:24:PER" in capsys.readouterr().err
    assert not (two_annotators / "annotations" / "gold" / f"{SEED_ID}.json").exists()


def test_decisions_produce_gold_and_log_without_touching_annotators(two_annotators, tmp_path, capsys):
    before = {p: digest(p) for p in (two_annotators / "annotations" / "by-annotator").rglob("*.json")}
    decisions = tmp_path / "d.json"
    decisions.write_text(json.dumps({"decisions": [
        {"item": "S:entities:15:24:PER", "decision": "accept", "reason": "named person, guidelines 3.2"},
        {"item": "S:entities:40:56:GPE", "decision": "reject", "reason": "armed forces are ORG (3.8)"},
    ], "edits": [{"op": "add", "span": ["x", "PER", "President", None, {"mention": "NOM"}], "reason": "test edit"}]}))
    args = ["--root", str(two_annotators), SEED_ID, "--annotator", "ann-a", "--annotator", "ann-b", "--adjudicator", "adj",
            "--decisions", str(decisions), "--policy", "prefer:ann-a"]
    assert adjudicate_main(args) == 0
    gold = json.loads((two_annotators / "annotations" / "gold" / f"{SEED_ID}.json").read_text())
    texts = {(s["text"], s["label"]) for s in gold["spans"]}
    assert ("Joe Biden", "PER") in texts and ("Ukrainian forces", "ORG") in texts and ("Ukrainian forces", "GPE") not in texts
    assert ("President", "PER") in texts
    assert gold["status"] == "adjudicated" and gold["annotators"] == ["adj", "ann-a", "ann-b"]
    log = json.loads((two_annotators / "annotations" / "adjudication" / f"{SEED_ID}.json").read_text())
    sources = {d["item"]: d["source"] for d in log["disagreements"]}
    assert sources["S:entities:15:24:PER"] == "decisions file" and any(s == "policy prefer:ann-a" for s in sources.values())
    assert before == {p: digest(p) for p in (two_annotators / "annotations" / "by-annotator").rglob("*.json")}
    assert validate_project(Project(two_annotators)).findings == []
    # gold is never replaced silently
    gold_path = two_annotators / "annotations" / "gold" / f"{SEED_ID}.json"
    kept = digest(gold_path)
    assert adjudicate_main(args) == 2 and digest(gold_path) == kept
    assert "exists" in capsys.readouterr().err


def test_agreement_of_identical_files_is_perfect(seed_project):
    from newsspans.agreement import PairData, pair_agreement
    from newsspans.corpus import load_annotation_dir, load_corpus

    annotator_file(seed_project, "ann-a")
    annotator_file(seed_project, "ann-b", second_annotator)
    shutil.copytree(seed_project / "annotations" / "by-annotator" / "ann-a", seed_project / "annotations" / "by-annotator" / "ann-c")
    corpus = load_corpus(Project(seed_project))
    by = {n: load_annotation_dir(seed_project / "annotations" / "by-annotator" / n) for n in ("ann-a", "ann-b", "ann-c")}
    texts = {d: doc.text for d, doc in corpus.documents.items()}
    same = pair_agreement(texts, corpus.labels, PairData("ann-a", "ann-c", (SEED_ID,)), by["ann-a"], by["ann-c"])
    assert all(same["layers"][lay]["strict_f1"] == 1.0 for lay in ("structure", "entities", "events", "attribution", "relations"))
    diff = pair_agreement(texts, corpus.labels, PairData("ann-a", "ann-b", (SEED_ID,)), by["ann-a"], by["ann-b"])
    ent = diff["layers"]["entities"]
    # 64 vs 63 entity spans, 62 identical: F1 = 2*62 / (64 + 63)
    assert ent["strict_f1"] == pytest.approx(round(2 * 62 / 127, 4))
    assert ent["aligned_pairs"] == 63 and ent["label_kappa"] < 1.0
    assert diff["layers"]["events"]["strict_f1"] == 1.0


def test_splits_are_frozen_by_content_hash(seed_project, capsys):
    root = str(seed_project)
    assert split_main(["--root", root, "--version", "1.0"]) == 0
    assert validate_main(["--root", root]) == 0
    assert split_main(["--root", root, "--version", "1.1"]) == 2  # already frozen: no silent redraw
    gold = seed_project / "annotations" / "gold" / f"{SEED_ID}.json"
    data = json.loads(gold.read_text())
    data["spans"][5]["attributes"] = {"mention": "NOM"} if data["spans"][5]["layer"] == "entities" else data["spans"][5].get("attributes", {})
    next(s for s in data["spans"] if s["text"] == "Joe Biden")["attributes"] = {"mention": "NOM"}
    gold.write_text(json.dumps(data, ensure_ascii=False, indent=1))
    capsys.readouterr()
    assert validate_main(["--root", root]) == 1
    assert "[L2.split-hash-mismatch] train split changed since version '1.0'" in capsys.readouterr().out
    assert split_main(["--root", root, "--version", "1.0", "--refreeze"]) == 2  # a new version is required
    assert split_main(["--root", root, "--version", "1.1", "--refreeze"]) == 0
    assert validate_main(["--root", root]) == 0


def test_the_repository_itself_is_valid():
    """Fails when corpus text or gold changes without re-freezing the splits under a new version."""
    run = validate_project(Project(REPO))
    assert [f.render() for f in run.findings] == []


def test_the_repository_is_in_release_state(capsys):
    """Lint has no unexplained finding and every allowlist entry still matches; generated pages are fresh."""
    from newsspans.commands.agreement import main as agreement_main
    from newsspans.commands.stats import main as stats_main
    from newsspans.corpus import load_corpus
    from newsspans.lint import allowlist_path, lint_corpus, load_allowlist

    project = Project(REPO)
    report = lint_corpus(load_corpus(project), load_allowlist(allowlist_path(project)))
    assert [f.render() for f in report.findings][:5] == [] and report.unused == ()
    assert len(report.allowlisted) > 0  # the allowlist was read and applied
    assert agreement_main(["--check"]) == 0
    assert stats_main(["--check"]) == 0
    capsys.readouterr()
