"""Train/dev/test splits: drawn once, stratified by outlet style and conflict, then frozen by content hash."""

from __future__ import annotations

import random
from collections import defaultdict
from collections.abc import Mapping, Sequence
from typing import Any

from .corpus import Corpus

SEED_RULE = ("The seed article is always in train: it is the worked example quoted throughout the guidelines "
             "(so it cannot be unseen test data) and its text may not be redistributed.")


DEFAULT_FRACTIONS: Mapping[str, float] = {"test": 0.2, "dev": 0.1}


def draw_splits(corpus: Corpus, *, seed: int, fractions: Mapping[str, float] = DEFAULT_FRACTIONS) -> dict[str, list[str]]:
    """Stratified assignment: within each outlet style, documents ordered by conflict are dealt out
    so each split gets its share of every style and a spread of conflicts. Deterministic for `seed`."""
    rng = random.Random(seed)
    by_style: dict[str, list[str]] = defaultdict(list)
    out: dict[str, list[str]] = {"train": [], "dev": [], "test": []}
    for doc_id, doc in sorted(corpus.documents.items()):
        if doc.metadata.get("provenance", {}).get("kind") == "seed":
            out["train"].append(doc_id)
            continue
        by_style[str(doc.metadata.get("outlet_style", "unknown"))].append(doc_id)
    owed = {name: 0.0 for name in fractions}
    for style in sorted(by_style):
        ids = by_style[style]
        rng.shuffle(ids)
        ids.sort(key=lambda d: str(corpus.documents[d].metadata.get("conflict", "")))  # stable: shuffled within a conflict
        for doc_id in ids:
            for name, share in fractions.items():
                owed[name] += share
            pick = max(owed, key=lambda n: owed[n])
            if owed[pick] >= 1.0:
                owed[pick] -= 1.0
                out[pick].append(doc_id)
            else:
                out["train"].append(doc_id)
    return {name: sorted(ids) for name, ids in out.items()}


def splits_record(corpus: Corpus, splits: Mapping[str, Sequence[str]], *, version: str, seed: int) -> dict[str, Any]:
    """The splits.json record with each split's content hash (texts and gold)."""
    frozen = Corpus(corpus.project, corpus.labels, corpus.documents, corpus.gold, {k: tuple(v) for k, v in splits.items()}, version)
    return {
        "version": version,
        "description": "Stratified by outlet style and conflict (newsspans split). " + SEED_RULE
                       + " content_sha256 freezes each split's texts and gold: changing them requires a new version.",
        "seed": seed,
        "splits": {k: list(v) for k, v in splits.items()},
        "content_sha256": {name: frozen.content_hash(name) for name in splits},
    }
