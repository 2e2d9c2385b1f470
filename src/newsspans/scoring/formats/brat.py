"""brat standoff (`.ann`) files: text-bound spans, relations, events and attributes.

``--pred`` is a folder of ``<doc_id>.ann`` files or one ``.ann`` file whose stem is the doc id.
Lines read:

- ``T1<TAB>LABEL START END<TAB>text``: a span. A discontinuous span (``START END;START END``) is
  read as its overall extent, with a notice. The layer comes from the label (labels.json).
- ``R1<TAB>ROLE Arg1:T1 Arg2:T2``: a relation from Arg1 (head) to Arg2 (tail).
- ``E1<TAB>LABEL:T3 Role:T1 Role2:T2``: an event: one relation per argument from the trigger T3;
  a trailing number on a role (brat writes ``Actor2`` for a second actor) is dropped, and a role
  that is only known in lower case is lowered. ``E1`` may stand for T3 in relations and attributes.
- ``A1<TAB>NAME T1 VALUE`` (also ``M1``): the attribute NAME=VALUE of span T1 (``true`` without VALUE).
- ``#`` notes, ``N`` normalisations and ``*`` equivalences are skipped (equivalences with a notice).

Offsets: brat counts code points of the ``.txt`` file read as UTF-8 text (Python ``str`` indices),
the way our stored texts count. Each span's text (third column) must equal the document text
between its offsets, else the span is rejected with a reason. When a ``<doc_id>.txt`` lies next to
the ``.ann`` and differs from the stored text only by the ingest normalisation (CRLF line ends,
decomposed accents), offsets are converted to the stored text, with a notice.
"""

from __future__ import annotations

import re
from collections.abc import Iterator, Mapping
from pathlib import Path
from typing import Any

from ...ids import is_valid_doc_id
from ...textnorm import normalise
from ..adapters import FormatContext, Records, register
from . import TextMap, layer_for, layers_of_labels, notice, read_bytes, scheme, short, text_lines, where

OFFSETS_RE = re.compile(r"^\d+ \d+(;\d+ \d+)*$")
ROLE_NUMBER = re.compile(r"^(.*?)\d+$")


def ann_files(path: Path) -> list[Path]:
    """The `.ann` files to read: `path` itself, or every `.ann` in the folder `path` (sorted)."""
    return sorted(path.glob("*.ann")) if path.is_dir() else [path]


def _role(name: str, roles: frozenset[str]) -> str:
    m = ROLE_NUMBER.match(name)
    if m and m.group(1):
        name = m.group(1)
    if name not in roles and name.lower() in roles:
        return name.lower()
    return name


def _stored_text(ann: Path, doc_id: str, ctx: FormatContext) -> tuple[str | None, TextMap | None]:
    """The document text and, when a `.txt` next to the `.ann` differs from it only by normalisation, the offset map."""
    stored = ctx.texts.get(doc_id)
    txt = ann.with_suffix(".txt")
    raw: str | None = None
    if txt.is_file():
        try:
            raw = txt.read_bytes().decode("utf-8-sig")
        except (OSError, UnicodeDecodeError):
            notice(ctx, f"{where(txt)}: not readable as UTF-8; offsets are read against the stored text")
    if stored is None:
        return raw, None
    if raw is None or raw == stored:
        return stored, None
    mapping = TextMap.between(raw, stored)
    if mapping is None:
        notice(ctx, f"{where(txt)}: differs from the stored text of {doc_id} beyond normalisation; offsets are read against the stored text")
        return stored, None
    notice(ctx, f"{where(txt)}: differs from the stored text only by normalisation (line ends, NFC); offsets converted")
    return stored, mapping


def read_ann(ann: Path, doc_id: str, ctx: FormatContext, layers: Mapping[str, str], roles: frozenset[str], *,
             in_folder: bool) -> Iterator[tuple[int, Any]]:
    """Reasons for lines that cannot be read, then the document's record."""
    text, mapping = _stored_text(ann, doc_id, ctx)
    spans: dict[str, dict[str, Any]] = {}
    triggers: dict[str, str] = {}  # event id -> trigger span id
    event_labels: list[tuple[int, str, str]] = []  # line, trigger, event label
    attributes: list[tuple[int, str, str, str]] = []  # line, name, target, value
    relations: list[dict[str, Any]] = []
    first_line = None
    for number, line in text_lines(read_bytes(ann)):
        at = f"{ann.name}:{number}: " if in_folder else ""
        if line is None:
            yield number, f"{at}line is not valid UTF-8; skipped"
            continue
        if not line.strip():
            continue
        first_line = first_line or number
        cols = line.split("\t")
        ident = cols[0].strip()
        kind = ident[:1]
        body = cols[1].strip() if len(cols) > 1 else ""
        if kind in ("#", "N"):
            continue
        if kind == "*":
            notice(ctx, f"{where(ann, number)}: equivalence {short(line)} skipped")
        elif not ident or not body:
            yield number, f"{at}expected an id, a tab and an annotation, got {short(line)}"
        elif kind == "T":
            span = _text_bound(ident, body, cols[2] if len(cols) > 2 else None, text, mapping, layers, ctx)
            if isinstance(span, str):
                yield number, f"{at}span {ident}: {span}"
            elif ident in spans:
                yield number, f"{at}span id {ident} is used twice; this line is ignored"
            else:
                if ";" in body:
                    notice(ctx, f"{where(ann, number)}: discontinuous span {ident} ({body}) read as its extent [{span['start']}, {span['end']})")
                spans[ident] = span
        elif kind == "R":
            parts = body.split()
            args = dict(p.split(":", 1) for p in parts[1:] if ":" in p)
            if len(parts) != 3 or set(args) != {"Arg1", "Arg2"}:
                yield number, f"{at}relation {ident}: expected 'ROLE Arg1:T.. Arg2:T..', got {short(body)}"
                continue
            relations.append({"id": ident, "label": _role(parts[0], roles), "head": args["Arg1"], "tail": args["Arg2"]})
        elif kind == "E":
            parts = body.split()
            if any(":" not in p or p.startswith(":") or p.endswith(":") for p in parts):
                yield number, f"{at}event {ident}: expected 'LABEL:T.. ROLE:T.. ...', got {short(body)}"
                continue
            label, trigger = parts[0].split(":", 1)
            triggers[ident] = trigger
            event_labels.append((number, trigger, label))
            for k, part in enumerate(parts[1:], start=1):
                role, arg = part.split(":", 1)
                relations.append({"id": f"{ident}.{k}", "label": _role(role, roles), "head": trigger, "tail": arg})
        elif kind in ("A", "M"):
            parts = body.split()
            if len(parts) not in (2, 3):
                yield number, f"{at}attribute {ident}: expected 'NAME T.. [VALUE]', got {short(body)}"
                continue
            attributes.append((number, parts[0], parts[1], parts[2] if len(parts) == 3 else "true"))
        else:
            yield number, f"{at}annotation {ident} of kind {kind!r} is not read (T, R, E, A and M are)"
    for number, trigger, label in event_labels:
        if trigger not in spans:
            yield number, f"{f'{ann.name}:{number}: ' if in_folder else ''}event trigger {trigger} is not a readable span; its arguments are not scored"
        elif spans[trigger]["label"] != label:
            notice(ctx, f"{where(ann, number)}: event type {label} differs from the label {spans[trigger]['label']} of its trigger {trigger}; "
                        "the trigger's label is kept")
    for number, attr, target, value in attributes:
        sid = triggers.get(target, target)
        if sid not in spans:
            yield number, f"{f'{ann.name}:{number}: ' if in_folder else ''}attribute {attr}={value} refers to {target}, which is not a readable span"
            continue
        spans[sid].setdefault("attributes", {})[attr] = value
    for rel in relations:  # relations may name an event instead of its trigger; missing ends are rejected by the validator
        rel["head"], rel["tail"] = triggers.get(rel["head"], rel["head"]), triggers.get(rel["tail"], rel["tail"])
    yield first_line or 1, {"doc_id": doc_id, "spans": list(spans.values()), "relations": relations}


def _text_bound(ident: str, body: str, recorded: str | None, text: str | None, mapping: TextMap | None, layers: Mapping[str, str],
                ctx: FormatContext) -> dict[str, Any] | str:
    label, _, offsets = body.partition(" ")
    offsets = offsets.strip()
    if not label or not OFFSETS_RE.match(offsets):
        return f"expected 'LABEL START END' (fragments joined by ';'), got {short(body)}"
    pieces = [(int(a), int(b)) for a, b in (frag.split() for frag in offsets.split(";"))]
    if any(s >= e for s, e in pieces):
        return f"needs START < END in every fragment, got {offsets}"
    return _span(ident, label, pieces, recorded, text, mapping, layer_for(label, layers, ctx))


def _span(ident: str, label: str, pieces: list[tuple[int, int]], recorded: str | None, text: str | None, mapping: TextMap | None,
          layer: str) -> dict[str, Any] | str:
    """The span dict, or the reason it cannot be read."""
    start, end = min(s for s, _ in pieces), max(e for _, e in pieces)
    if text is None:  # no document text known: trust the offsets, keep the recorded text
        out: dict[str, Any] = {"id": ident, "layer": layer, "label": label, "start": start, "end": end}
        if recorded and len(pieces) == 1:
            out["text"] = recorded
        return out
    source = mapping.raw if mapping is not None else text
    if end > len(source):
        return f"[{start}, {end}) is beyond the end of the text ({len(source)} code points)"
    covered = " ".join(source[s:e] for s, e in pieces)
    if recorded is not None and covered != recorded and normalise(covered) != normalise(recorded):
        return f"[{start}, {end}) covers {short(covered)}, but the file records {short(recorded)}"
    if mapping is not None:
        mapped = mapping.span(start, end)
        if mapped is None:
            return f"[{start}, {end}) cuts a character sequence of the .txt that the stored text merges"
        start, end = mapped
    return {"id": ident, "layer": layer, "label": label, "start": start, "end": end, "text": text[start:end]}


def read_brat(path: Path, ctx: FormatContext) -> Records:
    """Exchange records from brat `.ann` files (see the module docstring).

    Args:
        path: a folder of `<doc_id>.ann` files or one `.ann` file.
        ctx: document texts (doc id -> stored text), the default layer, and options (labels, notices).

    Returns:
        An iterator of ``(line, record)`` with exchange-format records, or ``(line, reason)`` for input
        that is not scored.

    Raises:
        InputError: the path cannot be read, or an option has a value that is not allowed.
    """
    if not path.is_dir():
        read_bytes(path)  # raises InputError for a missing or unreadable file
    files = ann_files(path)
    labels = scheme(ctx)
    roles = frozenset(r.name for r in labels.roles) if labels is not None else frozenset()
    layers = layers_of_labels(ctx, labels)

    def generate() -> Records:
        if not files:
            yield 1, "the folder holds no .ann files"
        for ann in files:
            if not is_valid_doc_id(ann.stem):
                yield 1, f"{ann.name}: the file name {ann.stem!r} is not a valid doc id; file not read"
                continue
            yield from read_ann(ann, ann.stem, ctx, layers, roles, in_folder=path.is_dir())

    return generate()


register("brat", read_brat)
