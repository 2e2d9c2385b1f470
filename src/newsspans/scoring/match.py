"""The one matcher: a deterministic, order-free, one-to-one alignment of gold and predicted spans.

Within one document and layer:
1. pairs with identical offsets and label;
2. pairs with identical offsets and different labels;
3. the remaining overlapping pairs, greedily by largest overlap; ties go to the same label, then the
   smaller boundary distance |Δstart| + |Δend|, then the gold span's position, then the prediction's.
Spans are first put in canonical order (start, end, label), so the result does not depend on the
order of spans or lines (nervaluate takes the first overlapping gold span in input order; its issue #40).
The alignment is shared by every mode, so the counts of all modes describe the same pairs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

# A span as the matcher sees it: (start, end, label).
Item = tuple[int, int, str]


@dataclass(frozen=True, slots=True)
class Alignment:
    """Indices into the canonical (sorted) gold and pred sequences.

    Attributes:
        pairs: aligned (gold, pred) index pairs.
        missed: gold indices left unaligned.
        spurious: pred indices left unaligned.
        split: gold indices overlapped by two or more unaligned-by-offset predictions.
        merged: pred indices overlapping two or more gold spans without identical offsets.
    """

    pairs: tuple[tuple[int, int], ...]
    missed: tuple[int, ...]
    spurious: tuple[int, ...]
    split: frozenset[int] = frozenset()
    merged: frozenset[int] = frozenset()


def canonical(items: Sequence[Item]) -> list[Item]:
    """The canonical order every alignment works in."""
    return sorted(items)


def _overlap_candidates(gold: Sequence[Item], pred: Sequence[Item], g_free: list[int], p_free: list[int]) -> list[tuple]:
    """Sort keys for every overlapping (gold, pred) pair among the free indices; a sweep, not all pairs."""
    out = []
    active: list[int] = []
    gi = 0
    g_sorted = g_free  # already in canonical order, i.e. by start
    for p in p_free:
        ps, pe, pl = pred[p]
        while gi < len(g_sorted) and gold[g_sorted[gi]][0] < pe:
            active.append(g_sorted[gi])
            gi += 1
        active = [g for g in active if gold[g][1] > ps]
        for g in active:
            gs, ge, gl = gold[g]
            if gs >= pe:
                continue
            overlap = min(ge, pe) - max(gs, ps)
            out.append((-overlap, gl != pl, abs(gs - ps) + abs(ge - pe), g, p))
    return out


def align(gold: Sequence[Item], pred: Sequence[Item]) -> Alignment:
    """Align canonical-order `gold` and `pred` (see module docstring)."""
    if gold == pred:  # the common perfect case
        return Alignment(tuple((i, i) for i in range(len(gold))), (), ())
    pairs: list[tuple[int, int]] = []
    g_used = [False] * len(gold)
    p_used = [False] * len(pred)
    # Stage 1: identical offsets and label. Identical items are interchangeable; take them in canonical order.
    waiting: dict[Item, list[int]] = {}
    for g, item in enumerate(gold):
        waiting.setdefault(item, []).append(g)
    rest_p = []
    for p, item in enumerate(pred):
        queue = waiting.get(item)
        if queue:
            g = queue.pop(0)
            g_used[g] = p_used[p] = True
            pairs.append((g, p))
        else:
            rest_p.append(p)
    g_free = [g for g in range(len(gold)) if not g_used[g]]
    # Stage 2: identical offsets, different labels.
    if g_free and rest_p:
        by_bounds: dict[tuple[int, int], list[int]] = {}
        for g in g_free:
            by_bounds.setdefault(gold[g][:2], []).append(g)  # type: ignore[index]
        for p in rest_p:
            queue = by_bounds.get(pred[p][:2])  # type: ignore[index]
            if queue:
                g = queue.pop(0)
                g_used[g] = p_used[p] = True
                pairs.append((g, p))
        g_free = [g for g in g_free if not g_used[g]]
    p_free = [p for p in rest_p if not p_used[p]]
    # Stage 3: the rest by largest overlap.
    split: set[int] = set()
    merged: set[int] = set()
    if g_free and p_free:
        candidates = _overlap_candidates(gold, pred, g_free, p_free)
        candidates.sort()
        golds_of_pred: dict[int, int] = defaultdict(int)
        preds_of_gold: dict[int, int] = defaultdict(int)
        for _, _, _, g, p in candidates:
            golds_of_pred[p] += 1
            preds_of_gold[g] += 1
            if not g_used[g] and not p_used[p]:
                g_used[g] = p_used[p] = True
                pairs.append((g, p))
        split = {g for g, n in preds_of_gold.items() if n > 1}
        merged = {p for p, n in golds_of_pred.items() if n > 1}
    pairs.sort()
    return Alignment(
        pairs=tuple(pairs),
        missed=tuple(g for g in range(len(gold)) if not g_used[g]),
        spurious=tuple(p for p in range(len(pred)) if not p_used[p]),
        split=frozenset(split),
        merged=frozenset(merged),
    )
