#!/usr/bin/env bash
# The main job on the bundled corpus: set up, validate every file, print corpus statistics.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh
.venv/bin/newsspans validate
.venv/bin/newsspans stats
