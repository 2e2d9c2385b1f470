"""The tokeniser of the `ner_tokens` config: a regular expression that keeps code-point offsets.

Tokens are found by `TOKEN_RE` (see its comments), then cut wherever an entity boundary falls
inside a token ("U.S.-supplied" with the GPE "U.S." gives "U.S.", "-", "supplied"; a NAM span
ending before "’s" cuts "Korea’s" into "Korea" and "’s"), so BIO tags decode back to the exact
entity offsets. Standard library only: the tests and the scorer can use it without `datasets`.
"""

from __future__ import annotations

import itertools
import re
from collections.abc import Iterable, Sequence

from ..errors import IntegrityError

_MARKS = r"\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f"  # combining marks stay in their word
_WORD = rf"[^\W_]+(?:[{_MARKS}]+[^\W_]*)*"

TOKEN_PATTERN = rf"""
  (?:[^\W\d_]\.){{2,}}                  # abbreviation with periods: U.S. U.K. e.g.
| \d+(?:[.,:/]\d+)+                     # number with separators: 1,200 3.5 14:05 24/7
| ['’][sS](?![^\W_])                    # possessive clitic: ’s 's
| {_WORD}(?:['’](?![sS](?![^\W_])){_WORD})*   # word (letters, digits, combining marks, inner apostrophe)
| \S                                    # any other character: punctuation, hyphen, symbol, emoji
"""
TOKEN_RE = re.compile(TOKEN_PATTERN, re.VERBOSE)

Offsets = tuple[int, int]


def tokenize(text: str) -> list[Offsets]:
    """Half-open code-point offsets of the tokens of `text` (whitespace is never part of a token)."""
    return [m.span() for m in TOKEN_RE.finditer(text)]


def split_at(tokens: Iterable[Offsets], boundaries: Iterable[int]) -> list[Offsets]:
    """Cut every token at each boundary that falls strictly inside it."""
    cuts = sorted(set(boundaries))
    out: list[Offsets] = []
    i = 0
    for start, end in tokens:
        while i < len(cuts) and cuts[i] <= start:
            i += 1
        j, left = i, start
        while j < len(cuts) and cuts[j] < end:
            out.append((left, cuts[j]))
            left = cuts[j]
            j += 1
        out.append((left, end))
    return out


def bio_tags(tokens: Sequence[Offsets], spans: Iterable[tuple[int, int, str]]) -> list[str]:
    """BIO tags of `tokens` for non-overlapping `(start, end, label)` spans.

    Raises:
        IntegrityError: spans overlap, or a span boundary is not a token boundary (the tags
            would not decode back to it).
    """
    ordered = sorted(spans)
    for (s1, e1, l1), (s2, e2, l2) in itertools.pairwise(ordered):
        if s2 < e1:
            raise IntegrityError(f"named mentions overlap: [{s1}, {e1}) {l1} and [{s2}, {e2}) {l2} (guidelines 3.1)")
    tags = ["O"] * len(tokens)
    starts = {s: k for k, (s, _) in enumerate(tokens)}
    ends = {e: k for k, (_, e) in enumerate(tokens)}
    for start, end, label in ordered:
        if start not in starts or end not in ends:
            raise IntegrityError(f"span [{start}, {end}) {label} does not fall on token boundaries")
        first, last = starts[start], ends[end]
        tags[first] = f"B-{label}"
        for k in range(first + 1, last + 1):
            tags[k] = f"I-{label}"
    return tags


def decode_bio(tokens: Sequence[Offsets], tags: Sequence[str]) -> list[tuple[int, int, str]]:
    """Spans `(start, end, label)` from BIO tags; an I- tag that continues nothing starts a span (conlleval)."""
    spans: list[tuple[int, int, str]] = []
    current: list[int | str] | None = None
    for (start, end), tag in zip(tokens, tags, strict=True):
        prefix, _, label = tag.partition("-")
        if prefix == "I" and current is not None and current[2] == label:
            current[1] = end
            continue
        if current is not None:
            spans.append((int(current[0]), int(current[1]), str(current[2])))
            current = None
        if prefix in {"B", "I"}:
            current = [start, end, label]
    if current is not None:
        spans.append((int(current[0]), int(current[1]), str(current[2])))
    return spans


def ner_tokens(text: str, spans: Iterable[tuple[int, int, str]]) -> tuple[list[Offsets], list[str]]:
    """Tokens of `text` cut at the boundaries of `spans`, and their BIO tags.

    Raises:
        IntegrityError: as `bio_tags`, or when the tags do not decode back to `spans` exactly.
    """
    spans = sorted(set(spans))
    tokens = split_at(tokenize(text), [b for s, e, _ in spans for b in (s, e)])
    tags = bio_tags(tokens, spans)
    if decode_bio(tokens, tags) != spans:
        raise IntegrityError("BIO tags do not decode back to the entity spans (a span edge is whitespace?)")
    return tokens, tags
