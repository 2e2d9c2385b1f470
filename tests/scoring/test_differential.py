"""Our counts equal nervaluate's (all four modes) and seqeval's (strict, BIO) where the definitions coincide.

Cases are generated so that matching is unambiguous (each span overlaps at most one span of the other
side); there nervaluate's first-match rule and our best-match rule agree.
"""

from __future__ import annotations

import random

import pytest

from .helpers import counts, micro_prf

nervaluate = pytest.importorskip("nervaluate")
seqeval_metrics = pytest.importorskip("seqeval.metrics")

TYPES = ("PER", "ORG", "GPE", "LOC")
NERVALUATE_MODE = {"strict": "strict", "exact": "exact", "partial": "partial", "type": "ent_type"}


def unambiguous_case(rng: random.Random) -> tuple[list, list]:
    """Slots 20 characters apart; each slot holds nothing, a gold span, a prediction, or both."""
    gold, pred = [], []
    for slot in range(rng.randint(0, 12)):
        base = slot * 20
        kind = rng.random()
        g = (base + rng.randint(0, 3), base + rng.randint(5, 9), rng.choice(TYPES))
        if kind < 0.25:
            gold.append(g)
        elif kind < 0.45:
            pred.append((base + rng.randint(0, 3), base + rng.randint(5, 9), rng.choice(TYPES)))
        elif kind < 0.95:
            gold.append(g)
            start = g[0] if rng.random() < 0.5 else base + rng.randint(0, 4)
            end = g[1] if rng.random() < 0.5 else base + rng.randint(5, 10)
            label = g[2] if rng.random() < 0.6 else rng.choice(TYPES)
            pred.append((start, end, label))
    return gold, pred


def nervaluate_counts(gold: list, pred: list, mode: str) -> tuple[int, ...]:
    def ents(spans):
        return [[{"label": lab, "start": s, "end": e - 1} for s, e, lab in spans]]  # nervaluate ends are inclusive

    result = nervaluate.Evaluator(ents(gold), ents(pred), tags=list(TYPES), loader="dict").evaluate()["overall"][NERVALUATE_MODE[mode]]
    return result.correct, result.incorrect, result.partial, result.missed, result.spurious


@pytest.mark.parametrize("seed", range(300))
def test_counts_equal_nervaluate(seed):
    rng = random.Random(seed)
    gold, pred = unambiguous_case(rng)
    if not gold and not pred:
        return
    for mode in NERVALUATE_MODE:
        assert counts(gold, pred, mode) == nervaluate_counts(gold, pred, mode), (mode, gold, pred)


def bio_case(rng: random.Random, n: int) -> tuple[list[str], list[str]]:
    def tags() -> list[str]:
        out, i = ["O"] * n, 0
        while i < n:
            if rng.random() < 0.3:
                length, label = rng.randint(1, 3), rng.choice(TYPES)
                for j in range(i, min(n, i + length)):
                    out[j] = ("B-" if j == i else "I-") + label
                i += length + 1
            else:
                i += 1
        return out

    gold = tags()
    pred = [t if rng.random() < 0.8 else rng.choice(["O", "B-PER", "I-PER", "B-ORG", "I-GPE"]) for t in gold]
    return gold, pred


def bio_to_spans(tags: list[str]) -> list[tuple[int, int, str]]:
    """IOB2 chunks in strict mode (an I- tag without a B- of its type starts nothing), as seqeval's strict IOB2 reads them."""
    spans, start, label = [], None, None
    for i, tag in enumerate([*tags, "O"]):
        if start is not None and not (tag.startswith("I-") and tag[2:] == label):
            spans.append((start * 2, (i - 1) * 2 + 1, label))
            start = None
        if tag.startswith("B-"):
            start, label = i, tag[2:]
    return spans


@pytest.mark.parametrize("seed", range(150))
def test_strict_prf_equals_seqeval_strict_iob2(seed):
    from seqeval.scheme import IOB2

    rng = random.Random(seed)
    gold_tags, pred_tags = bio_case(rng, rng.randint(1, 25))
    ours = micro_prf({"d": bio_to_spans(gold_tags)}, {"d": bio_to_spans(pred_tags)}, "strict")
    kwargs = {"mode": "strict", "scheme": IOB2, "zero_division": 0}
    theirs = (seqeval_metrics.precision_score([gold_tags], [pred_tags], **kwargs),
              seqeval_metrics.recall_score([gold_tags], [pred_tags], **kwargs),
              seqeval_metrics.f1_score([gold_tags], [pred_tags], **kwargs))
    ours = tuple(0.0 if x != x else float(x) for x in ours)  # our undefined (NaN) is seqeval's zero_division=0
    assert ours == pytest.approx(theirs), (gold_tags, pred_tags)
