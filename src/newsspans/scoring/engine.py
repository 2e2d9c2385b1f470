"""Scoring: align every document and layer once, then count outcomes per mode and label.

The result holds per-document sufficient statistics (`[n_docs, n_labels, 8]` per layer and mode,
columns as in counts.FIELDS); corpus figures, intervals and tests are all computed from them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..labels import LabelSet
from ..model import Span
from .inputs import DocRecord, GoldSet, PredSet, Row
from .match import align
from .modes import ALL_MODES, MODES, RELATIONS, SPAN_MODES, classify
from .strings import normalise_surface

__all__ = ["ALL_MODES", "RELATIONS", "SPAN_MODES", "LayerScores", "SystemScores", "score_layer", "score_relations", "score_system"]


@dataclass(frozen=True, slots=True)
class ErrorRecord:
    """One scoring error, for the error listing and the HTML report."""

    doc_id: str
    layer: str
    category: str  # label | boundary | label+boundary | missed | spurious
    gold: Span | None
    pred: Span | None
    flags: tuple[str, ...] = ()  # split | merge | duplicate


@dataclass(frozen=True, slots=True)
class LayerScores:
    """Per-document statistics of one layer (or of relations, where labels are roles)."""

    layer: str
    labels: tuple[str, ...]
    stats: Mapping[str, np.ndarray]  # mode -> [n_docs, n_labels, 8]
    error_counts: Mapping[str, int] = field(default_factory=dict)
    errors: tuple[ErrorRecord, ...] = ()


@dataclass(frozen=True, slots=True)
class SystemScores:
    doc_ids: tuple[str, ...]
    layers: Mapping[str, LayerScores]


def _bincount(index: np.ndarray, n_docs: int, n_labels: int) -> np.ndarray:
    """Counts of each flat (doc, label, field) index as `[n_docs, n_labels, 8]`: int16 when every count fits, else int32."""
    flat = np.bincount(index, minlength=n_docs * n_labels * 8)
    return flat.astype(count_dtype(int(flat.max(initial=0)))).reshape(n_docs, n_labels, 8)


def count_dtype(largest: int) -> type:
    """The dtype of statistics arrays whose largest count is `largest`: int16 when it fits, else int32."""
    return np.int16 if largest < 2**15 else np.int32


def _span(doc_id: str, layer: str, row: Row) -> Span:
    return Span(doc_id, layer, row[0], row[1], row[2], row[3], row[4], row[5])


# outcome per mode for pair code = 2 * same_boundaries + same_label
_OUTCOMES = {m: np.array([classify(MODES[m], bool(code & 2), bool(code & 1)) for code in range(4)], dtype=np.int64) for m in SPAN_MODES}
_CATEGORY = {0: "label+boundary", 1: "boundary", 2: "label"}


def score_layer(layer: str, labels: Sequence[str], gold: GoldSet, pred: PredSet, modes: Sequence[str], *,
                keep_errors: bool = False) -> LayerScores:
    """Align and count one layer over every gold document."""
    lab = {name: i for i, name in enumerate(labels)}
    k = len(labels)
    n_docs = len(gold.doc_ids)
    span_modes = [m for m in modes if m in SPAN_MODES]
    pairs: list[int] = []  # flattened (doc, gold label, pred label, code)
    missed: list[int] = []  # flattened (doc, label)
    spurious: list[int] = []
    string_index: list[int] = []
    error_counts: Counter[str] = Counter()
    errors: list[ErrorRecord] = []
    empty: list[Row] = []
    want_string = "string" in modes
    for d, doc_id in enumerate(gold.doc_ids):
        g_rec, p_rec = gold.docs.get(doc_id), pred.docs.get(doc_id)
        g_all = g_rec.layers.get(layer, empty) if g_rec else empty
        p_all = p_rec.layers.get(layer, empty) if p_rec else empty
        g_rows = sorted((r for r in g_all if r[0] is not None), key=_row_key)
        p_rows = sorted((r for r in p_all if r[0] is not None), key=_row_key)
        g_items = [(r[0], r[1], r[2]) for r in g_rows]
        p_items = [(r[0], r[1], r[2]) for r in p_rows]
        al = align(g_items, p_items)  # type: ignore[arg-type]
        for g, p in al.pairs:
            gs, ge, gl = g_items[g]
            ps, pe, pl = p_items[p]
            code = 2 * (gs == ps and ge == pe) + (gl == pl)
            pairs += (d, lab[gl], lab[pl], code)
            if code != 3:
                category = _CATEGORY[code]
                error_counts[category] += 1
                if keep_errors:
                    flags = tuple(f for f, on in (("split", g in al.split), ("merge", p in al.merged)) if on)
                    errors.append(ErrorRecord(doc_id, layer, category, _span(doc_id, layer, g_rows[g]), _span(doc_id, layer, p_rows[p]), flags))
        for g in al.missed:
            missed += (d, lab[g_items[g][2]])
        if al.spurious:
            seen_items = Counter(p_items)
            for p in al.spurious:
                spurious += (d, lab[p_items[p][2]])
                duplicate = seen_items[p_items[p]] > 1
                error_counts["duplicate"] += duplicate
                if keep_errors:
                    flags = tuple(f for f, on in (("merge", p in al.merged), ("duplicate", duplicate)) if on)
                    errors.append(ErrorRecord(doc_id, layer, "spurious", None, _span(doc_id, layer, p_rows[p]), flags))
        error_counts["missed"] += len(al.missed)
        error_counts["spurious"] += len(al.spurious)
        if keep_errors:
            errors += [ErrorRecord(doc_id, layer, "missed", _span(doc_id, layer, g_rows[g]), None, ("split",) if g in al.split else ())
                       for g in al.missed]
        error_counts["split"] += len(al.split)
        error_counts["merge"] += len(al.merged)
        if want_string:
            text = gold.texts.get(doc_id) or ""
            gold_keys = {(normalise_surface(r[3] or ""), r[2]) for r in g_all}
            pred_keys = {(normalise_surface(r[3] if r[3] is not None else text[r[0]:r[1]]), r[2]) for r in p_all}
            base = d * k * 8
            for key in gold_keys & pred_keys:
                string_index += (base + lab[key[1]] * 8, base + lab[key[1]] * 8 + 4)
            string_index += [base + lab[key[1]] * 8 + 3 for key in gold_keys - pred_keys]
            string_index += [base + lab[key[1]] * 8 + 7 for key in pred_keys - gold_keys]
    pa = np.asarray(pairs, dtype=np.int64).reshape(-1, 4)
    ma = np.asarray(missed, dtype=np.int64).reshape(-1, 2)
    sa = np.asarray(spurious, dtype=np.int64).reshape(-1, 2)
    stats = {}
    for m in span_modes:
        outcome = _OUTCOMES[m][pa[:, 3]]
        index = np.concatenate([
            (pa[:, 0] * k + pa[:, 1]) * 8 + outcome,
            (pa[:, 0] * k + pa[:, 2]) * 8 + 4 + outcome,
            (ma[:, 0] * k + ma[:, 1]) * 8 + 3,
            (sa[:, 0] * k + sa[:, 1]) * 8 + 7,
        ])
        stats[m] = _bincount(index, n_docs, k)
    if want_string:
        stats["string"] = _bincount(np.asarray(string_index, dtype=np.int64), n_docs, k)
    return LayerScores(layer, tuple(labels), stats, dict(error_counts), tuple(errors))


def _row_key(row: Row) -> tuple[int, int, str]:
    return (row[0], row[1], row[2])  # type: ignore[return-value]


def _relation_keys(rec: DocRecord | None) -> Counter[tuple]:
    if rec is None or not rec.relations:
        return Counter()
    by_id = {r[4]: (layer, r[0], r[1], r[2]) for layer, rows in rec.layers.items() for r in rows if r[4] is not None and r[0] is not None}
    keys: Counter[tuple] = Counter()
    for role, head, tail, _ in rec.relations:
        h, t = by_id.get(head), by_id.get(tail)
        if h is not None and t is not None:
            keys[(role, *h, *t)] += 1
    return keys


def multiset_index(gold: Counter[tuple], pred: Counter[tuple], cell: Callable[[tuple], int]) -> list[int]:
    """Flat statistics indices (cell * 8 + field) of two multisets of keys: per key, min(gold, pred) correct
    on both sides, the rest of gold missed and the rest of pred spurious."""
    index: list[int] = []
    for key in gold.keys() | pred.keys():
        i = cell(key) * 8
        cor = min(gold[key], pred[key])
        index += [i] * cor + [i + 4] * cor + [i + 3] * (gold[key] - cor) + [i + 7] * (pred[key] - cor)
    return index


def score_relations(roles: Sequence[str], gold: GoldSet, pred: PredSet) -> LayerScores:
    """A predicted (role, head, tail) is correct when both ends equal gold spans (offsets and label) and the role matches."""
    lab = {name: i for i, name in enumerate(roles)}
    k = len(roles)
    index: list[int] = []
    for d, doc_id in enumerate(gold.doc_ids):
        g, p = _relation_keys(gold.docs.get(doc_id)), _relation_keys(pred.docs.get(doc_id))
        index += multiset_index(g, p, lambda key, d=d: d * k + lab[key[0]])
    return LayerScores(RELATIONS, tuple(roles), {"strict": _bincount(np.asarray(index, dtype=np.int64), len(gold.doc_ids), k)})


def score_system(gold: GoldSet, pred: PredSet, labels: LabelSet, layers: Sequence[str], modes: Sequence[str], *,
                 keep_errors: bool = False) -> SystemScores:
    """Every requested layer (and `relations`) of one system."""
    out: dict[str, LayerScores] = {}
    for layer in layers:
        if layer == RELATIONS:
            out[layer] = score_relations([r.name for r in labels.roles], gold, pred)
        else:
            out[layer] = score_layer(layer, labels.layer(layer).label_names, gold, pred, modes, keep_errors=keep_errors)
    return SystemScores(gold.doc_ids, out)
