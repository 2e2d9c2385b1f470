"""Exchange-format JSONL read straight into columns: the scorer's fast path for large files.

Every line passes one of three gates, fastest first, and a line is accepted only when the gate proves
that the validator (levels 1-3) would find nothing in it:
1. while json parses the line, `SpanHook` checks each span dict and turns it into a compact tuple;
   a line whose spans all became tuples (ids unique, offsets inside a known text) is accepted;
2. `LineChecker.rows` on the plainly parsed line, when gate 1 refused a span or the line has relations;
3. otherwise the line goes back as raw bytes to the caller, who runs the full validator on it.
The reader imports neither numpy nor the validator, so it can run in a forked worker.
tests/scoring/test_columns.py checks that gates 1 and 2 agree with the validator on mutated lines.
"""

from __future__ import annotations

import json
from array import array
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import chain, pairwise, repeat
from pathlib import Path
from typing import Any

from ..ids import is_valid_doc_id
from ..labels import LabelSet
from .fastcheck import LINE_KEYS, LineChecker
from .strings import normalise_surface

NO_OFFSET = -1  # start/end of a text-only span


@dataclass(frozen=True, slots=True)
class Scheme:
    """Integer codes for layers, labels and roles, in labels.json order."""

    layers: tuple[str, ...]
    labels: tuple[tuple[str, str], ...]  # global label id -> (layer, label)
    roles: tuple[str, ...]
    checker: LineChecker
    label_id: Mapping[tuple[str, str], int]
    role_id: Mapping[str, int]

    @classmethod
    def of(cls, scheme: LabelSet) -> Scheme:
        labels = tuple((layer.name, name) for layer in scheme.layers for name in layer.label_names)
        roles = tuple(r.name for r in scheme.roles)
        return cls(scheme.layer_names, labels, roles, LineChecker.for_labels(scheme), {pair: i for i, pair in enumerate(labels)},
                   {r: i for i, r in enumerate(roles)})


@dataclass(slots=True)
class Block:
    """What one byte range of a file holds: accepted lines as columns, the other lines as raw bytes.

    Line numbers are counted from the start of the range; `Block.shift` makes them file line numbers.
    """

    numbers: array = field(default_factory=lambda: array("q"))  # line number of each accepted line
    doc_ids: list[str] = field(default_factory=list)
    n_spans: array = field(default_factory=lambda: array("q"))  # spans on each accepted line
    line: array = field(default_factory=lambda: array("q"))  # per span: index into the accepted lines
    label: array = field(default_factory=lambda: array("h"))  # per span: global label id (Scheme.labels)
    start: array = field(default_factory=lambda: array("q"))
    end: array = field(default_factory=lambda: array("q"))
    surface: list[str] = field(default_factory=list)  # per span, normalised surface (only when asked for)
    relations: list[tuple[int, int, int]] = field(default_factory=list)  # (role id, head span, tail span), spans by block index
    slow: list[tuple[int, bytes]] = field(default_factory=list)  # lines for the full validator
    n_lines: int = 0  # physical lines read, blank ones included

    def shift(self, lines_before: int) -> None:
        """Renumber lines after `lines_before` earlier physical lines of the same file."""
        if lines_before:
            self.numbers = array("q", [n + lines_before for n in self.numbers])
            self.slow = [(n + lines_before, raw) for n, raw in self.slow]


@dataclass(frozen=True, slots=True)
class ReadOptions:
    scheme: Scheme
    texts: Mapping[str, str] = field(default_factory=dict)  # document texts, when known
    surfaces: bool = False  # compute normalised surfaces (string mode)
    gold: bool = False  # gold surfaces come from the span's text only


def split_ranges(path: Path, parts: int) -> list[tuple[int, int]]:
    """`parts` byte ranges of `path` of about equal size, each starting at a line start (fewer when the file is small)."""
    size = path.stat().st_size
    return cut_ranges(path, [size * k // parts for k in range(1, parts)])


def cut_ranges(path: Path, cuts: Sequence[int]) -> list[tuple[int, int]]:
    """Byte ranges of `path` that end at the first line end at or after each of `cuts` (ascending), and at
    the end of the file; each starts at a line start. Empty ranges are left out."""
    size = path.stat().st_size
    bounds = [0]
    with path.open("rb") as handle:
        for cut in cuts:
            handle.seek(max(cut, bounds[-1]))
            if handle.tell() > 0:
                handle.readline()
            pos = handle.tell()
            if bounds[-1] < pos < size:
                bounds.append(pos)
    bounds.append(size)
    return [(a, b) for a, b in pairwise(bounds) if b > a] or [(0, size)]


LANE_CHUNK = 1 << 19  # bytes parsed by vecparse at a time (whole lines): small enough to stay in cache


def read_range(path: Path, start: int, stop: int, opts: ReadOptions, lane: bool = True) -> Block:
    """Read the lines in bytes [start, stop) of `path` (start at a line start) into a Block.

    `lane`: let vecparse take the lines it can prove valid (imports numpy); the others, and every line
    when it is off, go through the per-line gates.
    """
    reader = _LineReader(opts)
    tables = _lane_tables(opts) if lane else None
    text_len = {d: len(t) for d, t in opts.texts.items()} if tables is not None and opts.texts else None
    number = 0
    for chunk in _chunks(path, start, stop, LANE_CHUNK if tables is not None else 1 << 20):
        parsed = _parse_chunk(chunk, tables, text_len) if tables is not None else None
        if parsed is None:
            for raw in _split_lines(chunk):
                number += 1
                reader.line(number, raw)
            continue
        number = reader.take(parsed, chunk, number)
    reader.flush()
    reader.block.n_lines = number
    return reader.block


def _lane_tables(opts: ReadOptions) -> Any:
    """vecparse's tables for this scheme, or None where the lane does not apply (string mode needs each
    span's surface; label names repeated across layers)."""
    if opts.surfaces:
        return None
    from . import vecparse

    return vecparse.tables(opts.scheme)


def _parse_chunk(chunk: bytes, tables: Any, text_len: Mapping[str, int] | None) -> Any:
    from . import vecparse

    if not chunk.isascii():
        try:
            chunk.decode("utf-8")
        except UnicodeDecodeError:
            return None
    return vecparse.parse(chunk, tables, text_len)


class _LineReader:
    """The per-line gates, appending to one Block; `take` appends the lines vecparse accepted in bulk."""

    def __init__(self, opts: ReadOptions) -> None:
        self.block = Block()
        self.opts = opts
        self.hook = SpanHook(opts.scheme)
        self.decode = json.JSONDecoder(object_hook=self.hook).decode
        self.pending: list[tuple] = []  # spans of accepted lines, moved into the block's arrays now and then
        self.counts: list[int] = []  # spans per accepted line since the last move

    def line(self, number: int, raw: bytes) -> None:
        """Gates 1 and 2 for one line (gate 3: the raw line is kept for the caller)."""
        if not raw.strip():
            return
        block, opts, ids = self.block, self.opts, self.hook.ids
        ids.clear()
        try:
            data = self.decode(raw.decode("utf-8"))
        except Exception:  # not UTF-8, not JSON, too deep, an unhashable label...: the validator says which
            block.slow.append((number, raw))
            return
        if type(data) is not dict or not data.keys() <= LINE_KEYS or not is_valid_doc_id(data.get("doc_id")):
            block.slow.append((number, raw))
            return
        spans, relations = data.get("spans"), data.get("relations", [])
        if type(spans) is not list or type(relations) is not list:
            block.slow.append((number, raw))
        elif relations or not _gate1(spans, ids, data["doc_id"], opts):
            self.flush()
            _one_line(block, number, json.loads(raw.decode("utf-8")), raw, opts)
        else:
            block.numbers.append(number)
            block.doc_ids.append(data["doc_id"])
            self.pending += spans
            self.counts.append(len(spans))
            if len(self.pending) > 8192:
                self.flush()

    def flush(self) -> None:
        _move(self.block, self.pending, self.counts, self.opts)

    def take(self, parsed: Any, chunk: bytes, number: int) -> int:
        """Append a parsed chunk's lines in order: accepted runs in bulk, the others one by one. Returns
        the number of the chunk's last line."""
        import numpy as np

        self.flush()
        block = self.block
        others = np.flatnonzero(~parsed.accepted).tolist()  # blank lines among them are skipped by line()
        acc_index = np.cumsum(parsed.accepted) - 1  # accepted-line index of each accepted line
        span_end = np.cumsum(parsed.n_spans)
        lo = 0
        for stop in [*others, len(parsed.accepted)]:
            a = int(acc_index[lo - 1]) + 1 if lo else 0  # accepted lines [a, b) lie in lines [lo, stop)
            b = int(acc_index[stop - 1]) + 1 if stop else 0
            if b > a:
                first = len(block.doc_ids)
                numbers = np.flatnonzero(parsed.accepted[lo:stop]) + (number + lo + 1)
                block.numbers.frombytes(numbers.astype(np.int64).tobytes())
                block.doc_ids += parsed.doc_ids[a:b]
                counts = parsed.n_spans[a:b]
                block.n_spans.frombytes(counts.astype(np.int64).tobytes())
                s0, s1 = (int(span_end[a - 1]) if a else 0), int(span_end[b - 1])
                block.line.frombytes(np.repeat(np.arange(first, first + b - a, dtype=np.int64), counts).tobytes())
                block.label.frombytes(parsed.label[s0:s1].astype(np.int16).tobytes())
                block.start.frombytes(parsed.start[s0:s1].astype(np.int64).tobytes())
                block.end.frombytes(parsed.end[s0:s1].astype(np.int64).tobytes())
            if stop < len(parsed.accepted):
                self.line(number + stop + 1, chunk[parsed.starts[stop]:parsed.ends[stop]])
                self.flush()
            lo = stop + 1
        return number + len(parsed.accepted)


def _gate1(spans: list, ids: list[str], doc_id: str, opts: ReadOptions) -> bool:
    """A line whose spans all became tuples, with unique ids and offsets inside the document text when known."""
    if spans and set(map(type, spans)) != {tuple}:
        return False
    if len(set(ids)) != len(ids):
        return False
    text = opts.texts.get(doc_id) if opts.texts else None
    if text is not None:
        for _, s, e, t, _ in spans:
            if s != NO_OFFSET and (e > len(text) or (t is not None and text[s:e] != t)):
                return False
    return True


def _move(block: Block, pending: list[tuple], counts: list[int], opts: ReadOptions) -> None:
    """Append the pending spans (of the last len(counts) accepted lines) to the block's columns; empty both lists."""
    if not counts:
        return
    first = len(block.doc_ids) - len(counts)
    block.n_spans.extend(counts)
    if pending:
        lids, starts, ends, texts, _ = zip(*pending, strict=True)
        block.line.extend(chain.from_iterable(map(repeat, range(first, first + len(counts)), counts)))
        block.label.extend(lids)
        block.start.extend(starts)
        block.end.extend(ends)
        if opts.surfaces:
            docs = [opts.texts.get(d) for d in block.doc_ids[first:]] if opts.texts else repeat(None)
            doc_of = chain.from_iterable(map(repeat, docs, counts))
            block.surface.extend(_surface(t, s, e, doc, opts.gold) for t, s, e, doc in zip(texts, starts, ends, doc_of, strict=False))
    pending.clear()
    counts.clear()


class SpanHook:
    """json `object_hook`: a span dict that LineChecker.rows would accept becomes a tuple
    `(label id, start, end, text, id)` while it is still in the CPU cache; anything else stays a dict.

    Offsets of a text-only span are NO_OFFSET. Accepted span ids are collected in `ids` (per line).
    """

    __slots__ = ("attributes", "by_name", "ids", "label_id", "layer_of", "valid_attrs")

    def __init__(self, scheme: Scheme) -> None:
        self.ids: list[str] = []
        self.label_id = scheme.label_id
        names = [label for _, label in scheme.labels]
        # label names unique across layers (as in labels.json): look up by name, then compare the layer
        self.by_name = {label: i for i, (_, label) in enumerate(scheme.labels)} if len(set(names)) == len(names) else None
        self.layer_of = [layer for layer, _ in scheme.labels]
        allowed = scheme.checker.attributes
        self.attributes = {i: allowed.get(label, {}) for (_, label), i in scheme.label_id.items()}
        self.valid_attrs: dict[tuple, bool] = {}

    def __call__(self, d: dict) -> Any:
        label = d.get("label")
        if label is None:
            return d
        if self.by_name is not None:
            lid = self.by_name.get(label)  # an unhashable label raises TypeError: the line goes to the validator
            if lid is None or d.get("layer") != self.layer_of[lid]:
                return d
        else:
            lid = self.label_id.get((d.get("layer"), label))
            if lid is None:
                return d
        n = len(d) - 2  # keys left to account for: each optional key found with a valid value
        if "start" in d:
            s, e = d["start"], d.get("end")
            if type(s) is not int or type(e) is not int or not 0 <= s < e:
                return d
            n -= 2
        else:
            s = e = NO_OFFSET
            if "end" in d or "text" not in d:
                return d
        t = d.get("text")
        if t is not None:
            if type(t) is not str or not t:
                return d
            n -= 1
        if n == 0:
            return (lid, s, e, t, None)
        a = d.get("attributes")
        if a is not None:
            if type(a) is not dict:
                return d
            key = (lid, tuple(a.items()))
            ok = self.valid_attrs.get(key)
            if ok is None:
                spec = self.attributes[lid]
                ok = self.valid_attrs[key] = all(type(v) is str and v in spec.get(k, ()) for k, v in a.items())
            if not ok:
                return d
            n -= 1
        sid = d.get("id")
        if sid is not None:
            if type(sid) is not str or not 0 < len(sid) <= 64:
                return d
            self.ids.append(sid)
            n -= 1
        score = d.get("score")
        if score is not None:
            if type(score) is not int and type(score) is not float:
                return d
            n -= 1
        if n:  # an unknown key, or a known one set to null
            return d
        return (lid, s, e, t, sid)


def _chunks(path: Path, start: int, stop: int, size: int) -> Iterator[bytes]:
    """Bytes [start, stop) of `path` in pieces of whole lines (about `size` bytes; the last piece may
    end without a newline)."""
    carry = b""
    with path.open("rb") as handle:
        handle.seek(start)
        remaining = stop - start
        while remaining > 0:
            data = handle.read(min(size, remaining))
            if not data:
                break
            remaining -= len(data)
            data = carry + data
            cut = data.rfind(b"\n") + 1
            if cut:
                yield data[:cut]
            carry = data[cut:]
    if carry:
        yield carry


def _split_lines(chunk: bytes) -> list[bytes]:
    """The lines of a piece from _chunks, without their newlines."""
    lines = chunk.split(b"\n")
    if chunk.endswith(b"\n"):
        lines.pop()
    return lines


def _one_line(block: Block, number: int, data: dict, raw: bytes, opts: ReadOptions) -> None:
    """Gate 2: one line through LineChecker.rows; else back to the caller as raw bytes."""
    doc_id = data["doc_id"]
    text = opts.texts.get(doc_id)
    rows = opts.scheme.checker.rows(data, text)
    if rows is None:
        block.slow.append((number, raw))
        return
    add_rows(block, rows[0], rows[1], text, opts)
    block.numbers.append(number)
    block.doc_ids.append(doc_id)
    block.n_spans.append(len(data["spans"]))


def add_rows(block: Block, layers: Mapping[str, Sequence[tuple]], relations: Sequence[tuple], text: str | None, opts: ReadOptions) -> None:
    """Append one document's scorer rows (LineChecker.rows or DocRecord: spans by layer, relations) to the
    block's columns, as line `len(block.doc_ids)`; the caller then records the line itself."""
    label_id = opts.scheme.label_id
    first = len(block.label)
    index = len(block.doc_ids)
    by_id: dict[str, int] = {}
    n = 0
    for layer, layer_rows in layers.items():
        for start, end, label, t, sid, _ in layer_rows:
            if sid is not None and start is not None:
                by_id[sid] = first + n
            block.line.append(index)
            block.label.append(label_id[(layer, label)])
            block.start.append(NO_OFFSET if start is None else start)
            block.end.append(NO_OFFSET if end is None else end)
            if opts.surfaces:
                block.surface.append(_surface(t, start, end, text, opts.gold))
            n += 1
    roles = opts.scheme.role_id
    for role, head, tail, _ in relations:
        if head in by_id and tail in by_id:
            block.relations.append((roles[role], by_id[head], by_id[tail]))


def _surface(t: str | None, start: int | None, end: int | None, text: str | None, gold: bool) -> str:
    if gold:
        return normalise_surface(t or "")
    return normalise_surface(t if t is not None else (text or "")[start:end])
