"""Reading a built release folder back: its card, the shards its configs list, and its rows."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard

from ..errors import InputError
from .configs import CARD_FILE, DEFAULT_CONFIG


@dataclass(frozen=True, slots=True)
class ReleaseFolder:
    """A folder written by `build`: README.md and the Parquet files its `configs` list."""

    root: Path
    shards: dict[str, tuple[str, ...]]  # config -> shard paths relative to root

    @classmethod
    def open(cls, root: Path) -> ReleaseFolder:
        """Read the card's `configs`.

        Raises:
            InputError: no README.md with `configs`, or a listed shard is missing or outside the folder.
        """
        root = Path(root)
        card_path = root / CARD_FILE
        if not card_path.is_file():
            raise InputError(f"not a release folder: no {CARD_FILE} (build one with `newsspans hub build`)", file=str(root))
        try:
            configs = MetadataConfigs.from_dataset_card_data(DatasetCard.load(card_path).data)
        except ValueError as exc:
            raise InputError(f"the card's YAML header has no valid configs: {exc}", file=str(card_path)) from None
        if DEFAULT_CONFIG not in configs:
            raise InputError(f"the card lists no {DEFAULT_CONFIG!r} config", file=str(card_path))
        shards: dict[str, tuple[str, ...]] = {}
        for name, config in configs.items():
            paths = [p for item in config.get("data_files", []) for p in ([item["path"]] if isinstance(item["path"], str) else item["path"])]
            for rel in paths:
                path = (root / rel).resolve()
                if root.resolve() not in path.parents or not path.is_file():
                    raise InputError(f"config {name!r} lists {rel}, which is missing or outside the folder", file=str(card_path))
            shards[name] = tuple(paths)
        return cls(root, shards)

    @property
    def files(self) -> tuple[str, ...]:
        """README.md and every shard, relative to the folder."""
        return (CARD_FILE, *(p for paths in self.shards.values() for p in paths))

    def rows(self, config: str) -> Iterator[dict[str, Any]]:
        """Every row of `config`, as plain Python values."""
        for rel in self.shards[config]:
            yield from pq.read_table(self.root / rel).to_pylist()


def write_parquet(table: pa.Table, path: Path) -> None:
    """Write `table` to `path` through a temporary file and `os.replace` (readers never see half a file)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    os.close(fd)
    try:
        pq.write_table(table, tmp)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
