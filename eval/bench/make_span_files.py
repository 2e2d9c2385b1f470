"""Seeded gold/prediction files for scorer benchmarks: exchange JSONL and CoNLL (for seqeval)."""

from __future__ import annotations

import bisect
import json
import random
import re
from pathlib import Path

from common import labels

from newsspans.model import AnnotationSet
from newsspans.synth import generate, perturb

TOKEN = re.compile(r"\S+")


def write_files(folder: Path, n_docs: int, spans_per_doc: int = 14, seed: int = 0, long_doc: int = 0) -> dict[str, int]:
    """Write gold.jsonl, pred.jsonl (entities layer only) and gold.conll/pred.conll; returns span counts.

    Args:
        long_doc: if > 0, a single document with about this many gold spans instead of `n_docs` short ones.
    """
    scheme = labels()
    rng = random.Random(seed + 1)
    folder.mkdir(parents=True, exist_ok=True)
    n_gold = n_pred = 0
    docs = generate(scheme, 1 if long_doc else n_docs, spans_per_doc=long_doc or spans_per_doc, seed=seed)
    with (folder / "gold.jsonl").open("w") as g, (folder / "pred.jsonl").open("w") as p, \
            (folder / "gold.conll").open("w") as gc, (folder / "pred.conll").open("w") as pc:
        for d in docs:
            text = d.document.text
            gold = AnnotationSet(d.gold.doc_id, tuple(s for s in d.gold.spans if s.layer == "entities"))
            pred = perturb(gold, scheme, rng, len(text))
            n_gold += len(gold.spans)
            n_pred += len(pred.spans)
            g.write(json.dumps(gold.to_exchange(["entities"]), ensure_ascii=False) + "\n")
            p.write(json.dumps(pred.to_exchange(["entities"]), ensure_ascii=False) + "\n")
            for handle, ann in ((gc, gold), (pc, pred)):
                handle.write(f"-DOCSTART- {d.document.id}\n")
                tags = bio_tags(text, ann)
                handle.write("".join(f"{tok}\t{tag}\n" for tok, tag in tags) + "\n")
    return {"gold": n_gold, "pred": n_pred}


def bio_tags(text: str, ann: AnnotationSet) -> list[tuple[str, str]]:
    """Whitespace tokens with IOB2 tags (first span wins where spans overlap a token); linear in tokens + spans."""
    tokens = [(m.start(), m.end(), m.group()) for m in TOKEN.finditer(text)]
    starts = [t[0] for t in tokens]
    tags = ["O"] * len(tokens)
    for s in sorted(ann.spans, key=lambda s: (s.start, s.end)):
        i = bisect.bisect_right(starts, s.start) - 1
        if i < 0 or tokens[i][1] <= s.start:
            i += 1
        inside = []
        while i < len(tokens) and tokens[i][0] < s.end:
            inside.append(i)
            i += 1
        if inside and all(tags[j] == "O" for j in inside):
            tags[inside[0]] = f"B-{s.label}"
            for j in inside[1:]:
                tags[j] = f"I-{s.label}"
    return [(tok, tag) for (_, _, tok), tag in zip(tokens, tags, strict=True)]
