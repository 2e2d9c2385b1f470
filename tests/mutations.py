"""Walking JSON values for mutation-based property tests."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any


def json_paths(node: Any, prefix: tuple = (), max_items: int = 6) -> Iterator[tuple]:
    """Every path into `node` (dict keys and the first `max_items` list indices), the root included."""
    yield prefix
    if isinstance(node, dict):
        for k, v in node.items():
            yield from json_paths(v, (*prefix, k), max_items)
    elif isinstance(node, list):
        for i, v in enumerate(node[:max_items]):
            yield from json_paths(v, (*prefix, i), max_items)
