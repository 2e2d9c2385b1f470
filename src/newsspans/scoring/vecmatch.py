"""The matcher of match.py over whole arrays: every document of a layer at once, with numpy.

Same rule, same counts (tests/scoring/test_fastpath.py compares it with `engine.score_layer` on
generated and real data): 1. identical offsets and label, 2. identical offsets, 3. the rest by
largest overlap, ties to the same label, the smaller boundary distance, then canonical positions.
Stages 1 and 2 are sorts; stage 3 generates the overlapping pairs by binary search and takes them
greedily, looping in Python only over spans that compete for the same partner.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from .engine import _OUTCOMES, SPAN_MODES, _bincount, count_dtype
from .match import _overlap_candidates

SHIFT = 32  # document index and start share one int64 sort key
KEY_BITS = 63  # a packed sort key must fit in an int64; otherwise lexsort
CANDIDATE_LIMIT = 50_000_000  # beyond this many candidate pairs, use the sweep of match.py


@dataclass(frozen=True, slots=True)
class Side:
    """One side's spans of one layer: document index, label index, label rank (string order), offsets."""

    doc: np.ndarray
    label: np.ndarray
    rank: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def take(self, index: np.ndarray) -> Side:
        return Side(self.doc[index], self.label[index], self.rank[index], self.start[index], self.end[index])

    def __len__(self) -> int:
        return len(self.doc)


def _groups(*keys: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """For sorted key columns: group id of each row, and the first row of each group."""
    n = len(keys[0])
    change = np.ones(n, dtype=bool)
    if n:
        change[1:] = False
        for k in keys:
            change[1:] |= k[1:] != k[:-1]
    index = np.int32 if n < 2**31 else np.int64  # int32 halves the memory of these per-span arrays
    first = np.flatnonzero(change).astype(index)
    group = np.cumsum(change, dtype=index)
    group -= 1
    return group, first


def _bits(column: np.ndarray) -> int:
    """Bits that hold every value of a non-negative column."""
    return int(column.max()).bit_length() if len(column) else 0


def _pack(columns: Sequence[np.ndarray | int], widths: Sequence[int]) -> np.ndarray:
    """Columns (or constants) packed into one int64 that sorts like them, first column most significant."""
    n = next(len(c) for c in columns if isinstance(c, np.ndarray))
    key = np.zeros(n, dtype=np.int64)
    for column, width in zip(columns, widths, strict=True):
        key <<= width
        key |= column
    return key


def _pair_equal(g: Side, p: Side, with_label: bool) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """One-to-one pairs of spans with equal (doc, start, end[, label]): k-th gold with k-th pred of a group,
    both in label order. Returns (gold index, pred index, pred items per group of each pred span)."""
    ng = len(g)
    g_len, p_len = g.end - g.start, p.end - p.start
    # sort by document, start, length, then (label rank, side) or (side, label rank): one packed int64 key when it fits
    widths = [max(_bits(a), _bits(b), 1) for a, b in ((g.doc, p.doc), (g.start, p.start), (g_len, p_len), (g.rank, p.rank))]
    widths.insert(4 if with_label else 3, 1)  # side: gold 0, pred 1
    negative = any(len(a) and a.min() < 0 for a in (g.doc, p.doc, g.start, p.start))
    if sum(widths) <= KEY_BITS and not negative:
        def cols(s: Side, length: np.ndarray, side: int) -> list[np.ndarray | int]:
            return [s.doc, s.start, length, s.rank, side] if with_label else [s.doc, s.start, length, side, s.rank]

        key = np.concatenate([_pack(cols(g, g_len, 0), widths), _pack(cols(p, p_len, 1), widths)])
        del g_len, p_len
        order = np.argsort(key, kind="stable")
        key = key[order]
        key >>= widths[-1] if with_label else widths[-1] + widths[-2]
        group, first = _groups(key)
        del key
    else:
        side = np.concatenate([np.zeros(ng, dtype=np.int64), np.ones(len(p), dtype=np.int64)])
        columns = [np.concatenate([a, b]) for a, b in ((g.doc, p.doc), (g.start, p.start), (g_len, p_len), (g.rank, p.rank))]
        columns.insert(4 if with_label else 3, side)
        order = np.lexsort(tuple(reversed(columns)))
        group, first = _groups(*(c[order] for c in columns[:4] if c is not side))
    is_pred = order >= ng
    n_groups = len(first)
    n_gold = np.bincount(group[~is_pred], minlength=n_groups)
    n_pred = np.bincount(group[is_pred], minlength=n_groups)
    rank_in_side = np.arange(len(order), dtype=first.dtype)
    rank_in_side -= first[group]  # position in the group
    rank_in_side -= np.where(is_pred, n_gold[group], 0).astype(first.dtype)  # then in the side
    gold_hit = ~is_pred & (rank_in_side < n_pred[group])
    partner = first[group[gold_hit]] + n_gold[group[gold_hit]] + rank_in_side[gold_hit]
    pred_items = np.empty(len(p), dtype=np.int64)
    pred_items[order[is_pred] - ng] = n_pred[group[is_pred]]
    return order[gold_hit], order[partner] - ng, pred_items


def _overlap_pairs(g: Side, p: Side) -> tuple[np.ndarray, np.ndarray, int, int]:
    """Stage 3: greedy pairs by largest overlap among the remaining spans; also split and merge counts."""
    if not len(g) or not len(p):
        return np.empty(0, np.int64), np.empty(0, np.int64), 0, 0
    g_order = np.lexsort((g.rank, g.end, g.start, g.doc))  # canonical order within each document
    p_order = np.lexsort((p.rank, p.end, p.start, p.doc))
    g, p = g.take(g_order), p.take(p_order)
    cand_g, cand_p = _candidates(g, p)
    if not len(cand_g):
        return np.empty(0, np.int64), np.empty(0, np.int64), 0, 0
    gs, ge, ps, pe = g.start[cand_g], g.end[cand_g], p.start[cand_p], p.end[cand_p]
    overlap = np.minimum(ge, pe) - np.maximum(gs, ps)
    distance = np.abs(gs - ps) + np.abs(ge - pe)
    other_label = g.label[cand_g] != p.label[cand_p]
    order = np.lexsort((cand_p, cand_g, distance, other_label, -overlap))
    cand_g, cand_p = cand_g[order], cand_p[order]
    per_gold = np.bincount(cand_g, minlength=len(g))
    per_pred = np.bincount(cand_p, minlength=len(p))
    alone = (per_gold[cand_g] == 1) & (per_pred[cand_p] == 1)  # no competitor: taken whatever the order
    pairs_g, pairs_p = [cand_g[alone]], [cand_p[alone]]
    chosen_g, chosen_p = [], []
    gu, pu = [False] * len(g), [False] * len(p)
    for gi, pi in zip(cand_g[~alone].tolist(), cand_p[~alone].tolist(), strict=True):
        if not gu[gi] and not pu[pi]:
            gu[gi] = pu[pi] = True
            chosen_g.append(gi)
            chosen_p.append(pi)
    pairs_g.append(np.asarray(chosen_g, dtype=np.int64))
    pairs_p.append(np.asarray(chosen_p, dtype=np.int64))
    split, merge = int(np.count_nonzero(per_gold > 1)), int(np.count_nonzero(per_pred > 1))
    return g_order[np.concatenate(pairs_g)], p_order[np.concatenate(pairs_p)], split, merge


def _candidates(g: Side, p: Side) -> tuple[np.ndarray, np.ndarray]:
    """Every overlapping (gold, pred) pair of the same document, as index arrays into canonical-order sides."""
    length = g.end - g.start
    longest = np.zeros(int(max(g.doc.max(), p.doc.max())) + 1, dtype=np.int64)
    np.maximum.at(longest, g.doc, length)
    g_doc, p_doc = g.doc.astype(np.int64) << SHIFT, p.doc.astype(np.int64) << SHIFT
    key = g_doc + g.start
    lo = np.searchsorted(key, p_doc + np.maximum(p.start - longest[p.doc] + 1, 0))
    hi = np.searchsorted(key, p_doc + p.end)
    counts = np.maximum(hi - lo, 0)
    total = int(counts.sum())
    if total > CANDIDATE_LIMIT:
        return _sweep_candidates(g, p)
    cand_p = np.repeat(np.arange(len(p)), counts)
    cand_g = np.arange(total) - np.repeat(np.cumsum(counts) - counts, counts) + np.repeat(lo, counts)
    keep = g.end[cand_g] > p.start[cand_p]
    return cand_g[keep], cand_p[keep]


def _sweep_candidates(g: Side, p: Side) -> tuple[np.ndarray, np.ndarray]:
    """match.py's sweep, document by document (when long gold spans make the binary search wasteful)."""
    out_g: list[int] = []
    out_p: list[int] = []
    g_bounds = np.searchsorted(g.doc, np.arange(int(max(g.doc.max(), p.doc.max())) + 2))
    p_bounds = np.searchsorted(p.doc, np.arange(len(g_bounds)))
    for d in np.unique(p.doc).tolist():
        g0, g1, p0, p1 = int(g_bounds[d]), int(g_bounds[d + 1]), int(p_bounds[d]), int(p_bounds[d + 1])
        if g0 == g1:
            continue
        gold = list(zip(g.start[g0:g1].tolist(), g.end[g0:g1].tolist(), g.rank[g0:g1].tolist(), strict=True))
        pred = list(zip(p.start[p0:p1].tolist(), p.end[p0:p1].tolist(), p.rank[p0:p1].tolist(), strict=True))
        for *_, gi, pi in _overlap_candidates(gold, pred, list(range(len(gold))), list(range(len(pred)))):  # type: ignore[arg-type]
            out_g.append(g0 + gi)
            out_p.append(p0 + pi)
    return np.asarray(out_g, dtype=np.int64), np.asarray(out_p, dtype=np.int64)


def score_layer_arrays(g: Side, p: Side, n_docs: int, n_labels: int, modes: Sequence[str]) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """Per-document statistics of every span mode (`[n_docs, n_labels, 8]`) and the error counts."""
    g1, p1, pred_items = _pair_equal(g, p, with_label=True)
    g_free = np.ones(len(g), dtype=bool)
    p_free = np.ones(len(p), dtype=bool)
    g_free[g1] = p_free[p1] = False
    g_rest, p_rest = np.flatnonzero(g_free), np.flatnonzero(p_free)
    g2, p2, _ = _pair_equal(g.take(g_rest), p.take(p_rest), with_label=False)
    g2, p2 = g_rest[g2], p_rest[p2]
    g_free[g2] = p_free[p2] = False
    g_rest, p_rest = np.flatnonzero(g_free), np.flatnonzero(p_free)
    g3, p3, split, merge = _overlap_pairs(g.take(g_rest), p.take(p_rest))
    g3, p3 = g_rest[g3], p_rest[p3]
    g_free[g3] = p_free[p3] = False
    pair_g = np.concatenate([g1, g2, g3])
    pair_p = np.concatenate([p1, p2, p3])
    del g1, p1, g2, p2, g3, p3, g_rest, p_rest  # memory: only the pairs are needed from here
    code = 2 * ((g.start[pair_g] == p.start[pair_p]) & (g.end[pair_g] == p.end[pair_p])).astype(np.int8)
    code += g.label[pair_g] == p.label[pair_p]
    missed, spurious = np.flatnonzero(g_free), np.flatnonzero(p_free)
    del g_free, p_free
    k = n_labels
    cells = n_docs * k

    def count(cell: np.ndarray) -> np.ndarray:
        return np.bincount(cell, minlength=cells)

    gold_cell = g.doc[pair_g] * k + g.label[pair_g]
    pred_cell = p.doc[pair_p] * k + p.label[pair_p]
    n_missed = count(g.doc[missed] * k + g.label[missed])
    n_spurious = count(p.doc[spurious] * k + p.label[spurious])
    # every field counts a subset of a cell's pairs, misses or spurious spans
    largest = max(len(g), len(p))
    if count_dtype(largest) is not np.int16:
        largest = max(int(n_missed.max(initial=0)), int(n_spurious.max(initial=0)), _largest_cell(gold_cell, pred_cell, cells))
    dtype = count_dtype(largest)
    stats = {}
    for mode in modes:
        if mode not in SPAN_MODES:
            continue
        outcome = _OUTCOMES[mode][code]
        out = np.zeros((cells, 8), dtype=dtype)  # one field at a time: no [cells * 8] int64 temporary
        for o in range(3):
            chosen = outcome == o
            if chosen.any():
                out[:, o] = count(gold_cell[chosen])
                out[:, 4 + o] = count(pred_cell[chosen])
        out[:, 3] = n_missed
        out[:, 7] = n_spurious
        stats[mode] = out.reshape(n_docs, k, 8)
    errors: Counter[str] = Counter()
    for value, name in ((2, "label"), (1, "boundary"), (0, "label+boundary")):
        count = int(np.count_nonzero(code == value))
        if count:
            errors[name] = count
    if n_docs:
        errors.update({"missed": len(missed), "spurious": len(spurious), "split": split, "merge": merge})
        if len(spurious):
            errors["duplicate"] = int(np.count_nonzero(pred_items[spurious] > 1))
    return stats, dict(errors)


def _largest_cell(gold_cell: np.ndarray, pred_cell: np.ndarray, cells: int) -> int:
    """The largest number of pairs in one (document, label) cell on either side."""
    return max(int(np.bincount(gold_cell, minlength=cells).max(initial=0)), int(np.bincount(pred_cell, minlength=cells).max(initial=0)))


def score_strings(g_key: np.ndarray, p_key: np.ndarray, n_docs: int, n_labels: int, n_surfaces: int) -> np.ndarray:
    """String mode from integer keys `(doc * n_labels + label) * n_surfaces + surface id`: unique per document."""
    gu, pu = np.unique(g_key), np.unique(p_key)
    both = np.intersect1d(gu, pu, assume_unique=True)
    only_g = np.setdiff1d(gu, pu, assume_unique=True)
    only_p = np.setdiff1d(pu, gu, assume_unique=True)
    def base(keys: np.ndarray) -> np.ndarray:  # (doc * n_labels + label) * 8
        return (keys // n_surfaces) * 8

    index = np.concatenate([base(both), base(both) + 4, base(only_g) + 3, base(only_p) + 7])
    return _bincount(index, n_docs, n_labels)
