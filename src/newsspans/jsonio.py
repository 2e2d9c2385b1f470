"""Reading JSON with located errors, and atomic writes."""

from __future__ import annotations

import json
import os
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any, TextIO

from .errors import InputError, RefusedOverwrite


def read_json(path: Path) -> Any:
    """Parse a JSON file.

    Raises:
        InputError: with the file, line and column of a syntax error, or the OS error.
    """
    try:
        raw = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read: {exc}", file=str(path)) from None
    try:
        return json.loads(raw)
    except json.JSONDecodeError as exc:
        raise InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=str(path), line=exc.lineno) from None


def iter_jsonl(path: Path) -> Iterator[tuple[int, Any | InputError]]:
    """Yield `(line_number, object)` for each non-blank line; a bad line yields an InputError value."""
    try:
        handle = Path(path).open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc}", file=str(path)) from None
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                yield number, json.loads(line)
            except json.JSONDecodeError as exc:
                yield number, InputError(f"invalid JSON: {exc.msg} (column {exc.colno})", file=str(path), line=number)


def atomic_write_text(path: Path, text: str, *, overwrite: bool = True) -> None:
    """Write `text` to `path` through a temporary file and `os.replace`.

    Raises:
        RefusedOverwrite: if `path` exists and `overwrite` is false.
    """
    atomic_write_with(path, lambda handle: handle.write(text), overwrite=overwrite)


def atomic_write_with(path: Path, write: Callable[[TextIO], Any], *, overwrite: bool = True) -> None:
    """Call `write(handle)` on a temporary UTF-8 text file, then move it to `path` (`os.replace`): all or nothing.

    Raises:
        RefusedOverwrite: if `path` exists and `overwrite` is false.
    """
    path = Path(path)
    if not overwrite and path.exists():
        raise RefusedOverwrite(f"{path} exists; pass the overwrite flag to replace it")
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as handle:
            write(handle)
            handle.flush()
            os.fsync(handle.fileno())
        os.chmod(tmp, path.stat().st_mode & 0o777 if path.exists() else 0o644)  # mkstemp creates 0600
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def dumps_record(obj: dict[str, Any], list_keys: tuple[str, ...] = ("spans", "relations")) -> str:
    """Pretty JSON with one list item per line for `list_keys`, so diffs of gold files stay readable."""
    lines = ["{"]
    items = list(obj.items())
    for i, (key, value) in enumerate(items):
        comma = "," if i < len(items) - 1 else ""
        if key in list_keys and isinstance(value, list) and value:
            inner = ",\n".join("    " + json.dumps(v, ensure_ascii=False) for v in value)
            lines.append(f"  {json.dumps(key)}: [\n{inner}\n  ]{comma}")
        else:
            rendered = json.dumps(value, ensure_ascii=False, indent=2).replace("\n", "\n  ")
            lines.append(f"  {json.dumps(key)}: {rendered}{comma}")
    lines.append("}")
    return "\n".join(lines) + "\n"
