"""`newsspans score` (also `eval/score.py`, `newsspans-score`): grade predictions against the gold corpus.

Exit status: 0 scored; 1 scored, but some input was rejected (--skip-invalid); 2 refused (invalid
input without --skip-invalid, or a usage error).
"""

from __future__ import annotations

import argparse
import gc
import os
import sys
import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

from ..jsonio import atomic_write_text, atomic_write_with
from ..labels import LabelSet
from ..project import Project
from ..scoring.modes import ALL_MODES, RELATIONS
from ..scoring.parallel import pin_blas_threads
from ..scoring.prefetch import Reading, fast_path_applies, start_reading
from . import add_root, guarded


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="newsspans score", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_root(p)
    io = p.add_argument_group("input")
    io.add_argument("--pred", type=Path, required=True, help="predictions (exchange-format JSONL unless --pred-format)")
    io.add_argument("--gold", default=None, help="gold JSONL in the exchange format (default: the bundled gold corpus)")
    io.add_argument("--split", default=None, help="split of the bundled corpus: train, dev, test or all (default: test if splits exist)")
    io.add_argument("--pred-format", default="jsonl", help="jsonl, conll, brat, labelstudio, spacy, text (default: %(default)s)")
    io.add_argument("--gold-format", default="jsonl", help="format of --gold (default: %(default)s)")
    io.add_argument("--format-option", action="append", default=[], metavar="KEY=VALUE",
                    help="reader option, e.g. scheme=BIOES or align=all (repeatable; see docs/formats.md)")
    io.add_argument("--compare", type=Path, default=None, metavar="OTHER_PRED", help="second system: paired bootstrap and randomisation tests")
    io.add_argument("--skip-invalid", action="store_true", help="score the valid input, record every rejected line (exit 1)")
    what = p.add_argument_group("what to score")
    what.add_argument("--layer", action="append", default=None, help="layer to score (repeatable; default: all layers and relations)")
    what.add_argument("--mode", action="append", default=None, choices=ALL_MODES, help="mode (repeatable; default: all)")
    stats = p.add_argument_group("statistics")
    stats.add_argument("--bootstrap", type=int, default=1000, help="bootstrap samples for 95%% CIs and tests (default: %(default)s; 0: none)")
    stats.add_argument("--seed", type=int, default=0, help="random seed (default: %(default)s)")
    out = p.add_argument_group("output")
    out.add_argument("--json", type=Path, default=None, metavar="OUT", help="write the JSON report here ('-': stdout)")
    out.add_argument("--markdown", action="store_true", help="print Markdown tables instead of the text table")
    out.add_argument("--html", type=Path, default=None, metavar="OUT", help="write the HTML error report here")
    out.add_argument("--errors", action="store_true", help="include the full error listing in the JSON report")
    return p


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    pin_blas_threads()  # one OpenBLAS thread (see there); takes effect only if numpy is not imported yet
    gc.freeze()  # the scorer builds millions of small tuples that live to the end: cyclic GC passes over them are wasted
    gc.disable()
    try:
        return run(args)
    finally:
        gc.enable()


def cli() -> None:
    """Console entry point: `main`, then exit at once (skipping the interpreter's tear-down of a large heap)."""
    code = main()
    sys.stdout.flush()
    sys.stderr.flush()
    os._exit(code)


def run(args: argparse.Namespace) -> int:
    project = Project.find(args.root)
    labels = LabelSet.load(project.labels_path)
    reading = None
    if args.gold is not None and fast_path_applies(args.pred_format, args.gold_format, bool(args.errors or args.html)):
        # big files: a child starts reading them now, while the rest of the scorer is imported
        modes = args.mode or ALL_MODES
        from ..scoring import vecparse  # noqa: F401  (numpy, imported once here: the child forked next needs it too)

        reading = start_reading(Path(args.gold), [args.pred] + ([args.compare] if args.compare else []), labels, "string" in modes)
    try:
        return _run(args, project, labels, reading)
    finally:
        if reading is not None:
            reading.child.cancel()


def _run(args: argparse.Namespace, project: Project, labels: LabelSet, reading: Reading | None) -> int:
    timer = PhaseTimer()
    from ..scoring.adapters import parse_options
    from ..scoring.api import ScoreConfig, check_config, default_layers, load_inputs, score_inputs
    from ..scoring.report import render_markdown, render_text, write_report_json

    config = ScoreConfig(layers=tuple(args.layer or default_layers(labels)), modes=tuple(args.mode or ALL_MODES), bootstrap=args.bootstrap,
                         seed=args.seed, pred_format=args.pred_format, keep_errors=bool(args.errors or args.html))
    check_config(config, labels)
    notices: list[str] = []
    options = {**parse_options(args.format_option), "notices": notices}
    span_layers = [name for name in config.layers if name != RELATIONS]
    layer = span_layers[0] if len(span_layers) == 1 else "entities"  # where token and string formats put their spans
    timer.mark("imports")
    inputs = load_inputs(project, labels, config, pred=args.pred, gold=args.gold, split=args.split, gold_format=args.gold_format,
                         compare=args.compare, options=options, layer=layer, reading=reading)
    timer.mark("read and check")
    gold, pred, other = inputs.gold, inputs.pred, inputs.other
    for message in notices:
        print(f"notice: {message}", file=sys.stderr)
    rejected = [*pred.rejected, *(other.rejected if other else ())]
    if rejected and not args.skip_invalid:
        for r in rejected:
            print(r.render(), file=sys.stderr)
        print(f"refused: {len(rejected)} problem(s) in the input; fix them or pass --skip-invalid", file=sys.stderr)
        return 2
    with tempfile.TemporaryFile("w+", encoding="utf-8") as documents:
        # a JSON report without the HTML one keeps the per-document figures as text only (memory)
        report = score_inputs(inputs, labels, config, documents_to=documents if args.json is not None and args.html is None else None,
                              release=True)
        timer.mark("score and report")
        if args.json is not None:
            if str(args.json) == "-":
                write_report_json(report, sys.stdout)
                sys.stdout.write("\n")
            else:
                atomic_write_with(args.json, lambda handle: (write_report_json(report, handle), handle.write("\n")))
    if args.html is not None:
        from ..scoring.html import render_html

        atomic_write_text(args.html, render_html(report, gold, pred, labels=labels))
    if str(args.json) != "-":
        print(render_markdown(report) if args.markdown else render_text(report))
    timer.mark("write")
    timer.report()
    return 1 if rejected else 0


class PhaseTimer:
    """Wall time per phase on stderr when NEWSSPANS_TIMING=1 (for benchmarks)."""

    def __init__(self) -> None:
        self.on = os.environ.get("NEWSSPANS_TIMING") == "1"
        self.last = time.perf_counter()
        self.phases: list[tuple[str, float, float]] = []  # name, seconds, peak RSS in MB

    def mark(self, name: str) -> None:
        now = time.perf_counter()
        self.phases.append((name, now - self.last, _peak_mb()))
        self.last = now

    def report(self) -> None:
        if self.on:
            print("timing: " + ", ".join(f"{name} {seconds:.3f} s (peak {mb:.0f} MB)" for name, seconds, mb in self.phases), file=sys.stderr)


def _peak_mb() -> float:
    try:
        import resource
    except ImportError:  # not on Windows
        return 0.0
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
