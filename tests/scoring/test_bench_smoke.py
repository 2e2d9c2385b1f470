"""The scorer benchmark still runs end to end (a smoke test on 200 documents, not a timing)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from ..conftest import REPO


def test_bench_score_runs_and_prints_every_figure(tmp_path):
    proc = subprocess.run([sys.executable, str(REPO / "eval" / "bench" / "bench_score.py"), "--docs", "200", "--repeat", "1"],
                          capture_output=True, text=True, timeout=600, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-2000:]
    out = proc.stdout
    for expected in ("cold:", "warm:", "nervaluate", "seqeval", "cold vs nervaluate: throughput", "tree PSS"):
        assert expected in out, (expected, out)


def test_timed_runs_do_not_sample_memory(monkeypatch):
    """Sampling /proc every 10 ms takes CPU from the measured processes: only the extra run samples."""
    if not Path("/proc/self/smaps_rollup").exists():
        pytest.skip("no /proc/*/smaps_rollup to sample")
    monkeypatch.syspath_prepend(str(REPO / "eval" / "bench"))
    import bench_score

    calls = []
    real = bench_score._pss_mb
    monkeypatch.setattr(bench_score, "_pss_mb", lambda pids: calls.append(pids) or real(pids))
    command = [sys.executable, "-c", "import time; time.sleep(0.3)"]
    timed = bench_score.run_once(command)
    assert calls == [] and timed.tree_pss == 0
    sampled = bench_score.run_once(command, sample=True)
    assert calls and sampled.tree_pss > 0
