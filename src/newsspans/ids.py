"""Document ids: validated before any file name is built from one."""

from __future__ import annotations

import re
from pathlib import Path

from .errors import InputError

DOC_ID_RE = re.compile(r"^[a-z0-9][a-z0-9._-]{0,127}$")


def is_valid_doc_id(doc_id: object) -> bool:
    """True when `doc_id` is a string matching ``^[a-z0-9][a-z0-9._-]{0,127}$`` and is no dot path."""
    return isinstance(doc_id, str) and bool(DOC_ID_RE.match(doc_id)) and ".." not in doc_id


def check_doc_id(doc_id: object) -> str:
    """Return `doc_id` if valid.

    Raises:
        InputError: naming the id and the allowed pattern.
    """
    if not is_valid_doc_id(doc_id):
        raise InputError(f"invalid doc id {doc_id!r}: must match {DOC_ID_RE.pattern} and contain no '..'", field="doc_id")
    return doc_id  # type: ignore[return-value]


def doc_path(folder: Path, doc_id: str, suffix: str = ".json") -> Path:
    """The file for `doc_id` inside `folder`; the id is validated first."""
    return folder / f"{check_doc_id(doc_id)}{suffix}"
