"""`newsspans lint`: consistency checks over the gold annotations (label variation, unlabelled
occurrences, token boundaries, edge punctuation), with an allowlist of accepted findings."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..corpus import load_corpus
from ..lint import LINT_CODES, LintOptions, allowlist_path, lint_corpus, load_allowlist, render_summary
from ..project import Project
from . import add_root, guarded


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsspans lint", description=__doc__)
    add_root(p)
    p.add_argument("--allowlist", type=Path, default=None, help="accepted findings (default: annotations/lint-allowlist.json)")
    p.add_argument("--code", action="append", choices=list(LINT_CODES), default=None, help="run only this check (repeatable)")
    p.add_argument("--min-labelled-share", type=float, default=LintOptions().min_labelled_share,
                   help="report unlabelled occurrences of strings labelled at least this share of the time (default: %(default)s; 0: all)")
    p.add_argument("--max-err", type=int, default=0, help="print at most this many findings (0: all)")
    p.add_argument("--json", action="store_true", help="print the whole report as one JSON object")
    return p


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    project = Project.find(args.root)
    allowlist = load_allowlist(args.allowlist or allowlist_path(project))
    report = lint_corpus(load_corpus(project), allowlist, args.code, LintOptions(args.min_labelled_share))
    if args.json:
        print(json.dumps(report.to_dict(), ensure_ascii=False, indent=1))
    else:
        shown = report.findings[: args.max_err] if args.max_err else report.findings
        for finding in shown:
            print(finding.render())
        if len(shown) < len(report.findings):
            print(f"... {len(report.findings) - len(shown)} more not shown (--max-err)")
    print(render_summary(report), file=sys.stderr if args.json else sys.stdout)
    return 1 if report.findings else 0
