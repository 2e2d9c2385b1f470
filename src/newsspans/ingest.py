"""Ingest: the one place text is normalised, and the guard that keeps annotated text immutable."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from typing import Any

from .errors import IntegrityError, RefusedOverwrite
from .ids import doc_path
from .jsonio import atomic_write_text, dumps_record, read_json
from .model import Document
from .project import Project
from .textnorm import normalise


def annotated_hashes(project: Project, doc_id: str) -> set[str]:
    """text_sha256 values recorded by every annotation file of `doc_id`."""
    paths = [doc_path(project.gold_dir, doc_id)] + [doc_path(d, doc_id) for d in project.by_annotator_dir.glob("*") if d.is_dir()]
    return {read_json(p).get("text_sha256", "") for p in paths if p.is_file()}


def ingest(project: Project, doc_id: str, raw_text: str, metadata: Mapping[str, Any], *, overwrite: bool = False) -> Path:
    """Normalise `raw_text` (NFC, \\n) and store it as corpus/<doc_id>.json.

    Raises:
        RefusedOverwrite: the document exists and `overwrite` is false.
        IntegrityError: the document is annotated and the new text differs (annotated text is immutable).
    """
    path = doc_path(project.corpus_dir, doc_id)
    doc = Document(doc_id, normalise(raw_text), dict(metadata))
    if path.exists():
        if not overwrite:
            raise RefusedOverwrite(f"{project.rel(path)} exists; pass --overwrite to replace it")
        stale = annotated_hashes(project, doc_id) - {doc.sha256}
        if stale:
            raise IntegrityError(f"{doc_id} is annotated against another text; annotated text is immutable")
    metadata = dict(metadata)
    metadata.setdefault("words", len(doc.text.split()))
    doc = Document(doc_id, doc.text, metadata)
    atomic_write_text(path, dumps_record(doc.to_dict()))
    return path
