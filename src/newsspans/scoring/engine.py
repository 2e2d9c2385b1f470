"""Scoring: align every document and layer once, then count outcomes per mode and label.

The result holds per-document sufficient statistics (`[n_docs, n_labels, 8]` per layer and mode,
columns as in counts.FIELDS); corpus figures, intervals and tests are all computed from them.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np

from ..labels import LabelSet
from ..model import AnnotationSet, Span
from .inputs import GoldSet, PredSet
from .match import align
from .modes import MODES, classify
from .strings import normalise_surface

SPAN_MODES = ("strict", "exact", "partial", "type")
ALL_MODES = (*SPAN_MODES, "string")
RELATIONS = "relations"


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


def _bincount(index: list[int] | np.ndarray, n_docs: int, n_labels: int) -> np.ndarray:
    flat = np.bincount(np.asarray(index, dtype=np.int64), minlength=n_docs * n_labels * 8)
    return flat.reshape(n_docs, n_labels, 8).astype(np.int64)


def _sorted_spans(ann: AnnotationSet | None, layer: str) -> tuple[list[Span], list[Span]]:
    """(offset spans, text-only spans) of `layer` in canonical order."""
    if ann is None:
        return [], []
    offset = sorted((s for s in ann.spans if s.layer == layer and s.start is not None), key=lambda s: (s.start, s.end, s.label))
    text_only = [s for s in ann.spans if s.layer == layer and s.start is None]
    return offset, text_only


def score_layer(layer: str, labels: Sequence[str], gold: GoldSet, pred: PredSet, modes: Sequence[str], *,
                keep_errors: bool = False) -> LayerScores:
    """Align and count one layer over every gold document."""
    lab = {name: i for i, name in enumerate(labels)}
    k = len(labels)
    n_docs = len(gold.doc_ids)
    span_modes = [m for m in modes if m in SPAN_MODES]
    index: dict[str, list[int]] = {m: [] for m in span_modes}
    string_index: list[int] = []
    error_counts: Counter[str] = Counter()
    errors: list[ErrorRecord] = []
    table = {m: {(sb, sl): classify(MODES[m], sb, sl) for sb in (True, False) for sl in (True, False)} for m in span_modes}
    for d, doc_id in enumerate(gold.doc_ids):
        base = d * k * 8
        g_spans, _ = _sorted_spans(gold.annotations.get(doc_id), layer)
        p_spans, p_text = _sorted_spans(pred.annotations.get(doc_id), layer)
        g_items = [(s.start, s.end, s.label) for s in g_spans]
        p_items = [(s.start, s.end, s.label) for s in p_spans]
        al = align(g_items, p_items)  # type: ignore[arg-type]
        for g, p in al.pairs:
            gs, ge, gl = g_items[g]
            ps, pe, pl = p_items[p]
            same_b, same_l = gs == ps and ge == pe, gl == pl
            for m in span_modes:
                outcome = table[m][(same_b, same_l)]
                index[m].append(base + lab[gl] * 8 + outcome)
                index[m].append(base + lab[pl] * 8 + 4 + outcome)
            if not (same_b and same_l):
                category = "label" if same_b else ("boundary" if same_l else "label+boundary")
                error_counts[category] += 1
                if keep_errors:
                    flags = tuple(f for f, on in (("split", g in al.split), ("merge", p in al.merged)) if on)
                    errors.append(ErrorRecord(doc_id, layer, category, g_spans[g], p_spans[p], flags))
        for g in al.missed:
            for m in span_modes:
                index[m].append(base + lab[g_items[g][2]] * 8 + 3)
        error_counts["missed"] += len(al.missed)
        seen_items = Counter(p_items)
        for p in al.spurious:
            for m in span_modes:
                index[m].append(base + lab[p_items[p][2]] * 8 + 7)
            duplicate = seen_items[p_items[p]] > 1
            error_counts["spurious"] += 1
            error_counts["duplicate"] += duplicate
            if keep_errors:
                flags = tuple(f for f, on in (("merge", p in al.merged), ("duplicate", duplicate)) if on)
                errors.append(ErrorRecord(doc_id, layer, "spurious", None, p_spans[p], flags))
        if keep_errors:
            errors += [ErrorRecord(doc_id, layer, "missed", g_spans[g], None, ("split",) if g in al.split else ()) for g in al.missed]
        error_counts["split"] += len(al.split)
        error_counts["merge"] += len(al.merged)
        if "string" in modes:
            text = gold.texts.get(doc_id)
            gold_keys = {(normalise_surface(s.text or ""), s.label) for s in g_spans}
            pred_keys = {(normalise_surface(s.text if s.text is not None else (text or "")[s.start:s.end]), s.label) for s in p_spans}
            pred_keys |= {(normalise_surface(s.text or ""), s.label) for s in p_text}
            for key in gold_keys & pred_keys:
                string_index += [base + lab[key[1]] * 8, base + lab[key[1]] * 8 + 4]
            string_index += [base + lab[key[1]] * 8 + 3 for key in gold_keys - pred_keys]
            string_index += [base + lab[key[1]] * 8 + 7 for key in pred_keys - gold_keys]
    stats = {m: _bincount(index[m], n_docs, k) for m in span_modes}
    if "string" in modes:
        stats["string"] = _bincount(string_index, n_docs, k)
    return LayerScores(layer, tuple(labels), stats, dict(error_counts), tuple(errors))


def _relation_keys(ann: AnnotationSet | None) -> Counter[tuple]:
    if ann is None:
        return Counter()
    by_id = {s.id: s for s in ann.spans if s.id is not None and s.start is not None}
    keys: Counter[tuple] = Counter()
    for r in ann.relations:
        head, tail = by_id.get(r.head), by_id.get(r.tail)
        if head is not None and tail is not None:
            keys[(r.label, head.layer, head.start, head.end, head.label, tail.layer, tail.start, tail.end, tail.label)] += 1
    return keys


def score_relations(roles: Sequence[str], gold: GoldSet, pred: PredSet) -> LayerScores:
    """A predicted (role, head, tail) is correct when both ends equal gold spans (offsets and label) and the role matches."""
    lab = {name: i for i, name in enumerate(roles)}
    k = len(roles)
    index: list[int] = []
    for d, doc_id in enumerate(gold.doc_ids):
        base = d * k * 8
        g, p = _relation_keys(gold.annotations.get(doc_id)), _relation_keys(pred.annotations.get(doc_id))
        for key in g.keys() | p.keys():
            i = base + lab[key[0]] * 8
            cor = min(g[key], p[key])
            index += [i] * cor + [i + 4] * cor + [i + 3] * (g[key] - cor) + [i + 7] * (p[key] - cor)
    return LayerScores(RELATIONS, tuple(roles), {"strict": _bincount(index, len(gold.doc_ids), k)})


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
