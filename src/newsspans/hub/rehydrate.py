"""`rehydrate`: put a withheld text back into a local release, from a copy the user supplies and we verify."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pyarrow as pa
import pyarrow.parquet as pq

from ..errors import InputError, IntegrityError
from ..textnorm import normalise, text_sha256
from .configs import DEFAULT_CONFIG
from .folder import ReleaseFolder, write_parquet
from .standoff import set_row_text


def verified_text(doc_id: str, raw: str, expected_sha256: str) -> str:
    """`raw` normalised as at ingest (NFC, `\\n`), if its SHA-256 is `expected_sha256`.

    A single trailing line end that the stored text lacks is forgiven (editors add one).

    Raises:
        IntegrityError: the copy is another text.
    """
    text = normalise(raw)
    for candidate in (text, text[:-1] if text.endswith("\n") else None):
        if candidate is not None and text_sha256(candidate) == expected_sha256:
            return candidate
    raise IntegrityError(f"refusing {doc_id}: the copy's SHA-256 is {text_sha256(text)[:16]}..., the release expects "
                         f"{expected_sha256[:16]}... (after NFC and \\n normalisation): it is not the annotated text")


def rehydrate(out_dir: Path, copies: Mapping[str, str]) -> dict[str, int]:
    """Restore the text of the documents in `copies` (doc id -> raw text) in every shard of `out_dir`.

    Every copy is verified before any file changes; files are replaced atomically.

    Returns:
        Rows restored per doc id.

    Raises:
        InputError: not a release folder, or a doc id the release does not hold.
        IntegrityError: a copy whose hash differs from the document's `text_sha256`.
    """
    folder = ReleaseFolder.open(out_dir)
    hashes = {row["id"]: row["text_sha256"] for row in folder.rows(DEFAULT_CONFIG)}
    unknown = sorted(set(copies) - set(hashes))
    if unknown:
        raise InputError(f"the release holds no document {', '.join(unknown)}", field="--text")
    texts = {doc_id: verified_text(doc_id, raw, hashes[doc_id]) for doc_id, raw in copies.items()}
    restored = dict.fromkeys(texts, 0)
    for paths in folder.shards.values():
        for rel in paths:
            path = folder.root / rel
            table = pq.read_table(path)
            rows = table.to_pylist()
            hits = [row for row in rows if row["id"] in texts]
            for row in hits:
                set_row_text(row, texts[row["id"]])
                restored[row["id"]] += 1
            if hits:
                write_parquet(pa.Table.from_pylist(rows, schema=table.schema), path)
    return restored
