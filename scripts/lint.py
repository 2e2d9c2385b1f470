"""`python scripts/lint.py`: the same as `newsspans lint` (works without installing the package)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsspans.commands.lint import main

if __name__ == "__main__":
    sys.exit(main())
