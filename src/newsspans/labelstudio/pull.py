"""Pull: Label Studio annotations become annotations/by-annotator/<annotator>/<doc_id>.json.

Every task's text is checked against the corpus, every region's offsets and text against the
document, every record against the validator; only clean records are written (never into
annotations/gold/). Drafts and skipped tasks are reported, not merged.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ..annotations import ANNOTATOR_RE, annotation_record, annotator_path, guidelines_version, write_annotation
from ..corpus import Corpus
from ..errors import InputError
from ..jsonio import dumps_record, read_json
from ..model import Document
from ..textnorm import text_sha256
from ..validate.single import validate_record
from .client import Studio, UserInfo
from .config import config_differences, control_map, read_config
from .errors import ConfigMismatch, StudioError
from .results import AUTO, from_results

NOTES_PREFIX = "label-studio:"
STATUS = "complete"


@dataclass(frozen=True, slots=True, order=True)
class Notice:
    """One thing to tell the user about one task, document or annotator."""

    doc_id: str
    annotator: str
    task: int | None
    message: str

    def render(self) -> str:
        parts = [f"task {self.task}" if self.task is not None else "", f"doc {self.doc_id}" if self.doc_id else "",
                 f"annotator {self.annotator}" if self.annotator else ""]
        return f"{', '.join(p for p in parts if p)}: {self.message}"


@dataclass(frozen=True, slots=True)
class PullReport:
    """What a pull wrote and everything it did not merge, with the reason."""

    written: tuple[Path, ...] = ()
    unchanged: tuple[Path, ...] = ()
    refused: tuple[Notice, ...] = ()  # problems: nothing written for that document and annotator
    drafts: tuple[Notice, ...] = ()  # annotations in progress
    skipped: tuple[Notice, ...] = ()  # skipped (cancelled) tasks
    warnings: tuple[Notice, ...] = ()  # written anyway: level-4 findings, UTF-16 readings, superseded annotations

    @property
    def ok(self) -> bool:
        return not self.refused


@dataclass
class _Collect:
    written: list[Path] = field(default_factory=list)
    unchanged: list[Path] = field(default_factory=list)
    refused: list[Notice] = field(default_factory=list)
    drafts: list[Notice] = field(default_factory=list)
    skipped: list[Notice] = field(default_factory=list)
    warnings: list[Notice] = field(default_factory=list)

    def report(self) -> PullReport:
        return PullReport(tuple(self.written), tuple(self.unchanged), tuple(sorted(self.refused)), tuple(sorted(self.drafts)),
                          tuple(sorted(self.skipped)), tuple(sorted(self.warnings)))


# ------------------------------------------------------------------ annotator names
def annotator_name(user: UserInfo) -> str:
    """An annotator name (``^[a-z0-9][a-z0-9._-]{0,63}$``) from a user's email (local part) or username."""
    base = user.email.split("@", 1)[0] if user.email else user.username
    name = re.sub(r"[^a-z0-9._-]+", "-", base.lower()).strip("-._")[:64].rstrip("-._")
    return name if name and ANNOTATOR_RE.match(name) else f"ls-user-{user.id}"


def parse_user_overrides(pairs: Sequence[str]) -> dict[str, str]:
    """`KEY=NAME` pairs (KEY: a user id, email or username) as a dict.

    Raises:
        InputError: a pair without '=' or a NAME that is not a valid annotator name.
    """
    out = {}
    for pair in pairs:
        key, sep, name = pair.partition("=")
        if not sep or not key or not ANNOTATOR_RE.match(name):
            raise InputError(f"{pair!r}: expected KEY=NAME with NAME matching {ANNOTATOR_RE.pattern}", field="--user")
        out[key] = name
    return out


@dataclass(frozen=True, slots=True)
class Names:
    """User id to annotator name, and the users whose names collide."""

    by_id: Mapping[int, str]
    problems: Mapping[int, str]

    def of(self, user_id: int) -> tuple[str | None, str | None]:
        return self.by_id.get(user_id), self.problems.get(user_id)


def annotator_names(users: Mapping[int, UserInfo], overrides: Mapping[str, str]) -> Names:
    """Names for `users`; two users mapping to one name are both left unnamed, with the reason."""
    named: dict[int, str] = {}
    for uid, user in users.items():
        override = next((overrides[k] for k in (str(uid), user.email, user.username) if k and k in overrides), None)
        named[uid] = override or annotator_name(user)
    owners: dict[str, list[int]] = {}
    for uid, name in named.items():
        owners.setdefault(name, []).append(uid)
    problems = {}
    for name, uids in owners.items():
        if len(uids) > 1:
            who = ", ".join(f"{u} ({users[u].email or users[u].username})" for u in sorted(uids))
            for uid in uids:
                problems[uid] = f"users {who} all map to annotator name {name!r}; give each its own with --user KEY=NAME"
    return Names({u: n for u, n in named.items() if u not in problems}, problems)


def users_from_export(tasks: Sequence[Mapping[str, Any]]) -> dict[int, UserInfo]:
    """Users named inside an export (older versions wrote `completed_by` as an object with the email)."""
    out: dict[int, UserInfo] = {}
    for task in tasks:
        for ann in task.get("annotations") or task.get("completions") or ():
            by = ann.get("completed_by") if isinstance(ann, Mapping) else None
            if isinstance(by, Mapping) and isinstance(by.get("id"), int):
                out[by["id"]] = UserInfo(by["id"], str(by.get("email") or ""), str(by.get("username") or ""))
    return out


def _recency(ann: Mapping[str, Any]) -> tuple[str, int]:
    ann_id = ann.get("id")
    return str(ann.get("updated_at") or ""), ann_id if isinstance(ann_id, int) else 0


def _user_id(ann: Mapping[str, Any]) -> int | None:
    by = ann.get("completed_by")
    if isinstance(by, Mapping):
        by = by.get("id")
    return by if isinstance(by, int) and not isinstance(by, bool) else None


# ------------------------------------------------------------------ the pull
def _task_document(task: Mapping[str, Any], corpus: Corpus, by_hash: Mapping[str, str]) -> tuple[Document | None, str, str]:
    """(document, doc id, problem) for a task; the problem is empty when its text is the corpus text."""
    data = task.get("data")
    if not isinstance(data, Mapping):
        return None, "", "task has no data"
    text = data.get("text")
    doc_id = data.get("doc_id")
    if not isinstance(text, str):
        return None, str(doc_id or ""), "task data has no text"
    if not isinstance(doc_id, str):
        doc_id = by_hash.get(text_sha256(text))
        if doc_id is None:
            return None, "", "task data has no doc_id and its text is no corpus document"
    doc = corpus.documents.get(doc_id)
    if doc is None:
        return None, doc_id, f"no document {doc_id!r} in corpus/"
    actual = text_sha256(text)
    if actual != doc.sha256:
        where = next((i for i, (a, b) in enumerate(zip(text, doc.text, strict=False)) if a != b), min(len(text), len(doc.text)))
        return None, doc_id, (f"the task's text differs from the corpus text (sha256 {actual[:12]}... vs {doc.sha256[:12]}..., "
                              f"first difference at code point {where}): edited in Label Studio, or pushed from another text; nothing written")
    recorded = data.get("text_sha256")
    if recorded is not None and recorded != doc.sha256:
        return None, doc_id, f"the task records text_sha256 {str(recorded)[:12]}... but its text hashes to {doc.sha256[:12]}...; task data was edited"
    return doc, doc_id, ""


def pull_tasks(corpus: Corpus, tasks: Sequence[Mapping[str, Any]], *, users: Mapping[int, UserInfo], source: str,
               overrides: Mapping[str, str] | None = None, overwrite: bool = False, dry_run: bool = False,
               offsets: str = AUTO) -> PullReport:
    """Turn exported tasks into annotator files.

    Args:
        corpus: the corpus the tasks were pushed from (its project receives the files).
        tasks: a Label Studio JSON export (a list of tasks with `data`, `annotations`, `drafts`).
        users: user id -> user, for annotator names.
        source: where the tasks come from (recorded in each file's `notes`).
        overrides: KEY=NAME annotator names (KEY: user id, email or username).
        overwrite: replace existing files that were not pulled from Label Studio.
        dry_run: check everything, write nothing.
        offsets: how to read region offsets: "auto", "code points" or "UTF-16" (see results.from_results).
    """
    project, labels = corpus.project, corpus.labels
    cmap = control_map(labels)
    role_fits = {role.name: (role.head, role.tail) for role in labels.roles}
    names = annotator_names({**users_from_export(tasks), **users}, overrides or {})
    by_hash = {doc.sha256: doc.id for doc in corpus.documents.values()}
    guidelines = guidelines_version(project)
    out = _Collect()
    chosen: dict[tuple[str, str], tuple[Mapping[str, Any], Mapping[str, Any], Document]] = {}
    for task in tasks:
        task_id = task.get("id") if isinstance(task.get("id"), int) else None
        doc, doc_id, problem = _task_document(task, corpus, by_hash)
        for draft in task.get("drafts") or ():
            who = draft.get("user") or draft.get("created_username") or "?"
            out.drafts.append(Notice(doc_id, "", task_id, f"draft in progress by {who} (updated {draft.get('updated_at', '?')}): not merged"))
        # Label Studio before 1.0 called annotations "completions"
        annotations = [a for a in task.get("annotations") or task.get("completions") or () if isinstance(a, Mapping)]
        if doc is None:
            out.refused.append(Notice(doc_id, "", task_id, problem))
            continue
        for ann in annotations:
            uid = _user_id(ann)
            name, name_problem = names.of(uid) if uid is not None else (None, None)
            if name is None:
                out.refused.append(Notice(doc_id, "", task_id, name_problem or f"annotation {ann.get('id')}: user {uid!r} has no name "
                                          "(the export names users by id only); pass --user ID=NAME"))
                continue
            if ann.get("was_cancelled"):
                out.skipped.append(Notice(doc_id, name, task_id, f"annotation {ann.get('id')} skipped the task: not merged"))
                continue
            key = (doc_id, name)
            if key in chosen:
                old = chosen[key][1]
                newer, older = (ann, old) if _recency(ann) > _recency(old) else (old, ann)
                out.warnings.append(Notice(doc_id, name, task_id, f"several annotations by one annotator: kept {newer.get('id')}, ignored {older.get('id')}"))
                if newer is old:
                    continue
            chosen[key] = (task, ann, doc)
    for (_, name), (task, ann, doc) in sorted(chosen.items()):
        _pull_one(out, corpus, task, ann, doc, name, cmap=cmap, role_fits=role_fits, source=source, guidelines=guidelines,
                  overwrite=overwrite, dry_run=dry_run, offsets=offsets)
    return out.report()


def _pull_one(out: _Collect, corpus: Corpus, task: Mapping[str, Any], ann: Mapping[str, Any], doc: Document, name: str, *,
              cmap: Any, role_fits: Any, source: str, guidelines: str, overwrite: bool, dry_run: bool, offsets: str) -> None:
    project, labels = corpus.project, corpus.labels
    task_id = task.get("id") if isinstance(task.get("id"), int) else None
    result = ann.get("result") or []
    if not isinstance(result, list):
        out.refused.append(Notice(doc.id, name, task_id, f"annotation {ann.get('id')}: result is not a list"))
        return
    converted = from_results(doc.id, doc.text, result, cmap, role_fits=role_fits, offsets=offsets)
    out.warnings.extend(Notice(doc.id, name, task_id, note) for note in converted.notes)
    if converted.problems:
        out.refused.extend(Notice(doc.id, name, task_id, f"annotation {ann.get('id')}: {p}") for p in converted.problems)
        return
    notes = f"{NOTES_PREFIX} {source}, task {task_id}, annotation {ann.get('id')}"
    record = annotation_record(converted.annotation, text_sha256=doc.sha256, scheme_version=labels.version, guidelines=guidelines,
                               annotators=[name], status=STATUS, notes=notes)
    path = annotator_path(project, name, doc.id)
    findings = validate_record(project, labels, record, doc, name=project.rel(path))
    blocking = [f for f in findings if f.level <= 3]
    if blocking:
        out.refused.extend(Notice(doc.id, name, task_id, f"not written: {f.render()}") for f in blocking)
        return
    out.warnings.extend(Notice(doc.id, name, task_id, f"written, but: {f.render()}") for f in findings)
    if path.exists():
        try:
            old = read_json(path)
        except InputError:
            old = {}
        if path.read_text(encoding="utf-8") == dumps_record(record):
            out.unchanged.append(path)
            return
        if not overwrite and not str(old.get("notes", "") if isinstance(old, dict) else "").startswith(NOTES_PREFIX):
            out.refused.append(Notice(doc.id, name, task_id, f"{project.rel(path)} exists and was not pulled from Label Studio; "
                                      "pass --overwrite to replace it"))
            return
    if not dry_run:
        write_annotation(path, record, overwrite=True)
    out.written.append(path)


def check_project_config(studio: Studio, project_id: int, corpus: Corpus, title: str) -> None:
    """Refuse a project whose labeling config no longer matches labels.json, naming what differs.

    Raises:
        ConfigMismatch: with every difference.
    """
    diffs = config_differences(control_map(corpus.labels), read_config(studio.label_config(project_id)))
    if diffs:
        raise ConfigMismatch(f"project {title!r} does not match schema/labels.json ({'; '.join(diffs)}); not pulled. "
                             "Pull with the labels.json the project was made from, or update the project with `newsspans studio push`")


def pull_project(studio: Studio, corpus: Corpus, title: str, **options: Any) -> PullReport:
    """Pull every annotation of project `title`.

    Raises:
        StudioError: no such project. ConfigMismatch: its config does not match labels.json.
    """
    project_id = studio.find_project(title)
    if project_id is None:
        raise StudioError(f"no project titled {title!r} at {studio.url}; create it with `newsspans studio push`")
    check_project_config(studio, project_id, corpus, title)
    tasks = studio.export(project_id)
    return pull_tasks(corpus, tasks, users=studio.users(), source=f"project {title!r}", **options)


def pull_export(corpus: Corpus, path: Path, **options: Any) -> PullReport:
    """Pull a saved Label Studio JSON export (any version), without a server.

    Raises:
        InputError: the file is not a JSON list of tasks.
    """
    tasks = read_json(path)
    if not isinstance(tasks, list) or not all(isinstance(t, dict) for t in tasks):
        raise InputError("not a Label Studio JSON export (expected a list of tasks)", file=str(path))
    return pull_tasks(corpus, tasks, users={}, source=f"export {Path(path).name}", **options)
