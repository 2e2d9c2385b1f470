"""Benchmark: the scorer against nervaluate and seqeval, each as a whole process on the same files.

Ours: all four modes, per-label counts and 1,000-sample bootstrap CIs (seed 0).
nervaluate: its Evaluator (four modes, per type). seqeval: strict IOB2 classification report.
Prints wall time, throughput ratios and peak RSS; then the scaling checks (100,000 documents; one
document with 20,000 spans).

Usage: python eval/bench/bench_score.py [--docs 20000] [--skip-peers] [--scale]
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from common import REPO
from make_span_files import write_files

HERE = Path(__file__).resolve().parent


def run(cmd: list[str]) -> tuple[float, float, str]:
    """(wall seconds, peak RSS MB, stdout) of one child process."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    out, err = proc.stdout.read(), proc.stderr.read()
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode not in (0, 1):
        raise SystemExit(f"{cmd[1]} failed ({proc.returncode}): {err[-2000:]}")
    return wall, usage.ru_maxrss / 1024, out


def ours(folder: Path, bootstrap: int = 1000) -> list[str]:
    return [sys.executable, str(REPO / "eval" / "score.py"), "--gold", str(folder / "gold.jsonl"), "--pred", str(folder / "pred.jsonl"),
            "--layer", "entities", *(f"--mode={m}" for m in ("strict", "exact", "partial", "type")),
            "--bootstrap", str(bootstrap), "--seed", "0", "--json", str(folder / "report.json")]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--docs", type=int, default=20_000)
    p.add_argument("--skip-peers", action="store_true")
    p.add_argument("--scale", action="store_true", help="also run 100,000 documents and one 20,000-span document")
    args = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "main"
        n = write_files(folder, args.docs)
        print(f"{args.docs} documents, {n['gold']} gold and {n['pred']} predicted spans (entities layer)")
        t_ours, rss_ours, _ = run(ours(folder))
        print(f"newsspans   {t_ours:7.2f} s  {args.docs / t_ours:9.0f} docs/s  peak RSS {rss_ours:6.0f} MB  (4 modes, per label, 1,000-sample CIs)")
        if not args.skip_peers:
            t_nv, rss_nv, _ = run([sys.executable, str(HERE / "run_nervaluate.py"), str(folder / "gold.jsonl"), str(folder / "pred.jsonl")])
            print(f"nervaluate  {t_nv:7.2f} s  {args.docs / t_nv:9.0f} docs/s  peak RSS {rss_nv:6.0f} MB  (4 modes, per type, no CIs)")
            t_sq, rss_sq, _ = run([sys.executable, str(HERE / "run_seqeval.py"), str(folder / "gold.conll"), str(folder / "pred.conll")])
            print(f"seqeval     {t_sq:7.2f} s  {args.docs / t_sq:9.0f} docs/s  peak RSS {rss_sq:6.0f} MB  (strict IOB2 only, per type, no CIs)")
            print(f"throughput ratio vs nervaluate: {t_nv / t_ours:.1f}x (target >= 8x); RSS ratio: {rss_ours / rss_nv:.2f} (target <= 0.33)")
            print(f"throughput ratio vs seqeval:    {t_sq / t_ours:.1f}x; RSS ratio: {rss_ours / rss_sq:.2f}")
        if args.scale:
            big = Path(tmp) / "big"
            nb = write_files(big, 5 * args.docs, seed=1)
            t_big, rss_big, _ = run(ours(big))
            print(f"scaling: {5 * args.docs} documents ({nb['gold']} gold spans) {t_big:.2f} s = {t_big / t_ours:.2f}x the time of "
                  f"{args.docs} (linear: 5.0x); peak RSS {rss_big:.0f} MB")
            long = Path(tmp) / "long"
            nl = write_files(long, 1, long_doc=18_000, seed=2)
            t_long, _, _ = run(ours(long, bootstrap=1000))
            per_long = t_long / nl["gold"]
            per_short = t_ours / n["gold"]
            print(f"one document with {nl['gold']} gold spans: {t_long:.2f} s, {1e6 * per_long:.1f} us/span vs {1e6 * per_short:.1f} us/span "
                  f"for short documents: ratio {per_long / per_short:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
