"""Shared fixtures: a throw-away project holding the real scheme and the seed article with its gold."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
SEED_ID = "seed-000-cb7a18f69dde185b"


def make_project(root: Path, doc_ids: tuple[str, ...] = (SEED_ID,)) -> Path:
    """Copy schema/, the guidelines and the given documents with their gold into `root`."""
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "corpus").mkdir(parents=True)
    (root / "annotations" / "gold").mkdir(parents=True)
    (root / "annotations" / "by-annotator").mkdir(parents=True)
    shutil.copy(REPO / "annotations" / "GUIDELINES.md", root / "annotations" / "GUIDELINES.md")
    for doc_id in doc_ids:
        shutil.copy(REPO / "corpus" / f"{doc_id}.json", root / "corpus" / f"{doc_id}.json")
        gold = REPO / "annotations" / "gold" / f"{doc_id}.json"
        if gold.exists():
            shutil.copy(gold, root / "annotations" / "gold" / f"{doc_id}.json")
    return root


@pytest.fixture
def seed_project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "proj")


@pytest.fixture(autouse=True, scope="session")
def _gold_cache_in_a_temporary_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """The scorer's gold cache (goldcache.py) writes here during tests, never to the user's ~/.cache."""
    os.environ["NEWSSPANS_CACHE_DIR"] = str(tmp_path_factory.mktemp("goldcache"))
