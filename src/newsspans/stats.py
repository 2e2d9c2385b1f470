"""Corpus statistics as data: documents, words, spans per layer, label, attribute and split."""

from __future__ import annotations

from collections import Counter
from typing import Any

from .corpus import Corpus


def corpus_stats(corpus: Corpus) -> dict[str, Any]:
    """Counts for the whole corpus and per split; every figure derived from the files."""
    splits = {"all": corpus.doc_ids()} | {name: corpus.doc_ids(name) for name in corpus.splits}
    out: dict[str, Any] = {"scheme_version": corpus.labels.version, "splits": {}}
    for name, ids in splits.items():
        layers: Counter[str] = Counter()
        labels: Counter[str] = Counter()
        attrs: Counter[str] = Counter()
        relations: Counter[str] = Counter()
        annotated = 0
        for doc_id in ids:
            gold = corpus.gold.get(doc_id)
            if gold is None:
                continue
            annotated += 1
            for span in gold.spans:
                layers[span.layer] += 1
                labels[f"{span.layer}/{span.label}"] += 1
                for key, value in span.attributes:
                    attrs[f"{span.label}.{key}={value}"] += 1
            relations.update(r.label for r in gold.relations)
        out["splits"][name] = {
            "documents": len(ids),
            "annotated": annotated,
            "words": sum(len(corpus.documents[d].text.split()) for d in ids),
            "characters": sum(len(corpus.documents[d].text) for d in ids),
            "spans": sum(layers.values()),
            "relations": sum(relations.values()),
            "spans_per_layer": dict(sorted(layers.items())),
            "spans_per_label": dict(sorted(labels.items())),
            "attributes": dict(sorted(attrs.items())),
            "relations_per_role": dict(sorted(relations.items())),
        }
    return out


def render_stats_text(stats: dict[str, Any]) -> str:
    """A plain-text table: one column per split."""
    names = list(stats["splits"])
    rows: list[tuple[str, list[Any]]] = []
    for key in ("documents", "annotated", "words", "spans", "relations"):
        rows.append((key, [stats["splits"][n][key] for n in names]))
    for group in ("spans_per_layer", "spans_per_label", "relations_per_role"):
        keys = sorted({k for n in names for k in stats["splits"][n][group]})
        rows += [(f"  {k}", [stats["splits"][n][group].get(k, 0) for n in names]) for k in keys]
    width = max(len(r[0]) for r in rows)
    lines = [f"{'':<{width}}  " + "  ".join(f"{n:>8}" for n in names)]
    lines += [f"{label:<{width}}  " + "  ".join(f"{v:>8}" for v in values) for label, values in rows]
    return "\n".join(lines)
