"""`python scripts/split.py`: the same as `newsspans split` (works without installing the package)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsspans.commands.split import main

if __name__ == "__main__":
    sys.exit(main())
