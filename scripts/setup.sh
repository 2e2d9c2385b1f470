#!/usr/bin/env bash
# Create .venv (if missing) and install newsspans with the given extras, e.g. `scripts/setup.sh dev hub`.
# Needs only Python 3.11+. Safe to run again: pip skips what is already installed.
set -euo pipefail
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}
if ! "$PY" -c 'import sys; sys.exit(sys.version_info < (3, 11))' 2>/dev/null; then
  echo "newsspans needs Python 3.11 or newer (found: $("$PY" --version 2>&1))" >&2
  exit 2
fi
if [ ! -x .venv/bin/python ]; then
  "$PY" -m venv .venv
  .venv/bin/python -m pip install -q --upgrade pip
fi
extras=$(IFS=,; echo "$*")
.venv/bin/python -m pip install -q -e ".${extras:+[$extras]}"
# Bytecode for the package, as a non-editable install would have: with PYTHONDONTWRITEBYTECODE set,
# an editable install otherwise recompiles every module at each start (0.1 s per scorer run here).
.venv/bin/python -m compileall -q src >/dev/null
