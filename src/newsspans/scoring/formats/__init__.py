"""Readers for prediction (and gold) files in formats other than the exchange format.

Each module registers one reader with `newsspans.scoring.adapters.register`; a reader takes
`(path, ctx)` and yields `(line, record)` with `record` an exchange-format dict
(schema/prediction.schema.json) or a reason string for input it could not read. Readers never
raise on bad content, only on an unreadable path or an invalid option (`InputError`).

Options a reader understands arrive in `ctx.options`; besides its own ones, every reader looks at
- ``notices``: a list; harmless adjustments (a repaired tag sequence, a UTF-16 reading, a text
  that differed only by normalisation) are appended to it as ``file:line: message`` strings;
- ``labels``: the `LabelSet` of the project, to find the layer of each label (labels are unique
  across layers); without it the scheme of the checkout (`Project.find()`) is used.

This module holds what the readers share: options, notices, label layers, line-numbered input,
doc ids by text hash, and offsets over a text that differs from the stored one only by the ingest
normalisation (NFC, line ends).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...draft import label_layers
from ...errors import InputError, NewsspansError
from ...ids import is_valid_doc_id
from ...labels import LabelSet
from ...project import Project
from ...textnorm import normalise, text_sha256, utf16_index
from ..adapters import FormatContext

Lines = Iterator[tuple[int, str | None]]  # (line number, text or None when the line is not UTF-8)


# ------------------------------------------------------------------ options and notices
def notice(ctx: FormatContext, message: str) -> None:
    """Append `message` to ``ctx.options["notices"]`` when the caller passed a list there."""
    notices = ctx.options.get("notices")
    if isinstance(notices, list):
        notices.append(message)


def choice(ctx: FormatContext, name: str, allowed: Sequence[str], default: str) -> str:
    """The value of option `name`, case-insensitively one of `allowed` (returned as spelled there).

    Raises:
        InputError: the value is not one of `allowed` (the message lists them).
    """
    value = ctx.options.get(name, default)
    for spelling in allowed:
        if isinstance(value, str) and value.lower() == spelling.lower():
            return spelling
    raise InputError(f"unknown value {value!r} for option {name!r}; allowed: {', '.join(allowed)}", field=f"option {name}")


def scheme(ctx: FormatContext) -> LabelSet | None:
    """The scheme from ``ctx.options["labels"]``, else the checkout's schema/labels.json, else None."""
    labels = ctx.options.get("labels")
    if isinstance(labels, LabelSet):
        return labels
    try:
        return LabelSet.load(Project.find().labels_path)
    except (NewsspansError, OSError):
        return None


def layers_of_labels(ctx: FormatContext, labels: LabelSet | None = None) -> dict[str, str]:
    """Label name to layer name (labels are unique across layers); empty without a scheme."""
    labels = labels or scheme(ctx)
    return label_layers(labels) if labels is not None else {}


def layer_for(label: str, layers: Mapping[str, str], ctx: FormatContext) -> str:
    """The layer of `label`; unknown labels go to `ctx.layer` (the validator then rejects them with a reason)."""
    return layers.get(label, ctx.layer)


def where(path: Path, line: int | None = None) -> str:
    """``name:line`` for notices (readers' reasons get file and line from the scorer)."""
    return path.name + (f":{line}" if line is not None else "")


# ------------------------------------------------------------------ reading input
def read_bytes(path: Path) -> bytes:
    """The file's bytes.

    Raises:
        InputError: the path is missing, a folder, or unreadable.
    """
    try:
        return path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror or exc}", file=str(path)) from None


def text_lines(data: bytes) -> Lines:
    """(1-based line number, line without its line end) for each line; None for a line that is not UTF-8.

    A byte-order mark at the start is dropped. Lines end at ``\\n``; a ``\\r`` before it is removed.
    """
    if data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    else:  # the common case: decode once
        for number, line in enumerate(text.split("\n"), start=1):
            yield number, line.removesuffix("\r")
        return
    for number, raw in enumerate(data.split(b"\n"), start=1):
        try:
            yield number, raw.decode("utf-8").removesuffix("\r")
        except UnicodeDecodeError:
            yield number, None


def json_lines(path: Path) -> Iterator[tuple[int, Any]]:
    """(line, parsed object or a reason) for each non-blank line of a JSONL file (the scorer's own reader)."""
    from ..inputs import read_exchange_lines

    return read_exchange_lines(path)


def json_items(path: Path) -> Iterator[tuple[int, Any]]:
    """The items of a JSON array file with the line each item starts on (or a reason where parsing stops).

    A file that holds one object yields it as one item; a file that is not one JSON value is read as JSONL.
    """
    data = read_bytes(path)
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        yield data.count(b"\n", 0, exc.start) + 1, f"file is not valid UTF-8 (byte {exc.start})"
        return
    decoder = json.JSONDecoder()
    lines = _LineCounter(text)
    pos = _skip_space(text, 0)
    if pos == len(text):
        return
    if text[pos] != "[":
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError:
            yield from json_lines(path)
            return
        if _skip_space(text, end) != len(text):
            yield from json_lines(path)
            return
        yield lines.at(pos), value
        return
    pos = _skip_space(text, pos + 1)
    if pos < len(text) and text[pos] == "]":
        return
    while True:
        try:
            value, end = decoder.raw_decode(text, pos)
        except json.JSONDecodeError as exc:
            yield lines.at(exc.pos), f"invalid JSON: {exc.msg} (column {exc.colno}); the rest of the file is not read"
            return
        yield lines.at(pos), value
        pos = _skip_space(text, end)
        if pos < len(text) and text[pos] == ",":
            pos = _skip_space(text, pos + 1)
            continue
        if pos < len(text) and text[pos] == "]" and _skip_space(text, pos + 1) == len(text):
            return
        yield lines.at(pos), "invalid JSON: expected ',' or the closing ']' of the list; the rest of the file is not read"
        return


class _LineCounter:
    """Line numbers of increasing offsets into one text, counted incrementally (linear over the file)."""

    __slots__ = ("line", "pos", "text")

    def __init__(self, text: str) -> None:
        self.text, self.pos, self.line = text, 0, 1

    def at(self, pos: int) -> int:
        if pos < self.pos:
            return self.text.count("\n", 0, pos) + 1
        self.line += self.text.count("\n", self.pos, pos)
        self.pos = pos
        return self.line


def _skip_space(text: str, pos: int) -> int:
    while pos < len(text) and text[pos] in " \t\r\n":
        pos += 1
    return pos


# ------------------------------------------------------------------ documents and texts
def doc_ids_by_hash(texts: Mapping[str, str]) -> dict[str, str]:
    """SHA-256 of each stored text to its doc id (for inputs that carry the text but no id)."""
    return {text_sha256(text): doc_id for doc_id, text in texts.items()}


def doc_id_from(data: Mapping[str, Any], keys: Sequence[Callable[[Mapping[str, Any]], Any]]) -> str | None:
    """The first candidate (in order) that is a valid doc id."""
    for key in keys:
        try:
            value = key(data)
        except (KeyError, TypeError, AttributeError):
            continue
        if is_valid_doc_id(value):
            return value
    return None


@dataclass(frozen=True, slots=True)
class TextMap:
    """Offsets in a text as a tool saw it (`raw`) converted to the stored text (`stored`).

    Only for a `raw` whose ingest normalisation (NFC, ``\\n`` line ends) equals `stored`: CRLF
    input, decomposed accents. Offset ``k`` maps to ``len(normalise(raw[:k]))``, which is exact at
    every boundary that does not split a character sequence the normalisation merges.
    """

    raw: str
    stored: str

    @classmethod
    def between(cls, raw: str, stored: str) -> TextMap | None:
        """The map, or None when `raw` does not normalise to `stored`."""
        return cls(raw, stored) if normalise(raw) == stored else None

    @property
    def identity(self) -> bool:
        return self.raw == self.stored

    def offset(self, k: int) -> int | None:
        """The stored offset of raw offset `k`, or None when `k` splits a merged sequence."""
        if self.identity:
            return k
        head = normalise(self.raw[:k])
        if not self.stored.startswith(head):
            return None
        if 0 < k < len(self.raw) and self.raw[k - 1:k + 1] == "\r\n":
            return None
        return len(head)

    def span(self, start: int, end: int) -> tuple[int, int] | None:
        """Stored `(start, end)` of raw `[start, end)`, or None when a boundary cannot be mapped."""
        s, e = self.offset(start), self.offset(end)
        if s is None or e is None or not s < e:
            return None
        return s, e


def first_difference(a: str, b: str) -> int:
    """The first offset where `a` and `b` differ (the shorter length when one is a prefix of the other)."""
    for i, (x, y) in enumerate(zip(a, b, strict=False)):
        if x != y:
            return i
    return min(len(a), len(b))


def short(text: str, limit: int = 40) -> str:
    """`repr` of `text`, cut to `limit` characters."""
    out = repr(text)
    return out if len(out) <= limit else out[: limit - 4] + "...'"


# ------------------------------------------------------------------ UTF-16 offsets
def utf16_to_codepoints(text: str) -> list[int] | None:
    """For each UTF-16 offset the code-point offset (-1 inside a surrogate pair); None when both counts agree."""
    if not text or max(text) <= "\uffff":
        return None
    return utf16_index(text)


# ------------------------------------------------------------------ text matching
_QUOTE_CLASSES = ("'‘’‚‛′`´", "\"“”„‟″«»")
_QUOTE_OF = {ch: cls for cls in _QUOTE_CLASSES for ch in cls}


def loose_pattern(needle: str, *, ignore_case: bool = False) -> re.Pattern[str]:
    """A regex matching `needle` with any curly/straight quote for a quote and any whitespace run for whitespace."""
    parts: list[str] = []
    for piece in re.split(r"(\s+)", needle):
        if not piece:
            continue
        if piece.isspace():
            parts.append(r"\s+")
            continue
        parts.extend("[" + re.escape(_QUOTE_OF[ch]) + "]" if ch in _QUOTE_OF else re.escape(ch) for ch in piece)
    return re.compile("".join(parts), re.IGNORECASE if ignore_case else 0)
