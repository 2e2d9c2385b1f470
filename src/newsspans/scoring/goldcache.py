"""A cache of checked gold files as columns, so scoring many systems against one gold file reads it once.

Keyed by the SHA-256 of the gold file's bytes, the labels.json hash, the scorer version and the cache
format: any change to the file, the scheme or the code misses the cache. Entries are written atomically
and only after the whole gold file passed the checks; an unreadable entry is ignored. Location:
NEWSSPANS_CACHE_DIR, else $XDG_CACHE_HOME/newsspans, else ~/.cache/newsspans; NEWSSPANS_CACHE=0 turns
the cache off. The 32 most recently used entries are kept. Imports numpy only to load or save an entry.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, Any

from .. import __version__
from ..labels import LabelSet

if TYPE_CHECKING:
    from .fastpath import SpanTable

FORMAT = 2  # 2: int32 documents and offsets, int16 labels
KEEP = 32  # entries kept; older ones are removed when a new one is written


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (or of a folder's files in name order), read in chunks."""
    digest = hashlib.sha256()
    for item in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if item.is_file():
            with item.open("rb") as handle:
                while chunk := handle.read(1 << 20):
                    digest.update(chunk)
    return digest.hexdigest()


def cache_dir() -> Path | None:
    """Where entries live, or None when the cache is off."""
    if os.environ.get("NEWSSPANS_CACHE", "1") == "0":
        return None
    if os.environ.get("NEWSSPANS_CACHE_DIR"):
        return Path(os.environ["NEWSSPANS_CACHE_DIR"])
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "newsspans"


def entry_path(sha256: str, labels: LabelSet, surfaces: bool) -> Path | None:
    folder = cache_dir()
    if folder is None:
        return None
    return folder / f"gold-{sha256[:32]}-{labels.sha256[:12]}-{__version__}-f{FORMAT}{'-s' if surfaces else ''}.npz"


def has(sha256: str, labels: LabelSet, surfaces: bool) -> bool:
    path = entry_path(sha256, labels, surfaces)
    return path is not None and path.is_file()


def load(sha256: str, labels: LabelSet, surfaces: bool) -> tuple[tuple[str, ...], SpanTable] | None:
    """(doc ids, spans) of a cached gold file, or None."""
    path = entry_path(sha256, labels, surfaces)
    if path is None or not path.is_file():
        return None
    import numpy as np

    from .fastpath import SpanTable

    try:
        with np.load(path, allow_pickle=False) as data:
            doc_ids = tuple(data["doc_ids"].tobytes().decode("utf-8").split("\n")) if data["doc_ids"].size else ()
            surface: list[Any] = json.loads(data["surface"].tobytes().decode("utf-8")) if surfaces else []
            table = SpanTable(data["doc"], data["label"], data["start"], data["end"], surface, data["relations"])
    except (OSError, ValueError, KeyError, UnicodeDecodeError, json.JSONDecodeError, EOFError):
        return None
    if len(table.doc) != len(table.label) or (surfaces and len(surface) != len(table.doc)):
        return None
    with contextlib.suppress(OSError):
        os.utime(path)  # recently used: kept by prune
    return doc_ids, table


def prune(folder: Path, keep: int = KEEP) -> None:
    """Remove all but the `keep` most recently used entries (by modification time)."""
    entries = sorted(folder.glob("gold-*.npz"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in entries[keep:]:
        with contextlib.suppress(OSError):
            old.unlink()


def save(sha256: str, labels: LabelSet, surfaces: bool, doc_ids: tuple[str, ...], table: SpanTable) -> None:
    """Store a checked gold file; any failure (read-only disk...) only costs the next run some time."""
    path = entry_path(sha256, labels, surfaces)
    if path is None:
        return
    import numpy as np

    tmp = None
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".gold-", suffix=".npz")
        with os.fdopen(fd, "wb") as handle:
            np.savez(handle, doc=table.doc, label=table.label, start=table.start, end=table.end, relations=table.relations,
                     doc_ids=np.frombuffer("\n".join(doc_ids).encode("utf-8"), dtype=np.uint8),
                     surface=np.frombuffer(json.dumps(table.surface if surfaces else []).encode("utf-8"), dtype=np.uint8))
        os.replace(tmp, path)
        prune(path.parent)
    except OSError:
        if tmp is not None:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
