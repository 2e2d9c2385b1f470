"""The scorer's fast line check never accepts a line the validator (levels 1-3) would reject,
and the rows it builds equal what the validator-checked path builds."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from newsspans.project import Project
from newsspans.scoring.fastcheck import LineChecker
from newsspans.scoring.inputs import _build
from newsspans.validate.checks import Context
from newsspans.validate.runner import Run

from ..conftest import REPO, SEED_ID
from ..mutations import json_paths
from .helpers import LABELS

DOC = json.loads((REPO / "corpus" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
GOLD = json.loads((REPO / "annotations" / "gold" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
LINE = {"doc_id": SEED_ID, "spans": GOLD["spans"][:30], "relations": [r for r in GOLD["relations"]
        if {r["head"], r["tail"]} <= {s["id"] for s in GOLD["spans"][:30]}]}
CHECKER = LineChecker.for_labels(LABELS)
RUN = Run(Project(REPO), LABELS, max_level=3)

VALUES = st.one_of(st.none(), st.booleans(), st.integers(-2, 3000), st.floats(allow_nan=False), st.text(max_size=6),
                   st.sampled_from(["PER", "ORG", "entities", "events", "NAM", "future", "actor", "e1", "v1", "../x", ""]),
                   st.just([]), st.just({}))


def mutated(data, max_mutations: int) -> dict:
    """A copy of LINE with 1..max_mutations values replaced or keys deleted, drawn by hypothesis."""
    line = copy.deepcopy(LINE)
    for _ in range(data.draw(st.integers(1, max_mutations))):
        path = data.draw(st.sampled_from([p for p in json_paths(line, max_items=6) if p]))
        parent = line
        for key in path[:-1]:
            parent = parent[key]
        if data.draw(st.booleans()) and isinstance(parent, dict):
            del parent[path[-1]]
        else:
            parent[path[-1]] = data.draw(VALUES)
    return line


@settings(max_examples=500, deadline=None)
@given(st.data())
def test_fast_accept_implies_validator_accepts(data):
    line = mutated(data, max_mutations=3)
    if CHECKER.ok(line, DOC["text"]):
        ctx = Context("p.jsonl", "prediction", LABELS, line=1, text=DOC["text"], text_hash=DOC["text_sha256"])
        assert RUN.check(line, ctx, max_level=3) == []


def test_rows_equal_the_checked_build():
    rows = CHECKER.rows(LINE, DOC["text"])
    assert rows is not None
    built = _build(LINE, SEED_ID, {"spans": set(), "relations": set()}, "p.jsonl", 1, [])
    assert rows[0] == built.layers and tuple(rows[1]) == built.relations


@settings(max_examples=200, deadline=None)
@given(st.data())
def test_mutated_lines_are_scored_or_rejected_never_crash(data):
    """Every prediction is scored or rejected with a reason, whatever the mutation (levels re-checked after rejections)."""
    from newsspans.model import AnnotationSet
    from newsspans.scoring.api import ScoreConfig, default_layers, score
    from newsspans.scoring.inputs import DocRecord, GoldSet, check_predictions

    gold = GoldSet("g", "0" * 64, "all", (SEED_ID,), {SEED_ID: DocRecord.from_annotation(AnnotationSet.from_dict(GOLD))},
                   {SEED_ID: DOC["text"]})
    line = mutated(data, max_mutations=4)
    pred = check_predictions([(1, line)], file="p.jsonl", gold=gold, labels=LABELS, project=Project(REPO))
    report = score(gold, pred, LABELS, ScoreConfig(layers=default_layers(LABELS), modes=("strict", "string"), bootstrap=0,
                                                   keep_errors=True))
    counts = report["predictions"]
    assert counts["spans_scored"] + counts["spans_rejected"] == counts["spans_read"]
