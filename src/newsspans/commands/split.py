"""`newsspans split`: draw and freeze train/dev/test (corpus/splits.json), or re-freeze after a version bump."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from ..corpus import load_corpus
from ..errors import RefusedOverwrite
from ..jsonio import atomic_write_text, read_json
from ..project import Project
from ..splits import draw_splits, splits_record
from . import add_root, guarded


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsspans split", description=__doc__)
    add_root(p)
    p.add_argument("--seed", type=int, default=13, help="seed for drawing new splits (default: %(default)s)")
    p.add_argument("--version", required=True, help="corpus version to record, e.g. 1.0")
    p.add_argument("--refreeze", action="store_true", help="keep the current membership, recompute the hashes (needs a new --version)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing splits.json with newly drawn splits")
    args = p.parse_args(argv)
    project = Project.find(args.root)
    corpus = load_corpus(project)
    existing = read_json(project.splits_path) if project.splits_path.is_file() else None
    if args.refreeze:
        if existing is None:
            raise RefusedOverwrite("no splits.json to re-freeze; draw splits first")
        if existing.get("version") == args.version:
            raise RefusedOverwrite(f"version {args.version} is already frozen; give a new --version")
        splits, seed = existing["splits"], existing.get("seed", args.seed)
    else:
        if existing is not None and not args.overwrite:
            raise RefusedOverwrite(f"{project.rel(project.splits_path)} exists; splits are frozen (use --refreeze, or --overwrite to redraw)")
        splits, seed = draw_splits(corpus, seed=args.seed), args.seed
    record = splits_record(corpus, splits, version=args.version, seed=seed)
    atomic_write_text(project.splits_path, json.dumps(record, ensure_ascii=False, indent=1) + "\n")
    print(", ".join(f"{name}: {len(ids)}" for name, ids in record["splits"].items()))
    return 0
