"""Runs the checks over a project's files, level by level, and collects findings."""

from __future__ import annotations

import json
import os
from collections import Counter
from collections.abc import Callable, Iterable, Iterator, Mapping
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field
from functools import cached_property
from multiprocessing import get_context
from pathlib import Path
from typing import Any

from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from ..labels import LabelSet
from ..project import Project
from ..textnorm import text_sha256
from .checks import CHECKS, Context, schema_file, stem_of
from .fastschema import UnsupportedSchema, collect_resources, compile_schema
from .findings import Finding

MAX_LEVEL = 4
KINDS = ("document", "annotation", "prediction", "splits")


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
        return Registry().with_resources(resources).crawl()

    @cached_property
    def _validators(self) -> dict[str, Draft202012Validator]:
        out = {}
        for kind in KINDS:
            schema = json.loads((self.folder / schema_file(kind)).read_text(encoding="utf-8"))
            out[kind] = Draft202012Validator(schema, registry=self._registry)
        return out

    @cached_property
    def _fast(self) -> dict[str, Callable[[Any], bool]]:
        schemas = [json.loads(p.read_text(encoding="utf-8")) for p in sorted(self.folder.glob("*.schema.json"))]
        resources = collect_resources(schemas)
        out = {}
        for kind in KINDS:
            try:
                out[kind] = compile_schema(resources[f"urn:newsspans:schema:{kind}"], resources)
            except (UnsupportedSchema, KeyError):
                out[kind] = self._validators[kind].is_valid
        return out

    def errors(self, kind: str, data: Any) -> Iterator[tuple[str, str]]:
        """(JSON pointer, message) for each schema violation, from jsonschema when the fast check fails."""
        if self._fast[kind](data):
            return
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

    def check(self, data: Any, ctx: Context, max_level: int | None = None, ignore: frozenset[str] = frozenset()) -> list[Finding]:
        """Levels 1..max_level on one parsed object; a level with findings stops the higher ones.

        Findings with a code in `ignore` are dropped and do not stop the higher levels.
        """
        self.files[ctx.kind] += 1
        found = [ctx.finding(p, "schema-violation", m) for p, m in self.schemas.errors(ctx.kind, data)]
        for level in range(1, min(self.max_level, max_level or MAX_LEVEL) + 1):
            found += [f for c in CHECKS if c.level == level and ctx.kind in c.kinds for f in c.fn(data, ctx) if f.code not in ignore]
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


def _check_documents(run: Run, paths: Iterable[Path], *, check: bool = True) -> dict[str, tuple[str, str]]:
    """Check document files; return `{doc_id: (text, sha256)}` for those that parse."""
    texts = {}
    for path in paths:
        data = run.read(path, "document")
        if data is None:
            continue
        ctx = Context(run.project.rel(path), "document", run.labels, stem=stem_of(path))
        found = run.check(data, ctx) if check else []
        if not any(f.level == 1 for f in found) and isinstance(data, dict) and isinstance(data.get("text"), str):
            texts[data["id"]] = (data["text"], text_sha256(data["text"]))
    return texts


def _check_annotations(run: Run, paths: Iterable[Path], texts: Mapping[str, tuple[str, str]]) -> None:
    for path in paths:
        data = run.read(path, "annotation")
        if data is None:
            continue
        doc_id = data.get("doc_id") if isinstance(data, dict) else None
        text, digest = texts.get(doc_id, (None, None)) if isinstance(doc_id, str) else (None, None)
        run.check(data, Context(run.project.rel(path), "annotation", run.labels, text=text, text_hash=digest, stem=stem_of(path)))


Job = tuple[str, int, str, list[str], Mapping[str, tuple[str, str]]]


def _work(job: Job) -> tuple[list[Finding], Counter[str], dict[str, tuple[str, str]]]:
    """One chunk of files in a worker process: its own Run, findings returned as values."""
    root, max_level, kind, paths, texts = job
    project = Project(Path(root))
    run = Run(project, LabelSet.load(project.labels_path), max_level)
    found_texts: dict[str, tuple[str, str]] = {}
    if kind == "document":
        found_texts = _check_documents(run, map(Path, paths))
    else:
        _check_annotations(run, map(Path, paths), texts)
    return run.findings, run.files, found_texts


def _in_parallel(run: Run, kind: str, paths: list[Path], texts: Mapping[str, tuple[str, str]], jobs: int) -> dict[str, tuple[str, str]]:
    """Check `paths` in `jobs` processes, merging findings into `run`."""
    size = -(-len(paths) // jobs)
    chunks: list[Job] = [(str(run.project.root), run.max_level, kind, [str(p) for p in paths[i:i + size]], texts)
                         for i in range(0, len(paths), size)]
    merged: dict[str, tuple[str, str]] = {}
    with ProcessPoolExecutor(max_workers=jobs, mp_context=get_context("fork")) as pool:
        for findings, files, found in pool.map(_work, chunks):
            run.findings += findings
            run.files.update(files)
            merged.update(found)
    return merged


PARALLEL_MIN_FILES = 400


def validate_project(project: Project, *, max_level: int = MAX_LEVEL, predictions: Iterable[Path] = (),
                     only_predictions: bool = False, jobs: int | None = None) -> Run:
    """Validate documents, gold and by-annotator files, splits, and any prediction files.

    Args:
        jobs: worker processes for large corpora (default: the number of CPUs).

    Raises:
        InputError: when schema/labels.json itself cannot be loaded.
    """
    run = Run(project, LabelSet.load(project.labels_path), max_level)
    jobs = max(1, jobs or os.cpu_count() or 1)
    doc_paths = [p for p in sorted(project.corpus_dir.glob("*.json")) if p.name != "splits.json"]
    ann_paths = sorted(project.gold_dir.glob("*.json")) + sorted(project.by_annotator_dir.glob("*/*.json"))
    parallel = jobs > 1 and not only_predictions and len(doc_paths) + len(ann_paths) >= PARALLEL_MIN_FILES
    if parallel:
        texts = _in_parallel(run, "document", doc_paths, {}, jobs)
    else:
        texts = _check_documents(run, doc_paths, check=not only_predictions)
    if not only_predictions:
        if parallel and ann_paths:
            _in_parallel(run, "annotation", ann_paths, texts, jobs)
        else:
            _check_annotations(run, ann_paths, texts)
        if project.splits_path.is_file():
            data = run.read(project.splits_path, "splits")
            if data is not None:
                found = run.check(data, Context(project.rel(project.splits_path), "splits", run.labels, doc_ids=frozenset(texts)))
                if not found and not run.findings and data.get("content_sha256"):
                    run.findings += check_frozen_hashes(project, data)
    for path in predictions:
        validate_jsonl(run, Path(path), texts)
    return run


def check_frozen_hashes(project: Project, data: Mapping[str, Any]) -> list[Finding]:
    """Each split's texts and gold still hash to the frozen value (checked only on an otherwise clean corpus).

    Codes: split-hash-mismatch.
    """
    from ..corpus import load_corpus

    corpus = load_corpus(project)
    out = []
    for name, frozen in data["content_sha256"].items():
        if name in corpus.splits and corpus.content_hash(name) != frozen:
            out.append(Finding(project.rel(project.splits_path), None, f"/content_sha256/{name}", "split-hash-mismatch",
                               f"{name} split changed since version {data.get('version')!r} was frozen"))
    return out


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

