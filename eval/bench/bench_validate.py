"""Benchmark: validate a synthetic corpus of N documents at levels 1-4 (target: 10,000 docs <= 10 s).

Usage: python eval/bench/bench_validate.py [--docs 10000] [--spans 20]
"""

from __future__ import annotations

import argparse
import tempfile
from pathlib import Path

from common import peak_rss_mb, timed, write_project

from newsspans.project import Project
from newsspans.validate import validate_project


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--docs", type=int, default=10_000)
    p.add_argument("--spans", type=int, default=20, help="gold spans per document (about)")
    args = p.parse_args()
    results: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        with timed("generate", results):
            docs = write_project(root, args.docs, spans_per_doc=args.spans)
        n_spans = sum(len(d.gold.spans) for d in docs)
        with timed("validate", results):
            run = validate_project(Project(root))
    print(f"documents: {args.docs}  gold spans: {n_spans}  findings: {len(run.findings)}")
    print(f"generate: {results['generate']:.2f} s")
    print(f"validate levels 1-4: {results['validate']:.2f} s  ({args.docs / results['validate']:.0f} docs/s, "
          f"{n_spans / results['validate']:.0f} spans/s)  target <= 10 s per 10,000 docs")
    print(f"peak RSS: {peak_rss_mb():.0f} MB")
    if run.findings:
        print("first finding:", run.findings[0].render())


if __name__ == "__main__":
    main()
