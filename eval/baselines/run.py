"""`python eval/baselines/run.py NAME --split test -o preds.jsonl`: run one baseline, write exchange-format JSONL.

Fits the baseline on the bundled corpus (train gold; dev for tuning) where it learns, then writes one
line per document of the split. Progress and timings go to stderr. Exit status: 0 written, 2 refused
(unknown name or split, existing output without --overwrite).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
for entry in (REPO, REPO / "src"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from eval.baselines.base import run_baseline  # noqa: E402
from eval.baselines.registry import BASELINES, make  # noqa: E402
from newsspans.commands import add_root, guarded  # noqa: E402
from newsspans.corpus import load_corpus, write_exchange  # noqa: E402
from newsspans.project import Project  # noqa: E402


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="eval/baselines/run.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_root(p)
    p.add_argument("name", choices=sorted(BASELINES), help="which baseline")
    p.add_argument("--split", default="test", help="train, dev, test or all (default: %(default)s)")
    p.add_argument("-o", "--output", type=Path, required=True, help="exchange-format JSONL to write")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    corpus = load_corpus(Project.find(args.root))
    log = (lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr))
    result = run_baseline(make(args.name), corpus, args.split, log)
    n = write_exchange(result.records, args.output, overwrite=args.overwrite)
    log(json.dumps({"baseline": result.name, "split": result.split, "documents": n, "train_seconds": round(result.train_seconds, 2),
                    "predict_seconds": round(result.predict_seconds, 2), "model_bytes": result.fit.model_bytes}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
