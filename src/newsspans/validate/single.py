"""Validating one in-memory annotation record against its document (for tools that write files)."""

from __future__ import annotations

from typing import Any

from ..labels import LabelSet
from ..model import Document
from ..project import Project
from .checks import Context
from .findings import Finding
from .runner import Run


def validate_record(project: Project, labels: LabelSet, record: dict[str, Any], doc: Document, *, name: str = "<record>") -> list[Finding]:
    """All levels on one annotation record; empty when it is clean."""
    run = Run(project, labels)
    ctx = Context(name, "annotation", labels, text=doc.text, text_hash=doc.sha256)
    return run.check(record, ctx)
