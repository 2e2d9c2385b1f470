"""The scorer as one library call: load gold and predictions, score, build the report."""

from __future__ import annotations

import hashlib
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .. import __version__
from ..corpus import Corpus, load_corpus
from ..errors import InputError
from ..labels import LabelSet
from ..project import Project
from .adapters import FormatContext, reader_for
from .engine import ALL_MODES, RELATIONS, score_system
from .inputs import GoldSet, PredSet, check_predictions, gold_from_corpus, gold_from_records
from .report import ReportInputs, build_report
from .signature import MATCHING, build_signature, format_signature


@dataclass(frozen=True, slots=True)
class ScoreConfig:
    """Everything that changes a score; all of it goes into the signature."""

    layers: tuple[str, ...]
    modes: tuple[str, ...] = ALL_MODES
    bootstrap: int = 1000
    seed: int | None = 0
    zero_division: float | None = None
    pred_format: str = "jsonl"
    keep_errors: bool = False


def default_layers(labels: LabelSet) -> tuple[str, ...]:
    return (*labels.layer_names, RELATIONS)


def check_config(config: ScoreConfig, labels: LabelSet) -> None:
    """Raises InputError naming the allowed values for unknown layers or modes."""
    allowed = default_layers(labels)
    for layer in config.layers:
        if layer not in allowed:
            raise InputError(f"unknown layer {layer!r}; known: {', '.join(allowed)}", field="--layer")
    for mode in config.modes:
        if mode not in ALL_MODES:
            raise InputError(f"unknown mode {mode!r}; known: {', '.join(ALL_MODES)}", field="--mode")
    if config.bootstrap < 0:
        raise InputError("--bootstrap must be >= 0", field="--bootstrap")


def load_gold(project: Project, gold: str | None, split: str | None, labels: LabelSet, gold_format: str = "jsonl",
              options: Mapping[str, Any] | None = None, layer: str = "entities") -> tuple[GoldSet, Corpus | None]:
    """The bundled corpus (`gold` None) or an exchange-format file as the reference."""
    if gold is None:
        corpus = load_corpus(project)
        if split is None:  # the default: the test split where there are splits
            split = "test" if "test" in corpus.splits else "all"
        return gold_from_corpus(corpus, None if split == "all" else split), corpus
    path = Path(gold)
    records = reader_for(gold_format)(path, FormatContext(texts={}, layer=layer, options={"labels": labels, **(options or {})}))
    return gold_from_records(records, str(path), labels, file_sha256(path)), None


def file_sha256(path: Path) -> str:
    """SHA-256 of a file's bytes (or of a folder's files in name order)."""
    digest = hashlib.sha256()
    for item in sorted(path.rglob("*")) if path.is_dir() else [path]:
        if item.is_file():
            digest.update(item.read_bytes())
    return digest.hexdigest()


def load_predictions(path: Path, gold: GoldSet, labels: LabelSet, project: Project, fmt: str = "jsonl", layer: str = "entities",
                     options: Mapping[str, Any] | None = None) -> PredSet:
    """Read `path` with the `fmt` reader (options: see docs/formats.md) and check every record against `gold`."""
    ctx = FormatContext(texts=gold.texts, layer=layer, options={"labels": labels, **(options or {})})
    return check_predictions(reader_for(fmt)(path, ctx), file=str(path), gold=gold, labels=labels, project=project)


def signature_config(config: ScoreConfig, gold: GoldSet, labels: LabelSet, rejected: int, compare: bool) -> dict[str, Any]:
    return {
        "gold": gold.name, "gold_hash": gold.sha256[:12], "split": gold.split, "layers": list(config.layers), "modes": list(config.modes),
        "matching": MATCHING, "zero_division": "none" if config.zero_division is None else config.zero_division,
        "labels_hash": labels.sha256[:8], "bootstrap": config.bootstrap, "seed": "none" if config.seed is None else config.seed,
        "test": "paired-bootstrap+ar" if compare else None, "rejected": rejected or None,
        "pred_format": None if config.pred_format == "jsonl" else config.pred_format, "version": __version__,
    }


def score(gold: GoldSet, pred: PredSet, labels: LabelSet, config: ScoreConfig, other: PredSet | None = None) -> dict[str, Any]:
    """Score `pred` (and optionally compare with `other`) against `gold`; returns the JSON report."""
    layers: Sequence[str] = config.layers
    scores = score_system(gold, pred, labels, layers, config.modes, keep_errors=config.keep_errors)
    other_scores = (other, score_system(gold, other, labels, layers, config.modes)) if other is not None else None
    rejected = len(pred.rejected) + (len(other.rejected) if other else 0)
    signature = build_signature(signature_config(config, gold, labels, rejected, other is not None))
    report = build_report(ReportInputs(gold, pred, scores, signature, format_signature(signature), config.bootstrap, config.seed,
                                       config.zero_division, other_scores))
    if config.keep_errors:
        report["errors"] = [error_to_dict(e) for ls in scores.layers.values() for e in ls.errors]
    return report


def error_to_dict(e: Any) -> dict[str, Any]:
    def span(s: Any) -> dict[str, Any] | None:
        return None if s is None else {"start": s.start, "end": s.end, "label": s.label, "text": s.text}

    return {"doc_id": e.doc_id, "layer": e.layer, "category": e.category, "gold": span(e.gold), "pred": span(e.pred), "flags": list(e.flags)}
