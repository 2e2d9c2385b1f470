"""`newsspans studio`: the Label Studio annotation loop.

  config                      print (or write) the labeling config generated from schema/labels.json
  push  --project TITLE ...   create/update the project, import documents as tasks (with pre-annotations)
  pull  --project TITLE       write every submitted annotation to annotations/by-annotator/<annotator>/
  pull  --from-export FILE    the same from a saved Label Studio JSON export, without a server
  serve --data-dir DIR        run a local Label Studio on 127.0.0.1

The client commands read LABEL_STUDIO_URL (default http://127.0.0.1:8080) and LABEL_STUDIO_API_KEY;
serve reads LABEL_STUDIO_USERNAME, LABEL_STUDIO_PASSWORD and LABEL_STUDIO_API_KEY. Secrets are never printed.
"""

from __future__ import annotations

import argparse
import os
import signal
import sys
from collections.abc import Sequence
from pathlib import Path

from ..corpus import load_corpus
from ..jsonio import atomic_write_text
from ..labels import LabelSet
from ..project import Project
from . import add_root, guarded

DEFAULT_PROJECT = "newsspans"


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsspans studio", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    sub = p.add_subparsers(dest="cmd", required=True)
    c = sub.add_parser("config", help="print the labeling config generated from schema/labels.json")
    add_root(c)
    c.add_argument("-o", "--output", type=Path, help="write it to this file instead of stdout")
    s = sub.add_parser("push", help="import documents as tasks, optionally with pre-annotations")
    add_root(s)
    s.add_argument("--project", default=DEFAULT_PROJECT, help="project title (created if missing; default: %(default)s)")
    pick = s.add_argument_group("documents (at least one; they combine)")
    pick.add_argument("--split", help="train, dev, test (corpus/splits.json) or all")
    pick.add_argument("--id", action="append", default=[], metavar="DOC_ID", help="a doc id (repeatable)")
    pick.add_argument("--glob", action="append", default=[], metavar="PATTERN", help="doc ids matching this shell pattern, e.g. 'nsp-b1-*' (repeatable)")
    pre = s.add_argument_group("pre-annotations")
    pre.add_argument("--predictions", metavar="gold|FILE.jsonl", help="'gold', or an exchange-format prediction file")
    pre.add_argument("--model", help="model_version shown in Label Studio (default: 'gold' or the file's stem)")
    s.add_argument("--replace-config", action="store_true", help="install the config from labels.json even if it drops labels the project has")
    g = sub.add_parser("pull", help="write annotations to annotations/by-annotator/<annotator>/<doc_id>.json")
    add_root(g)
    g.add_argument("--project", default=DEFAULT_PROJECT, help="project title (default: %(default)s)")
    g.add_argument("--from-export", type=Path, metavar="FILE", help="read a saved Label Studio JSON export instead of a server")
    g.add_argument("--user", action="append", default=[], metavar="KEY=NAME", help="annotator NAME for a user id, email or username (repeatable)")
    g.add_argument("--overwrite", action="store_true", help="also replace files that were not pulled from Label Studio")
    g.add_argument("--dry-run", action="store_true", help="check and report, write nothing")
    g.add_argument("--offsets", choices=["auto", "code-points", "utf-16"], default="auto",
                   help="how region offsets count: auto (code points, else UTF-16 as older versions wrote), or force one (default: %(default)s)")
    v = sub.add_parser("serve", help="run a local Label Studio on 127.0.0.1 (Ctrl-C stops it)")
    v.add_argument("--data-dir", type=Path, required=True, help="folder for Label Studio's database and files (created if missing)")
    v.add_argument("--port", type=int, default=8080, help="port (default: %(default)s)")
    v.add_argument("--timeout", type=float, default=300, help="seconds to wait for start-up (default: %(default)s)")
    return p


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    from ..labelstudio.client import DEFAULT_URL, studio_errors

    url = os.environ.get("LABEL_STUDIO_URL") or DEFAULT_URL
    with studio_errors(url):
        return {"config": config, "push": push, "pull": pull, "serve": serve}[args.cmd](args)


def _studio():  # type: ignore[no-untyped-def]
    from ..labelstudio.client import DEFAULT_URL, Studio

    studio = Studio(os.environ.get("LABEL_STUDIO_URL") or DEFAULT_URL, os.environ.get("LABEL_STUDIO_API_KEY") or None)
    studio.check()
    return studio


def config(args: argparse.Namespace) -> int:
    from ..labelstudio.config import build_config

    xml = build_config(LabelSet.load(Project.find(args.root).labels_path))
    if args.output is None:
        sys.stdout.write(xml)
    else:
        atomic_write_text(args.output, xml)
        print(f"wrote {args.output}", file=sys.stderr)
    return 0


def push(args: argparse.Namespace) -> int:
    from ..labelstudio import push as lib

    corpus = load_corpus(Project.find(args.root))
    doc_ids = lib.select_documents(corpus, split=args.split, ids=args.id, globs=args.glob)
    preds = None
    if args.predictions == lib.GOLD:
        preds = lib.gold_predictions(corpus) if args.model is None else lib.Predictions(args.model, dict(corpus.gold))
    elif args.predictions:
        preds = lib.file_predictions(Path(args.predictions), args.model)
    r = lib.push(_studio(), corpus, args.project, doc_ids, preds, replace_config=args.replace_config)
    for line in r.skipped:
        print(f"pre-annotation skipped: {line}", file=sys.stderr)
    for line in r.refused:
        print(f"refused: {line}", file=sys.stderr)
    state = "created" if r.project_created else "config updated" if r.config_updated else "existing"
    pre = f", {len(r.predictions)} pre-annotated ({preds.model_version})" if preds else ""
    print(f"project {args.project!r} (id {r.project_id}, {state}): {len(r.created)} tasks created, {len(r.unchanged)} unchanged, "
          f"{len(r.updated)} updated{pre}, {len(r.refused)} refused")
    return 1 if r.refused else 0


def pull(args: argparse.Namespace) -> int:
    from ..labelstudio import pull as lib

    corpus = load_corpus(Project.find(args.root))
    offsets = {"auto": "auto", "code-points": "code points", "utf-16": "UTF-16"}[args.offsets]
    options = {"overrides": lib.parse_user_overrides(args.user), "overwrite": args.overwrite, "dry_run": args.dry_run, "offsets": offsets}
    if args.from_export is not None:
        r = lib.pull_export(corpus, args.from_export, **options)
    else:
        r = lib.pull_project(_studio(), corpus, args.project, **options)
    for kind, notices in (("refused", r.refused), ("draft", r.drafts), ("skipped", r.skipped), ("warning", r.warnings)):
        for notice in notices:
            print(f"{kind}: {notice.render()}", file=sys.stderr)
    refused = len({(n.doc_id, n.annotator, n.task) for n in r.refused})
    verb = "would write" if args.dry_run else "wrote"
    print(f"{verb} {len(r.written)} file(s), {len(r.unchanged)} unchanged; {refused} annotation(s) refused; "
          f"not merged: {len(r.drafts)} draft(s), {len(r.skipped)} skipped task(s); {len(r.warnings)} warning(s)")
    return 1 if r.refused else 0


def serve(args: argparse.Namespace) -> int:
    from ..labelstudio.client import Studio
    from ..labelstudio.errors import StudioAuthError, StudioError
    from ..labelstudio.server import Credentials, LocalServer, is_initialised

    env = os.environ
    user, password, token = (env.get(f"LABEL_STUDIO_{k}", "") for k in ("USERNAME", "PASSWORD", "API_KEY"))
    if not is_initialised(args.data_dir) and not (user and password):
        raise StudioError("a new data folder needs LABEL_STUDIO_USERNAME (an email) and LABEL_STUDIO_PASSWORD in the environment")
    server = LocalServer(args.data_dir, args.port, Credentials(user, password, token) if user and password else None, dict(env))
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))
    try:
        server.start(timeout=args.timeout)
        print(f"Label Studio is ready at {server.url} (data in {args.data_dir}, log {server.log}); Ctrl-C stops it.\n"
              f"  export LABEL_STUDIO_URL={server.url}", file=sys.stderr)
        if token:
            try:
                Studio(server.url, token).check()
            except StudioAuthError as exc:
                print(f"warning: LABEL_STUDIO_API_KEY is not accepted here ({exc}); a data folder keeps the token it was created with",
                      file=sys.stderr)
        return server.wait()
    except KeyboardInterrupt:
        return 0
    finally:
        server.stop()
