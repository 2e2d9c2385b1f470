"""The leaderboard contract: the README table and eval/LEADERBOARD.md are what eval/leaderboard.py writes.

This runs every baseline on the real corpus's test split (training the learned tagger), exactly as
`python eval/leaderboard.py --check` does: about half a minute. When it fails, run
`python eval/leaderboard.py` and commit README.md and eval/LEADERBOARD.md.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from eval import leaderboard
from newsspans.errors import InputError

pytest.importorskip("sklearn")


@pytest.mark.slow
def test_readme_and_leaderboard_are_current(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    status = leaderboard.main(["--check", "--out", str(tmp_path), "--quiet"])
    err = capsys.readouterr().err
    assert status == 0, f"stale leaderboard; run `python eval/leaderboard.py`:\n{err}"
    assert (tmp_path / "best.txt").read_text(encoding="utf-8").strip() in {"gazetteer", "rules", "learned"}
    assert sorted(p.name for p in tmp_path.glob("*.report.json")) == [f"{n}.test.report.json" for n in ("gazetteer", "learned", "rules")]


def test_replace_block_and_staleness(tmp_path: Path) -> None:
    readme = f"# x\n\n## Baselines\n{leaderboard.START}\nold table\n{leaderboard.END}\n\nafter\n"
    new = leaderboard.replace_block(readme, "| new |")
    assert new == f"# x\n\n## Baselines\n{leaderboard.START}\n| new |\n{leaderboard.END}\n\nafter\n"
    assert leaderboard.replace_block(new, "| new |") == new
    with pytest.raises(InputError, match="markers"):
        leaderboard.replace_block("# no markers\n", "| t |")
    path = tmp_path / "README.md"
    path.write_text(new, encoding="utf-8")
    assert leaderboard.stale(path, new) == []
    assert leaderboard.stale(path, readme) != []
