#!/usr/bin/env bash
# Set up everything the tests need (all extras, the Label Studio server, headless Chromium)
# and run the whole test suite. Extra arguments go to pytest.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/setup.sh dev studio studio-server hub ml stats
if ! command -v chromium >/dev/null 2>&1 && [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
  (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null) \
    || echo "warning: could not install chromium; browser tests will be skipped" >&2
fi
.venv/bin/ruff check src scripts eval tests
.venv/bin/python -m pytest -q "$@"
