"""Building the release folder: layout, YAML header, features from the scheme, card figures, standoff."""

from __future__ import annotations

import hashlib
import json
import re
import shutil
from pathlib import Path
from typing import Any

import pyarrow.parquet as pq
import pytest
import yaml
from datasets.info import DatasetInfosDict
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard

from newsspans.corpus import load_corpus
from newsspans.errors import IntegrityError, NewsspansError, RefusedOverwrite
from newsspans.hub.build import build, find_leak
from newsspans.hub.configs import CONFIGS
from newsspans.hub.datasheet import NOT_YET
from newsspans.hub.features import release_features
from newsspans.hub.release import ALL_SPLIT, select_release
from newsspans.hub.scheme import SchemeNames
from newsspans.jsonio import read_json
from newsspans.labels import LabelSet
from newsspans.project import Project
from newsspans.stats import corpus_stats

from .conftest import ORIGINALS, SEED_ID, add_original, make_project

CONFIG_NAMES = [c.name for c in CONFIGS]
HEADER_KEYS = {"configs", "dataset_info", "license", "language", "task_categories", "task_ids", "size_categories", "pretty_name",
               "annotations_creators", "source_datasets"}


def front_matter(card: str) -> dict[str, Any]:
    match = re.match(r"---\n(.*?)\n---\n", card, re.S)
    assert match, "the card starts with a YAML header"
    return yaml.safe_load(match.group(1))


def md_rows(card: str, heading: str) -> list[list[str]]:
    """The first Markdown table after `heading`, as lists of cells (header first)."""
    section = card.split(heading, 1)[1]
    lines = next(ln for ln in section.split("\n\n", 3)[1:] if ln.startswith("|")).splitlines()
    return [[c.strip() for c in ln.strip("|").split(" | ")] for ln in lines if not ln.startswith("|---")]


def all_strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value]
    if isinstance(value, dict):
        return [s for v in value.values() for s in all_strings(v)]
    if isinstance(value, list):
        return [s for v in value for s in all_strings(v)]
    return []


@pytest.fixture
def built(tiny_project: Path, tmp_path: Path) -> Path:
    build(Project(tiny_project), tmp_path / "release")
    return tmp_path / "release"


def test_layout_is_one_shard_per_config_and_split(built: Path) -> None:
    files = sorted(str(p.relative_to(built)) for p in built.rglob("*") if p.is_file())
    expected = sorted(["README.md"] + [f"{c}/{s}-00000-of-00001.parquet" for c in CONFIG_NAMES for s in ("train", "dev", "test")])
    assert files == expected


def test_only_documents_with_gold_are_released(built: Path, tiny_project: Path) -> None:
    bare = [p.stem for p in (tiny_project / "corpus").glob("nsp-*.json")]
    assert bare, "the fixture holds an unannotated document"
    for config in CONFIG_NAMES:
        ids = {split: sorted(r["id"] for r in pq.read_table(built / config / f"{split}-00000-of-00001.parquet").to_pylist())
               for split in ("train", "dev", "test")}
        assert ids == {"train": sorted([SEED_ID, "tiny-orig-1"]), "dev": ["tiny-orig-2"], "test": ["tiny-orig-3"]}


def test_yaml_header_is_written_by_the_libraries_and_round_trips(built: Path, tiny_project: Path) -> None:
    card = (built / "README.md").read_text(encoding="utf-8")
    header = front_matter(card)
    assert set(header) >= HEADER_KEYS
    assert header["license"] == "cc-by-4.0" and header["language"] == ["en"] and header["size_categories"] == ["n<1K"]
    data = DatasetCard(card).data
    configs = MetadataConfigs.from_dataset_card_data(data)
    assert sorted(configs) == sorted(CONFIG_NAMES)
    assert configs.get_default_config_name() == "documents"
    assert configs["entities"]["data_files"] == [{"split": s, "path": f"entities/{s}-00000-of-00001.parquet"} for s in ("train", "dev", "test")]
    infos = DatasetInfosDict.from_dataset_card_data(data)
    names = SchemeNames.from_labels(LabelSet.load(tiny_project / "schema" / "labels.json"))
    expected = release_features(names, read_json(tiny_project / "schema" / "document.schema.json")["properties"]["metadata"])
    for config in CONFIG_NAMES:
        assert infos[config].features == expected[config]
        assert {s: infos[config].splits[s].num_examples for s in infos[config].splits} == {"train": 2, "dev": 1, "test": 1}
        table = pq.read_table(built / config / "train-00000-of-00001.parquet")
        assert table.schema.equals(expected[config].arrow_schema, check_metadata=False)


def test_class_labels_come_from_the_scheme(tiny_project: Path) -> None:
    labels = LabelSet.load(tiny_project / "schema" / "labels.json")
    names = SchemeNames.from_labels(labels)
    features = release_features(names, read_json(tiny_project / "schema" / "document.schema.json")["properties"]["metadata"])
    entity = features["entities"]["spans"].feature
    assert entity["label"].names == list(labels.layer("entities").label_names)
    assert entity["mention"].names == list(labels.layer("entities").labels[0].attributes[0].values)
    event = features["events"]["spans"].feature
    assert event["label"].names == list(labels.layer("events").label_names)
    assert event["arguments"].feature["role"].names == [r.name for r in labels.roles if r.head <= set(labels.layer("events").label_names)]
    assert features["boilerplate"]["spans"].feature["kind"].names == list(labels.layer("structure").labels[0].attributes[0].values)
    tags = features["ner_tokens"]["ner_tags"].feature.names
    assert tags[0] == "O" and len(tags) == 1 + 2 * len(labels.layer("entities").labels)
    assert features["documents"]["relations"].feature["label"].names == [r.name for r in labels.roles]
    assert set(features["documents"]["metadata"]) == set(read_json(tiny_project / "schema" / "document.schema.json")
                                                         ["properties"]["metadata"]["properties"])


def test_card_figures_equal_corpus_stats(built: Path, tiny_project: Path) -> None:
    card = (built / "README.md").read_text(encoding="utf-8")
    stats = corpus_stats(select_release(load_corpus(Project(tiny_project))).corpus)
    rows = md_rows(card, "## Corpus statistics")
    splits = rows[0][1:]
    assert splits == list(stats["splits"])
    figures = {row[0]: [int(v) for v in row[1:]] for row in rows[1:]}
    expected: dict[str, list[int]] = {}
    for key, value in stats["splits"]["all"].items():
        if isinstance(value, dict):
            for sub in {k for s in splits for k in stats["splits"][s][key]}:
                expected[f"{key}: {sub}"] = [stats["splits"][s][key].get(sub, 0) for s in splits]
        else:
            expected[key] = [stats["splits"][s][key] for s in splits]
    assert figures == expected
    assert figures["documents"][0] == 4  # the unannotated document is not counted
    counts = {row[0].strip("`"): row[1:4] for row in md_rows(card, "## Configs and splits")[1:]}
    assert counts == {c: ["2", "1", "1"] for c in CONFIG_NAMES}


def test_agreement_and_leaderboard_are_embedded_or_not_yet_available(tiny_project: Path, tmp_path: Path) -> None:
    build(Project(tiny_project), tmp_path / "a")
    card = (tmp_path / "a" / "README.md").read_text(encoding="utf-8")
    assert card.count(f"{NOT_YET}:") == 2
    (tiny_project / "annotations" / "AGREEMENT.md").write_text("# Agreement\n\n## Entities\n\n| measure | value |\n|---|---|\n| F1 | 0.8731 |\n")
    (tiny_project / "eval").mkdir()
    (tiny_project / "eval" / "LEADERBOARD.md").write_text("# Leaderboard\n\n| system | strict F1 |\n|---|---|\n| regex-baseline | 0.4123 |\n")
    build(Project(tiny_project), tmp_path / "b")
    card = (tmp_path / "b" / "README.md").read_text(encoding="utf-8")
    assert NOT_YET not in card
    agreement = card.split("### Inter-annotator agreement", 1)[1].split("### Known limitations", 1)[0]
    assert "| F1 | 0.8731 |" in agreement and "#### Entities" in agreement
    assert "| regex-baseline | 0.4123 |" in card.split("## Baseline leaderboard", 1)[1]


def test_card_says_what_the_corpus_is(built: Path) -> None:
    card = (built / "README.md").read_text(encoding="utf-8")
    assert "drafted by an AI writing assistant under the project's brief" in card
    assert f"`{SEED_ID}` is third-party text" in card and "not real news reports" in card
    for heading in ("### Curation rationale", "### Language variety", "### Who annotated, and how", "### Annotation guidelines",
                    "### Inter-annotator agreement", "### Known limitations and biases", "### Personal and sensitive information",
                    "## Licensing", "## Baseline leaderboard", "## The `ner_tokens` tokeniser"):
        assert heading in card


def test_without_splits_json_there_is_one_split(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", splits=False)
    result = build(Project(project), tmp_path / "out")
    assert set(result.release.splits) == {ALL_SPLIT}
    assert {s.rows for s in result.shards} == {4}
    assert MetadataConfigs.from_dataset_card_data(DatasetCard.load(tmp_path / "out" / "README.md").data)["events"]["data_files"] == [
        {"split": ALL_SPLIT, "path": f"events/{ALL_SPLIT}-00000-of-00001.parquet"}]


def test_empty_splits_are_left_out_and_reported(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    (project / "annotations" / "gold" / "tiny-orig-3.json").unlink()
    result = build(Project(project), tmp_path / "out")
    assert list(result.release.splits) == ["train", "dev"] and result.release.empty_splits == ("test",)
    assert not (tmp_path / "out" / "entities" / "test-00000-of-00001.parquet").exists()


def test_refuses_a_non_empty_folder_and_overwrites_only_its_own_files(tiny_project: Path, tmp_path: Path) -> None:
    out = tmp_path / "out"
    out.mkdir()
    (out / "keep.txt").write_text("mine")
    with pytest.raises(RefusedOverwrite):
        build(Project(tiny_project), out)
    (out / "entities").mkdir()
    (out / "entities" / "stale-00000-of-00001.parquet").write_bytes(b"old")
    build(Project(tiny_project), out, overwrite=True)
    assert (out / "keep.txt").read_text() == "mine"
    assert not (out / "entities" / "stale-00000-of-00001.parquet").exists()
    assert (out / "entities" / "train-00000-of-00001.parquet").is_file()


def test_build_is_deterministic(tiny_project: Path, tmp_path: Path) -> None:
    def digest(folder: Path) -> dict[str, str]:
        return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in folder.rglob("*") if p.is_file()}
    build(Project(tiny_project), tmp_path / "one")
    build(Project(tiny_project), tmp_path / "two")
    assert digest(tmp_path / "one") == digest(tmp_path / "two")


def test_nothing_to_release(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    shutil.rmtree(project / "annotations" / "gold")
    (project / "annotations" / "gold").mkdir()
    with pytest.raises(NewsspansError, match="nothing to release"):
        build(Project(project), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_gold_that_does_not_index_its_text_is_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    path = project / "annotations" / "gold" / "tiny-orig-2.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    record["spans"][0]["start"] += 1
    path.write_text(json.dumps(record), encoding="utf-8")
    with pytest.raises(IntegrityError, match="tiny-orig-2"):
        build(Project(project), tmp_path / "out")


def test_overlapping_named_mentions_are_refused(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p")
    spec = {"text": "Kursk Oblast fell.", "spans": [("e1", "GPE", "Kursk Oblast", 1, {"mention": "NAM"}),
                                                  ("e2", "GPE", "Kursk", 1, {"mention": "NAM"})]}
    add_original(project, "tiny-orig-3", spec)
    with pytest.raises(IntegrityError, match="tiny-orig-3: named mentions overlap"):
        build(Project(project), tmp_path / "out")


def test_withheld_text_repeated_elsewhere_is_refused(tmp_path: Path, seed_text: str) -> None:
    project = make_project(tmp_path / "p")
    sentence = seed_text.split("\n")[1]
    add_original(project, "tiny-orig-3", {"text": f"As reported: {sentence}", "spans": []})
    with pytest.raises(IntegrityError, match="repeats withheld text of " + SEED_ID):
        build(Project(project), tmp_path / "out")
    assert not (tmp_path / "out").exists()


def test_find_leak_window() -> None:
    secret = "a" * 10 + "the quick brown fox jumps over the lazy dog" + "b" * 10
    assert find_leak([("s", secret)], [("x", "nothing here")], window=20) is None
    assert "x repeats withheld text of s" in find_leak([("s", secret)], [("x", "… the quick brown fox jumps …")], window=20)


def test_withheld_rows_keep_annotations_and_lose_text(built: Path, tiny_project: Path, seed_text: str) -> None:
    gold = json.loads((tiny_project / "annotations" / "gold" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    rows = {c: next(r for r in pq.read_table(built / c / "train-00000-of-00001.parquet").to_pylist() if r["id"] == SEED_ID)
            for c in CONFIG_NAMES}
    doc = rows["documents"]
    assert doc["text"] is None and doc["text_sha256"] == hashlib.sha256(seed_text.encode()).hexdigest()
    assert doc["metadata"]["license"]["redistributable"] is False and doc["metadata"]["publisher"]
    assert sorted((s["id"], s["start"], s["end"]) for s in doc["spans"]) == sorted((s["id"], s["start"], s["end"]) for s in gold["spans"])
    assert all(s["text"] is None for c in CONFIG_NAMES if c != "ner_tokens" for s in rows[c].get("spans", []))
    assert all(a["text"] is None for s in rows["events"]["spans"] for a in s["arguments"])
    assert rows["ner_tokens"]["tokens"] is None and len(rows["ner_tokens"]["starts"]) == len(rows["ner_tokens"]["ner_tags"]) > 0
    assert len(doc["relations"]) == len(gold["relations"])


def test_seed_text_is_absent_from_every_file(built: Path, seed_text: str) -> None:
    pieces = [line for line in seed_text.split("\n") if len(line) >= 20] + [seed_text]
    pieces += [s["text"] for s in read_json(Path(__file__).resolve().parents[2] / "annotations" / "gold" / f"{SEED_ID}.json")["spans"]
               if len(s["text"]) >= 30]
    assert len(pieces) > 10
    for path in built.rglob("*"):
        if not path.is_file():
            continue
        raw = path.read_bytes()
        strings = all_strings(pq.read_table(path).to_pylist()) if path.suffix == ".parquet" else [raw.decode("utf-8")]
        for piece in pieces:
            assert piece.encode("utf-8") not in raw, f"{path} holds seed text"
            assert not any(piece in s for s in strings), f"{path} holds seed text: {piece[:40]!r}"


def test_released_texts_index_their_spans(built: Path) -> None:
    texts = {}
    for split in ("train", "dev", "test"):
        for row in pq.read_table(built / "documents" / f"{split}-00000-of-00001.parquet").to_pylist():
            texts[row["id"]] = row["text"]
    assert set(texts) == {SEED_ID, *ORIGINALS}
    for config in CONFIG_NAMES:
        for split in ("train", "dev", "test"):
            for row in pq.read_table(built / config / f"{split}-00000-of-00001.parquet").to_pylist():
                text = texts[row["id"]]
                if text is None:
                    continue
                for span in row.get("spans", []):
                    assert text[span["start"]:span["end"]] == span["text"]
                    for arg in span.get("arguments", []):
                        assert text[arg["start"]:arg["end"]] == arg["text"]
                if config == "ner_tokens":
                    assert row["tokens"] == [text[s:e] for s, e in zip(row["starts"], row["ends"], strict=True)]
