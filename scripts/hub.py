#!/usr/bin/env python3
"""Build, rehydrate and publish the Hugging Face Hub release: `newsspans hub` from a checkout."""

import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "src"))

from newsspans.commands.hub import main

if __name__ == "__main__":
    sys.exit(main())
