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
from . import TextMap, layer_for, layers_of_labels, notice, read_bytes, short, text_lines, where

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


def read_ann(ann: Path, doc_id: str, ctx: FormatContext, layers: Mapping[str, str], roles: frozenset[str]) -> Iterator[tuple[int, Any]]:
    """Reasons for lines that cannot be read, then the document's record."""
    text, mapping = _stored_text(ann, doc_id, ctx)
    name = ann.name
    spans: dict[str, dict[str, Any]] = {}
    order: list[str] = []
    triggers: dict[str, str] = {}  # event id -> trigger span id
    relations: list[dict[str, Any]] = []
    pending_attrs: list[tuple[int, str, str, str]] = []
    pending_rels: list[tuple[int, str, str, str, str]] = []  # line, id, role, head, tail
    first_line = None
    for number, line in text_lines(read_bytes(ann)):
        if line is None:
            yield number, f"{name}:{number}: not valid UTF-8; line skipped"
            continue
        if not line.strip():
            continue
        first_line = first_line or number
        cols = line.split("\t")
        ident = cols[0].strip()
        kind = ident[:1]
        if kind in ("#", "N"):
            continue
        if kind == "*":
            notice(ctx, f"{where(ann, number)}: equivalence {short(line)} skipped")
            continue
        if len(cols) < 2 or not ident:
            yield number, f"{name}:{number}: expected an id, a tab and an annotation, got {short(line)}"
            continue
        body = cols[1].strip()
        if kind == "T":
            label, _, offsets = body.partition(" ")
            offsets = offsets.strip()
            if not label or not OFFSETS_RE.match(offsets):
                yield number, f"{name}:{number}: span {ident}: expected 'LABEL START END' (fragments joined by ';'), got {short(body)}"
                continue
            pieces = [tuple(int(x) for x in frag.split()) for frag in offsets.split(";")]
            if any(s >= e for s, e in pieces):
                yield number, f"{name}:{number}: span {ident}: needs START < END in every fragment, got {offsets}"
                continue
            recorded = cols[2] if len(cols) > 2 else None
            span = _span(ident, label, pieces, recorded, text, mapping, layer_for(label, layers, ctx))
            if isinstance(span, str):
                yield number, f"{name}:{number}: span {ident}: {span}"
                continue
            if len(pieces) > 1:
                notice(ctx, f"{where(ann, number)}: discontinuous span {ident} ({offsets}) read as its extent [{span['start']}, {span['end']})")
            if ident in spans:
                yield number, f"{name}:{number}: span id {ident} used twice; this line is ignored"
                continue
            spans[ident] = span
            order.append(ident)
        elif kind == "R":
            parts = body.split()
            args = dict(p.split(":", 1) for p in parts[1:] if ":" in p)
            if len(parts) != 3 or set(args) != {"Arg1", "Arg2"}:
                yield number, f"{name}:{number}: relation {ident}: expected 'ROLE Arg1:T.. Arg2:T..', got {short(body)}"
                continue
            pending_rels.append((number, ident, _role(parts[0], roles), args["Arg1"], args["Arg2"]))
        elif kind == "E":
            parts = body.split()
            if not parts or ":" not in parts[0] or any(":" not in p for p in parts):
                yield number, f"{name}:{number}: event {ident}: expected 'LABEL:T.. ROLE:T.. ...', got {short(body)}"
                continue
            label, trigger = parts[0].split(":", 1)
            triggers[ident] = trigger
            for k, part in enumerate(parts[1:], start=1):
                role, arg = part.split(":", 1)
                pending_rels.append((number, f"{ident}.{k}", _role(role, roles), trigger, arg))
            pending_attrs.append((number, "\0label", trigger, label))
        elif kind in ("A", "M"):
            parts = body.split()
            if len(parts) not in (2, 3):
                yield number, f"{name}:{number}: attribute {ident}: expected 'NAME T.. [VALUE]', got {short(body)}"
                continue
            pending_attrs.append((number, parts[0], parts[1], parts[2] if len(parts) == 3 else "true"))
        else:
            yield number, f"{name}:{number}: annotation kind {ident[:1]!r} ({ident}) is not read (T, R, E, A, M are)"
    for number, attr, target, value in pending_attrs:
        sid = triggers.get(target, target)
        if sid not in spans:
            yield number, f"{name}:{number}: {('event trigger' if attr == chr(0) + 'label' else 'attribute')} refers to {target}, which is not a readable span"
            continue
        if attr == "\0label":
            if spans[sid]["label"] != value:
                notice(ctx, f"{where(ann, number)}: event type {value} differs from its trigger {sid}'s label {spans[sid]['label']}; the trigger's label is kept")
            continue
        spans[sid].setdefault("attributes", {})[attr] = value
    for number, rid, role, head, tail in pending_rels:
        relations.append({"id": rid, "label": role, "head": triggers.get(head, head), "tail": triggers.get(tail, tail)})
        del number  # relation ends are checked by the validator, which names the relation
    yield first_line or 1, {"doc_id": doc_id, "spans": [spans[i] for i in order], "relations": relations}


def _span(ident: str, label: str, pieces: list[tuple[int, ...]], recorded: str | None, text: str | None, mapping: TextMap | None,
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
    """Exchange records from brat `.ann` files (see the module docstring)."""
    files = ann_files(path)
    if not path.is_dir():
        read_bytes(path)  # raises InputError for a missing file
    labels = ctx.options.get("labels")
    roles = frozenset(r.name for r in labels.roles) if labels is not None and hasattr(labels, "roles") else _default_roles()
    layers = layers_of_labels(ctx)

    def generate() -> Records:
        if path.is_dir() and not files:
            yield 1, f"{path.name}: the folder holds no .ann files"
        for ann in files:
            if not is_valid_doc_id(ann.stem):
                yield 1, f"{ann.name}: the file name {ann.stem!r} is not a valid doc id; file not read"
                continue
            yield from read_ann(ann, ann.stem, ctx, layers, roles)

    return generate()


def _default_roles() -> frozenset[str]:
    from ...labels import LabelSet
    from ...project import Project

    try:
        return frozenset(r.name for r in LabelSet.load(Project.find().labels_path).roles)
    except Exception:  # no scheme to read: roles are passed through as written
        return frozenset()


register("brat", read_brat)
