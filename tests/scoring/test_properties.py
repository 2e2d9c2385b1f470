"""Hypothesis properties of the scorer: order-free, perfect and empty predictions, additivity, robustness."""

from __future__ import annotations

import json
import random

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspans.project import Project
from newsspans.scoring.api import ScoreConfig, score
from newsspans.scoring.counts import FIELDS
from newsspans.scoring.engine import SPAN_MODES, score_layer
from newsspans.scoring.inputs import DocRecord, GoldSet, check_predictions

from ..conftest import REPO
from .helpers import ENT, LABELS, sets

span = st.tuples(st.integers(0, 60), st.integers(1, 12), st.sampled_from(ENT[:4])).map(lambda t: (t[0], t[0] + t[1], t[2]))
doc = st.lists(span, max_size=12)
corpus = st.dictionaries(st.sampled_from(["a", "b", "c", "d"]), st.tuples(doc, doc), min_size=1)


def layer_stats(gold, pred):
    g, p = sets(gold, pred)
    return score_layer("entities", ENT, g, p, [*SPAN_MODES, "string"]).stats


@settings(max_examples=150, deadline=None)
@given(corpus, st.randoms())
def test_shuffling_spans_and_documents_changes_nothing(data, rnd):
    gold = {d: g for d, (g, _) in data.items()}
    pred = {d: p for d, (_, p) in data.items()}
    shuffled_gold = {d: rnd.sample(v, len(v)) for d, v in gold.items()}
    shuffled_pred = {d: rnd.sample(v, len(v)) for d, v in sorted(pred.items(), key=lambda _: rnd.random())}
    a, b = layer_stats(gold, pred), layer_stats(shuffled_gold, shuffled_pred)
    for mode in a:
        assert np.array_equal(a[mode], b[mode]), mode


@settings(max_examples=100, deadline=None)
@given(corpus)
def test_perfect_predictions_score_one_and_empty_score_zero_recall(data):
    gold = {d: g for d, (g, _) in data.items()}
    perfect = layer_stats(gold, gold)
    empty = layer_stats(gold, {})
    n_gold = sum(len(set(v)) for v in gold.values())
    for mode in SPAN_MODES:
        total = perfect[mode].sum((0, 1))
        assert total[3] == total[7] == total[1] == total[2] == 0  # nothing missed, spurious, incorrect, partial
        e = empty[mode].sum((0, 1))
        assert e[0] == 0 and e[3] == sum(len(v) for v in gold.values()) and e[4:].sum() == 0
    assert perfect["string"].sum((0, 1))[0] <= n_gold


@settings(max_examples=100, deadline=None)
@given(corpus)
def test_per_label_counts_add_up_and_sides_agree(data):
    stats = layer_stats({d: g for d, (g, _) in data.items()}, {d: p for d, (_, p) in data.items()})
    for mode, s in stats.items():
        total = s.sum((0, 1))
        assert total[0] == total[4] and total[1] == total[5] and total[2] == total[6], mode  # cor == pcor ...
        n_gold = sum(len(g) for g, _ in data.values())
        n_pred = sum(len(p) for _, p in data.values())
        if mode != "string":
            assert total[:4].sum() == n_gold and total[4:].sum() == n_pred


@settings(max_examples=40, deadline=None)
@given(corpus, corpus)
def test_counts_are_additive_over_documents(a, b):
    b = {f"x{k}": v for k, v in b.items()}
    both = {**a, **b}
    s_a = layer_stats({d: g for d, (g, _) in a.items()}, {d: p for d, (_, p) in a.items()})
    s_b = layer_stats({d: g for d, (g, _) in b.items()}, {d: p for d, (_, p) in b.items()})
    s_ab = layer_stats({d: g for d, (g, _) in both.items()}, {d: p for d, (_, p) in both.items()})
    for mode in s_ab:
        assert np.array_equal(s_ab[mode].sum(0), s_a[mode].sum(0) + s_b[mode].sum(0))


@settings(max_examples=60, deadline=None)
@given(corpus)
def test_report_per_label_sums_equal_micro(data):
    g, p = sets({d: v[0] for d, v in data.items()}, {d: v[1] for d, v in data.items()})
    report = score(g, p, LABELS, ScoreConfig(layers=("entities",), bootstrap=20, seed=1))
    for mode, res in report["layers"]["entities"]["modes"].items():
        for key in ("correct", "incorrect", "partial", "missed", "spurious", "possible", "actual"):
            assert sum(v[key] for v in res["per_label"].values()) == res["micro"][key], (mode, key)


JSONISH = st.recursive(st.none() | st.booleans() | st.integers(-5, 200) | st.text(max_size=5),
                       lambda kids: st.lists(kids, max_size=4) | st.dictionaries(st.sampled_from(
                           ["doc_id", "spans", "layer", "label", "start", "end", "text", "relations", "head", "tail", "id"]), kids, max_size=6),
                       max_leaves=20)


@settings(max_examples=150, deadline=None)
@given(st.lists(JSONISH, max_size=5))
def test_arbitrary_input_never_crashes(lines):
    text = "Joe Biden met officials in Kyiv on Tuesday."
    from newsspans.model import AnnotationSet

    gold = GoldSet("g", "0" * 64, "all", ("a",), {"a": DocRecord.from_annotation(AnnotationSet("a"))}, {"a": text})
    records = [(i + 1, {"doc_id": "a", **line} if isinstance(line, dict) and random.random() < 0.5 else line) for i, line in enumerate(lines)]
    records = [(n, r if not isinstance(r, str) else json.dumps(r)) for n, r in records]
    pred = check_predictions(records, file="p.jsonl", gold=gold, labels=LABELS, project=Project(REPO))
    report = score(gold, pred, LABELS, ScoreConfig(layers=("entities", "relations"), bootstrap=5))
    scored = report["predictions"]["spans_scored"]
    assert scored >= 0 and report["predictions"]["spans_read"] == scored + report["predictions"]["spans_rejected"]
    assert len(FIELDS) == 8
