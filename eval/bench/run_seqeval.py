"""seqeval on CoNLL files (IOB2, strict mode): overall and per-type precision, recall, F1."""

import sys

from seqeval.metrics import classification_report
from seqeval.scheme import IOB2


def read(path):
    docs, tags = [], []
    with open(path) as handle:
        for line in handle:
            if line.startswith("-DOCSTART-"):
                continue
            if not line.strip():
                if tags:
                    docs.append(tags)
                tags = []
                continue
            tags.append(line.rstrip("\n").split("\t")[-1])
    if tags:
        docs.append(tags)
    return docs


gold, pred = read(sys.argv[1]), read(sys.argv[2])
report = classification_report(gold, pred, mode="strict", scheme=IOB2, output_dict=True, zero_division=0)
print("micro f1", round(report["micro avg"]["f1-score"], 4))
