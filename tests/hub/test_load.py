"""Round trip: every config loads back with `datasets.load_dataset(folder, config)`, offline.

The loading runs in a subprocess with a temporary HF_HOME and HF_HUB_OFFLINE=1 in its environment
(huggingface_hub reads HF_HUB_OFFLINE when it is imported).
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from newsspans.hub.build import build
from newsspans.hub.configs import CONFIGS
from newsspans.hub.rehydrate import rehydrate
from newsspans.hub.release import Release
from newsspans.hub.scheme import NER_FILTER, NER_LAYER
from newsspans.hub.tokenize import decode_bio
from newsspans.project import Project

from .conftest import REPO, SEED_ID

LOADER = """
import json, sys
import datasets
folder, out = sys.argv[1], sys.argv[2]
result = {}
for config in sys.argv[3:]:
    ds = datasets.load_dataset(folder, config)
    split = next(iter(ds))
    result[config] = {
        "rows": {name: ds[name].to_list() for name in ds},
        "features": ds[split].features.to_dict(),
        "tags": ds[split].features["ner_tags"].feature.names if config == "ner_tokens" else None,
    }
default = datasets.load_dataset(folder)
result["_default_columns"] = default[next(iter(default))].column_names
json.dump(result, open(out, "w", encoding="utf-8"))
"""
CONFIG_NAMES = [c.name for c in CONFIGS]


def load_all(run_py: Callable[..., Any], folder: Path, tmp_path: Path) -> dict[str, Any]:
    script = tmp_path / "load.py"
    script.write_text(LOADER, encoding="utf-8")
    out = tmp_path / f"loaded-{folder.name}.json"
    proc = run_py([str(script), str(folder), str(out), *CONFIG_NAMES], HF_HUB_OFFLINE="1", HF_DATASETS_OFFLINE="1")
    assert proc.returncode == 0, proc.stderr[-3000:]
    return json.loads(out.read_text(encoding="utf-8"))


def named_spans(corpus: Any, doc_id: str) -> list[tuple[int, int, str]]:
    key, value = NER_FILTER
    return sorted((s.start, s.end, s.label) for s in corpus.gold[doc_id].spans if s.layer == NER_LAYER and s.attrs.get(key) == value)


def check_loaded(loaded: dict[str, Any], release: Release) -> None:
    corpus = release.corpus
    assert loaded["_default_columns"][:2] == ["id", "text"]  # documents is the default config
    for config in CONFIG_NAMES:
        rows = loaded[config]["rows"]
        assert {split: sorted(r["id"] for r in rs) for split, rs in rows.items()} == {s: sorted(ids) for s, ids in release.splits.items()}
    texts = {r["id"]: r["text"] for rs in loaded["documents"]["rows"].values() for r in rs}
    for doc_id, text in texts.items():
        assert text is None if release.is_withheld(doc_id) else text == corpus.documents[doc_id].text
    for config in CONFIG_NAMES:
        for row in (r for rs in loaded[config]["rows"].values() for r in rs):
            text = corpus.documents[row["id"]].text  # the true text, also for withheld rows: offsets must index it
            for span in row.get("spans", []):
                assert span["text"] in (None, text[span["start"]:span["end"]]) and span["start"] < span["end"] <= len(text)
                assert (span["text"] is None) == release.is_withheld(row["id"])
                for arg in span.get("arguments", []):
                    assert arg["text"] in (None, text[arg["start"]:arg["end"]])
    tag_names = loaded["ner_tokens"]["tags"]
    for row in (r for rs in loaded["ner_tokens"]["rows"].values() for r in rs):
        tokens = list(zip(row["starts"], row["ends"], strict=True))
        assert decode_bio(tokens, [tag_names[t] for t in row["ner_tags"]]) == named_spans(corpus, row["id"])
    for row in (r for rs in loaded["documents"]["rows"].values() for r in rs):
        gold = corpus.gold[row["id"]]
        assert len(row["spans"]) == len(gold.spans) and len(row["relations"]) == len(gold.relations)


@pytest.mark.slow
def test_every_config_loads_back_offline(tiny_project: Path, tmp_path: Path, run_py: Callable[..., Any]) -> None:
    result = build(Project(tiny_project), tmp_path / "release")
    loaded = load_all(run_py, tmp_path / "release", tmp_path)
    check_loaded(loaded, result.release)
    entities = loaded["entities"]["features"]["spans"]["feature"]
    assert entities["label"]["_type"] == "ClassLabel" and entities["mention"]["names"] == ["NAM", "NOM"]
    seed = next(r for r in loaded["documents"]["rows"]["train"] if r["id"] == SEED_ID)
    assert seed["text"] is None and seed["metadata"]["license"]["redistributable"] is False


@pytest.mark.slow
def test_rehydrated_release_still_loads(tiny_project: Path, tmp_path: Path, run_py: Callable[..., Any], seed_text: str) -> None:
    build(Project(tiny_project), tmp_path / "release")
    rehydrate(tmp_path / "release", {SEED_ID: seed_text})
    loaded = load_all(run_py, tmp_path / "release", tmp_path)
    seed = {c: next(r for r in loaded[c]["rows"]["train"] if r["id"] == SEED_ID) for c in CONFIG_NAMES}
    assert seed["documents"]["text"] == seed_text
    assert all(s["text"] == seed_text[s["start"]:s["end"]] for s in seed["documents"]["spans"])
    assert seed["ner_tokens"]["tokens"] == [seed_text[s:e] for s, e in zip(seed["ner_tokens"]["starts"], seed["ner_tokens"]["ends"],
                                                                             strict=True)]


@pytest.mark.slow
def test_real_repository_release_loads(tmp_path: Path, run_py: Callable[..., Any]) -> None:
    result = build(Project(REPO), tmp_path / "release")
    assert len(result.release.corpus.documents) == len(set(result.release.source.gold) - set(result.release.unsplit))
    loaded = load_all(run_py, tmp_path / "release", tmp_path)
    check_loaded(loaded, result.release)  # the release as built: helpers may add gold meanwhile
