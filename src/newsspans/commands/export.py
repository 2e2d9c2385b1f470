"""`newsspans export`: write the gold corpus in the exchange format (one JSON object per line)."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..corpus import iter_exchange, load_corpus, write_exchange
from ..project import Project
from . import add_root, guarded


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsspans export", description=__doc__)
    add_root(p)
    p.add_argument("--split", default="all", help="train, dev, test or all (default: %(default)s)")
    p.add_argument("--layer", action="append", default=None, help="keep only this layer (repeatable; default: all)")
    p.add_argument("-o", "--output", type=Path, help="JSONL file to write (default: stdout)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing output file")
    args = p.parse_args(argv)
    corpus = load_corpus(Project.find(args.root))
    records = iter_exchange(corpus, None if args.split == "all" else args.split, args.layer)
    if args.output is None:
        for record in records:
            sys.stdout.write(json.dumps(record, ensure_ascii=False) + "\n")
        return 0
    n = write_exchange(records, args.output, overwrite=args.overwrite)
    print(f"wrote {n} documents to {args.output}", file=sys.stderr)
    return 0
