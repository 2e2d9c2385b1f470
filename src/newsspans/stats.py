"""Corpus statistics as data: documents, words, spans per layer, label, attribute and split."""

from __future__ import annotations

import math
import statistics
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
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


# ---------------------------------------------------------------- distributions and densities
@dataclass(frozen=True, slots=True)
class Distribution:
    """Summary of integer observations: count, min, median, 90th percentile (nearest rank) and max.

    Empty distributions have `n == 0` and None elsewhere.
    """

    n: int
    min: int | None
    median: float | None
    p90: int | None
    max: int | None

    @classmethod
    def of(cls, values: Iterable[int]) -> Distribution:
        """Summarise `values`.

        Args:
            values: integer observations, in any order.

        Returns:
            The summary; `p90` is the nearest-rank percentile (the smallest value with at least 90%
            of the observations at or below it), so it is always an observed value.
        """
        ordered = sorted(values)
        if not ordered:
            return cls(0, None, None, None, None)
        n = len(ordered)
        return cls(n, ordered[0], float(statistics.median(ordered)), ordered[math.ceil(0.9 * n) - 1], ordered[-1])

    def to_dict(self) -> dict[str, Any]:
        return {"n": self.n, "min": self.min, "median": self.median, "p90": self.p90, "max": self.max}


def word_count(text: str) -> int:
    """Whitespace-separated tokens: the word unit of every figure here."""
    return len(text.split())


def span_lengths(corpus: Corpus, ids: Iterable[str]) -> dict[str, list[tuple[int, int]]]:
    """`(characters, whitespace tokens)` of every gold span of `ids`, keyed by layer and by `layer/label`.

    Args:
        corpus: the loaded corpus.
        ids: the documents to include (unannotated ones contribute nothing).

    Returns:
        Lists in document order, then span order; layer keys and `layer/label` keys side by side.
    """
    out: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for doc_id in ids:
        gold = corpus.gold.get(doc_id)
        text = corpus.documents[doc_id].text
        for span in gold.spans if gold else ():
            surface = text[span.start:span.end] if span.start is not None else span.text or ""
            pair = (len(surface), word_count(surface))
            out[span.layer].append(pair)
            out[f"{span.layer}/{span.label}"].append(pair)
    return dict(out)


def document_points(corpus: Corpus, ids: Iterable[str]) -> list[tuple[str, int, int]]:
    """`(doc_id, words, gold spans)` of each annotated document of `ids`, in id order."""
    return [(d, word_count(corpus.documents[d].text), len(corpus.gold[d].spans)) for d in sorted(ids) if d in corpus.gold]


def corpus_figures(corpus: Corpus) -> dict[str, Any]:
    """The figures beyond `corpus_stats`, per split ("all" first): metadata mix, lengths, densities.

    Returns:
        `{"splits": {name: {...}}}` with, per split: `documents_per_outlet_style`,
        `documents_per_conflict` (metadata fields; "unknown" when absent), `document_words`
        (a Distribution dict over annotated documents), `span_characters` and `span_tokens`
        (Distribution dicts keyed by layer and `layer/label`), and `spans_per_100_words` per layer
        (gold spans over the words of the annotated documents, times 100, rounded to 2 places).
    """
    splits = {"all": corpus.doc_ids()} | {name: corpus.doc_ids(name) for name in corpus.splits}
    out: dict[str, Any] = {"splits": {}}
    for name, ids in splits.items():
        metas = [corpus.documents[d].metadata for d in ids]
        points = document_points(corpus, ids)
        lengths = span_lengths(corpus, ids)
        words = sum(p[1] for p in points)
        out["splits"][name] = {
            "documents_per_outlet_style": dict(sorted(Counter(str(m.get("outlet_style", "unknown")) for m in metas).items())),
            "documents_per_conflict": dict(sorted(Counter(str(m.get("conflict", "unknown")) for m in metas).items())),
            "document_words": Distribution.of(p[1] for p in points).to_dict(),
            "span_characters": {k: Distribution.of(c for c, _ in v).to_dict() for k, v in sorted(lengths.items())},
            "span_tokens": {k: Distribution.of(t for _, t in v).to_dict() for k, v in sorted(lengths.items())},
            "spans_per_100_words": {layer: round(100 * len(lengths.get(layer, ())) / words, 2) if words else None for layer in corpus.labels.layer_names},
        }
    return out
