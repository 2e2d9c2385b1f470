"""Benchmark: build the Hub release of the whole repository (target <= 30 s) and of a synthetic corpus.

The synthetic corpus cycles through the repository's gold documents (realistic lengths and span
densities) under new ids, split 80/10/10; a few copies are marked not redistributable and get
letter-rotated text (same offsets, new characters), so the standoff path and the leak check run too.

Usage: python eval/bench/bench_hub.py [--docs 1000] [--withheld 10]
"""

from __future__ import annotations

import argparse
import codecs
import json
import shutil
import tempfile
from pathlib import Path

from common import REPO, peak_rss_mb, timed

from newsspans.annotations import annotation_record
from newsspans.corpus import load_corpus
from newsspans.hub.build import BuildResult, build
from newsspans.jsonio import atomic_write_text, dumps_record
from newsspans.model import AnnotationSet, Document, Span
from newsspans.project import Project

TARGET_S = 30.0


def rot13(text: str) -> str:
    return codecs.encode(text, "rot13")


def write_synthetic(root: Path, n_docs: int, n_withheld: int) -> None:
    """A project of `n_docs` copies of the repository's gold documents."""
    source = load_corpus(Project(REPO))
    gold_ids = sorted(source.gold)
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "annotations" / "gold").mkdir(parents=True)
    (root / "corpus").mkdir()
    every = max(1, n_docs // n_withheld) if n_withheld else 0
    ids = []
    for i in range(n_docs):
        doc_id = f"bench-{i:05d}"
        original = source.documents[gold_ids[i % len(gold_ids)]]
        gold = source.gold[original.id]
        withheld = bool(every) and i % every == every - 1
        shift = rot13 if withheld else str
        meta = dict(original.metadata)
        meta["license"] = {"id": "LicenseRef-bench" if withheld else "CC-BY-4.0", "redistributable": not withheld}
        meta["provenance"] = {"kind": "ingested" if withheld else "original", "written_by": "bench"}
        doc = Document(doc_id, shift(original.text), meta)
        spans = tuple(Span(doc_id, s.layer, s.start, s.end, s.label, shift(s.text or ""), s.id, s.attributes) for s in gold.spans)
        ann = AnnotationSet(doc_id, spans, tuple(type(r)(doc_id, r.label, r.head, r.tail, r.id) for r in gold.relations))
        record = annotation_record(ann, text_sha256=doc.sha256, scheme_version=source.labels.version, guidelines="bench",
                                   annotators=["bench"], status="gold")
        atomic_write_text(root / "corpus" / f"{doc_id}.json", dumps_record(doc.to_dict()))
        atomic_write_text(root / "annotations" / "gold" / f"{doc_id}.json", dumps_record(record))
        ids.append(doc_id)
    cut1, cut2 = int(n_docs * 0.8), int(n_docs * 0.9)
    splits = {"train": ids[:cut1], "dev": ids[cut1:cut2], "test": ids[cut2:]}
    atomic_write_text(root / "corpus" / "splits.json", json.dumps({"version": "bench", "splits": splits}) + "\n")


def report(name: str, result: BuildResult, seconds: float) -> None:
    docs = len(result.release.corpus.documents)
    spans = sum(len(g.spans) for g in result.release.corpus.gold.values())
    size = sum(p.stat().st_size for p in result.files)
    rows = sum(s.rows for s in result.shards)
    print(f"{name}: {docs} documents, {spans} gold spans, {len(result.release.withheld)} withheld; "
          f"{len(result.shards)} shards, {rows} rows, {size / 1e6:.2f} MB")
    print(f"  build: {seconds:.2f} s ({docs / seconds:.0f} docs/s)")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=int, default=1_000, help="synthetic documents (default: %(default)s)")
    p.add_argument("--withheld", type=int, default=10, help="of which not redistributable (default: %(default)s)")
    args = p.parse_args()
    times: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        with timed("repository", times):
            real = build(Project(REPO), tmp_path / "repo-release")
        report("repository", real, times["repository"])
        print(f"  target <= {TARGET_S:.0f} s: {'met' if times['repository'] <= TARGET_S else 'MISSED'}")
        with timed("generate", times):
            write_synthetic(tmp_path / "synthetic", args.docs, args.withheld)
        with timed("synthetic", times):
            synthetic = build(Project(tmp_path / "synthetic"), tmp_path / "synthetic-release")
        report(f"synthetic (written in {times['generate']:.1f} s)", synthetic, times["synthetic"])
    print(f"peak RSS: {peak_rss_mb():.0f} MB")


if __name__ == "__main__":
    main()
