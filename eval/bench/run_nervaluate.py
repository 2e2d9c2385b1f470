"""nervaluate on exchange JSONL files: all four modes with per-type results (its Evaluator computes them together)."""

import json
import sys

from nervaluate import Evaluator


def read(path):
    docs = {}
    with open(path) as handle:
        for line in handle:
            record = json.loads(line)
            docs[record["doc_id"]] = [{"label": s["label"], "start": s["start"], "end": s["end"] - 1} for s in record["spans"]]
    return docs


gold, pred = read(sys.argv[1]), read(sys.argv[2])
ids = list(gold)
tags = sorted({s["label"] for doc in gold.values() for s in doc} | {s["label"] for doc in pred.values() for s in doc})
results = Evaluator([gold[i] for i in ids], [pred.get(i, []) for i in ids], tags=tags, loader="dict").evaluate()
for mode, r in results["overall"].items():
    print(mode, r.correct, r.incorrect, r.partial, r.missed, r.spurious, round(r.f1, 4))
