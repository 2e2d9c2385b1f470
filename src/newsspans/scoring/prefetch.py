"""Start reading big exchange-format files in a forked child before the rest of the scorer is imported.

The command line calls `start_reading` first thing. The files are cut into pieces of about 2 MiB; the
child starts taking pieces at once, this process joins once it has imported numpy and the scorer, and
each process takes the next piece when it is free, so the split follows the machine's load. If the
child fails, the pieces it took are read here. Imports nothing heavy: the child must start early.
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

PIECE_BYTES = 2 << 20  # files are cut into pieces of about this size, taken in turn by whichever process is free
MIN_BYTES = 1 << 20  # smaller inputs are not worth a process


def fast_path_applies(pred_format: str, gold_format: str, keep_errors: bool) -> bool:
    """The fast path reads exchange-format JSONL and does not keep individual errors (--errors, --html).
    NEWSSPANS_FASTPATH=0 turns it off (the reference path then does everything)."""
    return pred_format == "jsonl" and gold_format == "jsonl" and not keep_errors and os.environ.get("NEWSSPANS_FASTPATH", "1") != "0"


@dataclass
class Reading:
    """The files cut into pieces, and the child reading them too: both processes take the next piece from
    a pipe holding one byte per piece, so whichever is free reads on (the child starts while this process
    is still importing the scorer, and neither waits for the other)."""

    files: list[Path]  # the gold file (unless cached) and the prediction files
    pieces: list[tuple[Path, int, int, ReadOptions]]  # in file order
    queue: int  # read end of the pipe
    child: Forked
    gold_sha256: str
    gold_cached: bool  # goldcache has the gold file: it is not read

    def blocks(self) -> list[list[Block]]:
        """Per file, its Blocks in file order."""
        got = dict(take_pieces(self.queue, self.pieces))
        for part in self.child.results():
            got.update(part)
        os.close(self.queue)
        for i, piece in enumerate(self.pieces):  # pieces a failed child had taken: read here
            if i not in got:
                got[i] = read_range(*piece)
        by_file: dict[Path, list[Block]] = {path: [] for path in self.files}
        for i, piece in enumerate(self.pieces):
            by_file[piece[0]].append(got[i])
        return [by_file[path] for path in self.files]


def take_pieces(queue: int, pieces: Sequence[tuple[Path, int, int, ReadOptions]]) -> list[tuple[int, Block]]:
    """Read pieces, each taken from the queue (one byte: its index), until the queue is empty."""
    out = []
    while index := os.read(queue, 1):
        out.append((index[0], read_range(*pieces[index[0]])))
    return out


def start_reading(gold: Path, preds: Sequence[Path], labels: LabelSet, string_mode: bool) -> Reading | None:
    """Fork a child reading pieces of `gold` (unless cached) and of each of `preds`; None when not worth it."""
    files = [gold, *preds]
    if jobs() < 2 or not hasattr(os, "fork") or not all(p.is_file() for p in files) or sum(p.stat().st_size for p in files) < MIN_BYTES:
        return None
    sha = goldcache.file_sha256(gold)
    cached = goldcache.has(sha, labels, string_mode)
    if cached:
        files = list(preds)
    scheme = Scheme.of(labels)
    piece_bytes = max(PIECE_BYTES, sum(p.stat().st_size for p in files) // 250)  # at most about 250 pieces: one byte each
    pieces = []
    for path in files:
        opts = ReadOptions(scheme, surfaces=string_mode, gold=path == gold and not cached)
        pieces += [(path, a, b, opts) for a, b in split_ranges(path, max(1, path.stat().st_size // piece_bytes))]
    read_end, write_end = os.pipe()
    os.write(write_end, bytes(range(len(pieces))))
    os.close(write_end)  # an empty queue then reads as the end of the file
    return Reading(files, pieces, read_end, Forked(take_pieces, [(read_end, pieces)]), sha, cached)
