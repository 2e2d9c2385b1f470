"""Benchmark: the scorer against nervaluate and seqeval, each as a whole process on the same files.

Ours: all four modes, per-label counts and 1,000-sample bootstrap CIs (seed 0).
nervaluate: its Evaluator (four modes, per type). seqeval: strict IOB2 classification report.
Prints median wall and CPU time, throughput ratios, peak RSS of the largest process (ru_maxrss) and the
peak PSS summed over the process tree (the scorer forks a worker; sampled in one extra run, since sampling
takes CPU from the measured processes); then the scaling checks (100,000 documents; one document with
20,000 spans).

Usage: python eval/bench/bench_score.py [--docs 20000] [--skip-peers] [--scale]
"""

from __future__ import annotations

import argparse
import compileall
import os
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from common import REPO
from make_span_files import write_files

HERE = Path(__file__).resolve().parent


@dataclass
class Run:
    wall: float  # seconds
    cpu: float  # user + system seconds, the process and its children
    rss: float  # peak RSS of the largest single process, MB (what ru_maxrss reports)
    tree_pss: float  # peak sum of PSS over the process and its children, sampled every 10 ms, MB


def _tree(pid: int) -> list[int]:
    """`pid` and its descendants (from /proc/*/stat)."""
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                fields = Path(f"/proc/{entry}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(fields[1]), []).append(int(entry))
    out, todo = [], [pid]
    while todo:
        p = todo.pop()
        out.append(p)
        todo += parents.get(p, [])
    return out


def _pss_mb(pids: list[int]) -> float:
    total = 0
    for p in pids:
        try:
            for line in Path(f"/proc/{p}/smaps_rollup").read_text().splitlines():
                if line.startswith("Pss:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


def run_once(cmd: list[str], env: dict[str, str] | None = None, sample: bool = False) -> Run:
    """Time one child process (wait4 gives its CPU time and peak RSS, descendants included); with `sample`,
    also sample its tree's PSS (a thread reading /proc every 10 ms: it takes CPU from the measured
    processes, so timed runs do not sample)."""
    peak = [0.0]
    with tempfile.TemporaryFile() as out, tempfile.TemporaryFile() as err:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, stdout=out, stderr=err, env={**os.environ, **(env or {})})
        done = threading.Event()

        def sample_pss() -> None:
            while not done.is_set():
                peak[0] = max(peak[0], _pss_mb(_tree(proc.pid)))
                done.wait(0.01)

        sampler = threading.Thread(target=sample_pss, daemon=True)
        if sample and Path("/proc/self/smaps_rollup").exists():
            sampler.start()
        _, status, usage = os.wait4(proc.pid, 0)
        wall = time.perf_counter() - start
        done.set()
        proc.returncode = os.waitstatus_to_exitcode(status)
        if proc.returncode not in (0, 1):
            err.seek(0)
            raise SystemExit(f"{cmd[1]} failed ({proc.returncode}): {err.read()[-2000:].decode(errors='replace')}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024, peak[0])


def run(cmd: list[str], repeat: int, env: Callable[[int], dict[str, str]] | None = None) -> Run:
    """Median wall and CPU time of `repeat` runs (env(i): environment of run i), the largest peak RSS seen,
    and the tree's peak PSS from one more run that samples it."""
    runs = [run_once(cmd, env(i) if env else None) for i in range(repeat)]
    sampled = run_once(cmd, env(repeat) if env else None, sample=True)
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs), max(r.rss for r in [*runs, sampled]),
               sampled.tree_pss)


def line(name: str, r: Run, n_docs: int, what: str) -> str:
    return (f"{name:<11} {r.wall:6.2f} s  cpu {r.cpu:6.2f} s  {n_docs / r.wall:8.0f} docs/s  peak RSS {r.rss:5.0f} MB"
            f"  tree PSS {r.tree_pss:5.0f} MB  ({what})")


def ours(folder: Path, bootstrap: int = 1000) -> list[str]:
    return [sys.executable, str(REPO / "eval" / "score.py"), "--gold", str(folder / "gold.jsonl"), "--pred", str(folder / "pred.jsonl"),
            "--layer", "entities", *(f"--mode={m}" for m in ("strict", "exact", "partial", "type")),
            "--bootstrap", str(bootstrap), "--seed", "0", "--json", str(folder / "report.json")]


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--docs", type=int, default=20_000)
    p.add_argument("--repeat", type=int, default=3, help="runs per tool; medians are reported (default: %(default)s)")
    p.add_argument("--skip-peers", action="store_true")
    p.add_argument("--scale", action="store_true", help="also run 100,000 documents and one 20,000-span document")
    args = p.parse_args()
    # bytecode for our package, as pip writes it for the peers' (an editable install under
    # PYTHONDONTWRITEBYTECODE would otherwise recompile every module on every run)
    compileall.compile_dir(str(REPO / "src"), quiet=1)
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp) / "main"
        n = write_files(folder, args.docs)
        print(f"{args.docs} documents, {n['gold']} gold and {n['pred']} predicted spans (entities layer); median of {args.repeat} runs")
        cold = run(ours(folder), args.repeat, lambda i: {"NEWSSPANS_CACHE_DIR": f"{tmp}/cache-cold-{i}"})
        print(line("newsspans", cold, args.docs, "cold: gold file read and checked, 4 modes, per label, 1,000-sample CIs, JSON report"))
        run_once(ours(folder), {"NEWSSPANS_CACHE_DIR": f"{tmp}/cache-warm"})
        warm = run(ours(folder), args.repeat, lambda i: {"NEWSSPANS_CACHE_DIR": f"{tmp}/cache-warm"})
        print(line("newsspans", warm, args.docs, "warm: the same with the checked gold from goldcache"))
        r_ours = cold
        if not args.skip_peers:
            r_nv = run([sys.executable, str(HERE / "run_nervaluate.py"), str(folder / "gold.jsonl"), str(folder / "pred.jsonl")], args.repeat)
            print(line("nervaluate", r_nv, args.docs, "4 modes, per type, no CIs"))
            r_sq = run([sys.executable, str(HERE / "run_seqeval.py"), str(folder / "gold.conll"), str(folder / "pred.conll")], args.repeat)
            print(line("seqeval", r_sq, args.docs, "strict IOB2 only, per type, no CIs"))
            for name, r in (("cold", cold), ("warm", warm)):
                print(f"{name} vs nervaluate: throughput {r_nv.wall / r.wall:.1f}x (target >= 8x), CPU time {r_nv.cpu / r.cpu:.1f}x; "
                      f"peak RSS {r.rss / r_nv.rss:.2f} (target <= 0.33), tree PSS {r.tree_pss / r_nv.tree_pss:.2f}")
            print(f"cold vs seqeval:    throughput {r_sq.wall / r_ours.wall:.1f}x, CPU time {r_sq.cpu / r_ours.cpu:.1f}x; "
                  f"peak RSS {r_ours.rss / r_sq.rss:.2f}, tree PSS {r_ours.tree_pss / r_sq.tree_pss:.2f}")
        if args.scale:
            big = Path(tmp) / "big"
            nb = write_files(big, 5 * args.docs, seed=1)
            r_big = run(ours(big), 1, lambda i: {"NEWSSPANS_CACHE_DIR": f"{tmp}/cache-big-{i}"})  # cold, like the 20,000-document figure
            print(f"scaling (cold): {5 * args.docs} documents ({nb['gold']} gold spans) {r_big.wall:.2f} s = {r_big.wall / r_ours.wall:.2f}x the time of "
                  f"{args.docs} (linear: 5.0x); peak RSS {r_big.rss:.0f} MB")
            long = Path(tmp) / "long"
            nl = write_files(long, 1, long_doc=18_000, seed=2)
            r_long = run(ours(long), args.repeat, lambda i: {"NEWSSPANS_CACHE_DIR": f"{tmp}/cache-long-{i}"})
            short = Path(tmp) / "short"  # about as many spans, in documents of the usual size: the same fixed costs
            ns = write_files(short, round(nl["gold"] * args.docs / n["gold"]), seed=2)
            r_short = run(ours(short), args.repeat, lambda i: {"NEWSSPANS_CACHE_DIR": f"{tmp}/cache-short-{i}"})
            per_long = r_long.wall / nl["gold"]
            per_short = r_short.wall / ns["gold"]
            print(f"one document (cold) with {nl['gold']} gold spans: {r_long.wall:.2f} s, {1e6 * per_long:.1f} us/span vs "
                  f"{1e6 * per_short:.1f} us/span for {ns['gold']} spans in short documents: ratio {per_long / per_short:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
