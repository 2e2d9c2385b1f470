"""Runs the checks over a project's files, level by level, and collects findings."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from ..labels import LabelSet
from ..project import Project
from ..textnorm import text_sha256
from .checks import CHECKS, Context, schema_file, stem_of
from .findings import Finding

MAX_LEVEL = 4


@dataclass
class Schemas:
    """Compiled validators for every schema in schema/, resolving `urn:newsspans:*` references."""

    folder: Path

    @cached_property
    def _registry(self) -> Registry:
        resources = []
        for path in sorted(self.folder.glob("*.schema.json")):
            contents = json.loads(path.read_text(encoding="utf-8"))
            resources.append((contents["$id"], Resource.from_contents(contents)))
        return Registry().with_resources(resources)

    @cached_property
    def _validators(self) -> dict[str, Draft202012Validator]:
        out = {}
        for kind in ("document", "annotation", "prediction", "splits"):
            schema = json.loads((self.folder / schema_file(kind)).read_text(encoding="utf-8"))
            out[kind] = Draft202012Validator(schema, registry=self._registry)
        return out

    def errors(self, kind: str, data: Any) -> Iterator[tuple[str, str]]:
        """(JSON pointer, message) for each schema violation."""
        validator = self._validators[kind]
        for error in sorted(validator.iter_errors(data), key=lambda e: list(map(str, e.absolute_path))):
            pointer = "".join(f"/{p}" for p in error.absolute_path)
            message = error.message if len(error.message) <= 200 else error.message[:197] + "..."
            yield pointer, message


@dataclass
class Run:
    """One validation run: its settings and the findings so far."""

    project: Project
    labels: LabelSet
    max_level: int = MAX_LEVEL
    findings: list[Finding] = field(default_factory=list)
    files: Counter[str] = field(default_factory=Counter)

    @cached_property
    def schemas(self) -> Schemas:
        return Schemas(self.project.schema_dir)

    def check(self, data: Any, ctx: Context, max_level: int | None = None) -> list[Finding]:
        """Levels 1..max_level on one parsed object; a level with findings stops the higher ones."""
        self.files[ctx.kind] += 1
        found = [ctx.finding(p, "schema-violation", m) for p, m in self.schemas.errors(ctx.kind, data)]
        for level in range(1, min(self.max_level, max_level or MAX_LEVEL) + 1):
            found += [f for c in CHECKS if c.level == level and ctx.kind in c.kinds for f in c.fn(data, ctx)]
            if found:
                break
        self.findings += found
        return found

    def read(self, path: Path, kind: str) -> Any | None:
        """Parse a JSON file, recording json-invalid on failure."""
        try:
            return json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError) as exc:
            self.findings.append(Finding(self.project.rel(path), None, "", "json-invalid", f"cannot read: {exc}"))
        except json.JSONDecodeError as exc:
            self.findings.append(Finding(self.project.rel(path), exc.lineno, "", "json-invalid", f"{exc.msg} (column {exc.colno})"))
        self.files[kind] += 1
        return None


def _doc_texts(docs: Mapping[str, Any]) -> dict[str, tuple[str, str]]:
    return {doc_id: (d["text"], text_sha256(d["text"])) for doc_id, d in docs.items()}


def validate_project(project: Project, *, max_level: int = MAX_LEVEL, predictions: Iterable[Path] = (),
                     only_predictions: bool = False) -> Run:
    """Validate documents, gold and by-annotator files, splits, and any prediction files.

    Raises:
        InputError: when schema/labels.json itself cannot be loaded.
    """
    run = Run(project, LabelSet.load(project.labels_path), max_level)
    docs: dict[str, Any] = {}
    for path in sorted(project.corpus_dir.glob("*.json")):
        if path.name == "splits.json":
            continue
        data = run.read(path, "document")
        if data is None:
            continue
        ctx = Context(project.rel(path), "document", run.labels, stem=stem_of(path))
        found = run.check(data, ctx) if not only_predictions else []
        if not any(f.level == 1 for f in found) and isinstance(data, dict) and isinstance(data.get("text"), str):
            docs[data["id"]] = data
    texts = _doc_texts(docs)
    if not only_predictions:
        ann_files = sorted(project.gold_dir.glob("*.json")) + sorted(project.by_annotator_dir.glob("*/*.json"))
        for path in ann_files:
            data = run.read(path, "annotation")
            if data is None:
                continue
            text, digest = texts.get(data.get("doc_id") if isinstance(data, dict) else None, (None, None))
            ctx = Context(project.rel(path), "annotation", run.labels, text=text, text_hash=digest, stem=stem_of(path))
            run.check(data, ctx)
        if project.splits_path.is_file():
            data = run.read(project.splits_path, "splits")
            if data is not None:
                run.check(data, Context(project.rel(project.splits_path), "splits", run.labels, doc_ids=frozenset(docs)))
    for path in predictions:
        validate_jsonl(run, Path(path), texts)
    return run


def validate_jsonl(run: Run, path: Path, texts: Mapping[str, tuple[str, str]]) -> None:
    """Validate an exchange-format JSONL file line by line (levels 1-3)."""
    name = str(path)
    seen: dict[str, int] = {}
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        run.findings.append(Finding(name, None, "", "json-invalid", f"cannot read: {exc}"))
        return
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                data = json.loads(line)
            except json.JSONDecodeError as exc:
                run.findings.append(Finding(name, number, "", "json-invalid", f"{exc.msg} (column {exc.colno})"))
                continue
            doc_id = data.get("doc_id") if isinstance(data, dict) else None
            if isinstance(doc_id, str) and doc_id in seen:
                run.findings.append(Finding(name, number, "/doc_id", "doc-duplicate", f"{doc_id!r} already on line {seen[doc_id]}"))
                continue
            if isinstance(doc_id, str):
                seen[doc_id] = number
            text, digest = texts.get(doc_id, (None, None)) if isinstance(doc_id, str) else (None, None)
            ctx = Context(name, "prediction", run.labels, line=number, text=text, text_hash=digest)
            run.check(data, ctx, max_level=3)  # level 4 is about gold annotation practice


def summary(run: Run) -> str:
    """The closing line: PASSED, or FAILED with counts per level."""
    files = ", ".join(f"{n} {kind} file(s)" for kind, n in sorted(run.files.items())) or "no files"
    if not run.findings:
        return f"*** PASSED *** levels 1-{run.max_level}: {files}, 0 problems"
    per_level = Counter(f.level for f in run.findings)
    levels = ", ".join(f"L{lvl}: {n}" for lvl, n in sorted(per_level.items()))
    return f"*** FAILED *** with {len(run.findings)} problem(s) ({levels}) in {files}"

