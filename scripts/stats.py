"""`python scripts/stats.py`: the same as `newsspans stats` (works without installing the package).

`--page` regenerates docs/STATS.md and docs/stats/*.png; `--check` exits 1 when the page is stale.
"""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsspans.commands.stats import main

if __name__ == "__main__":
    sys.exit(main())
