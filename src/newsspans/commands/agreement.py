"""`newsspans agreement`: inter-annotator agreement on doubly annotated documents; rewrites annotations/AGREEMENT.md."""

from __future__ import annotations

import argparse
import json
from collections.abc import Sequence

from ..agreement import PairData, pair_agreement, pooled, render_markdown
from ..corpus import load_annotation_dir, load_corpus
from ..jsonio import atomic_write_text
from ..project import Project
from . import add_root, guarded


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsspans agreement", description=__doc__)
    add_root(p)
    p.add_argument("--exclude", action="append", default=["ns-lead"], help="annotator folders to leave out (default: ns-lead)")
    p.add_argument("--json", action="store_true", help="print the figures as JSON instead of writing AGREEMENT.md")
    p.add_argument("--check", action="store_true", help="exit 1 if AGREEMENT.md differs from what would be written")
    args = p.parse_args(argv)
    project = Project.find(args.root)
    corpus = load_corpus(project)
    by_annotator = {d.name: load_annotation_dir(d) for d in sorted(project.by_annotator_dir.glob("*")) if d.is_dir()}
    texts = {d: doc.text for d, doc in corpus.documents.items()}
    from ..agreement import double_annotated

    pairs = [pair_agreement(texts, corpus.labels, pair, by_annotator[pair.a], by_annotator[pair.b])
             for pair in double_annotated(by_annotator, args.exclude)]
    first, second, doc_ids = pooled(by_annotator, args.exclude)
    if not doc_ids:
        print("no doubly annotated documents")
        return 1
    result = pair_agreement(texts, corpus.labels, PairData("first", "second", doc_ids), first, second)
    if args.json:
        print(json.dumps({"pooled": result, "pairs": pairs}, indent=1))
        return 0
    text = render_markdown(result, pairs)
    path = project.root / "annotations" / "AGREEMENT.md"
    if args.check:
        same = path.is_file() and path.read_text(encoding="utf-8") == text
        print("AGREEMENT.md is up to date" if same else "AGREEMENT.md is stale: run scripts/agreement.py")
        return 0 if same else 1
    atomic_write_text(path, text)
    print(f"wrote {project.rel(path)}: {len(doc_ids)} documents, {len(pairs)} annotator pairs")
    return 0
