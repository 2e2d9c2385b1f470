"""Hand-computed cases for every mode and outcome (SemEval-2013 Task 9.1 scenarios), and the matcher's rules."""

from __future__ import annotations

import pytest

from newsspans.scoring.match import align

from .helpers import counts, micro_prf

# SemEval 2013 9.1 scenarios (as in nervaluate's README): gold, pred -> (COR, INC, PAR, MIS, SPU) per mode
SCENARIOS = {
    "exact match": ([(0, 5, "PER")], [(0, 5, "PER")],
                    {"strict": (1, 0, 0, 0, 0), "exact": (1, 0, 0, 0, 0), "partial": (1, 0, 0, 0, 0), "type": (1, 0, 0, 0, 0)}),
    "spurious": ([], [(0, 5, "PER")],
                 {"strict": (0, 0, 0, 0, 1), "exact": (0, 0, 0, 0, 1), "partial": (0, 0, 0, 0, 1), "type": (0, 0, 0, 0, 1)}),
    "missed": ([(0, 5, "PER")], [],
               {"strict": (0, 0, 0, 1, 0), "exact": (0, 0, 0, 1, 0), "partial": (0, 0, 0, 1, 0), "type": (0, 0, 0, 1, 0)}),
    "wrong label, same boundaries": ([(0, 5, "PER")], [(0, 5, "ORG")],
                                     {"strict": (0, 1, 0, 0, 0), "exact": (1, 0, 0, 0, 0), "partial": (1, 0, 0, 0, 0), "type": (0, 1, 0, 0, 0)}),
    "same label, overlapping boundaries": ([(0, 10, "GPE")], [(5, 10, "GPE")],
                                           {"strict": (0, 1, 0, 0, 0), "exact": (0, 1, 0, 0, 0), "partial": (0, 0, 1, 0, 0), "type": (1, 0, 0, 0, 0)}),
    "wrong label and boundaries": ([(0, 10, "GPE")], [(5, 12, "LOC")],
                                   {"strict": (0, 1, 0, 0, 0), "exact": (0, 1, 0, 0, 0), "partial": (0, 0, 1, 0, 0), "type": (0, 1, 0, 0, 0)}),
    "no overlap": ([(0, 5, "PER")], [(6, 9, "PER")],
                   {"strict": (0, 0, 0, 1, 1), "exact": (0, 0, 0, 1, 1), "partial": (0, 0, 0, 1, 1), "type": (0, 0, 0, 1, 1)}),
    "touching is not overlapping": ([(0, 5, "PER")], [(5, 9, "PER")],
                                    {"strict": (0, 0, 0, 1, 1), "exact": (0, 0, 0, 1, 1), "partial": (0, 0, 0, 1, 1), "type": (0, 0, 0, 1, 1)}),
}


@pytest.mark.parametrize("name", SCENARIOS)
@pytest.mark.parametrize("mode", ["strict", "exact", "partial", "type"])
def test_semeval_scenarios(name, mode):
    gold, pred, expected = SCENARIOS[name]
    assert counts(gold, pred, mode) == expected[mode]


def test_partial_credit_is_half():
    # 1 COR + 1 PAR of 2 possible, 3 actual: P = 1.5/3, R = 1.5/2 (SemEval partial)
    p, r, f = micro_prf({"d": [(0, 5, "PER"), (10, 20, "ORG")]}, {"d": [(0, 5, "PER"), (12, 20, "ORG"), (30, 35, "GPE")]}, "partial")
    assert (p, r) == pytest.approx((0.5, 0.75))
    assert f == pytest.approx(2 * 0.5 * 0.75 / 1.25)


def test_nervaluate_issue_40_is_order_free():
    # nervaluate: gold [(0,5),(3,5)], pred (3,5): 0 correct, 1 incorrect; with gold swapped: 1 correct.
    for gold in ([(0, 5, "PER"), (3, 5, "PER")], [(3, 5, "PER"), (0, 5, "PER")]):
        assert counts(gold, [(3, 5, "PER")], "strict") == (1, 0, 0, 1, 0)


def test_exact_pairs_win_over_overlap_and_same_label_first():
    gold = [(0, 10, "PER"), (0, 10, "ORG")]
    pred = [(0, 10, "ORG"), (2, 8, "PER")]
    assert counts(gold, pred, "strict") == (1, 1, 0, 0, 0)  # ORG exact; PER overlaps the PER gold
    assert counts(gold, pred, "type") == (2, 0, 0, 0, 0)


def test_largest_overlap_wins():
    gold = [(0, 10, "PER"), (8, 30, "PER")]
    pred = [(7, 25, "PER")]  # overlaps gold 0 by 3, gold 1 by 17
    al = align(sorted(gold), sorted(pred))
    assert al.pairs == ((1, 0),) and al.missed == (0,) and al.merged == frozenset({0})


def test_split_and_merge_are_flagged():
    al = align([(0, 20, "ORG")], [(0, 8, "ORG"), (9, 20, "ORG")])
    assert al.split == frozenset({0}) and len(al.pairs) == 1 and len(al.spurious) == 1


def test_duplicate_prediction_is_spurious():
    assert counts([(0, 5, "PER")], [(0, 5, "PER"), (0, 5, "PER")], "strict") == (1, 0, 0, 0, 1)


def test_one_to_one():
    # two predictions inside one gold span: one partial, one spurious
    assert counts([(0, 20, "ORG")], [(0, 8, "ORG"), (9, 20, "ORG")], "partial") == (0, 0, 1, 0, 1)
