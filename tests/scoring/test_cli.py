"""The scorer's command line: refusal, --skip-invalid, missing documents, line order, exit codes."""

from __future__ import annotations

import json
import random

from newsspans.commands.score import main as score_main

from ..conftest import REPO, SEED_ID, make_project

SECOND = "nsp-b1-001"


def project(tmp_path):
    return make_project(tmp_path / "proj", (SEED_ID, SECOND))


def gold_lines(root):
    out = []
    for doc_id in (SEED_ID, SECOND):
        g = json.loads((root / "annotations" / "gold" / f"{doc_id}.json").read_text())
        out.append({"doc_id": doc_id, "spans": g["spans"], "relations": g["relations"]})
    return out


def run(root, pred, *extra):
    return score_main(["--root", str(root), "--pred", str(pred), "--split", "all", "--bootstrap", "20", *extra])


def test_invalid_input_is_refused_with_every_problem(tmp_path, capsys):
    root = project(tmp_path)
    lines = gold_lines(root)
    lines[0]["spans"][0] = {**lines[0]["spans"][0], "end": 10**6}
    lines[1]["spans"][1] = {**lines[1]["spans"][1], "label": "NOPE"}
    pred = tmp_path / "p.jsonl"
    pred.write_text("\n".join([json.dumps(x) for x in lines] + ["{broken", json.dumps({"doc_id": "ghost", "spans": []})]) + "\n")
    assert run(root, pred) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert f"{pred}:1: spans/0/end: [span-out-of-range]" in err
    assert f"{pred}:2: spans/1/label: [label-unknown]" in err
    assert f"{pred}:3: -: invalid JSON" in err
    assert f"{pred}:4: doc_id: document 'ghost' is not in the gold set" in err
    assert "refused: " in err and "[relation-dangling-arg]" in err  # relations to a rejected span are rejected too


def test_skip_invalid_scores_the_rest_and_records_rejections(tmp_path, capsys):
    root = project(tmp_path)
    lines = gold_lines(root)
    lines[0]["spans"][0] = {**lines[0]["spans"][0], "end": 10**6}
    pred = tmp_path / "p.jsonl"
    pred.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    out = tmp_path / "r.json"
    assert run(root, pred, "--skip-invalid", "--json", str(out)) == 1
    report = json.loads(out.read_text())
    assert report["rejected"][0]["line"] == 1 and report["rejected"][0]["field"] == "spans/0/end"
    assert report["predictions"]["spans_rejected"] == 1
    assert report["predictions"]["spans_scored"] == report["predictions"]["spans_read"] - 1
    assert f"rejected:{len(report['rejected'])}" in report["signature"] and len(report["rejected"]) == 2  # the span and its relation
    capsys.readouterr()


def test_missing_documents_count_as_empty(tmp_path, capsys):
    root = project(tmp_path)
    pred = tmp_path / "p.jsonl"
    pred.write_text(json.dumps(gold_lines(root)[0]) + "\n")
    out = tmp_path / "r.json"
    assert run(root, pred, "--json", str(out)) == 0
    report = json.loads(out.read_text())
    assert report["documents"]["without_predictions_ids"] == [SECOND]
    ent = report["layers"]["entities"]["modes"]["strict"]["micro"]
    assert ent["spurious"] == 0 and ent["missed"] > 0 and ent["precision"] == 1.0
    capsys.readouterr()


def test_line_and_span_order_do_not_matter(tmp_path, capsys):
    root = project(tmp_path)
    lines = gold_lines(root)
    rng = random.Random(3)
    for line in lines:
        line["spans"] = [s for s in line["spans"] if rng.random() < 0.8]
        keep = {s["id"] for s in line["spans"]}
        line["relations"] = [r for r in line["relations"] if r["head"] in keep and r["tail"] in keep]
    a, b = tmp_path / "a.jsonl", tmp_path / "b.jsonl"
    a.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    shuffled = [dict(x, spans=rng.sample(x["spans"], len(x["spans"]))) for x in reversed(lines)]
    b.write_text("\n".join(json.dumps(x) for x in shuffled) + "\n")
    reports = []
    for pred in (a, b):
        out = tmp_path / f"{pred.stem}.json"
        assert run(root, pred, "--json", str(out)) == 0
        report = json.loads(out.read_text())
        report["predictions"].pop("file")
        reports.append(report)
    assert reports[0] == reports[1]
    capsys.readouterr()


def test_usage_errors_exit_2(tmp_path, capsys):
    root = project(tmp_path)
    pred = tmp_path / "p.jsonl"
    pred.write_text("")
    assert run(root, pred, "--layer", "names") == 2
    assert "unknown layer 'names'" in capsys.readouterr().err
    assert run(root, tmp_path / "missing.jsonl") == 2
    assert "cannot read" in capsys.readouterr().err
    assert run(root, pred, "--seed", "-1") == 2  # numpy's SeedSequence refuses it: an internal error before
    err = capsys.readouterr().err
    assert "--seed must be >= 0" in err and "internal error" not in err
    assert (REPO / "eval" / "score.py").is_file()


def test_predictions_can_come_from_a_pipe_and_gold_cannot(tmp_path, capsys):
    """`--pred /dev/stdin` (an extractor's output piped in) scores like the file; a gold pipe is refused,
    since the gold file is read and then hashed for the signature (the hash of a drained pipe would lie)."""
    import os
    import subprocess
    import sys

    root = project(tmp_path)
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(x) for x in gold_lines(root)) + "\n")
    lines = gold_lines(root)
    lines[0]["spans"], lines[0]["relations"] = lines[0]["spans"][::2], []
    pred = tmp_path / "p.jsonl"
    pred.write_text("\n".join(json.dumps(x) for x in lines) + "\n")
    reports = []
    for source, stdin in ((str(pred), None), ("/dev/stdin", pred.read_bytes())):
        out = tmp_path / f"r{len(reports)}.json"
        proc = subprocess.run([sys.executable, str(REPO / "eval" / "score.py"), "--root", str(root), "--gold", str(gold), "--pred", source,
                               "--bootstrap", "20", "--json", str(out)], input=stdin, capture_output=True, timeout=300,
                              stdin=None if stdin is not None else subprocess.DEVNULL)
        assert proc.returncode == 0, proc.stderr
        report = json.loads(out.read_text())
        assert report["predictions"].pop("file") == source
        reports.append(report)
    assert reports[0] == reports[1] and reports[0]["predictions"]["spans_scored"] > 0
    fifo = tmp_path / "gold.fifo"
    os.mkfifo(fifo)
    assert score_main(["--root", str(root), "--gold", str(fifo), "--pred", str(pred), "--bootstrap", "0"]) == 2
    err = capsys.readouterr().err
    assert "gold.fifo: cannot read: not a regular file" in err and "Traceback" not in err
