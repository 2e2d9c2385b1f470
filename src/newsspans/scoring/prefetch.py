"""Start reading big exchange-format files in a forked child before the rest of the scorer is imported.

The command line calls `start_reading` first thing; the child reads the second part of every file
while this process imports numpy and reads the first parts (a smaller share, for the imports).
Imports nothing heavy: the child must start early.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..labels import LabelSet
from . import goldcache
from .columns import Block, ReadOptions, Scheme, read_range, split_ranges
from .parallel import Forked, jobs

PARENT_SHARE = 0.45  # of each file's bytes: this process also imports the scorer meanwhile
MIN_BYTES = 1 << 20  # smaller inputs are not worth a process


def fast_path_applies(pred_format: str, gold_format: str, keep_errors: bool) -> bool:
    """The fast path reads exchange-format JSONL and does not keep individual errors (--errors, --html).
    NEWSSPANS_FASTPATH=0 turns it off (the reference path then does everything)."""
    return pred_format == "jsonl" and gold_format == "jsonl" and not keep_errors and os.environ.get("NEWSSPANS_FASTPATH", "1") != "0"


@dataclass
class Reading:
    """The files, the parts this process reads, and the child reading the others."""

    files: list[Path]  # the gold file (unless cached) and the prediction files
    mine: list[tuple[Path, int, int, ReadOptions]]
    theirs: list[tuple[Path, int, int, ReadOptions]]
    child: Forked
    gold_sha256: str
    gold_cached: bool  # goldcache has the gold file: it is not read

    def blocks(self) -> list[list[Block]]:
        """Per file, its Blocks in file order (this process's part first)."""
        own = [read_range(*task) for task in self.mine]
        theirs = self.child.results()
        by_file: dict[Path, list] = {path: [] for path in self.files}
        for task, block in zip(self.mine, own, strict=True):
            by_file[task[0]].append((task[1], block))
        for task, block in zip(self.theirs, theirs, strict=True):
            by_file[task[0]].append((task[1], block))
        return [[b for _, b in sorted(by_file[path], key=lambda item: item[0])] for path in self.files]


def start_reading(gold: Path, preds: Sequence[Path], labels: LabelSet, string_mode: bool) -> Reading | None:
    """Fork a child reading the second part of `gold` (unless cached) and of each of `preds`; None when not worth it."""
    files = [gold, *preds]
    if jobs() < 2 or not hasattr(os, "fork") or not all(p.is_file() for p in files) or sum(p.stat().st_size for p in files) < MIN_BYTES:
        return None
    sha = goldcache.file_sha256(gold)
    cached = goldcache.has(sha, labels, string_mode)
    if cached:
        files = list(preds)
    scheme = Scheme.of(labels)
    mine, theirs = [], []
    for path in files:
        opts = ReadOptions(scheme, surfaces=string_mode, gold=path == gold and not cached)
        ranges = split_ranges(path, 2, PARENT_SHARE)
        mine.append((path, *ranges[0], opts))
        theirs += [(path, *r, opts) for r in ranges[1:]]
    return Reading(files, mine, theirs, Forked(read_range, theirs), sha, cached)
