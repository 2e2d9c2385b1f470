"""`python eval/score.py --pred PRED ...`: the scorer's command line (same as `newsspans score`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsspans.commands.score import cli

if __name__ == "__main__":
    cli()
