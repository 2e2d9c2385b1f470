"""The scorer's fast path: exchange-format files read in parallel into columns, scored with vecmatch.

Same inputs, same checks, same report as the reference path (inputs.py + engine.py); only the
representation differs: spans are numpy columns, not Python rows, and the files are split between
two processes. `tests/scoring/test_fastpath.py` checks that both paths give identical reports.
Used for JSONL predictions without the per-error listing (`--errors`, `--html` take the reference path).
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from ..labels import LabelSet
from ..project import Project
from . import goldcache
from .columns import NO_OFFSET, Block, ReadOptions, Scheme, add_rows, read_range, split_ranges
from .engine import RELATIONS, LayerScores, SystemScores, _bincount, multiset_index
from .inputs import DocRecord, GoldSet, PredictionChecker, PredSet
from .parallel import jobs, run_split
from .prefetch import Reading
from .vecmatch import Side, score_layer_arrays, score_strings

MIN_SPLIT_BYTES = 1 << 20  # smaller files are read in one piece


@dataclass(frozen=True, slots=True)
class SpanTable:
    """Spans as columns: gold document index, global label id (Scheme.labels), offsets (NO_OFFSET for
    text-only spans), normalised surfaces (string mode only) and relations (role id, head row, tail row)."""

    doc: np.ndarray
    label: np.ndarray
    start: np.ndarray
    end: np.ndarray
    surface: list[str]
    relations: np.ndarray  # [n, 3]


def _table(doc: Any, label: Any, start: Any, end: Any, surface: list[str], relations: Any) -> SpanTable:
    return SpanTable(np.asarray(doc, dtype=np.int32), np.asarray(label, dtype=np.int16), _offsets(start), _offsets(end), surface,
                     np.asarray(relations, dtype=np.int64).reshape(-1, 3))


def _offsets(values: Any) -> np.ndarray:
    """Offsets as int32 (memory), or int64 when one does not fit (a gold file without texts can hold any offset)."""
    wide = np.asarray(values, dtype=np.int64)
    return wide.astype(np.int32) if not wide.size or wide.max() < 2**31 else wide


def _concat(tables: Sequence[SpanTable]) -> SpanTable:
    offsets = np.cumsum([0] + [len(t.doc) for t in tables[:-1]])
    rel = [t.relations + np.array([0, o, o]) for t, o in zip(tables, offsets, strict=True)]
    return SpanTable(*(np.concatenate([getattr(t, f) for t in tables]) for f in ("doc", "label", "start", "end")),  # type: ignore[call-arg]
                     [s for t in tables for s in t.surface], np.concatenate(rel) if rel else np.empty((0, 3), np.int64))


def records_table(records: Sequence[tuple[int, DocRecord]], scheme: Scheme, texts: Mapping[str, str], doc_ids: Sequence[str],
                  surfaces: bool, gold: bool) -> SpanTable:
    """Rows of DocRecords (document index, record) as a SpanTable, converted as the reader converts checked lines."""
    block = Block()
    opts = ReadOptions(scheme, surfaces=surfaces, gold=gold)
    for d, rec in records:
        add_rows(block, rec.layers, rec.relations, texts.get(doc_ids[d]), opts)
        block.doc_ids.append(doc_ids[d])
    return _block_table(block, np.asarray([d for d, _ in records], dtype=np.int64), surfaces)


@dataclass(slots=True)
class FastInputs:
    gold: GoldSet
    gold_table: SpanTable | None
    preds: tuple[tuple[PredSet, SpanTable | None], ...]

    def release(self) -> None:
        """Drop the columns (after scoring; memory). The gold and prediction sets stay."""
        self.gold_table = None
        self.preds = tuple((p, None) for p, _ in self.preds)


def _tasks(path: Path, opts: ReadOptions) -> list[tuple[Path, int, int, ReadOptions]]:
    parts = jobs() if path.stat().st_size >= MIN_SPLIT_BYTES else 1
    return [(path, a, b, opts) for a, b in split_ranges(path, parts)]


def _shifted(blocks: Sequence[Block]) -> list[Block]:
    before = 0
    for block in blocks:
        block.shift(before)
        before += block.n_lines
    return list(blocks)


def _block_table(block: Block, doc_of_line: np.ndarray, surfaces: bool) -> SpanTable:
    """The block's spans of lines with a document (doc_of_line >= 0), relations re-indexed."""
    line = np.frombuffer(block.line, dtype=np.int64) if len(block.line) else np.empty(0, np.int64)
    doc = doc_of_line[line] if len(line) else line
    keep = doc >= 0
    new_index = np.cumsum(keep) - 1
    rel = np.asarray(block.relations, dtype=np.int64).reshape(-1, 3)
    if len(rel):
        rel = rel[keep[rel[:, 1]] & keep[rel[:, 2]]]
        rel[:, 1:] = new_index[rel[:, 1:]]

    def col(values: Any, dtype: Any) -> np.ndarray:
        return np.frombuffer(values, dtype=dtype)[keep] if len(values) else np.empty(0, dtype)

    surface = [s for s, k in zip(block.surface, keep.tolist(), strict=True) if k] if surfaces else []
    return _table(doc[keep], col(block.label, np.int16), col(block.start, np.int64), col(block.end, np.int64), surface, rel)


def _parse_slow(raw: bytes) -> Any:
    """A raw line as read_exchange_lines would give it: the parsed object or the reason it cannot be read."""
    try:
        line = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        return f"not UTF-8: byte {exc.start + 1} of the line"
    try:
        return json.loads(line)
    except json.JSONDecodeError as exc:
        return f"invalid JSON: {exc.msg} (column {exc.colno})"
    except RecursionError:
        return "invalid JSON: nested too deeply"


def _gold_from_blocks(blocks: Sequence[Block], path: Path, surfaces: bool, sha256: str) -> tuple[GoldSet, SpanTable] | None:
    """The gold, or None when any line needs the validator (the reference path then names every problem)."""
    doc_ids = [d for b in blocks for d in b.doc_ids]
    if any(b.slow for b in blocks) or len(set(doc_ids)) != len(doc_ids):
        return None
    tables, first = [], 0
    for b in blocks:
        tables.append(_block_table(b, np.arange(first, first + len(b.doc_ids), dtype=np.int64), surfaces))
        first += len(b.doc_ids)
    gold = GoldSet(name=path.name, sha256=sha256, split=None, doc_ids=tuple(doc_ids), docs={})
    return gold, _concat(tables)


def _pred_from_blocks(blocks: Sequence[Block], path: Path, gold: GoldSet, gold_index: Mapping[str, int], labels: LabelSet,
                      project: Project, scheme: Scheme, surfaces: bool) -> tuple[PredSet, SpanTable]:
    """Every line in file order: fast lines admitted by doc id, the others through the reference checker."""
    checker = PredictionChecker(file=str(path), gold=gold, labels=labels, project=project, gold_ids=gold_index)
    if not any(b.slow for b in blocks):  # the common case: every line was accepted by the reader
        ids = [d for b in blocks for d in b.doc_ids]
        index = [gold_index.get(d, -1) for d in ids]
        if -1 not in index and len(set(ids)) == len(ids):  # no unknown or repeated document: every line is admitted
            checker.n_read = sum(sum(b.n_spans) for b in blocks)
            tables, at = [], 0
            for block in blocks:
                tables.append(_block_table(block, np.asarray(index[at:at + len(block.doc_ids)], dtype=np.int64), surfaces))
                at += len(block.doc_ids)
            return checker.result({}, frozenset(ids)), _concat(tables)
    tables: list[SpanTable] = []
    slow_records: list[tuple[int, DocRecord]] = []
    predicted: list[str] = []
    for block in blocks:
        doc_of_line = np.full(len(block.doc_ids), -1, dtype=np.int64)
        slow = iter(block.slow)
        pending = next(slow, None)
        for i, (number, doc_id, n_spans) in enumerate(zip(block.numbers, block.doc_ids, block.n_spans, strict=True)):
            while pending is not None and pending[0] < number:
                _check_slow(checker, pending, gold_index, slow_records, predicted)
                pending = next(slow, None)
            if checker.admit(number, doc_id, n_spans):
                checker.accept(number, doc_id)
                doc_of_line[i] = gold_index[doc_id]
                predicted.append(doc_id)
        while pending is not None:
            _check_slow(checker, pending, gold_index, slow_records, predicted)
            pending = next(slow, None)
        tables.append(_block_table(block, doc_of_line, surfaces))
    tables.append(records_table(slow_records, scheme, gold.texts, gold.doc_ids, surfaces, gold=False))
    return checker.result({}, frozenset(predicted)), _concat(tables)


def _check_slow(checker: PredictionChecker, item: tuple[int, bytes], gold_index: Mapping[str, int],
                out: list[tuple[int, DocRecord]], predicted: list[str]) -> None:
    number, raw = item
    data = _parse_slow(raw)
    record = checker.check(number, data)
    if record is not None:
        out.append((gold_index[data["doc_id"]], record))
        predicted.append(data["doc_id"])


def load_fast(gold: GoldSet | None, gold_path: Path | None, pred_paths: Sequence[Path], labels: LabelSet, project: Project,
              string_mode: bool, reading: Reading | None = None) -> FastInputs | None:
    """Read gold (a GoldSet already loaded, or an exchange file) and predictions; None if the gold needs the
    reference path, or an offset does not fit in 64 bits (columns are int64; Python rows are not bounded).

    A gold file is taken from goldcache when it holds it, and stored there after a successful read.
    `reading`: the same files already being read by prefetch.start_reading.
    """
    try:
        return _load_fast(gold, gold_path, pred_paths, labels, project, string_mode, reading)
    except OverflowError:
        return None


def _load_fast(gold: GoldSet | None, gold_path: Path | None, pred_paths: Sequence[Path], labels: LabelSet, project: Project,
               string_mode: bool, reading: Reading | None) -> FastInputs | None:
    scheme = Scheme.of(labels)
    sha = cached = None
    if gold is None:
        assert gold_path is not None
        sha = reading.gold_sha256 if reading is not None else goldcache.file_sha256(gold_path)
        cached = goldcache.load(sha, labels, string_mode)
    if reading is not None:
        per_file = reading.blocks()
        if reading.gold_cached:
            gold_blocks = run_split(read_range, _tasks(gold_path, ReadOptions(scheme, surfaces=string_mode, gold=True))) \
                if cached is None else []  # the entry vanished or broke since the check
            pred_blocks = per_file
        else:
            gold_blocks, pred_blocks = per_file[0], per_file[1:]
    else:
        tasks: list[tuple[Path, int, int, ReadOptions]] = []
        if gold is None and cached is None:
            tasks += _tasks(gold_path, ReadOptions(scheme, surfaces=string_mode, gold=True))  # type: ignore[arg-type]
        n_gold_tasks = len(tasks)
        texts = gold.texts if gold is not None else {}
        counts = []
        for path in pred_paths:
            t = _tasks(path, ReadOptions(scheme, texts=texts, surfaces=string_mode))
            counts.append(len(t))
            tasks += t
        blocks = run_split(read_range, tasks)
        gold_blocks, pred_blocks, start = blocks[:n_gold_tasks], [], n_gold_tasks
        for n in counts:
            pred_blocks.append(blocks[start:start + n])
            start += n
    if gold is None:
        assert gold_path is not None and sha is not None
        if cached is not None:
            gold = GoldSet(name=gold_path.name, sha256=sha, split=None, doc_ids=cached[0], docs={})
            gold_table = cached[1]
        else:
            loaded = _gold_from_blocks(_shifted(gold_blocks), gold_path, string_mode, sha)
            if loaded is None:
                return None
            gold, gold_table = loaded
            goldcache.save(sha, labels, string_mode, gold.doc_ids, gold_table)
    else:
        gold_table = records_table([(i, gold.docs[d]) for i, d in enumerate(gold.doc_ids)], scheme, gold.texts, gold.doc_ids,
                                   string_mode, gold=True)
    gold_index = {d: i for i, d in enumerate(gold.doc_ids)}
    preds = tuple(_pred_from_blocks(_shifted(blocks), path, gold, gold_index, labels, project, scheme, string_mode)
                  for path, blocks in zip(pred_paths, pred_blocks, strict=True))
    return FastInputs(gold, gold_table, preds)


def score_tables(gold: SpanTable, pred: SpanTable, n_docs: int, labels: LabelSet, layers: Sequence[str],
                 modes: Sequence[str]) -> dict[str, LayerScores]:
    """Every requested layer (and relations) from two SpanTables: the same LayerScores as engine.score_system."""
    scheme = Scheme.of(labels)
    layer_of = np.array([scheme.layers.index(layer) for layer, _ in scheme.labels], dtype=np.int64)
    local = np.array([labels.layer(layer).label_names.index(lab) for layer, lab in scheme.labels], dtype=np.int16)
    out: dict[str, LayerScores] = {}
    for layer in layers:
        if layer == RELATIONS:
            out[layer] = _relations(gold, pred, n_docs, scheme)
            continue
        names = labels.layer(layer).label_names
        order = sorted(range(len(names)), key=names.__getitem__)
        rank_of = np.empty(len(names), dtype=np.int16)
        rank_of[order] = np.arange(len(names))
        li = scheme.layers.index(layer)

        def side(t: SpanTable, with_offsets: bool, li: int = li, rank_of: np.ndarray = rank_of) -> tuple[Side, np.ndarray]:
            mask = layer_of[t.label] == li
            if with_offsets:
                mask &= t.start != NO_OFFSET
            rows = np.flatnonzero(mask)
            if len(rows) == len(mask):  # every span: no copies
                lab = local[t.label]
                return Side(t.doc, lab, rank_of[lab], t.start, t.end), rows
            lab = local[t.label[rows]]
            return Side(t.doc[rows], lab, rank_of[lab], t.start[rows], t.end[rows]), rows

        g, _ = side(gold, True)
        p, _ = side(pred, True)
        stats, errors = _score_halves(g, p, n_docs, len(names), modes)
        if "string" in modes:
            g_all, g_rows = side(gold, False)
            p_all, p_rows = side(pred, False)
            ids: dict[str, int] = {}
            g_surf = np.asarray([ids.setdefault(gold.surface[i], len(ids)) for i in g_rows.tolist()], dtype=np.int64)
            p_surf = np.asarray([ids.setdefault(pred.surface[i], len(ids)) for i in p_rows.tolist()], dtype=np.int64)
            n_surf = max(len(ids), 1)
            k = len(names)
            stats["string"] = score_strings((g_all.doc.astype(np.int64) * k + g_all.label) * n_surf + g_surf,
                                            (p_all.doc.astype(np.int64) * k + p_all.label) * n_surf + p_surf,
                                            n_docs, k, n_surf)
        out[layer] = LayerScores(layer, tuple(names), stats, errors)
    return out


SPLIT_SPANS = 100_000  # spans (gold and predicted) from which a layer is matched in two processes


def _score_halves(g: Side, p: Side, n_docs: int, n_labels: int, modes: Sequence[str]) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """score_layer_arrays, the first half of the documents here and the second in a forked child when the
    layer is big: matching never crosses documents, so the halves' statistics stack and their error counts add up."""
    if len(g) + len(p) < SPLIT_SPANS or n_docs < 2 or jobs() < 2:
        return score_layer_arrays(g, p, n_docs, n_labels, modes)
    half = n_docs // 2
    (first, errors), (second, more) = run_split(_score_part, [(g, p, 0, half, n_labels, modes), (g, p, half, n_docs, n_labels, modes)])
    for name, count in more.items():
        errors[name] = errors.get(name, 0) + count
    return {mode: np.concatenate([first[mode], second[mode]]) for mode in first}, errors


def _score_part(g: Side, p: Side, lo: int, hi: int, n_labels: int, modes: Sequence[str]) -> tuple[dict[str, np.ndarray], dict[str, int]]:
    """score_layer_arrays of documents [lo, hi) (renumbered from 0), in the process that matches them."""
    return score_layer_arrays(_part(g, lo, hi), _part(p, lo, hi), hi - lo, n_labels, modes)


def _part(side: Side, lo: int, hi: int) -> Side:
    """The spans of documents [lo, hi), renumbered from 0: a slice when the spans are in document order."""
    doc = side.doc
    if len(doc) < 2 or bool((doc[1:] >= doc[:-1]).all()):
        a, b = np.searchsorted(doc, [lo, hi]).tolist()
        t = Side(doc[a:b], side.label[a:b], side.rank[a:b], side.start[a:b], side.end[a:b])
    else:
        t = side.take(np.flatnonzero((doc >= lo) & (doc < hi)))
    return Side(t.doc - t.doc.dtype.type(lo) if lo else t.doc, t.label, t.rank, t.start, t.end)


def _relation_keys(t: SpanTable) -> list[tuple[int, ...]]:
    if not len(t.relations):
        return []
    head, tail = t.relations[:, 1], t.relations[:, 2]
    cols = np.stack([t.doc[head], t.relations[:, 0], t.label[head], t.start[head], t.end[head], t.label[tail], t.start[tail], t.end[tail]], 1)
    return [tuple(r) for r in cols.tolist()]


def _relations(gold: SpanTable, pred: SpanTable, n_docs: int, scheme: Scheme) -> LayerScores:
    """Relations as engine.score_relations counts them: (role, head span, tail span) multisets per document."""
    k = len(scheme.roles)
    index = multiset_index(Counter(_relation_keys(gold)), Counter(_relation_keys(pred)), lambda key: key[0] * k + key[1])
    return LayerScores(RELATIONS, scheme.roles, {"strict": _bincount(np.asarray(index, dtype=np.int64), n_docs, k)})


def score_fast(inputs: FastInputs, labels: LabelSet, layers: Sequence[str], modes: Sequence[str], *, release: bool = False) -> list[SystemScores]:
    """SystemScores of each prediction file in `inputs` (then `inputs.release()` if `release`)."""
    n_docs = len(inputs.gold.doc_ids)
    if inputs.gold_table is None or any(t is None for _, t in inputs.preds):
        raise ValueError("the columns of these inputs were released after an earlier scoring")
    out = [SystemScores(inputs.gold.doc_ids, score_tables(inputs.gold_table, table, n_docs, labels, layers, modes))  # type: ignore[arg-type]
           for _, table in inputs.preds]
    if release:
        inputs.release()
    return out
