"""`build`: write a Hub-ready folder (Parquet shards per config and split, README.md with the card)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

import pyarrow as pa

from ..corpus import load_corpus
from ..errors import IntegrityError, RefusedOverwrite
from ..jsonio import atomic_write_text, read_json
from ..project import Project
from .card import render_card
from .configs import CARD_FILE, CONFIGS, Shard, shard_path
from .datasheet import render_body
from .features import release_features
from .folder import write_parquet
from .release import Release, select_release
from .rows import RowBuilder
from .scheme import SchemeNames

LEAK_WINDOW = 40  # a withheld text shares no run of this many characters with anything released


@dataclass(frozen=True, slots=True)
class BuildResult:
    """What `build` wrote."""

    out_dir: Path
    release: Release
    shards: tuple[Shard, ...]

    @property
    def files(self) -> tuple[Path, ...]:
        return (self.out_dir / CARD_FILE, *(self.out_dir / s.path for s in self.shards))


def find_leak(withheld: Iterable[tuple[str, str]], released: Iterable[tuple[str, str]], window: int = LEAK_WINDOW) -> str | None:
    """The first place where released text repeats `window` characters of a withheld text, or None.

    Args:
        withheld: `(doc_id, text)` that must not be published.
        released: `(where, text)` about to be published.
    """
    grams: dict[str, str] = {}
    for doc_id, text in withheld:
        size = min(window, len(text))
        grams.update((text[i:i + size], doc_id) for i in range(len(text) - size + 1))
    sizes = {len(g) for g in grams}
    for where, text in released:
        for size in sizes:
            for i in range(len(text) - size + 1):
                if text[i:i + size] in grams:
                    return f"{where} repeats withheld text of {grams[text[i:i + size]]}: {text[i:i + size]!r}"
    return None


def _prepare(out_dir: Path, overwrite: bool) -> None:
    if out_dir.exists() and not out_dir.is_dir():
        raise RefusedOverwrite(f"{out_dir} exists and is not a folder")
    if out_dir.is_dir() and any(out_dir.iterdir()):
        if not overwrite:
            raise RefusedOverwrite(f"{out_dir} is not empty; pass --overwrite to replace a previous build there")
        (out_dir / CARD_FILE).unlink(missing_ok=True)
        for spec in CONFIGS:
            folder = out_dir / spec.name
            for path in folder.glob("*.parquet"):
                path.unlink()
            if folder.is_dir() and not any(folder.iterdir()):
                folder.rmdir()


def build(project: Project, out_dir: Path, *, repo_id: str | None = None, overwrite: bool = False) -> BuildResult:
    """Build the Hub release of `project` into `out_dir`.

    Args:
        project: the checkout to release (documents with gold only).
        out_dir: the folder to write; must be empty or absent unless `overwrite`.
        repo_id: the Hub repository named in the card's loading example.
        overwrite: replace README.md and the shards of a previous build in `out_dir` (other files stay).

    Returns:
        The release and the shards written.

    Raises:
        RefusedOverwrite: `out_dir` is not empty and `overwrite` is false.
        IntegrityError: gold that does not index its text, overlapping named mentions, or withheld
            text that would still be published.
        NewsspansError: nothing to release.
    """
    corpus = load_corpus(project)
    release = select_release(corpus)
    names = SchemeNames.from_labels(corpus.labels)
    metadata_schema = read_json(project.schema_dir / "document.schema.json")["properties"]["metadata"]
    features = release_features(names, metadata_schema)
    rows = RowBuilder(names, features["documents"]["metadata"])
    tables: dict[tuple[str, str], pa.Table] = {}
    for spec in CONFIGS:
        schema = features[spec.name].arrow_schema
        for split, ids in release.splits.items():
            batch = [rows.row(spec, corpus.documents[d], corpus.gold[d], withhold=release.is_withheld(d)) for d in ids]
            tables[(spec.name, split)] = pa.Table.from_pylist(batch, schema=schema)
    # The body needs row counts only; the header needs sizes on disk, known after writing.
    body = render_body(release, [Shard(c, s, t.num_rows, t.nbytes, 0) for (c, s), t in tables.items()], repo_id=repo_id)
    docs = corpus.documents
    leak = find_leak([(d, docs[d].text) for d in release.withheld],
                     [(f"document {d}", docs[d].text) for d in release.corpus.documents if not release.is_withheld(d)]
                     + [(f"metadata of {d}", repr(docs[d].metadata)) for d in release.corpus.documents] + [(CARD_FILE, body)])
    if leak:
        raise IntegrityError(f"refusing to build: {leak}")
    _prepare(out_dir, overwrite)
    shards = []
    for (config, split), table in tables.items():
        path = out_dir / shard_path(config, split)
        write_parquet(table, path)
        shards.append(Shard(config, split, table.num_rows, table.nbytes, path.stat().st_size))
    card = render_card(release, features, shards, body)
    atomic_write_text(out_dir / CARD_FILE, card)
    return BuildResult(out_dir, release, tuple(shards))
