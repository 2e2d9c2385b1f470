"""Where a release row carries text, and how to take it out or put it back (standoff release).

A row's text lives in its top-level `text`, its `tokens` (sliced by `starts`/`ends`) and the
`text` of every nested record that has `start` and `end` (spans, arguments). Building strips
them for documents that may not be redistributed; rehydrating restores them from a verified
copy; publishing checks they are still stripped. Standard library only.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def _nested(node: Any, text: str | None) -> None:
    if isinstance(node, dict):
        if "start" in node and "end" in node and "text" in node:
            node["text"] = None if text is None else text[node["start"]:node["end"]]
        for value in node.values():
            if isinstance(value, list | dict):
                _nested(value, text)
    elif isinstance(node, list):
        for item in node:
            _nested(item, text)


def set_row_text(row: dict[str, Any], text: str | None) -> dict[str, Any]:
    """Fill every text-bearing field of `row` from `text`, or clear them all when `text` is None (in place)."""
    if "text" in row:
        row["text"] = text
    if "tokens" in row:
        row["tokens"] = None if text is None else [text[s:e] for s, e in zip(row["starts"], row["ends"], strict=True)]
    for key, value in row.items():
        if key not in {"text", "tokens", "metadata"} and isinstance(value, list | dict):
            _nested(value, text)
    return row


def iter_row_texts(row: dict[str, Any]) -> Iterator[str]:
    """Every non-null text-bearing value of `row` (top-level text, tokens, nested span texts)."""
    if row.get("text") is not None:
        yield row["text"]
    yield from (t for t in row.get("tokens") or () if t is not None)
    stack = [v for k, v in row.items() if k not in {"text", "tokens", "metadata"} and isinstance(v, list | dict)]
    while stack:
        node = stack.pop()
        if isinstance(node, dict):
            if "start" in node and "end" in node and node.get("text") is not None:
                yield node["text"]
            stack.extend(v for v in node.values() if isinstance(v, list | dict))
        elif isinstance(node, list):
            stack.extend(node)
