"""Inter-annotator agreement for doubly annotated documents, with the scorer's own matcher.

Per layer and label: pairwise span F1 (strict and partial; F1 is symmetric in the two annotators),
Cohen's kappa on the labels of aligned spans, Krippendorff's alpha (nominal) on those labels and on
token-level labels (each whitespace token takes the label of the longest span covering it, or O),
and agreement on attributes of spans both annotators marked identically.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from .corpus import Corpus
from .labels import LabelSet
from .model import AnnotationSet
from .scoring.counts import prf
from .scoring.engine import score_layer
from .scoring.inputs import DocRecord, GoldSet, PredSet
from .scoring.match import align

TOKEN = re.compile(r"\S+")


@dataclass(frozen=True, slots=True)
class PairData:
    a: str
    b: str
    doc_ids: tuple[str, ...]


def double_annotated(by_annotator: Mapping[str, Mapping[str, AnnotationSet]], exclude: Sequence[str] = ()) -> list[PairData]:
    """Annotator pairs with the documents both annotated."""
    names = sorted(n for n in by_annotator if n not in exclude)
    out = []
    for a, b in combinations(names, 2):
        common = tuple(sorted(set(by_annotator[a]) & set(by_annotator[b])))
        if common:
            out.append(PairData(a, b, common))
    return out


def _sets(texts: Mapping[str, str], doc_ids: Sequence[str], a: Mapping[str, AnnotationSet], b: Mapping[str, AnnotationSet]) -> tuple[GoldSet, PredSet]:
    gold = GoldSet("a", "", None, tuple(doc_ids), {d: DocRecord.from_annotation(a[d]) for d in doc_ids}, {d: texts[d] for d in doc_ids})
    pred = PredSet("b", {d: DocRecord.from_annotation(b[d]) for d in doc_ids}, (), 0, 0, ())
    return gold, pred


def cohen_kappa(x: Sequence[str], y: Sequence[str]) -> float | None:
    """Cohen's kappa of two label sequences (None when undefined)."""
    if not x:
        return None
    from sklearn.metrics import cohen_kappa_score

    if len(set(x) | set(y)) < 2:
        return 1.0 if list(x) == list(y) else None
    return float(cohen_kappa_score(x, y))


def kripp_alpha(x: Sequence[str], y: Sequence[str]) -> float | None:
    """Krippendorff's alpha, nominal, two coders (None when undefined)."""
    if not x:
        return None
    import krippendorff

    values = sorted(set(x) | set(y))
    if len(values) < 2:
        return None
    index = {v: i for i, v in enumerate(values)}
    data = np.array([[index[v] for v in x], [index[v] for v in y]], dtype=float)
    return float(krippendorff.alpha(reliability_data=data, level_of_measurement="nominal"))


def token_labels(text: str, ann: AnnotationSet, layer: str) -> list[str]:
    tokens = [(m.start(), m.end()) for m in TOKEN.finditer(text)]
    labels = ["O"] * len(tokens)
    starts = [t[0] for t in tokens]
    import bisect

    for span in sorted((s for s in ann.spans if s.layer == layer), key=lambda s: s.end - s.start):  # longest last: wins
        i = bisect.bisect_left(starts, span.start)
        if i > 0 and tokens[i - 1][1] > span.start:
            i -= 1
        while i < len(tokens) and tokens[i][0] < span.end:
            labels[i] = span.label
            i += 1
    return labels


def pair_agreement(corpus_texts: Mapping[str, str], labels: LabelSet, pair: PairData, a: Mapping[str, AnnotationSet],
                   b: Mapping[str, AnnotationSet]) -> dict[str, Any]:
    """All figures for one annotator pair."""
    gold, pred = _sets(corpus_texts, pair.doc_ids, a, b)
    versions = sorted({str(x[d].meta.get("guidelines_version", "?")) for x in (a, b) for d in pair.doc_ids})
    out: dict[str, Any] = {"annotators": [pair.a, pair.b], "documents": len(pair.doc_ids), "guidelines": "/".join(f"v{v}" for v in versions),
                           "layers": {}}
    for layer in labels.layers:
        scores = score_layer(layer.name, layer.label_names, gold, pred, ["strict", "partial"])
        entry: dict[str, Any] = {}
        for mode in ("strict", "partial"):
            per_label = scores.stats[mode].sum(0)
            micro = prf(per_label.sum(0), 0.5 if mode == "partial" else None)
            entry[f"{mode}_f1"] = _r(micro[2])
            entry.setdefault("per_label", {})
            for i, name in enumerate(layer.label_names):
                if per_label[i].any():
                    entry["per_label"].setdefault(name, {})[f"{mode}_f1"] = _r(prf(per_label[i], 0.5 if mode == "partial" else None)[2])
                    entry["per_label"][name]["a"] = int(per_label[i][:4].sum())
                    entry["per_label"][name]["b"] = int(per_label[i][4:].sum())
        la, lb, attr_pairs = [], [], Counter()
        attr_values: dict[str, tuple[list[str], list[str]]] = {}
        tok_a: list[str] = []
        tok_b: list[str] = []
        for doc_id in pair.doc_ids:
            ga = sorted((s for s in a[doc_id].spans if s.layer == layer.name), key=lambda s: (s.start, s.end, s.label))
            gb = sorted((s for s in b[doc_id].spans if s.layer == layer.name), key=lambda s: (s.start, s.end, s.label))
            al = align([(s.start, s.end, s.label) for s in ga], [(s.start, s.end, s.label) for s in gb])  # type: ignore[misc]
            for i, j in al.pairs:
                la.append(ga[i].label)
                lb.append(gb[j].label)
                if (ga[i].start, ga[i].end, ga[i].label) == (gb[j].start, gb[j].end, gb[j].label):
                    for name, value in ga[i].attributes:
                        other = gb[j].attrs.get(name)
                        if other is not None:
                            xs, ys = attr_values.setdefault(name, ([], []))
                            xs.append(value)
                            ys.append(other)
                            attr_pairs[name] += 1
            tok_a += token_labels(corpus_texts[doc_id], a[doc_id], layer.name)
            tok_b += token_labels(corpus_texts[doc_id], b[doc_id], layer.name)
        entry["aligned_pairs"] = len(la)
        entry["label_kappa"] = _r(cohen_kappa(la, lb))
        entry["label_alpha"] = _r(kripp_alpha(la, lb))
        entry["token_alpha"] = _r(kripp_alpha(tok_a, tok_b))
        entry["attributes"] = {name: {"pairs": len(xs), "agreement": _r(sum(x == y for x, y in zip(xs, ys, strict=True)) / len(xs)),
                                      "kappa": _r(cohen_kappa(xs, ys))} for name, (xs, ys) in attr_values.items()}
        out["layers"][layer.name] = entry
    rel = score_relations_pair(labels, gold, pred)
    out["layers"]["relations"] = rel
    return out


def score_relations_pair(labels: LabelSet, gold: GoldSet, pred: PredSet) -> dict[str, Any]:
    from .scoring.engine import score_relations

    stats = score_relations([r.name for r in labels.roles], gold, pred).stats["strict"].sum(0)
    return {"strict_f1": _r(prf(stats.sum(0), None)[2]),
            "per_label": {r.name: {"strict_f1": _r(prf(stats[i], None)[2]), "a": int(stats[i][:4].sum()), "b": int(stats[i][4:].sum())}
                          for i, r in enumerate(labels.roles) if stats[i].any()}}


def _r(x: float | None) -> float | None:
    return None if x is None or x != x else round(float(x), 4)


def corpus_agreement(corpus: Corpus, by_annotator: Mapping[str, Mapping[str, AnnotationSet]], exclude: Sequence[str] = ()) -> dict[str, Any]:
    texts = {d: doc.text for d, doc in corpus.documents.items()}
    pairs = double_annotated(by_annotator, exclude)
    return {"pairs": [pair_agreement(texts, corpus.labels, p, by_annotator[p.a], by_annotator[p.b]) for p in pairs]}


def pooled(by_annotator: Mapping[str, Mapping[str, AnnotationSet]], exclude: Sequence[str] = ()) -> tuple[dict, dict, tuple[str, ...]]:
    """First vs second annotator over every doubly annotated document (names sorted: the first is the primary)."""
    first: dict[str, AnnotationSet] = {}
    second: dict[str, AnnotationSet] = {}
    for pair in double_annotated(by_annotator, exclude):
        for d in pair.doc_ids:
            if d not in first:
                first[d], second[d] = by_annotator[pair.a][d], by_annotator[pair.b][d]
    return first, second, tuple(sorted(first))


def _fmt(x: float | None) -> str:
    return "–" if x is None else f"{x:.3f}"


def render_markdown(result: Mapping[str, Any], pairs: Sequence[Mapping[str, Any]]) -> str:
    """annotations/AGREEMENT.md."""
    lines = [
        "# Inter-annotator agreement",
        "",
        "Generated by `python scripts/agreement.py` from `annotations/by-annotator/`; do not edit by hand.",
        "",
        f"{result['documents']} documents were annotated twice, independently: each annotator worked from the guidelines and the",
        "text alone and saw no other annotation. Spans are aligned with the scorer's own matcher (`newsspans.scoring.match`).",
        "Span F1 treats one annotator as reference (F1 is symmetric); partial F1 gives half credit to overlapping spans;",
        "Cohen's kappa and Krippendorff's alpha (nominal) are computed on the labels of aligned span pairs, and alpha",
        "also on whitespace tokens labelled with the longest span covering them (O elsewhere). Figures are as measured.",
        "",
        "**Who annotated.** Every annotator (ann-1 to ann-9) is an instance of an AI annotation assistant built on the same",
        "language model, briefed with the guidelines; the second annotators (ann-7, ann-8, ann-9) had no access to the first",
        "annotations. Agreement between instances of one model is likely higher than between independent human annotators,",
        "so these figures are not directly comparable to human agreement reported for ACE, OntoNotes or PARC. Both",
        f"annotations of each document followed guidelines {result.get('guidelines', 'v0.1')}; gold was then adjudicated under the",
        "current guidelines (annotations/adjudication/ logs every decision).",
        "",
        "## Per layer (all doubly annotated documents)",
        "",
        "| layer | strict F1 | partial F1 | label κ | label α | token α | aligned pairs |",
        "|---|---:|---:|---:|---:|---:|---:|",
    ]
    for layer, e in result["layers"].items():
        if layer == "relations":
            continue
        lines.append(f"| {layer} | {_fmt(e['strict_f1'])} | {_fmt(e['partial_f1'])} | {_fmt(e['label_kappa'])} | {_fmt(e['label_alpha'])} |"
                     f" {_fmt(e['token_alpha'])} | {e['aligned_pairs']} |")
    rel = result["layers"]["relations"]
    lines += ["", f"Relations (strict: both ends identical spans and the same role): F1 {_fmt(rel['strict_f1'])}.", "",
              "## Per label", "", "| layer | label | spans (first / second) | strict F1 | partial F1 |", "|---|---|---:|---:|---:|"]
    for layer, e in result["layers"].items():
        for label, v in e.get("per_label", {}).items():
            lines.append(f"| {layer} | {label} | {v['a']} / {v['b']} | {_fmt(v.get('strict_f1'))} | {_fmt(v.get('partial_f1'))} |")
    lines += ["", "## Attributes (on spans both annotators marked identically)", "", "| layer | attribute | pairs | observed agreement | κ |",
              "|---|---|---:|---:|---:|"]
    for layer, e in result["layers"].items():
        for name, v in e.get("attributes", {}).items():
            lines.append(f"| {layer} | {name} | {v['pairs']} | {_fmt(v['agreement'])} | {_fmt(v['kappa'])} |")
    lines += ["", "## Per annotator pair", "", "| annotators | documents | " + " | ".join(f"{lay} strict F1" for lay in result["layers"]) + " |",
              "|---|---:|" + "---:|" * len(result["layers"])]
    for p in pairs:
        lines.append(f"| {p['annotators'][0]} / {p['annotators'][1]} | {p['documents']} | "
                     + " | ".join(_fmt(p["layers"][lay]["strict_f1"]) for lay in result["layers"]) + " |")
    return "\n".join(lines) + "\n"
