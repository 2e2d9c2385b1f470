"""`newsspans draft`: write annotations by surface text instead of offsets.

  find DOC_ID TEXT        list whole-word occurrences of TEXT with their numbers
  apply DRAFT.json        resolve a draft to offsets, validate it, write by-annotator/<annotator>/<doc>.json
  show ANNOTATION.json    print the text with [LABEL ...] brackets for review
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence
from pathlib import Path

from ..annotations import annotation_record, annotator_path, guidelines_version, write_annotation
from ..draft import iter_occurrence_contexts, render_inline, resolve_draft
from ..errors import InputError
from ..ids import doc_path
from ..jsonio import read_json
from ..labels import LabelSet
from ..model import AnnotationSet, Document
from ..project import Project
from ..validate.single import validate_record
from . import add_root, guarded


def _doc(project: Project, doc_id: str) -> Document:
    path = doc_path(project.corpus_dir, doc_id)
    if not path.is_file():
        raise InputError(f"no document {doc_id!r} in corpus/", file=str(path))
    return Document.from_dict(read_json(path))


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsspans draft", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_root(p)
    sub = p.add_subparsers(dest="cmd", required=True)
    f = sub.add_parser("find")
    f.add_argument("doc_id")
    f.add_argument("text")
    a = sub.add_parser("apply")
    a.add_argument("draft", type=Path)
    a.add_argument("--annotator", required=True)
    a.add_argument("--status", default="complete", choices=["draft", "complete"])
    a.add_argument("--overwrite", action="store_true", help="replace this annotator's existing file")
    s = sub.add_parser("show")
    s.add_argument("annotation", type=Path)
    s.add_argument("--layer", action="append")
    args = p.parse_args(argv)
    project = Project.find(args.root)
    if args.cmd == "find":
        lines = list(iter_occurrence_contexts(_doc(project, args.doc_id).text, args.text))
        print("\n".join(lines) if lines else f"{args.text!r}: no whole-word occurrence")
        return 0 if lines else 1
    if args.cmd == "show":
        ann = AnnotationSet.from_dict(read_json(args.annotation))
        print(render_inline(_doc(project, ann.doc_id).text, ann.spans, args.layer))
        return 0
    return apply(project, args)


def apply(project: Project, args: argparse.Namespace) -> int:
    draft = read_json(args.draft)
    doc = _doc(project, draft.get("doc_id", ""))
    labels = LabelSet.load(project.labels_path)
    ann, problems = resolve_draft(draft, doc.text, labels)
    record = annotation_record(ann, text_sha256=doc.sha256, scheme_version=labels.version, guidelines=guidelines_version(project),
                               annotators=[args.annotator], status=args.status)
    findings = validate_record(project, labels, record, doc)
    for line in problems:
        print(f"{args.draft}:{line}", file=sys.stderr)
    for finding in findings:
        print(finding.render(), file=sys.stderr)
    if problems or findings:
        print(f"not written: {len(problems)} unresolved span(s), {len(findings)} validation problem(s)", file=sys.stderr)
        return 1
    path = annotator_path(project, args.annotator, doc.id)
    write_annotation(path, record, overwrite=args.overwrite)
    print(f"wrote {project.rel(path)}: {len(ann.spans)} spans, {len(ann.relations)} relations")
    return 0
