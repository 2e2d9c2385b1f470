"""Prediction and gold formats. Each reader yields `(line, record)` in the exchange format, or
`(line, "reason")` for input it cannot read, so every input line is scored or rejected with a reason."""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..errors import InputError
from .inputs import read_exchange_lines

Records = Iterator[tuple[int, Any]]


@dataclass(frozen=True, slots=True)
class FormatContext:
    """What a reader may need: document texts (to recover offsets), the layer to assign, options."""

    texts: Mapping[str, str]
    layer: str = "entities"
    options: Mapping[str, Any] = field(default_factory=dict)


Reader = Callable[[Path, FormatContext], Records]


def read_jsonl(path: Path, ctx: FormatContext) -> Records:
    """The exchange format itself (schema/prediction.schema.json)."""
    return read_exchange_lines(path)


READERS: dict[str, Reader] = {"jsonl": read_jsonl}


def register(name: str, reader: Reader) -> None:
    READERS[name] = reader


def parse_options(pairs: Sequence[str]) -> dict[str, str]:
    """`KEY=VALUE` strings (from `--format-option`) as a dict.

    Raises:
        InputError: a string without '=' or without a key.
    """
    out: dict[str, str] = {}
    for pair in pairs:
        key, sep, value = pair.partition("=")
        if not sep or not key.strip():
            raise InputError(f"expected KEY=VALUE, got {pair!r}", field="--format-option")
        out[key.strip()] = value.strip()
    return out


def reader_for(name: str) -> Reader:
    """The reader for a format name.

    Raises:
        InputError: listing the known formats.
    """
    _load_builtin()
    if name not in READERS:
        raise InputError(f"unknown format {name!r}; known: {', '.join(sorted(READERS))}", field="--pred-format")
    return READERS[name]


def _load_builtin() -> None:
    """Import the optional format modules that register themselves (kept out of the import of this module)."""
    import importlib

    for module in ("conll", "brat", "labelstudio_export", "spacy_json", "textonly"):
        try:
            importlib.import_module(f"newsspans.scoring.formats.{module}")
        except ModuleNotFoundError as exc:
            if not exc.name or not exc.name.startswith("newsspans.scoring.formats"):
                raise
