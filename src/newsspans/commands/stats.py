"""`newsspans stats`: corpus statistics (documents, words, spans per layer, label and split)."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from ..corpus import load_corpus
from ..project import Project
from ..stats import corpus_stats, render_stats_text
from . import add_root, guarded


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsspans stats", description=__doc__)
    add_root(p)
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    args = p.parse_args(argv)
    stats = corpus_stats(load_corpus(Project.find(args.root)))
    print(json.dumps(stats, indent=2) if args.json else render_stats_text(stats))
    return 0
