"""Start reading big exchange-format files in a forked child before the rest of the scorer is imported.

The command line calls `start_reading` first thing. The files are cut into pieces of at most 2 MiB,
smaller towards the end (so neither process waits long for the other's last piece); the child starts
taking pieces at once, this process joins once it has imported the scorer, and each process takes the
next piece when it is free, so the split follows the machine's load. The child pickles each block it
reads into a spill file as it goes (not all at the end through a pipe). If the child fails, the pieces
it took and did not spill whole are read here.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from ..labels import LabelSet
from . import goldcache
from .columns import Block, ReadOptions, Scheme, cut_ranges, read_range
from .parallel import Forked, jobs

PIECE_BYTES = 2 << 20  # files are cut into pieces of at most this size, taken in turn by whichever process is free
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

    files: list[Path]  # the gold file (unless cached) and the prediction files (a path may repeat)
    pieces: list[tuple[Path, int, int, ReadOptions]]  # in file order
    owner: list[int]  # the index in `files` of each piece's file
    queue: int  # read end of the pipe
    spill: int  # file descriptor of the unlinked file the child pickles its blocks into
    child: Forked
    gold_sha256: str
    gold_cached: bool  # goldcache has the gold file: it is not read

    def blocks(self) -> list[list[Block]]:
        """Per file, its Blocks in file order."""
        got = dict(take_pieces(self.queue, self.pieces))
        self.child.results()  # waits for the child (its blocks are in the spill file)
        os.close(self.queue)
        got.update(_unspill(self.spill))
        for i, piece in enumerate(self.pieces):  # pieces a failed child had taken: read here
            if i not in got:
                got[i] = read_range(*piece)
        by_file: list[list[Block]] = [[] for _ in self.files]
        for i, f in enumerate(self.owner):
            by_file[f].append(got[i])
        return by_file


def take_pieces(queue: int, pieces: Sequence[tuple[Path, int, int, ReadOptions]], spill: int | None = None) -> list[tuple[int, Block]]:
    """Read pieces, each taken from the queue (one byte: its index), until the queue is empty; with `spill`
    (the child), each (index, block) is pickled into that file as soon as it is read, and none is returned."""
    out = []
    with os.fdopen(os.dup(spill), "ab") if spill is not None else contextlib.nullcontext() as handle:
        while index := os.read(queue, 1):
            item = (index[0], read_range(*pieces[index[0]]))
            if handle is None:
                out.append(item)
            else:
                pickle.dump(item, handle, protocol=pickle.HIGHEST_PROTOCOL)
                handle.flush()
    return out


def _unspill(spill: int) -> dict[int, Block]:
    """The (index, block) records in the spill file; a record the child did not finish is left out."""
    got: dict[int, Block] = {}
    os.lseek(spill, 0, os.SEEK_SET)
    with os.fdopen(spill, "rb") as handle:
        while True:
            try:
                index, block = pickle.load(handle)
            except Exception:  # the end, or a record cut short by a failed child
                break
            got[index] = block
    return got


def piece_cuts(sizes: Sequence[int], largest: int) -> list[list[int]]:
    """Where to cut files of `sizes` bytes (read in this order): pieces of at most `largest` bytes, each
    about an eighth of what remains to read, so the last ones are small (down to `largest` / 8)."""
    remaining = sum(sizes)
    out = []
    for size in sizes:
        cuts, pos = [], 0
        while pos < size:
            step = min(size - pos, largest, max(largest // 8, remaining // 8))
            pos += step
            remaining -= step
            cuts.append(pos)
        out.append(cuts[:-1])  # the last one is the end of the file
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
    sizes = [p.stat().st_size for p in files]
    largest = max(PIECE_BYTES, sum(sizes) // 100)  # a few hundred pieces at most: one byte each
    pieces, owner = [], []
    for f, (path, cuts) in enumerate(zip(files, piece_cuts(sizes, largest), strict=True)):
        opts = ReadOptions(scheme, surfaces=string_mode, gold=f == 0 and not cached)
        ranges = cut_ranges(path, cuts)
        pieces += [(path, a, b, opts) for a, b in ranges]
        owner += [f] * len(ranges)
    try:
        with tempfile.TemporaryFile() as spill:
            spill_fd = os.dup(spill.fileno())
    except OSError:  # no writable temporary directory: no child
        return None
    read_end, write_end = os.pipe()
    os.write(write_end, bytes(range(len(pieces))))
    os.close(write_end)  # an empty queue then reads as the end of the file
    return Reading(files, pieces, owner, read_end, spill_fd, Forked(take_pieces, [(read_end, pieces, spill_fd)]), sha, cached)
