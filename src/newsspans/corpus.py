"""Loading the bundled corpus (documents, gold, splits) and exporting it in the exchange format."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .errors import InputError
from .jsonio import atomic_write_text, read_json
from .labels import LabelSet
from .model import AnnotationSet, Document
from .project import Project
from .textnorm import text_sha256

SPLIT_NAMES = ("train", "dev", "test")


@dataclass(frozen=True, slots=True)
class Corpus:
    """Documents, gold annotations and split membership, keyed by doc id."""

    project: Project
    labels: LabelSet
    documents: dict[str, Document]
    gold: dict[str, AnnotationSet]
    splits: dict[str, tuple[str, ...]] = field(default_factory=dict)
    version: str = "unversioned"

    def doc_ids(self, split: str | None = None) -> tuple[str, ...]:
        """Ids of `split` (all documents when None), in sorted order.

        Raises:
            InputError: for an unknown split name.
        """
        if split is None or split == "all":
            return tuple(sorted(self.documents))
        if split not in self.splits:
            raise InputError(f"unknown split {split!r}; known: {', '.join(self.splits) or 'none (no splits.json)'}", field="split")
        return tuple(sorted(self.splits[split]))

    def content_hash(self, split: str | None = None) -> str:
        """SHA-256 over the texts and gold annotations of a split: changes when either changes."""
        parts = []
        for doc_id in self.doc_ids(split):
            gold = self.gold.get(doc_id)
            gold_json = json.dumps(gold.to_exchange() if gold else None, sort_keys=True, ensure_ascii=False)
            parts.append(f"{doc_id}\t{self.documents[doc_id].sha256}\t{text_sha256(gold_json)}")
        return text_sha256("\n".join(parts))


def load_documents(folder: Path) -> dict[str, Document]:
    """Every `*.json` document in `folder` except splits.json."""
    docs = {}
    for path in sorted(folder.glob("*.json")):
        if path.name == "splits.json":
            continue
        data = read_json(path)
        try:
            doc = Document.from_dict(data)
        except (KeyError, TypeError) as exc:
            raise InputError(f"not a document: missing {exc}", file=str(path)) from None
        docs[doc.id] = doc
    return docs


def load_annotation_dir(folder: Path) -> dict[str, AnnotationSet]:
    """Every annotation file in `folder`, keyed by doc id."""
    out = {}
    for path in sorted(folder.glob("*.json")):
        try:
            ann = AnnotationSet.from_dict(read_json(path))
        except InputError as exc:
            raise InputError(exc.reason, file=str(path), field=exc.field) from None
        out[ann.doc_id] = ann
    return out


def load_splits(path: Path) -> tuple[dict[str, tuple[str, ...]], str]:
    """Split membership and the corpus version from splits.json (empty and "unversioned" without one)."""
    if not path.is_file():
        return {}, "unversioned"
    data = read_json(path)
    splits = {name: tuple(data["splits"][name]) for name in SPLIT_NAMES if name in data.get("splits", {})}
    return splits, str(data.get("version", "unversioned"))


def load_corpus(project: Project | None = None) -> Corpus:
    """Load the bundled corpus of `project` (default: this checkout)."""
    project = project or Project.find()
    splits, version = load_splits(project.splits_path)
    return Corpus(
        project=project,
        labels=LabelSet.load(project.labels_path),
        documents=load_documents(project.corpus_dir),
        gold=load_annotation_dir(project.gold_dir),
        splits=splits,
        version=version,
    )


def iter_exchange(corpus: Corpus, split: str | None = None, layers: Iterable[str] | None = None) -> Iterator[dict[str, Any]]:
    """Gold of `split` as exchange-format records, one per document (empty when not annotated)."""
    layers = tuple(layers) if layers else None
    for name in layers or ():
        corpus.labels.layer(name)  # raises on an unknown layer
    for doc_id in corpus.doc_ids(split):
        ann = corpus.gold.get(doc_id) or AnnotationSet(doc_id)
        yield ann.to_exchange(layers)


def write_exchange(records: Iterable[dict[str, Any]], path: Path, *, overwrite: bool = False) -> int:
    """Write records as JSONL atomically; returns the number of lines."""
    lines = [json.dumps(r, ensure_ascii=False) for r in records]
    atomic_write_text(path, "".join(line + "\n" for line in lines), overwrite=overwrite)
    return len(lines)
