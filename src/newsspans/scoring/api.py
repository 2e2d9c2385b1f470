"""The scorer as one library call: load gold and predictions, score, build the report."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from .. import __version__
from ..corpus import Corpus, load_corpus
from ..errors import InputError
from ..labels import LabelSet
from ..project import Project
from .adapters import FormatContext, reader_for
from .engine import ALL_MODES, RELATIONS, SystemScores, score_system
from .goldcache import file_sha256
from .inputs import GoldSet, PredSet, check_predictions, gold_from_corpus, gold_from_records
from .prefetch import Reading, fast_path_applies
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
    if config.seed is not None and config.seed < 0:
        raise InputError("--seed must be >= 0", field="--seed")


def load_gold(project: Project, gold: str | None, split: str | None, labels: LabelSet, gold_format: str = "jsonl",
              options: Mapping[str, Any] | None = None, layer: str = "entities") -> tuple[GoldSet, Corpus | None]:
    """The bundled corpus (`gold` None) or an exchange-format file as the reference."""
    if gold is None:
        corpus = load_corpus(project)
        if split is None:  # the default: the test split where there are splits
            split = "test" if "test" in corpus.splits else "all"
        return gold_from_corpus(corpus, None if split == "all" else split), corpus
    path = Path(gold)
    if path.exists() and not path.is_dir() and not path.is_file():  # a pipe: it could be read only once
        raise InputError("cannot read: not a regular file (a gold file is read, then hashed for the signature)", file=str(path))
    records = reader_for(gold_format)(path, FormatContext(texts={}, layer=layer, options={"labels": labels, **(options or {})}))
    return gold_from_records(records, str(path), labels, file_sha256(path)), None


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


@dataclass(frozen=True, slots=True)
class Inputs:
    """Gold and predictions, checked; `fast` holds their columns when the fast path read them."""

    gold: GoldSet
    pred: PredSet
    other: PredSet | None = None
    fast: Any = None  # fastpath.FastInputs


def load_inputs(project: Project, labels: LabelSet, config: ScoreConfig, *, pred: Path, gold: str | None = None, split: str | None = None,
                gold_format: str = "jsonl", compare: Path | None = None, options: Mapping[str, Any] | None = None,
                layer: str = "entities", reading: Reading | None = None) -> Inputs:
    """Read and check gold and predictions, by the fast path when it applies.

    `reading`: prefetch.start_reading(gold, [pred, compare]) started earlier, used by the fast path (or stopped).
    """
    paths = [pred] + ([compare] if compare is not None else [])
    # the fast path reads regular files (in pieces, maybe twice); a pipe or a missing file takes the reference path
    if fast_path_applies(config.pred_format, gold_format, config.keep_errors) and all(p.is_file() for p in paths) \
            and (gold is None or Path(gold).is_file()):
        from .fastpath import load_fast

        gold_set = load_gold(project, None, split, labels)[0] if gold is None else None
        fast = load_fast(gold_set, None if gold is None else Path(gold), paths, labels, project, "string" in config.modes,
                         reading if gold is not None else None)
        reading = None
        if fast is not None:
            return Inputs(fast.gold, fast.preds[0][0], fast.preds[1][0] if compare is not None else None, fast)
    if reading is not None:
        reading.child.cancel()
    gold_set, _ = load_gold(project, gold, split, labels, gold_format, options, layer)
    pred_set = load_predictions(pred, gold_set, labels, project, config.pred_format, layer, options)
    other = load_predictions(compare, gold_set, labels, project, config.pred_format, layer, options) if compare is not None else None
    return Inputs(gold_set, pred_set, other)


def score_inputs(inputs: Inputs, labels: LabelSet, config: ScoreConfig, *, documents_to: TextIO | None = None,
                 release: bool = False) -> dict[str, Any]:
    """The JSON report of `inputs` (see `score`); with `documents_to`, per-document figures are kept only as JSON
    text in that file (report.EncodedDocuments; write the report with report.write_report_json). `release`: drop
    the fast path's columns once counted (memory; the inputs cannot be scored again)."""
    if inputs.fast is None:
        return score(inputs.gold, inputs.pred, labels, config, inputs.other, documents_to=documents_to)
    from .fastpath import score_fast

    systems = score_fast(inputs.fast, labels, config.layers, config.modes, release=release)
    return _report(inputs.gold, inputs.pred, systems[0], labels, config, (inputs.other, systems[1]) if inputs.other is not None else None,
                   documents_to)


def score(gold: GoldSet, pred: PredSet, labels: LabelSet, config: ScoreConfig, other: PredSet | None = None, *,
          documents_to: TextIO | None = None) -> dict[str, Any]:
    """Score `pred` (and optionally compare with `other`) against `gold`; returns the JSON report."""
    layers: Sequence[str] = config.layers
    scores = score_system(gold, pred, labels, layers, config.modes, keep_errors=config.keep_errors)
    other_scores = (other, score_system(gold, other, labels, layers, config.modes)) if other is not None else None
    report = _report(gold, pred, scores, labels, config, other_scores, documents_to)
    if config.keep_errors:
        report["errors"] = [error_to_dict(e) for ls in scores.layers.values() for e in ls.errors]
    return report


def _report(gold: GoldSet, pred: PredSet, scores: SystemScores, labels: LabelSet, config: ScoreConfig,
            other: tuple[PredSet, SystemScores] | None, documents_to: TextIO | None = None) -> dict[str, Any]:
    rejected = len(pred.rejected) + (len(other[0].rejected) if other else 0)
    signature = build_signature(signature_config(config, gold, labels, rejected, other is not None))
    return build_report(ReportInputs(gold, pred, scores, signature, format_signature(signature), config.bootstrap, config.seed,
                                     config.zero_division, other, documents_to))


def error_to_dict(e: Any) -> dict[str, Any]:
    def span(s: Any) -> dict[str, Any] | None:
        return None if s is None else {"start": s.start, "end": s.end, "label": s.label, "text": s.text}

    return {"doc_id": e.doc_id, "layer": e.layer, "category": e.category, "gold": span(e.gold), "pred": span(e.pred), "flags": list(e.flags)}
