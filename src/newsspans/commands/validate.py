"""`newsspans validate`: check corpus, gold, by-annotator files, splits and prediction files."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..project import Project
from ..validate import CODES, summary, validate_project
from ..validate.catalogue import checks_markdown
from . import add_root, guarded


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsspans validate", description=__doc__)
    add_root(p)
    p.add_argument("--level", type=int, choices=range(1, 5), default=4, help="highest level to check (default: %(default)s)")
    p.add_argument("--pred", type=Path, action="append", default=[], metavar="JSONL", help="also validate this exchange-format file (repeatable)")
    p.add_argument("--pred-only", action="store_true", help="validate only the --pred files (against the corpus texts)")
    p.add_argument("--exclude", action="append", default=[], metavar="CODE", help="do not report this code (repeatable)")
    p.add_argument("--max-err", type=int, default=0, help="print at most this many problems (0: all)")
    p.add_argument("--json", action="store_true", help="print findings as JSON lines")
    p.add_argument("--list-checks", action="store_true", help="print the table of codes (docs/checks.md) and exit")
    return p


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.list_checks:
        print(checks_markdown(), end="")
        return 0
    unknown = [c for c in args.exclude if c not in CODES]
    if unknown:
        print(f"error: unknown code(s) {', '.join(unknown)}; see docs/checks.md", file=sys.stderr)
        return 2
    run = validate_project(Project.find(args.root), max_level=args.level, predictions=args.pred, only_predictions=args.pred_only)
    run.findings = [f for f in sorted(run.findings) if f.code not in args.exclude]
    shown = run.findings[: args.max_err] if args.max_err else run.findings
    for finding in shown:
        print(json.dumps(finding.to_dict(), ensure_ascii=False) if args.json else finding.render())
    if len(shown) < len(run.findings):
        print(f"... {len(run.findings) - len(shown)} more not shown (--max-err)")
    print(summary(run), file=sys.stderr if args.json else sys.stdout)
    return 1 if run.findings else 0
