"""Push: documents of the corpus become Label Studio tasks, optionally with pre-annotations.

Tasks are keyed by doc id: a document already in the project is never imported twice. Task
data is `{"text", "doc_id", "text_sha256"}`, the text exactly as stored (NFC, `\\n`).
"""

from __future__ import annotations

import fnmatch
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..corpus import Corpus
from ..errors import InputError
from ..jsonio import iter_jsonl
from ..model import AnnotationSet, Document
from .client import Studio
from .config import build_config, config_removals, control_map, read_config
from .errors import StudioError
from .results import to_results

GOLD = "gold"


@dataclass(frozen=True, slots=True)
class Predictions:
    """Pre-annotations for some documents, under one model version.

    Raises:
        InputError: an empty model version, or one with a comma (Label Studio lists versions comma-joined).
    """

    model_version: str
    by_doc: Mapping[str, AnnotationSet]
    span_scores: Mapping[str, Mapping[str, float]] = field(default_factory=dict)  # doc id -> span id -> score

    def __post_init__(self) -> None:
        if not self.model_version.strip() or "," in self.model_version or len(self.model_version) > 200:
            raise InputError(f"model version {self.model_version!r} must be 1-200 characters without commas", field="--model")


@dataclass(frozen=True, slots=True)
class PushReport:
    """What a push did, per document."""

    project_id: int
    project_created: bool
    config_updated: bool
    created: tuple[str, ...] = ()
    unchanged: tuple[str, ...] = ()
    updated: tuple[str, ...] = ()  # task text replaced by the corpus text (task had no annotations)
    predictions: tuple[str, ...] = ()  # doc ids that received pre-annotations
    skipped: tuple[str, ...] = ()  # parts of pre-annotations left out, with the reason
    refused: tuple[str, ...] = ()  # documents not pushed, with the reason


def select_documents(corpus: Corpus, *, split: str | None = None, ids: Iterable[str] = (), globs: Iterable[str] = ()) -> list[str]:
    """Doc ids chosen by split (corpus/splits.json, or "all"), explicit ids and glob patterns over ids; sorted, unique.

    Raises:
        InputError: an unknown split or doc id, a glob that matches nothing, or nothing chosen.
    """
    chosen: set[str] = set()
    if split:
        chosen |= set(corpus.doc_ids(split))
    for doc_id in ids:
        if doc_id not in corpus.documents:
            raise InputError(f"no document {doc_id!r} in corpus/", field="--id")
        chosen.add(doc_id)
    for pattern in globs:
        matched = fnmatch.filter(corpus.documents, pattern)
        if not matched:
            raise InputError(f"no doc id matches {pattern!r}", field="--glob")
        chosen |= set(matched)
    if not chosen:
        raise InputError("no documents chosen: give --split, --id or --glob")
    return sorted(chosen)


def gold_predictions(corpus: Corpus) -> Predictions:
    """The gold annotations as pre-annotations (model version "gold")."""
    return Predictions(GOLD, dict(corpus.gold))


def file_predictions(path: Path, model_version: str | None = None) -> Predictions:
    """Pre-annotations from an exchange-format JSONL file (schema/prediction.schema.json).

    Raises:
        InputError: a line is not JSON, lacks fields, or repeats a doc id (with file and line).
    """
    by_doc: dict[str, AnnotationSet] = {}
    scores: dict[str, dict[str, float]] = {}
    for line, record in iter_jsonl(path):
        if isinstance(record, InputError):
            raise record
        if not isinstance(record, dict):
            raise InputError("each line must be a JSON object", file=str(path), line=line)
        try:
            ann = AnnotationSet.from_dict({k: v for k, v in record.items() if k in {"doc_id", "spans", "relations"}})
        except (InputError, TypeError, AttributeError) as exc:
            raise InputError(str(exc), file=str(path), line=line) from None
        if ann.doc_id in by_doc:
            raise InputError(f"doc id {ann.doc_id!r} appears twice", file=str(path), line=line)
        by_doc[ann.doc_id] = ann
        for span in record.get("spans", ()):
            if isinstance(span, dict) and span.get("id") and isinstance(span.get("score"), int | float):
                scores.setdefault(ann.doc_id, {})[span["id"]] = float(span["score"])
    return Predictions(model_version or Path(path).stem, by_doc, scores)


def task_data(doc: Document) -> dict[str, Any]:
    return {"text": doc.text, "doc_id": doc.id, "text_sha256": doc.sha256}


def ensure_project(studio: Studio, title: str, label_config: str, *, replace_config: bool = False) -> tuple[int, bool, bool]:
    """The id of the project titled `title`, created or with its config brought up to date.

    A config that only adds labels, attribute values or roles (or changes colours, hotkeys,
    hints) replaces the project's; one that would drop some is refused unless `replace_config`,
    since annotations that use them could then no longer be pulled.

    Returns:
        (project id, created, config updated).

    Raises:
        StudioError: the new config drops labels, values or roles (named), or the server refuses it.
    """
    project_id = studio.find_project(title)
    if project_id is None:
        return studio.create_project(title, label_config, "newsspans annotation project (config generated from schema/labels.json)"), True, False
    current = studio.label_config(project_id)
    if current.strip() == label_config.strip():
        return project_id, False, False
    dropped = config_removals(read_config(label_config), read_config(current))
    if dropped and not replace_config:
        raise StudioError(f"project {title!r} has {', '.join(dropped)}, which labels.json no longer has; annotations using them could not be "
                          "pulled any more. Pull first, then push with --replace-config to replace the project's config")
    try:
        studio.set_label_config(project_id, label_config)
    except StudioError as exc:
        raise StudioError(f"project {title!r} has another labeling config and Label Studio refused the one from labels.json: {exc}") from None
    return project_id, False, True


def push(studio: Studio, corpus: Corpus, title: str, doc_ids: Sequence[str], predictions: Predictions | None = None, *,
         replace_config: bool = False) -> PushReport:
    """Create or update project `title` and make sure each document has exactly one task.

    New tasks carry their pre-annotations; existing tasks get one only if they have none from
    the same model version yet. An existing task whose text differs from the corpus is updated
    when it has no annotations, and refused otherwise (annotated text is immutable).
    `replace_config` allows a labeling config that drops labels the project has (see ensure_project).
    """
    cmap = control_map(corpus.labels)
    project_id, created, config_updated = ensure_project(studio, title, build_config(corpus.labels), replace_config=replace_config)
    existing: dict[str, list[Any]] = {}
    for task in ([] if created else studio.tasks(project_id)):
        if task.doc_id:
            existing.setdefault(task.doc_id, []).append(task)
    new_tasks: list[dict[str, Any]] = []
    new_docs: list[str] = []
    extra_preds: list[dict[str, Any]] = []
    unchanged: list[str] = []
    updated: list[str] = []
    with_preds: list[str] = []
    skipped: list[str] = []
    refused: list[str] = []

    def prediction(doc: Document) -> dict[str, Any] | None:
        if predictions is None or doc.id not in predictions.by_doc:
            return None
        out = to_results(predictions.by_doc[doc.id], doc.text, cmap, predictions.span_scores.get(doc.id))
        skipped.extend(f"{doc.id}: {reason}" for reason in out.skipped)
        if not out.results:
            return None
        pred: dict[str, Any] = {"model_version": predictions.model_version, "result": out.results}
        scores = [float(r["score"]) for r in out.results if "score" in r]
        if scores:
            pred["score"] = sum(scores) / len(scores)
        return pred

    for doc_id in doc_ids:
        doc = corpus.documents[doc_id]
        tasks = existing.get(doc_id, [])
        if not tasks:
            pred = prediction(doc)
            new_tasks.append({"data": task_data(doc), **({"predictions": [pred]} if pred else {})})
            new_docs.append(doc_id)
            if pred:
                with_preds.append(doc_id)
            continue
        if len(tasks) > 1:
            refused.append(f"{doc_id}: {len(tasks)} tasks in the project (ids {', '.join(str(t.id) for t in tasks)}); delete all but one")
            continue
        task = tasks[0]
        if task.data.get("text") != doc.text or task.data.get("text_sha256") != doc.sha256:
            if task.annotations:
                refused.append(f"{doc_id}: task {task.id} holds another text than the corpus and has {task.annotations} annotation(s); "
                               "annotated text is immutable: resolve it in Label Studio")
                continue
            studio.update_task_data(task.id, task_data(doc))
            updated.append(doc_id)
        else:
            unchanged.append(doc_id)
        if predictions is not None and predictions.model_version not in task.model_versions:
            pred = prediction(doc)
            if pred:
                extra_preds.append({"task": task.id, **pred})
                with_preds.append(doc_id)
    studio.import_tasks(project_id, new_tasks)
    studio.import_predictions(project_id, extra_preds)
    return PushReport(project_id, created, config_updated, tuple(new_docs), tuple(unchanged), tuple(updated),
                      tuple(with_preds), tuple(skipped), tuple(refused))
