"""Benchmark: the Label Studio loop on 1,000 generated documents (target: start + push + pull <= 60 s).

Starts a real server on 127.0.0.1 in a temporary folder, pushes the documents with their gold as
pre-annotations, has the preset user accept every pre-annotation (the Data Manager action
"create annotations from predictions": the stand-in for annotators, timed apart), pulls everything back and checks each pulled file against
the gold it came from. `label-studio init` (migrations, once per data folder) is timed apart too.

Usage: python eval/bench/bench_studio.py [--docs 1000] [--spans 25] [--json OUT]
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from pathlib import Path

from common import REPO, labels, timed

from newsspans.corpus import load_corpus
from newsspans.labelstudio.client import Studio
from newsspans.labelstudio.pull import pull_project
from newsspans.labelstudio.push import gold_predictions, push
from newsspans.labelstudio.server import Credentials, LocalServer, executable, free_port, init_data_dir
from newsspans.model import AnnotationSet
from newsspans.project import Project
from newsspans.synth import generate
from newsspans.synth import write_project as synth_write_project

TARGET_S = 60.0
USER, PASSWORD, TOKEN = "bench@newsspans.test", "bench-password-1", "bench-token-0123456789"


def accept_all(studio: Studio, project_id: int) -> int:
    """Turn every task's pre-annotation into an annotation of the preset user (the Data Manager's
    "Create annotations from predictions" action), as a user who accepts them all would."""
    with studio.errors("converting predictions to annotations"):
        studio.sdk.actions.create(id="predictions_to_annotations", project=project_id, selected_items={"all": True, "excluded": []})
    return sum(len(t.get("annotations") or ()) for t in studio.export(project_id))


def main(argv: list[str] | None = None) -> int:
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--docs", type=int, default=1000)
    p.add_argument("--spans", type=int, default=25, help="spans per document, about (default: %(default)s)")
    p.add_argument("--json", type=Path, help="also write the figures here")
    args = p.parse_args(argv)
    if executable() is None:
        print("label-studio is not installed: pip install 'newsspans[studio-server]'", file=sys.stderr)
        return 2
    t: dict[str, float] = {}
    with tempfile.TemporaryDirectory(prefix="bench-studio-") as tmp:
        root = Path(tmp) / "project"
        scheme = labels()
        synth_write_project(root, generate(scheme, args.docs, spans_per_doc=args.spans, seed=7), scheme, REPO / "schema")
        corpus = load_corpus(Project(root))
        ids = sorted(corpus.documents)
        n_spans = sum(len(corpus.gold[d].spans) for d in ids)
        creds = Credentials(USER, PASSWORD, TOKEN)
        data = Path(tmp) / "ls-data"
        with timed("init", t):
            init_data_dir(data, creds, base_env=dict(os.environ), timeout=900)
        server = LocalServer(data, free_port(), creds, dict(os.environ))
        with timed("start", t):
            server.start(timeout=600)
        try:
            studio = Studio(server.url, TOKEN)
            studio.check()
            with timed("push", t):
                pushed = push(studio, corpus, "bench", ids, gold_predictions(corpus))
            with timed("annotate", t):
                n_ann = accept_all(studio, pushed.project_id)
            with timed("pull", t):
                pulled = pull_project(studio, corpus, "bench")
            with timed("repush", t):
                again = push(studio, corpus, "bench", ids, gold_predictions(corpus))
        finally:
            server.stop()
        identical = 0
        for path in pulled.written:
            got = AnnotationSet.from_dict(json.loads(path.read_text(encoding="utf-8")))
            gold = corpus.gold[got.doc_id]
            same_spans = sorted(s.to_dict().items() for s in got.spans) == sorted(s.to_dict().items() for s in gold.spans)
            same_rels = sorted((r.label, r.head, r.tail) for r in got.relations) == sorted((r.label, r.head, r.tail) for r in gold.relations)
            identical += same_spans and same_rels
    loop = t["start"] + t["push"] + t["pull"]
    figures = {
        "docs": args.docs, "spans": n_spans, "init_s": round(t["init"], 2), "startup_s": round(t["start"], 2),
        "push_s": round(t["push"], 2), "push_docs_per_s": round(args.docs / t["push"], 1), "push_spans_per_s": round(n_spans / t["push"]),
        "annotate_s": round(t["annotate"], 2), "annotations": n_ann,
        "pull_s": round(t["pull"], 2), "pull_docs_per_s": round(len(pulled.written) / t["pull"], 1),
        "repush_s": round(t["repush"], 2), "repush_created": len(again.created),
        "written": len(pulled.written), "refused": len(pulled.refused), "identical_to_gold": identical,
        "start_push_pull_s": round(loop, 2), "target_s": TARGET_S, "within_target": loop <= TARGET_S,
    }
    print(f"documents            {args.docs} ({n_spans} spans, {sum(len(corpus.gold[d].relations) for d in ids)} relations)")
    print(f"label-studio init    {t['init']:.1f} s (once per data folder: migrations; not in the loop)")
    print(f"server start-up      {t['start']:.1f} s (until /health answers)")
    print(f"push                 {t['push']:.1f} s  ({args.docs / t['push']:.0f} docs/s, {n_spans / t['push']:.0f} spans/s, with pre-annotations)")
    print(f"annotate (stand-in)  {t['annotate']:.1f} s  ({n_ann} annotations from the pre-annotations; not in the loop)")
    print(f"pull                 {t['pull']:.1f} s  ({len(pulled.written) / t['pull']:.0f} docs/s; {len(pulled.written)} written, "
          f"{len(pulled.refused)} refused, {identical} identical to gold)")
    print(f"push again           {t['repush']:.1f} s  ({len(again.created)} tasks created: keyed by doc id)")
    print(f"start + push + pull  {loop:.1f} s  (target <= {TARGET_S:.0f} s: {'met' if loop <= TARGET_S else 'MISSED'})")
    if args.json:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(figures, indent=2) + "\n", encoding="utf-8")
    ok = loop <= TARGET_S and identical == args.docs and not pulled.refused and not again.created
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
