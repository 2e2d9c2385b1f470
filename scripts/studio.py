#!/usr/bin/env python3
"""`python scripts/studio.py config|push|pull|serve ...`: the Label Studio loop (same as `newsspans studio`)."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsspans.commands.studio import main

if __name__ == "__main__":
    sys.exit(main())
