"""The dataset card: YAML metadata written by `datasets`/`huggingface_hub`, then the datasheet.

Every figure comes from the repository at build time: the statistics from
`newsspans.stats.corpus_stats`, row counts from the written shards, agreement from
annotations/AGREEMENT.md and the leaderboard from eval/LEADERBOARD.md (embedded when they exist).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from datasets import Features
from datasets.info import DatasetInfo, DatasetInfosDict
from datasets.splits import SplitDict, SplitInfo
from datasets.utils.metadata import MetadataConfigs
from huggingface_hub import DatasetCard, DatasetCardData

from .configs import CONFIGS, DEFAULT_CONFIG, Shard
from .release import Release

PRETTY_NAME = "newsspans: span-annotated news on armed conflict and geopolitics"
TAGS = ("news", "armed-conflict", "geopolitics", "named-entity-recognition", "event-extraction", "attribution", "boilerplate-removal")
_SIZE_BINS = ((1_000, "n<1K"), (10_000, "1K<n<10K"), (100_000, "10K<n<100K"), (1_000_000, "100K<n<1M"), (10_000_000, "1M<n<10M"))
_CREATORS = {"original": "machine-generated", "seed": "found", "ingested": "found"}


def size_category(n: int) -> str:
    """The Hub's size_categories bin for `n` rows."""
    return next((name for limit, name in _SIZE_BINS if n < limit), "n>10M")


def hub_license(docs: Iterable[Mapping[str, Any]]) -> str:
    """The Hub license id of the texts the project may redistribute: their one SPDX id in lower case, else "other"."""
    ids = {d.get("license", {}).get("id", "") for d in docs if d.get("license", {}).get("redistributable") is True}
    return ids.pop().lower() if len(ids) == 1 else "other"


def card_data(release: Release, features: Mapping[str, Features], shards: Sequence[Shard]) -> DatasetCardData:
    """The YAML header: configs with data_files, dataset_info with features and splits, and the Hub tags."""
    docs = [d.metadata for d in release.corpus.documents.values()]
    languages = sorted({str(m.get("language", "")).split("-")[0] for m in docs} - {""})
    kinds = Counter(str(m.get("provenance", {}).get("kind")) for m in docs)
    data = DatasetCardData(
        pretty_name=PRETTY_NAME,
        # The project's own license, from the texts it may redistribute (the whole corpus, as the
        # annotations of withheld texts are the project's too); see the card's licensing section.
        license=hub_license(d.metadata for d in release.source.documents.values()),
        language=languages,
        multilinguality="monolingual" if len(languages) == 1 else "multilingual",
        annotations_creators=["machine-generated"],
        language_creators=sorted({_CREATORS.get(k, "other") for k in kinds}),
        size_categories=[size_category(len(release.corpus.documents))],
        source_datasets=["original"],
        task_categories=["token-classification"],
        task_ids=["named-entity-recognition"],
        tags=list(TAGS),
    )
    configs = {spec.name: {"data_files": [{"split": s.split, "path": s.path} for s in shards if s.config == spec.name]}
               for spec in CONFIGS}
    configs[DEFAULT_CONFIG]["default"] = True
    MetadataConfigs(configs).to_dataset_card_data(data)
    infos = {}
    for spec in CONFIGS:
        mine = [s for s in shards if s.config == spec.name]
        splits = SplitDict()
        for shard in mine:
            splits.add(SplitInfo(name=shard.split, num_bytes=shard.num_bytes, num_examples=shard.rows))
        infos[spec.name] = DatasetInfo(features=features[spec.name], splits=splits, config_name=spec.name,
                                       download_size=sum(s.file_size for s in mine), dataset_size=sum(s.num_bytes for s in mine))
    DatasetInfosDict(infos).to_dataset_card_data(data)
    return data


def render_card(release: Release, features: Mapping[str, Features], shards: Sequence[Shard], body: str) -> str:
    """README.md of the release: the YAML header for the written `shards`, then `body` (`datasheet.render_body`).

    Raises:
        ValueError: from `huggingface_hub` when the header would not parse as a dataset card.
    """
    header = card_data(release, features, shards).to_yaml()
    text = f"---\n{header}\n---\n\n{body}"
    DatasetCard(text)  # parses the header back, as the Hub will
    return text
