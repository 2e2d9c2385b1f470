"""Text normalisation at ingest and the content hash that pins annotations to a text."""

from __future__ import annotations

import hashlib
import unicodedata


def normalise(text: str) -> str:
    """Return `text` in Unicode NFC with `\\n` line ends (CRLF and lone CR converted).

    Applied once, at ingest. Stored text is never normalised again.
    """
    return unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))


def is_normalised(text: str) -> bool:
    """True when `text` is NFC and contains no carriage return."""
    return "\r" not in text and unicodedata.is_normalized("NFC", text)


def text_sha256(text: str) -> str:
    """SHA-256 hex digest of the UTF-8 encoding of `text`."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def utf16_index(text: str) -> list[int]:
    """For each UTF-16 code-unit offset 0..len16 the code-point offset, or -1 inside a surrogate pair.

    Browsers and Label Studio before 1.x count UTF-16 code units; this maps their offsets back.
    """
    out: list[int] = []
    for i, ch in enumerate(text):
        out.append(i)
        if ord(ch) > 0xFFFF:
            out.append(-1)
    out.append(len(text))
    return out
