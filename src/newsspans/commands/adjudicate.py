"""`newsspans adjudicate`: merge annotators' files into gold, list every disagreement, log every decision.

  newsspans adjudicate DOC_ID ... --annotator ann-1 --annotator ann-7 --list
  newsspans adjudicate DOC_ID --annotator ann-1 --annotator ann-7 --decisions d.json --adjudicator adj-1
  newsspans adjudicate --docs-from ann-2 --annotator ann-2 --adjudicator adj-1 --decisions-dir DIR

Gold (annotations/gold/<doc>.json) and the log (annotations/adjudication/<doc>.json) are written atomically;
an existing gold file is replaced only with --overwrite. Nothing is written while a disagreement is undecided.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path

from ..adjudicate import adjudicate
from ..annotations import annotation_record, annotator_path, guidelines_version, write_annotation
from ..errors import InputError
from ..ids import doc_path
from ..jsonio import atomic_write_text, read_json
from ..labels import LabelSet
from ..model import AnnotationSet, Document
from ..project import Project
from ..validate.single import validate_record
from . import add_root, guarded


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsspans adjudicate", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_root(p)
    p.add_argument("doc_ids", nargs="*", help="documents to adjudicate")
    p.add_argument("--docs-from", metavar="ANNOTATOR", help="every document this annotator has a file for")
    p.add_argument("--annotator", action="append", required=True, help="annotator whose file is merged (repeatable)")
    p.add_argument("--decisions", type=Path, help="decisions file for one document")
    p.add_argument("--decisions-dir", type=Path, help="folder of <doc_id>.json decisions files")
    p.add_argument("--policy", help="default for items no decision covers: prefer:<annotator>, union or intersection (logged per item)")
    p.add_argument("--adjudicator", help="who decided (required unless --list)")
    p.add_argument("--list", action="store_true", help="only list disagreements; write nothing")
    p.add_argument("--keys", action="store_true", help="only print every span of the merged result with its item key (for edits); write nothing")
    p.add_argument("--overwrite", action="store_true", help="replace existing gold files")
    return p


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    project = Project.find(args.root)
    labels = LabelSet.load(project.labels_path)
    doc_ids = list(args.doc_ids)
    if args.docs_from:
        doc_ids += sorted(p.stem for p in (project.by_annotator_dir / args.docs_from).glob("*.json"))
    if not doc_ids or (not (args.list or args.keys) and not args.adjudicator):
        print("error: name documents (or --docs-from) and, unless --list, --adjudicator", file=sys.stderr)
        return 2
    failures = 0
    for doc_id in doc_ids:
        failures += not run_one(project, labels, doc_id, args)
    print(f"{len(doc_ids) - failures} of {len(doc_ids)} document(s) {'listed' if args.list or args.keys else 'adjudicated'}")
    return 1 if failures else 0


def run_one(project: Project, labels: LabelSet, doc_id: str, args: argparse.Namespace) -> bool:
    doc = Document.from_dict(read_json(doc_path(project.corpus_dir, doc_id)))
    anns = {}
    for name in args.annotator:
        path = annotator_path(project, name, doc_id)
        if not path.is_file():
            raise InputError(f"no annotation by {name} for {doc_id}", file=str(path))
        data = read_json(path)
        if data.get("text_sha256") != doc.sha256:
            raise InputError("annotation was made on another text (text_sha256 differs)", file=str(path), field="text_sha256")
        anns[name] = AnnotationSet.from_dict(data)
    if args.decisions is not None and not args.decisions.is_file():
        raise InputError("decisions file not found", file=str(args.decisions))
    decisions_path = args.decisions or (args.decisions_dir / f"{doc_id}.json" if args.decisions_dir else None)
    decisions = read_json(decisions_path) if decisions_path and decisions_path.is_file() else {}
    if decisions_path and not decisions_path.is_file():
        print(f"{doc_id}: no decisions file in {args.decisions_dir}; adjudicating without decisions or edits", file=sys.stderr)
    outcome = adjudicate(doc_id, doc.text, anns, labels, decisions=decisions, policy=args.policy)
    if args.keys:
        for span in outcome.gold.spans:
            attrs = ",".join(f"{k}={v}" for k, v in span.attributes)
            print(f"{doc_id}: S:{span.layer}:{span.start}:{span.end}:{span.label} {span.text!r} {attrs}")
        for rel in outcome.gold.relations:
            print(f"{doc_id}: relation {rel.label} {rel.head} -> {rel.tail}")
        return True
    if args.list:
        for d in outcome.disagreements:
            print(f"{doc_id}: {d.item} [{', '.join(d.holders)}] {d.text!r}" + (f" -> {d.decision} ({d.source})" if d.decision else ""))
        return True
    if outcome.undecided:
        for item in outcome.undecided:
            print(f"{doc_id}: undecided {item} (add it to the decisions file or give --policy)", file=sys.stderr)
        return False
    annotators = sorted({*args.annotator, args.adjudicator})
    record = annotation_record(outcome.gold, text_sha256=doc.sha256, scheme_version=labels.version, guidelines=guidelines_version(project),
                               annotators=annotators, status="adjudicated" if len(args.annotator) > 1 else "gold")
    findings = validate_record(project, labels, record, doc, name=f"gold/{doc_id}")
    if findings:
        for f in findings:
            print(f.render(), file=sys.stderr)
        return False
    write_annotation(doc_path(project.gold_dir, doc_id), record, overwrite=args.overwrite)
    log = {"doc_id": doc_id, "text_sha256": doc.sha256, "annotators": list(args.annotator), "adjudicator": args.adjudicator,
           "policy": args.policy, "guidelines_version": record["guidelines_version"], "agreed_spans": outcome.agreed_spans,
           "agreed_relations": outcome.agreed_relations, "disagreements": [d.to_dict() for d in outcome.disagreements],
           "edits": list(outcome.edits), "gold_spans": len(outcome.gold.spans), "gold_relations": len(outcome.gold.relations)}
    atomic_write_text(doc_path(project.root / "annotations" / "adjudication", doc_id), json.dumps(log, ensure_ascii=False, indent=1) + "\n")
    print(f"{doc_id}: gold written ({len(outcome.gold.spans)} spans, {len(outcome.disagreements)} disagreement(s), {len(outcome.edits)} edit(s))")
    return True
