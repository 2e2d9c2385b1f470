"""The score report: computed once as plain data (`to_dict`), then rendered as text, Markdown or JSON."""

from __future__ import annotations

import json
import math
import re
import shutil
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, TextIO

import numpy as np

from .bootsplit import resample_beside, sums_here
from .counts import prf
from .engine import RELATIONS, SystemScores
from .inputs import GoldSet, PredSet
from .modes import MODES
from .stats import TESTS, percentile_interval


def _weight(mode: str) -> float | None:
    return MODES[mode].partial_credit if mode in MODES else None


def _num(x: float) -> float | None:
    return None if x is None or (isinstance(x, float) and math.isnan(x)) else round(float(x), 6)


def _figures(counts: np.ndarray, mode: str, zero_division: float | None, ci: np.ndarray | None) -> dict[str, Any]:
    c = [int(v) for v in counts]
    p, r, f = prf(np.asarray(counts), _weight(mode), zero_division)
    out: dict[str, Any] = {
        "correct": c[0], "incorrect": c[1], "partial": c[2], "missed": c[3], "spurious": c[7],
        "possible": c[0] + c[1] + c[2] + c[3], "actual": c[4] + c[5] + c[6] + c[7],
        "precision": _num(p), "recall": _num(r), "f1": _num(f),
    }
    if (c[4], c[5], c[6]) != (c[0], c[1], c[2]):
        out.update(pred_correct=c[4], pred_incorrect=c[5], pred_partial=c[6])
    if ci is not None:
        out["ci95"] = {name: [_num(ci[i][0]), _num(ci[i][1])] for i, name in enumerate(("precision", "recall", "f1"))}
    return out


@dataclass(frozen=True, slots=True)
class ReportInputs:
    gold: GoldSet
    pred: PredSet
    scores: SystemScores
    signature: Mapping[str, str]
    signature_text: str
    bootstrap: int
    seed: int | None
    zero_division: float | None = None
    other: tuple[PredSet, SystemScores] | None = None
    documents_to: TextIO | None = None  # keep per-document figures only as JSON text written here (see EncodedDocuments)


class EncodedDocuments:
    """Per-document figures kept only as JSON text in a temporary file (the command line's JSON report):
    written chunk by chunk while the bootstrap runs, copied into the report by `write_report_json`."""

    def __init__(self, handle: TextIO) -> None:
        self.handle = handle

    def copy_to(self, out: TextIO) -> None:
        self.handle.seek(0)
        shutil.copyfileobj(self.handle, out, 1 << 20)


def _per_document(scores: SystemScores, to: TextIO | None) -> dict[str, Any] | EncodedDocuments:
    if to is None:
        return per_document(scores)
    n = len(scores.doc_ids)
    template, columns = _document_columns(scores, 0, n)
    ids = _json_strings(scores.doc_ids)
    to.write("{")
    for start in range(0, n, DOCUMENT_CHUNK):
        stop = min(n, start + DOCUMENT_CHUNK)
        text = ", ".join(map(template.__mod__, zip(ids[start:stop], *(c[start:stop] for c in columns), strict=True)))
        if text:
            to.write(", " + text if start else text)
    to.write("}")
    return EncodedDocuments(to)


def per_document_json(scores: SystemScores, start: int = 0, stop: int | None = None) -> str:
    """`json.dumps(per_document(scores, start, stop), ensure_ascii=False)`, built from the arrays directly:
    each distinct row of counts is formatted once (documents repeat them a lot), and each document's entry
    is one %-format of a template holding the layer and mode keys."""
    ids = scores.doc_ids[start:stop]
    template, columns = _document_columns(scores, start, stop)
    return "{" + ", ".join(map(template.__mod__, zip(_json_strings(ids), *columns, strict=True))) + "}"


def _document_columns(scores: SystemScores, start: int, stop: int | None) -> tuple[str, list[list[str]]]:
    """The %-template of one document's entry (its id, then one row per layer and mode), and per layer and
    mode the JSON row of each document in doc_ids[start:stop]."""
    columns: list[list[str]] = []
    layer_parts = []
    for layer, ls in scores.layers.items():
        mode_parts = []
        for mode in ls.stats:
            columns.append(_rows_json(ls.stats[mode][start:stop].sum(1), mode))  # counts [docs, 8]
            mode_parts.append(_literal(json.dumps(mode, ensure_ascii=False)) + ": %s")
        layer_parts.append(_literal(json.dumps(layer, ensure_ascii=False)) + ": {" + ", ".join(mode_parts) + "}")
    return "%s: {" + ", ".join(layer_parts) + "}", columns


def _rows_json(counts: np.ndarray, mode: str) -> list[str]:
    """`[precision, recall, f1, cor, inc, par, mis, spu]` as JSON for each row of [docs, 8] counts."""
    if not len(counts):
        return []
    wide = np.ascontiguousarray(counts, dtype=np.int64)
    if wide.shape[1] <= 9 and wide.min() >= 0 and wide.max() < 128:  # the usual case: each row packs into one int64, which sorts fast
        key = wide @ (np.int64(128) ** np.arange(wide.shape[1], dtype=np.int64))
    else:
        key = wide.view(np.dtype((np.void, 8 * wide.shape[1]))).ravel()
    _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    distinct = wide[first]
    figures = np.round(prf(distinct, _weight(mode)), 6)
    columns = [_formatted(figures[:, i], float) for i in range(3)] + [_formatted(distinct[:, i], int) for i in (0, 1, 2, 3, 7)]
    rows = list(map("[%s, %s, %s, %s, %s, %s, %s, %s]".__mod__, zip(*columns, strict=True)))
    return np.asarray(rows, dtype=object)[inverse.reshape(-1)].tolist()


_NEEDS_ESCAPE = re.compile(r'["\\\x00-\x1f]')


def _json_strings(values: Sequence[str]) -> list[str]:
    """json.dumps(v, ensure_ascii=False) of each string; plain ones (document ids always are) just get quotes."""
    if _NEEDS_ESCAPE.search("".join(values)):
        return [json.dumps(v, ensure_ascii=False) for v in values]
    return list(map('"{}"'.format, values))


def _literal(text: str) -> str:
    """`text` inside a %-format template."""
    return text.replace("%", "%%")


def _formatted(values: np.ndarray, kind: type) -> list[str]:
    """JSON text of each value (NaN as null), formatting each distinct float once."""
    if not len(values):
        return []
    if kind is not float:
        return list(map(str, values.tolist()))
    distinct, inverse = np.unique(values, return_inverse=True)
    texts = [json.dumps(float(v)) if v == v else "null" for v in distinct.tolist()]
    return np.asarray(texts, dtype=object)[inverse.ravel()].tolist()


def write_report_json(report: Mapping[str, Any], out: TextIO) -> None:
    """`out.write(json.dumps(report, ensure_ascii=False))`, with EncodedDocuments copied in place."""

    def write(value: Any) -> None:
        if isinstance(value, EncodedDocuments):
            value.copy_to(out)
        elif isinstance(value, dict) and any(isinstance(v, (dict, EncodedDocuments)) for v in value.values()):
            out.write("{")
            for i, (key, item) in enumerate(value.items()):
                out.write(("" if i == 0 else ", ") + json.dumps(key, ensure_ascii=False) + ": ")
                write(item)
            out.write("}")
        else:
            out.write(json.dumps(value, ensure_ascii=False))

    write(report)


def build_report(inp: ReportInputs) -> dict[str, Any]:
    """The JSON report (schema/report.schema.json)."""
    scores = inp.scores
    n_docs = len(scores.doc_ids)
    keys = [(layer, mode) for layer, ls in scores.layers.items() for mode in ls.stats]
    present = [_labels_present(scores.layers[layer].stats[mode]) for layer, mode in keys]
    widths = [4 * len(cols) for cols in present]
    boot = inp.bootstrap and n_docs
    # the bootstrap runs in a forked child while this process lists the per-document figures, then helps
    # it draw resamples (bootsplit); small jobs run here
    def listed() -> Any:
        return _per_document(scores, inp.documents_to)

    def credit() -> tuple[np.ndarray, np.ndarray]:
        return _distinct_credit(scores, keys, present)

    sums = None
    if boot and n_docs * inp.bootstrap >= PARALLEL_WORK:
        documents, sums = resample_beside(listed, credit, n_docs, inp.bootstrap, inp.seed)
    else:
        documents = listed()
        if boot:
            sums = sums_here(credit, inp.bootstrap, inp.seed)
    resampled: list[Any] = [None] * len(keys)
    if sums is not None:
        at = 0
        for i, width in enumerate(widths):
            resampled[i] = sums[:, at:at + width]
            at += width
    layers: dict[str, Any] = {}
    for (layer, mode), cols, sampled in zip(keys, present, resampled, strict=True):
        ls = scores.layers[layer]
        stats = ls.stats[mode]
        per_label_counts = stats.sum(0)  # [K, 8]
        micro_counts = per_label_counts.sum(0)
        micro_ci = None
        label_ci: dict[int, np.ndarray] = {}
        if sampled is not None and len(cols):
            sampled = sampled.reshape(inp.bootstrap, len(cols), 4)
            micro_ci = percentile_interval(credit_prf(sampled.sum(1), inp.zero_division))
            label_ci = dict(zip(cols.tolist(), percentile_interval(credit_prf(sampled, inp.zero_division)), strict=True))
        per_label = {}
        for i, label in enumerate(ls.labels):
            if per_label_counts[i].any():
                per_label[label] = _figures(per_label_counts[i], mode, inp.zero_division, label_ci.get(i))
        label_prf = prf(per_label_counts[[i for i, lab in enumerate(ls.labels) if lab in per_label]], _weight(mode), inp.zero_division)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", RuntimeWarning)  # no label with a defined figure
            macro = np.nanmean(label_prf, axis=0) if len(label_prf) else np.array([np.nan] * 3)
        entry = layers.setdefault(layer, {"modes": {}, "errors": dict(sorted(ls.error_counts.items()))})
        entry["modes"][mode] = {
            "micro": _figures(micro_counts, mode, inp.zero_division, micro_ci),
            "macro": {"precision": _num(macro[0]), "recall": _num(macro[1]), "f1": _num(macro[2]), "labels": len(per_label)},
            "per_label": per_label,
        }
    predicted = inp.pred.predicted
    without = [d for d in scores.doc_ids if d not in predicted]
    report: dict[str, Any] = {
        "signature": inp.signature_text,
        "signature_fields": dict(inp.signature),
        "gold": {"name": inp.gold.name, "sha256": inp.gold.sha256, "split": inp.gold.split, "documents": n_docs},
        "layers": layers,
        "documents": {
            "scored": n_docs, "with_predictions": n_docs - len(without), "without_predictions": len(without),
            "without_predictions_ids": without, "unknown_in_predictions": list(inp.pred.unknown_docs),
            "per_document": documents,
        },
        "predictions": {"file": inp.pred.name, "spans_read": inp.pred.n_spans_read, "spans_rejected": inp.pred.n_spans_rejected,
                        "spans_scored": inp.pred.n_spans_read - inp.pred.n_spans_rejected},
        "rejected": [r.to_dict() for r in inp.pred.rejected],
    }
    if inp.other is not None:
        report["comparison"] = compare(scores, inp.other[1], inp.other[0], inp.bootstrap, inp.seed)
    return report


PARALLEL_WORK = 2_000_000  # documents x bootstrap samples from which the bootstrap gets its own process


def _labels_present(stats: np.ndarray) -> np.ndarray:
    """Labels with any count in [n_docs, K, 8] statistics (reduced over documents first: faster)."""
    n, k = stats.shape[0], stats.shape[1]
    return np.flatnonzero(stats.reshape(n, 8 * k).any(axis=0).reshape(k, 8).any(axis=1)) if n else np.empty(0, np.int64)


def _distinct_credit(scores: SystemScores, keys: list[tuple[str, str]], present: list[np.ndarray]) -> tuple[np.ndarray, np.ndarray]:
    """The credit columns (see `_credit_columns`) of every (layer, mode) block side by side, as (the group of
    equal columns each is in, [n_docs, groups] float32): columns are made one at a time and only new ones
    are kept (memory).

    Equal columns are resampled once: possible and actual repeat across modes, and credits often do (64 of
    128 columns are distinct in the benchmark). This changes nothing: the sums are of integers and halves
    well below 2**23, exact in float32 in any order.
    """
    n_docs = len(scores.doc_ids)
    columns: list[np.ndarray] = []
    inverse: list[int] = []
    groups: dict[int, list[int]] = {}
    for (layer, mode), cols in zip(keys, present, strict=True):
        stats, w = scores.layers[layer].stats[mode], _weight(mode) or 0.0
        for j in cols.tolist():
            for column in _credit_columns(stats[:, j], w):
                same = groups.setdefault(hash(column.tobytes()), [])
                g = next((g for g in same if np.array_equal(columns[g], column)), None)
                if g is None:
                    g = len(columns)
                    same.append(g)
                    columns.append(column)
                inverse.append(g)
    distinct = np.empty((n_docs, len(columns)), dtype=np.float32)
    for g, column in enumerate(columns):
        distinct[:, g] = column
    return np.asarray(inverse, dtype=np.int64), distinct


def _credit_columns(s: np.ndarray, w: float) -> tuple[np.ndarray, ...]:
    """One label's [n_docs, 8] statistics as float32 columns: recall credit (correct + w * partial),
    possible, precision credit, actual."""

    def plus(a: np.ndarray, b: np.ndarray) -> np.ndarray:
        out = a.astype(np.float32)
        if w:
            out += w * b
        return out

    def total(counts: np.ndarray) -> np.ndarray:
        out = counts[:, 0].astype(np.float32)
        for i in range(1, counts.shape[1]):
            out += counts[:, i]
        return out

    return plus(s[:, 0], s[:, 2]), total(s[:, :4]), plus(s[:, 4], s[:, 6]), total(s[:, 4:])


DOCUMENT_CHUNK = 2000  # documents per piece of encoded per-document figures


def per_document(scores: SystemScores, start: int = 0, stop: int | None = None) -> dict[str, dict[str, dict[str, list[Any]]]]:
    """Per document (of doc_ids[start:stop]), layer and mode: [precision, recall, f1, cor, inc, par, mis, spu] (null where undefined)."""
    ids = scores.doc_ids[start:stop]
    out: dict[str, dict[str, dict[str, list[Any]]]] = {d: {} for d in ids}
    for layer, ls in scores.layers.items():
        modes = list(ls.stats)
        columns = []
        for mode in modes:
            counts = ls.stats[mode][start:stop].sum(1)  # [docs, 8]
            figures = np.round(prf(counts, _weight(mode)), 6)
            rows = figures.tolist()
            if np.isnan(figures).any():
                rows = [[None if x != x else x for x in row] for row in rows]
            columns.append([f + c for f, c in zip(rows, counts[:, [0, 1, 2, 3, 7]].tolist(), strict=True)])
        for doc_id, *per_mode in zip(ids, *columns, strict=True):
            out[doc_id][layer] = dict(zip(modes, per_mode, strict=True))
    return out


def credit_prf(c: np.ndarray, zero_division: float | None) -> np.ndarray:
    """Precision, recall, F1 from `[..., 4]` credit sums (see `_credit_columns`); as counts.prf."""
    fill = np.nan if zero_division is None else zero_division
    with np.errstate(divide="ignore", invalid="ignore"):
        recall = np.where(c[..., 1] > 0, c[..., 0] / np.where(c[..., 1] > 0, c[..., 1], 1), fill)
        precision = np.where(c[..., 3] > 0, c[..., 2] / np.where(c[..., 3] > 0, c[..., 3], 1), fill)
        denom = precision + recall
        f1 = np.where(denom > 0, 2 * precision * recall / np.where(denom > 0, denom, 1), np.where(np.isnan(denom), fill, 0.0))
    return np.stack([precision, recall, f1], axis=-1)


def compare(a: SystemScores, b: SystemScores, b_pred: PredSet, n: int, seed: int | None) -> dict[str, Any]:
    """Paired tests of micro F1, system A (--pred) minus system B (--compare), per layer and mode."""
    out: dict[str, Any] = {"system_b": b_pred.name, "samples": n, "seed": seed, "layers": {}}
    for layer, ls in a.layers.items():
        for mode, stats in ls.stats.items():
            sa, sb = stats.sum(1), b.layers[layer].stats[mode].sum(1)
            tests = {name: fn(sa, sb, n=n or 1000, seed=seed, partial_weight=_weight(mode)) for name, fn in TESTS.items()}
            first = next(iter(tests.values()))
            out["layers"].setdefault(layer, {})[mode] = {"f1_difference": _num(first.delta),
                                                         **{f"p_{name}": _num(t.p_value) for name, t in tests.items()}}
    return out


# ------------------------------------------------------------------------------------------ renderers
def _pct(x: float | None) -> str:
    return "   -" if x is None else f"{100 * x:5.1f}"


def _ci(entry: Mapping[str, Any], key: str) -> str:
    ci = entry.get("ci95", {}).get(key)
    if not ci or ci[0] is None:
        return "             "
    return f"[{100 * ci[0]:5.1f},{100 * ci[1]:5.1f}]"


def render_text(report: Mapping[str, Any], layers_order: Sequence[str] | None = None) -> str:
    """Readable tables: per layer, mode x P/R/F1 with 95% CIs and the counts behind them, then the signature."""
    lines: list[str] = []
    for layer in layers_order or report["layers"]:
        entry = report["layers"].get(layer)
        if entry is None:
            continue
        first = next(iter(entry["modes"].values()))["micro"]
        lines.append(f"{layer}: {first['possible']} gold, {first['actual']} predicted in {report['documents']['scored']} documents")
        lines.append(f"  {'mode':<8} {'P':>5} {'95% CI':>13} {'R':>5} {'95% CI':>13} {'F1':>5} {'95% CI':>13}"
                     f" {'COR':>6} {'INC':>6} {'PAR':>6} {'MIS':>6} {'SPU':>6}")
        for mode, res in entry["modes"].items():
            m = res["micro"]
            lines.append(f"  {mode:<8} {_pct(m['precision'])} {_ci(m, 'precision')} {_pct(m['recall'])} {_ci(m, 'recall')}"
                         f" {_pct(m['f1'])} {_ci(m, 'f1')} {m['correct']:>6} {m['incorrect']:>6} {m['partial']:>6} {m['missed']:>6} {m['spurious']:>6}")
        errors = {k: v for k, v in entry.get("errors", {}).items() if v}
        if errors:
            lines.append("  errors: " + ", ".join(f"{k} {v}" for k, v in errors.items()))
        lines.append("")
    docs = report["documents"]
    lines.append(f"documents: {docs['scored']} scored, {docs['without_predictions']} without predictions (scored as empty)")
    pred = report["predictions"]
    lines.append(f"predicted spans: {pred['spans_read']} read, {pred['spans_scored']} scored, {pred['spans_rejected']} rejected")
    if "comparison" in report:
        lines.append("")
        lines.append(f"comparison with {report['comparison']['system_b']} ({report['comparison']['samples']} samples):")
        for layer, modes in report["comparison"]["layers"].items():
            for mode, c in modes.items():
                lines.append(f"  {layer:<12} {mode:<8} ΔF1 {100 * (c['f1_difference'] or 0):+6.2f}  p(bootstrap) {c['p_paired_bootstrap']:.4f}"
                             f"  p(AR) {c['p_approximate_randomization']:.4f}")
    lines.append("")
    lines.append(report["signature"])
    return "\n".join(lines)


def render_markdown(report: Mapping[str, Any]) -> str:
    """A Markdown table per layer, for leaderboards."""
    out = []
    for layer, entry in report["layers"].items():
        out.append(f"#### {layer}\n")
        out.append("| mode | P | R | F1 | F1 95% CI | COR | INC | PAR | MIS | SPU |")
        out.append("|---|---:|---:|---:|---|---:|---:|---:|---:|---:|")
        for mode, res in entry["modes"].items():
            m = res["micro"]
            ci = m.get("ci95", {}).get("f1")
            ci_text = f"{100 * ci[0]:.1f}–{100 * ci[1]:.1f}" if ci and ci[0] is not None else "-"
            out.append(f"| {mode} | {_pct(m['precision']).strip()} | {_pct(m['recall']).strip()} | {_pct(m['f1']).strip()} | {ci_text} |"
                       f" {m['correct']} | {m['incorrect']} | {m['partial']} | {m['missed']} | {m['spurious']} |")
        out.append("")
    out.append(f"`{report['signature']}`")
    return "\n".join(out) + "\n"


__all__ = ["RELATIONS", "ReportInputs", "build_report", "render_markdown", "render_text"]
