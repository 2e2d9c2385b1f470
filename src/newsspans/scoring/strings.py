"""String-level scoring: per document, the set of unique (normalised surface text, label) pairs.

For extractors that emit no offsets (most LLM pipelines). Normalisation: Unicode NFKC, case-folded,
curly quotes and apostrophes made straight, whitespace collapsed, surrounding punctuation and a
leading English article ("the", "a", "an") removed. "the United Kingdom" and "United Kingdom" agree;
"U.S." and "US" do not.
"""

from __future__ import annotations

import functools
import re
import unicodedata

_QUOTES = str.maketrans({"‘": "'", "’": "'", "“": '"', "”": '"', "«": '"', "»": '"'})
_SPACE = re.compile(r"\s+")
_EDGE = re.compile(r"^[\s\"'()\[\]{},;:!?.]+|[\s\"'()\[\]{},;:!?]+$")
_ARTICLE = re.compile(r"^(the|a|an)\s+")
_POSSESSIVE = re.compile(r"'s?$")


@functools.lru_cache(maxsize=1 << 16)
def normalise_surface(text: str) -> str:
    """The comparison key of a surface string (see module docstring)."""
    out = unicodedata.normalize("NFKC", text).translate(_QUOTES).casefold()
    out = _SPACE.sub(" ", out).strip()
    out = _EDGE.sub("", out)
    out = _ARTICLE.sub("", out)
    return _POSSESSIVE.sub("", out).strip()
