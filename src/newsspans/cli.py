"""`newsspans COMMAND ...`: one entry point for every command line."""

from __future__ import annotations

import importlib
import sys
from collections.abc import Sequence

COMMANDS = {
    "validate": "Check corpus, annotations, splits and prediction files (levels 1-4).",
    "export": "Write gold annotations in the exchange format (JSONL).",
    "ingest": "Add an article to corpus/.",
    "draft": "Write annotations by surface text; resolve them to offsets.",
    "stats": "Print corpus statistics; --page regenerates docs/STATS.md, --check tests it.",
    "lint": "Consistency checks over the gold: label variation, unlabelled occurrences, token boundaries, edge punctuation.",
    "score": "Score predictions against the gold corpus.",
    "agreement": "Inter-annotator agreement; rewrites annotations/AGREEMENT.md.",
    "split": "Draw, freeze or re-freeze train/dev/test (corpus/splits.json).",
    "adjudicate": "Merge annotators' files into gold, listing and logging every decision.",
    "studio": "Label Studio: labeling config, push tasks, pull annotations, serve (needs the studio extra).",
    "hub": "Build, rehydrate and publish the Hugging Face Hub release (needs the hub extra).",
}


def main(argv: Sequence[str] | None = None) -> int:
    args = list(sys.argv[1:] if argv is None else argv)
    if not args or args[0] in {"-h", "--help"} or args[0] not in COMMANDS:
        width = max(map(len, COMMANDS))
        print("usage: newsspans COMMAND [ARGS]\n\ncommands:")
        for name, text in COMMANDS.items():
            print(f"  {name:<{width}}  {text}")
        return 0 if args and args[0] in {"-h", "--help"} else 2
    module = importlib.import_module(f"newsspans.commands.{args[0]}")
    return int(module.main(args[1:]))


if __name__ == "__main__":
    sys.exit(main())
