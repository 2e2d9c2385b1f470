"""`newsspans hub`: the Hugging Face Hub release (needs the optional extra: pip install 'newsspans[hub]').

  build OUT_DIR                          Parquet shards per config and split, and README.md (the dataset card)
  rehydrate OUT_DIR --text DOC_ID=PATH   put a withheld text back into a local build from your own copy (hash-checked)
  publish OUT_DIR --repo-id ORG/NAME     upload with huggingface_hub; token from HF_TOKEN or `hf auth login`
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

from ..errors import InputError
from ..project import Project
from . import add_root, guarded

EXTRA = {"datasets", "huggingface_hub", "pyarrow", "httpx"}


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsspans hub", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    b = sub.add_parser("build", help="write the release folder")
    add_root(b)
    b.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    b.add_argument("--repo-id", help="ORG/NAME shown in the card's loading example (default: a placeholder)")
    b.add_argument("--overwrite", action="store_true", help="replace README.md and the shards of a previous build in OUT_DIR")
    r = sub.add_parser("rehydrate", help="restore withheld texts in a local build")
    r.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    r.add_argument("--text", action="append", required=True, metavar="DOC_ID=PATH", help="your copy of a document's text (repeatable)")
    u = sub.add_parser("publish", help="upload a build to the Hub")
    u.add_argument("out_dir", type=Path, metavar="OUT_DIR")
    u.add_argument("--repo-id", required=True, metavar="ORG/NAME", help="dataset repository (created if missing)")
    u.add_argument("--revision", metavar="TAG", help="tag the uploaded commit, e.g. v1.0")
    u.add_argument("--private", action="store_true", help="create the repository private")
    u.add_argument("--dry-run", action="store_true", help="list what would be uploaded, with sizes; call nothing")
    return p


def _hub(name: str) -> ModuleType:
    import importlib

    return importlib.import_module(f"newsspans.hub.{name}")


def _build(args: argparse.Namespace) -> int:
    result = _hub("build").build(Project.find(args.root), args.out_dir, repo_id=args.repo_id, overwrite=args.overwrite)
    rel = result.release
    for doc_id in rel.unsplit:
        print(f"warning: {doc_id} has gold but is in no split of corpus/splits.json: not released", file=sys.stderr)
    for split in rel.empty_splits:
        print(f"warning: split {split!r} has no annotated document: left out", file=sys.stderr)
    size = sum(p.stat().st_size for p in result.files)
    splits = ", ".join(f"{name} {len(ids)}" for name, ids in rel.splits.items())
    print(f"wrote {args.out_dir}: {len(rel.corpus.documents)} documents ({splits}), {len(result.shards)} shards, {size:,} bytes")
    if rel.withheld:
        print(f"standoff only (text withheld): {', '.join(rel.withheld)}")
    return 0


def _rehydrate(args: argparse.Namespace) -> int:
    copies = {}
    for item in args.text:
        doc_id, sep, path = item.partition("=")
        if not sep or not doc_id or not path:
            raise InputError(f"expected DOC_ID=PATH, got {item!r}", field="--text")
        try:
            copies[doc_id] = Path(path).read_bytes().decode("utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            raise InputError(f"cannot read as UTF-8: {exc}", file=path) from None
    for doc_id, rows in _hub("rehydrate").rehydrate(args.out_dir, copies).items():
        print(f"restored {doc_id} in {rows} rows")
    print(f"{args.out_dir} now holds text that may not be redistributed: keep it local (publish refuses it)")
    return 0


def _publish(args: argparse.Namespace) -> int:
    pub = _hub("publish")
    token = pub.hub_token()
    if token is None and not args.dry_run:
        print("error: no Hugging Face token: set HF_TOKEN or log in with `hf auth login`", file=sys.stderr)
        return 2
    try:
        result = pub.publish(args.out_dir, args.repo_id, api=pub.make_api(token) if token else None, revision=args.revision,
                             private=args.private, dry_run=args.dry_run)
    except pub.HUB_ERRORS as exc:
        print(f"error: {pub.describe_hub_error(exc, token)}", file=sys.stderr)
        return 2
    plan = result.plan
    where = f"{plan.repo_id} ({'private' if plan.private else 'public'} dataset{f', tag {plan.revision}' if plan.revision else ''})"
    if not result.uploaded:
        print("\n".join(f"{size:>12,}  {rel}" for rel, size in plan.files))
        print(f"{plan.total_bytes:>12,}  total: {len(plan.files)} files would be uploaded to {where}")
        print("token: found" if token else "token: none found (set HF_TOKEN or run `hf auth login` before publishing)")
        return 0
    print(f"uploaded {len(plan.files)} files ({plan.total_bytes:,} bytes) to {where}: {result.url} commit {result.commit}")
    return 0


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    args = _parser().parse_args(argv)
    try:
        return {"build": _build, "rehydrate": _rehydrate, "publish": _publish}[args.cmd](args)
    except ModuleNotFoundError as exc:
        if (exc.name or "").split(".")[0] not in EXTRA:
            raise
        print(f"error: `newsspans hub` needs the hub extra ({exc.name} is missing): pip install 'newsspans[hub]'", file=sys.stderr)
        return 2
