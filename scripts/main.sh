#!/usr/bin/env bash
# The main job on the bundled corpus: set up (with scikit-learn), validate every file, print corpus
# statistics, run the three baselines over the test split and score them (eval/leaderboard.py: prints
# the leaderboard, writes predictions and JSON reports to out/leaderboard/, touches no tracked file),
# then write the HTML error report of the best baseline to out/report.html.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh ml
.venv/bin/newsspans validate
.venv/bin/newsspans stats
.venv/bin/python eval/leaderboard.py --dry-run --out out/leaderboard
best=$(cat out/leaderboard/best.txt)
.venv/bin/newsspans score --pred "out/leaderboard/$best.test.jsonl" --split test --html out/report.html > out/report.txt
echo "HTML error report of the best baseline ($best): out/report.html (its score table: out/report.txt)"
