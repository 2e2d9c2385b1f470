"""`newsspans stats`: corpus statistics (documents, words, spans per layer, label and split).

With --page, regenerate docs/STATS.md and its plots in docs/stats/; with --check, exit 1 when the
page is stale.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence

from ..corpus import load_corpus
from ..project import Project
from ..stats import corpus_stats, render_stats_text
from . import add_root, guarded


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsspans stats", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_root(p)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--json", action="store_true", help="print JSON instead of a table")
    mode.add_argument("--page", action="store_true", help="regenerate docs/STATS.md and docs/stats/*.png (needs the stats extra)")
    mode.add_argument("--check", action="store_true", help="exit 1 if docs/STATS.md is stale or a plot is missing")
    args = p.parse_args(argv)
    corpus = load_corpus(Project.find(args.root))
    if args.page or args.check:
        from ..statspage import check_page, write_page

        if args.check:
            problems = check_page(corpus)
            for problem in problems:
                print(f"stale: {problem}; run `newsspans stats --page`", file=sys.stderr)
            return 1 if problems else 0
        for path in write_page(corpus):
            print(f"wrote {corpus.project.rel(path)}")
        return 0
    stats = corpus_stats(corpus)
    print(json.dumps(stats, indent=2) if args.json else render_stats_text(stats))
    return 0
