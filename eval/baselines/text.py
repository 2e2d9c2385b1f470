"""Offset-keeping text utilities shared by the baselines: tokens, lines, sentences, trimming.

Every function returns character offsets into the document text (Unicode code points, half-open),
so predictions are offset spans, never token indices.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# Alphanumeric runs, or any other single non-space character: "U.S.-supplied" -> U . S . - supplied,
# so spans may start or end inside a whitespace token (guidelines 1.1).
TOKEN_RE = re.compile(r"[^\W_]+|\S")
# A sentence ends at . ! ? (optionally followed by a closing quote or bracket) before whitespace and
# an upper-case letter, a digit or an opening quote.
SENTENCE_END_RE = re.compile(r"[.!?][\"”’)\]]*(?=\s+[\"“‘(\[]?[A-Z0-9])")
# Abbreviations whose period does not end a sentence.
ABBREVIATIONS = frozenset({"U.S.", "U.N.", "U.K.", "E.U.", "Mr.", "Mrs.", "Ms.", "Dr.", "Gen.", "Lt.", "Col.", "Sgt.", "Capt.", "Maj.",
                           "Adm.", "Gov.", "Sen.", "Rep.", "St.", "No.", "Jan.", "Feb.", "Aug.", "Sept.", "Oct.", "Nov.", "Dec.", "a.m.", "p.m."})
EDGE_PUNCT = " \t\n\"“”‘’'()[]{},;:"


@dataclass(frozen=True, slots=True)
class Token:
    """One regex token with its character offsets."""

    start: int
    end: int
    text: str


def tokenize(text: str, start: int = 0, end: int | None = None) -> list[Token]:
    """Tokens of `text[start:end]`, offsets relative to the whole text."""
    end = len(text) if end is None else end
    return [Token(m.start(), m.end(), m.group()) for m in TOKEN_RE.finditer(text, start, end)]


def lines(text: str) -> list[tuple[int, int]]:
    """Extents of the non-empty lines, without surrounding whitespace."""
    out = []
    pos = 0
    for raw in text.split("\n"):
        stripped = raw.strip()
        if stripped:
            lead = len(raw) - len(raw.lstrip())
            out.append((pos + lead, pos + lead + len(stripped)))
        pos += len(raw) + 1
    return out


def sentences(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """Sentence extents inside one line `[start, end)` (whitespace trimmed)."""
    out = []
    begin = start
    for m in SENTENCE_END_RE.finditer(text, start, end):
        word_start = text.rfind(" ", begin, m.start()) + 1 or begin
        if text[max(word_start, begin):m.start() + 1] in ABBREVIATIONS:
            continue
        out.append((begin, m.end()))
        begin = m.end()
        while begin < end and text[begin].isspace():
            begin += 1
    if begin < end:
        out.append((begin, end))
    return [(s, e) for s, e in out if e > s]


def trim(text: str, start: int, end: int, chars: str = EDGE_PUNCT) -> tuple[int, int] | None:
    """`[start, end)` without leading/trailing whitespace and framing punctuation; None when nothing is left.

    A final period is kept only when it closes an abbreviation ("U.S.").
    """
    while start < end and text[start] in chars:
        start += 1
    while end > start and (text[end - 1] in chars or (text[end - 1] == "." and not _abbreviation_end(text, start, end))):
        end -= 1
    return (start, end) if end > start else None


def _abbreviation_end(text: str, start: int, end: int) -> bool:
    word_start = max(text.rfind(" ", start, end) + 1, start)
    word = text[word_start:end]
    return word in ABBREVIATIONS or bool(re.fullmatch(r"(?:[A-Z]\.){2,}", word))


def overlaps(a: tuple[int, int], b: tuple[int, int]) -> bool:
    return a[0] < b[1] and b[0] < a[1]
