"""Every baseline writes valid exchange-format lines, one per document of the split, for any split."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from eval.baselines import run as run_cli
from eval.baselines.base import Prediction, PredRelation, PredSpan, longest_first, outside_blocks, to_record
from eval.baselines.boilerplate import boilerplate_spans
from eval.baselines.registry import BASELINES, make
from eval.baselines.rules import attributions, timex_spans, weapon_spans
from eval.baselines.text import sentences, tokenize, trim
from newsspans.corpus import load_corpus
from newsspans.errors import InputError
from newsspans.model import Document
from newsspans.project import Project
from newsspans.validate import validate_project


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@pytest.mark.parametrize("name", sorted(BASELINES))
def test_baseline_writes_valid_exchange_lines(small: Path, tmp_path: Path, name: str) -> None:
    out = tmp_path / f"{name}.jsonl"
    assert run_cli.main([name, "--root", str(small), "--split", "test", "-o", str(out), "--quiet"]) == 0
    corpus = load_corpus(Project(small))
    records = read_lines(out)
    assert [r["doc_id"] for r in records] == list(corpus.doc_ids("test"))
    run = validate_project(Project(small), predictions=[out], only_predictions=True)
    assert run.findings == []
    layers = {s["layer"] for r in records for s in r["spans"]}
    assert {"structure", "entities"} <= layers
    for record in records:
        text = corpus.documents[record["doc_id"]].text
        for span in record["spans"]:
            assert text[span["start"]:span["end"]] == span["text"]
        ids = {s["id"] for s in record["spans"] if "id" in s}
        assert all(r["head"] in ids and r["tail"] in ids for r in record["relations"])


@pytest.mark.parametrize("split", ["train", "dev"])
def test_any_split(small: Path, tmp_path: Path, split: str) -> None:
    out = tmp_path / "rules.jsonl"
    assert run_cli.main(["rules", "--root", str(small), "--split", split, "-o", str(out), "--quiet"]) == 0
    assert [r["doc_id"] for r in read_lines(out)] == list(load_corpus(Project(small)).doc_ids(split))


def test_no_span_inside_predicted_boilerplate(small: Path) -> None:
    corpus = load_corpus(Project(small))
    for name in ("gazetteer", "rules"):
        baseline = make(name)
        baseline.fit(corpus, lambda _m: None)
        for doc_id in corpus.doc_ids("test"):
            pred = baseline.predict(corpus.documents[doc_id])
            blocks = [(s.start, s.end) for s in pred.spans if s.layer == "structure"]
            assert blocks, f"{name} found no boilerplate in {doc_id}"
            for s in pred.spans:
                if s.layer != "structure":
                    assert not any(s.start < e and b < s.end for b, e in blocks), (name, doc_id, s)


def test_usage_errors(small: Path, tmp_path: Path) -> None:
    out = tmp_path / "x.jsonl"
    assert run_cli.main(["rules", "--root", str(small), "--split", "nope", "-o", str(out), "--quiet"]) == 2
    out.write_text("", encoding="utf-8")
    assert run_cli.main(["rules", "--root", str(small), "-o", str(out), "--quiet"]) == 2  # exists, no --overwrite
    with pytest.raises(InputError, match="known: gazetteer, rules, learned"):
        make("crf")


def test_tokens_keep_offsets() -> None:
    text = "The U.S.-supplied ATACMS hit Russia’s SM-6 site."
    toks = tokenize(text)
    assert all(text[t.start:t.end] == t.text for t in toks)
    assert [t.text for t in toks[:6]] == ["The", "U", ".", "S", ".", "-"]
    assert trim(text, 3, 8) == (4, 8)  # " U.S." keeps the abbreviation's period
    assert trim("“(ATACMS).”", 0, 11) == (2, 8)
    assert sentences("He left. Mr. Smith stayed. U.S. forces came.", 0, 44) == [(0, 8), (9, 26), (27, 44)]


def test_rules_on_guideline_examples() -> None:
    text = ("KYIV, Ukraine (FD) — Ukrainian officials said on Tuesday that ATACMS and Storm Shadow missiles hit a depot.\n"
            "READ: Russia moves decoys\nHome › World › Europe\nBy Jane Doe\n📲 Share this page on WhatsApp\n")
    kinds = {text[s.start:s.end]: dict(s.attributes)["kind"] for s in boilerplate_spans(text)}
    assert kinds == {"KYIV, Ukraine (FD) —": "dateline", "READ: Russia moves decoys": "crosslink", "Home › World › Europe": "nav",
                     "By Jane Doe": "byline", "📲 Share this page on WhatsApp": "social"}
    first = text.split("\n")[0]
    assert [first[s.start:s.end] for s in timex_spans(first, 0, len(first))] == ["Tuesday"]
    assert [first[s.start:s.end] for s in weapon_spans(first, 0, len(first))] == ["ATACMS", "Storm Shadow"]
    (att,) = list(attributions(first, 21, len(first)))
    assert first[att.cue.start:att.cue.end] == "said"
    assert att.source is not None and first[att.source.start:att.source.end] == "Ukrainian officials"
    assert att.content is not None and first[att.content.start:att.content.end] == "ATACMS and Storm Shadow missiles hit a depot"


def test_record_ids_only_for_linked_spans() -> None:
    doc = Document("d1", "Officials said it rained.")
    cue, src, content = (PredSpan("attribution", "CUE", 10, 14), PredSpan("attribution", "SOURCE", 0, 9),
                         PredSpan("attribution", "CONTENT", 15, 24))
    lone = PredSpan("entities", "PER", 0, 9, (("mention", "NOM"),))
    rec = to_record(doc, Prediction((content, lone, cue, src), (PredRelation("source", cue, src), PredRelation("content", cue, content))))
    assert [s.get("id") for s in rec["spans"]] == ["s1", "s2", "s3", None]
    assert rec["relations"] == [{"id": "r1", "label": "source", "head": "s2", "tail": "s1"},
                                {"id": "r2", "label": "content", "head": "s2", "tail": "s3"}]
    assert longest_first([PredSpan("x", "A", 0, 5), PredSpan("x", "B", 2, 9), PredSpan("x", "C", 5, 7)]) == [PredSpan("x", "A", 0, 5),
                                                                                                              PredSpan("x", "C", 5, 7)]
    assert outside_blocks([lone, cue], [(0, 3)]) == [cue]
