"""Annotation files: building their records and writing them without losing anyone's work."""

from __future__ import annotations

import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from .ids import check_doc_id, doc_path
from .jsonio import atomic_write_text, dumps_record
from .model import AnnotationSet
from .project import Project

ANNOTATOR_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")


def guidelines_version(project: Project) -> str:
    """The version in annotations/GUIDELINES.md (a line `Version: X`), or "unversioned"."""
    path = project.root / "annotations" / "GUIDELINES.md"
    if path.is_file():
        match = re.search(r"^Version:\s*(\S+)", path.read_text(encoding="utf-8"), re.M)
        if match:
            return match.group(1)
    return "unversioned"


def annotation_record(ann: AnnotationSet, *, text_sha256: str, scheme_version: str, guidelines: str,
                      annotators: Sequence[str], status: str, notes: str | None = None) -> dict[str, Any]:
    """The JSON record of an annotation file (schema/annotation.schema.json), spans in canonical order."""
    body = ann.to_dict()
    record: dict[str, Any] = {
        "doc_id": ann.doc_id, "text_sha256": text_sha256, "scheme_version": scheme_version,
        "guidelines_version": guidelines, "annotators": list(annotators), "status": status,
    }
    if notes:
        record["notes"] = notes
    record["spans"] = body["spans"]
    record["relations"] = body["relations"]
    return record


def annotator_path(project: Project, annotator: str, doc_id: str) -> Path:
    """annotations/by-annotator/<annotator>/<doc_id>.json, both names validated first."""
    if not ANNOTATOR_RE.match(annotator):
        raise ValueError(f"invalid annotator name {annotator!r}: must match {ANNOTATOR_RE.pattern}")
    return doc_path(project.by_annotator_dir / annotator, check_doc_id(doc_id))


def write_annotation(path: Path, record: dict[str, Any], *, overwrite: bool = False) -> None:
    """Write an annotation file atomically; refuses to replace an existing file unless `overwrite`."""
    atomic_write_text(path, dumps_record(record), overwrite=overwrite)
