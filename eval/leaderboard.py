"""`python eval/leaderboard.py`: run every baseline on the test split, score it, write the leaderboard.

Each baseline is fitted (train gold, dev for tuning) and run over the test split; its predictions
are written to --out and scored with the library (`newsspans.scoring.api.score`: every layer and
the relations, every mode, 1,000 bootstrap samples, seed 0). Writes:

- eval/LEADERBOARD.md: per baseline and layer, strict and partial P/R/F1 with 95% CIs, the labels
  with the most errors, the dev tuning grid, the signature;
- the table between `<!-- leaderboard:start -->` and `<!-- leaderboard:end -->` in README.md;
- eval/TIMINGS.md: training and inference wall times and model sizes (they vary between runs and
  machines, so --check ignores this file);
- under --out: one prediction file and one JSON report per baseline, and best.txt (the baseline
  with the highest mean strict F1 over the span layers).

Modes: default writes the three files; --check writes none of them and exits 1 when README.md or
eval/LEADERBOARD.md differ from what it would write; --dry-run writes none of them and only says
whether they are up to date. Exit status: 0 written (or up to date), 1 stale (--check), 2 refused.
"""

from __future__ import annotations

import argparse
import difflib
import json
import platform
import sys
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
for entry in (REPO, REPO / "src"):
    if str(entry) not in sys.path:
        sys.path.insert(0, str(entry))

from eval.baselines.base import FitInfo, run_baseline  # noqa: E402
from eval.baselines.registry import BASELINES, DESCRIPTIONS, make  # noqa: E402
from newsspans.commands import add_root, guarded  # noqa: E402
from newsspans.corpus import load_corpus, write_exchange  # noqa: E402
from newsspans.errors import InputError  # noqa: E402
from newsspans.jsonio import atomic_write_text  # noqa: E402
from newsspans.project import Project  # noqa: E402
from newsspans.scoring.api import ScoreConfig, default_layers, load_gold, load_predictions, score  # noqa: E402
from newsspans.scoring.engine import ALL_MODES, RELATIONS  # noqa: E402

SPLIT = "test"
BOOTSTRAP = 1000
SEED = 0
TABLE_MODES = ("strict", "partial")
START, END = "<!-- leaderboard:start -->", "<!-- leaderboard:end -->"
WORST_LABELS = 3


@dataclass(frozen=True, slots=True)
class Entry:
    """One baseline's run and its score report."""

    name: str
    fit: FitInfo
    train_seconds: float
    predict_seconds: float
    report: Mapping[str, Any]


def run_all(project: Project, out_dir: Path, names: Sequence[str] = tuple(BASELINES), log: Callable[[str], None] = lambda _m: None) -> list[Entry]:
    """Fit, run and score every baseline on the test split; predictions and JSON reports go to `out_dir`.

    Raises:
        InputError: when the corpus has no test split or a prediction is rejected by the scorer.
    """
    corpus = load_corpus(project)
    labels = corpus.labels
    gold, _ = load_gold(project, None, SPLIT, labels)
    config = ScoreConfig(layers=default_layers(labels), modes=ALL_MODES, bootstrap=BOOTSTRAP, seed=SEED)
    entries = []
    for name in names:
        log(f"== {name}: fitting and predicting the {SPLIT} split")
        result = run_baseline(make(name), corpus, SPLIT, log)
        path = out_dir / f"{name}.{SPLIT}.jsonl"
        write_exchange(result.records, path, overwrite=True)
        pred = load_predictions(path, gold, labels, project)
        if pred.rejected:
            raise InputError(f"{len(pred.rejected)} prediction(s) rejected, first: {pred.rejected[0].render()}", file=str(path))
        report = score(gold, pred, labels, config)
        atomic_write_text(out_dir / f"{name}.{SPLIT}.report.json", json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        log(f"   trained in {result.train_seconds:.1f} s, predicted in {result.predict_seconds:.1f} s")
        entries.append(Entry(name, result.fit, result.train_seconds, result.predict_seconds, report))
    return entries


def best(entries: Sequence[Entry]) -> str:
    """The baseline with the highest mean micro strict F1 over the span layers (ties: first listed)."""
    def mean_f1(e: Entry) -> float:
        values = [m["modes"]["strict"]["micro"]["f1"] or 0.0 for layer, m in e.report["layers"].items() if layer != RELATIONS]
        return sum(values) / len(values) if values else 0.0

    return max(entries, key=mean_f1).name


# ------------------------------------------------------------------------------------------ rendering
def pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


def with_ci(micro: Mapping[str, Any], key: str) -> str:
    ci = micro.get("ci95", {}).get(key)
    if not ci or ci[0] is None:
        return pct(micro[key])
    return f"{pct(micro[key])} [{pct(ci[0])}, {pct(ci[1])}]"


def readme_table(entries: Sequence[Entry]) -> str:
    """The README block: strict and partial micro P/R/F1 (F1 with its 95% CI) per baseline and layer."""
    lines = [f"Test split ({entries[0].report['gold']['documents']} documents), micro-averaged, 95% bootstrap CIs over documents. "
             "Generated by `python eval/leaderboard.py` (details: [eval/LEADERBOARD.md](eval/LEADERBOARD.md)); do not edit by hand.", "",
             "| baseline | layer | strict P | strict R | strict F1 [95% CI] | partial P | partial R | partial F1 [95% CI] |",
             "|---|---|---:|---:|---|---:|---:|---|"]
    for e in entries:
        for layer, entry in e.report["layers"].items():
            cells = []
            for mode in TABLE_MODES:
                m = entry["modes"].get(mode)
                cells += ["–", "–", "–"] if m is None else [pct(m["micro"]["precision"]), pct(m["micro"]["recall"]), with_ci(m["micro"], "f1")]
            lines.append(f"| {e.name} | {layer} | " + " | ".join(cells) + " |")
    lines += ["", f"Signature: `{entries[0].report['signature']}`"]
    return "\n".join(lines)


def worst_labels(layer_entry: Mapping[str, Any], mode: str = "strict", n: int = WORST_LABELS) -> list[tuple[str, Mapping[str, Any]]]:
    """Labels with the most errors (incorrect + missed + spurious) in `mode`, most first."""
    per_label = layer_entry["modes"][mode]["per_label"]
    scored = [(label, m) for label, m in per_label.items() if m["incorrect"] + m["missed"] + m["spurious"] > 0]
    return sorted(scored, key=lambda lm: (-(lm[1]["incorrect"] + lm[1]["missed"] + lm[1]["spurious"]), lm[0]))[:n]


def leaderboard_md(entries: Sequence[Entry]) -> str:
    """eval/LEADERBOARD.md: everything deterministic about the runs (no timings)."""
    out = ["# Baseline leaderboard", "",
           "Generated by `python eval/leaderboard.py` from the repository (corpus, gold, splits, code); do not edit by hand.",
           "`python eval/leaderboard.py --check` fails when this file or the README table is stale. Training and inference",
           "times are in [TIMINGS.md](TIMINGS.md).", "", "## Summary", "", readme_table(entries).replace("(eval/LEADERBOARD.md)", "(LEADERBOARD.md)"), ""]
    for e in entries:
        out += [f"## {e.name}", "", f"{DESCRIPTIONS.get(e.name, '')}. Fitted: {e.fit.description}.", ""]
        if e.fit.notes:
            out += [f"- {note}" for note in e.fit.notes] + [""]
        out += ["| layer | mode | P [95% CI] | R [95% CI] | F1 [95% CI] | COR | INC | PAR | MIS | SPU |", "|---|---|---|---|---|---:|---:|---:|---:|---:|"]
        for layer, entry in e.report["layers"].items():
            for mode in TABLE_MODES:
                if mode not in entry["modes"]:
                    continue
                m = entry["modes"][mode]["micro"]
                out.append(f"| {layer} | {mode} | {with_ci(m, 'precision')} | {with_ci(m, 'recall')} | {with_ci(m, 'f1')} | {m['correct']} |"
                           f" {m['incorrect']} | {m['partial']} | {m['missed']} | {m['spurious']} |")
        out += ["", "Labels with the most strict errors (incorrect + missed + spurious), per layer:", "",
                "| layer | label | gold | predicted | strict F1 | missed | spurious |", "|---|---|---:|---:|---:|---:|---:|"]
        for layer, entry in e.report["layers"].items():
            for label, m in worst_labels(entry):
                out.append(f"| {layer} | {label} | {m['possible']} | {m['actual']} | {pct(m['f1'])} | {m['missed']} | {m['spurious']} |")
        if e.fit.tuning:
            out += ["", "Dev tuning (strict F1 on dev; the chosen setting in bold):", "", "| component | setting | dev strict F1 |", "|---|---|---:|"]
            for row in e.fit.tuning:
                setting = f"**{row.setting}**" if row.chosen else row.setting
                out.append(f"| {row.component} | {setting} | {pct(row.dev_f1)} |")
        out += ["", f"Signature: `{e.report['signature']}`", ""]
    return "\n".join(out)


def timings_md(entries: Sequence[Entry]) -> str:
    out = ["# Baseline timings", "",
           "Written by `python eval/leaderboard.py` on its last run (not checked by `--check`: wall times vary between runs).",
           f"Machine: Python {platform.python_version()}, {platform.machine()}, {platform.system()}.", "",
           f"| baseline | training (s) | inference on {SPLIT} (s) | model size (bytes, pickled) |", "|---|---:|---:|---:|"]
    for e in entries:
        size = "–" if e.fit.model_bytes is None else f"{e.fit.model_bytes:,}"
        out.append(f"| {e.name} | {e.train_seconds:.1f} | {e.predict_seconds:.2f} | {size} |")
    return "\n".join(out) + "\n"


def replace_block(readme: str, block: str) -> str:
    """README text with the lines between the leaderboard markers replaced by `block`.

    Raises:
        InputError: when the markers are missing or out of order.
    """
    start, end = readme.find(START), readme.find(END)
    if start < 0 or end < start:
        raise InputError(f"README.md needs the markers {START} and {END} (in that order)", file="README.md")
    return readme[:start + len(START)] + "\n" + block + "\n" + readme[end:]


def stale(path: Path, expected: str) -> list[str]:
    current = path.read_text(encoding="utf-8") if path.is_file() else ""
    if current == expected:
        return []
    return list(difflib.unified_diff(current.splitlines(), expected.splitlines(), str(path), "regenerated", lineterm="", n=1))


# ------------------------------------------------------------------------------------------ command line
def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="eval/leaderboard.py", description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    add_root(p)
    mode = p.add_mutually_exclusive_group()
    mode.add_argument("--check", action="store_true", help="write nothing; exit 1 if README.md or eval/LEADERBOARD.md is stale")
    mode.add_argument("--dry-run", action="store_true", help="write nothing tracked; say whether the files are up to date")
    p.add_argument("--out", type=Path, default=None, help="predictions, JSON reports and best.txt (default: out/leaderboard under the root)")
    p.add_argument("--quiet", action="store_true", help="no progress on stderr")
    return p


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    project = Project.find(args.root)
    out_dir = args.out or project.root / "out" / "leaderboard"
    entries = run_all(project, out_dir, log=(lambda _m: None) if args.quiet else (lambda m: print(m, file=sys.stderr)))
    atomic_write_text(out_dir / "best.txt", best(entries) + "\n")
    readme_path, board_path = project.root / "README.md", project.root / "eval" / "LEADERBOARD.md"
    table = readme_table(entries)
    expected = {readme_path: replace_block(readme_path.read_text(encoding="utf-8"), table), board_path: leaderboard_md(entries)}
    print(table)
    print(f"\nbest baseline (mean strict F1 over span layers): {best(entries)}")
    if not (args.check or args.dry_run):
        for path, text in expected.items():
            atomic_write_text(path, text)
        atomic_write_text(project.root / "eval" / "TIMINGS.md", timings_md(entries))
        print(f"wrote {project.rel(readme_path)}, {project.rel(board_path)}, eval/TIMINGS.md", file=sys.stderr)
        return 0
    diffs = {path: stale(path, text) for path, text in expected.items()}
    for path, diff in diffs.items():
        if diff:
            print(f"stale: {project.rel(path)} differs from what eval/leaderboard.py writes", file=sys.stderr)
            print("\n".join(diff[:40]), file=sys.stderr)
    if not any(diffs.values()):
        print("README.md and eval/LEADERBOARD.md are up to date", file=sys.stderr)
    return 1 if args.check and any(diffs.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
