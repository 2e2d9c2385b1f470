"""The configs of the Hub release: what each one holds, and which layer it comes from."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class ConfigSpec:
    """One Hub config: a folder of Parquet shards with one row per released document."""

    name: str
    kind: str  # "documents" | "layer" | "ner"
    description: str
    layer: str | None = None


CONFIGS: tuple[ConfigSpec, ...] = (
    ConfigSpec("documents", "documents",
               "Text, metadata and every layer: all spans (with their attributes) and relations, as in annotations/gold/."),
    ConfigSpec("entities", "layer", "Span-level entity mentions (type and NAM/NOM mention; nominal mentions may contain named ones).",
               layer="entities"),
    ConfigSpec("ner_tokens", "ner", "Tokens with BIO tags over the named (NAM) entity mentions, which never overlap."),
    ConfigSpec("events", "layer", "Event triggers with their context and their arguments (role and entity span).", layer="events"),
    ConfigSpec("attribution", "layer", "SOURCE, CUE and CONTENT spans; each CUE lists its source and content spans as arguments.",
               layer="attribution"),
    ConfigSpec("boilerplate", "layer", "BOILERPLATE blocks (page furniture) with their kind; everything else is article body.",
               layer="structure"),
)
DEFAULT_CONFIG = "documents"
CARD_FILE = "README.md"


def shard_path(config: str, split: str) -> str:
    """The one Parquet shard of `config` and `split`, relative to the release folder."""
    return f"{config}/{split}-00000-of-00001.parquet"


@dataclass(frozen=True, slots=True)
class Shard:
    """One written Parquet file of a release."""

    config: str
    split: str
    rows: int
    num_bytes: int  # Arrow size in memory, as `datasets` reports it
    file_size: int  # bytes on disk

    @property
    def path(self) -> str:
        return shard_path(self.config, self.split)
