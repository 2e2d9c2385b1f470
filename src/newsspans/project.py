"""Where a checkout keeps its corpus, schemas and annotations."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, slots=True)
class Project:
    """The folders of one newsspans checkout, all derived from its root."""

    root: Path

    @classmethod
    def find(cls, root: str | Path | None = None) -> Project:
        """The project at `root`, else the checkout this package sits in, else the working directory."""
        if root is not None:
            return cls(Path(root).resolve())
        here = Path(__file__).resolve().parents[2]
        if (here / "schema" / "labels.json").is_file():
            return cls(here)
        return cls(Path.cwd())

    @property
    def corpus_dir(self) -> Path:
        return self.root / "corpus"

    @property
    def schema_dir(self) -> Path:
        return self.root / "schema"

    @property
    def labels_path(self) -> Path:
        return self.schema_dir / "labels.json"

    @property
    def splits_path(self) -> Path:
        return self.corpus_dir / "splits.json"

    @property
    def gold_dir(self) -> Path:
        return self.root / "annotations" / "gold"

    @property
    def by_annotator_dir(self) -> Path:
        return self.root / "annotations" / "by-annotator"

    def rel(self, path: Path) -> str:
        """`path` relative to the root where possible, for messages."""
        try:
            return str(Path(path).resolve().relative_to(self.root))
        except ValueError:
            return str(path)
