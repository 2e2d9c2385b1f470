"""`newsspans ingest`: add an article to corpus/ (normalised to NFC and \\n line ends)."""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path

from ..errors import InputError
from ..ingest import ingest
from ..jsonio import read_json
from ..project import Project
from . import add_root, guarded


@guarded
def main(argv: Sequence[str] | None = None) -> int:
    p = argparse.ArgumentParser(prog="newsspans ingest", description=__doc__)
    add_root(p)
    p.add_argument("text", type=Path, help="UTF-8 text file")
    p.add_argument("--id", required=True, help="doc id (^[a-z0-9][a-z0-9._-]{0,127}$)")
    p.add_argument("--meta", type=Path, required=True, help="JSON file with the document metadata (see schema/document.schema.json)")
    p.add_argument("--overwrite", action="store_true", help="replace an existing document (refused if it is annotated and the text differs)")
    args = p.parse_args(argv)
    try:
        raw = args.text.read_bytes().decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputError(f"cannot read as UTF-8: {exc}", file=str(args.text)) from None
    path = ingest(Project.find(args.root), args.id, raw, read_json(args.meta), overwrite=args.overwrite)
    print(f"wrote {path}")
    return 0
