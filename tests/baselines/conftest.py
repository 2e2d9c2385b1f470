"""Fixtures for the baseline tests: a small project (real documents and gold, its own splits) in a tmp folder."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.conftest import REPO, make_project

# Documents per split of the small project: enough to train every model, small enough to train in seconds.
SIZES = {"train": 12, "dev": 3, "test": 3}


def small_project(root: Path) -> Path:
    """The first documents (sorted ids) of each real split, with their gold, and a splits.json naming them."""
    real = json.loads((REPO / "corpus" / "splits.json").read_text(encoding="utf-8"))["splits"]
    chosen = {name: sorted(real[name])[:n] for name, n in SIZES.items()}
    make_project(root, tuple(d for ids in chosen.values() for d in ids))
    (root / "corpus" / "splits.json").write_text(json.dumps({"version": "test", "splits": chosen}), encoding="utf-8")
    return root


@pytest.fixture(scope="module")
def small(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return small_project(tmp_path_factory.mktemp("small") / "proj")
