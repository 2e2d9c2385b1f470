"""Hand-written rules for page furniture (the structure layer), written from GUIDELINES.md section 2.

A line is one block (2.2); only the dateline prefix of a first paragraph is a block inside a line.
Live-blog lines keep their entry timestamp inside the block ("17:32 GMT — Follow our Telegram ...",
2.9). Housekeeping sentences inside a live-blog entry that also reports news are not found (they
would need sentence-level rules); the whole line is taken only when it is short.
"""

from __future__ import annotations

import re

from .base import STRUCTURE, PredSpan
from .text import lines

MONTHS = r"(?:January|February|March|April|May|June|July|August|September|October|November|December)"
WEEKDAYS = r"(?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)"
DATE = (rf"(?:{WEEKDAYS},?\s+)?(?:\d{{1,2}}\s+{MONTHS}\s+\d{{4}}|{MONTHS}\s+\d{{1,2}},?\s+\d{{4}})"
        r"(?:,?\s+\d{1,2}:\d{2}(?:\s*(?:GMT|UTC|local time))?)?")
TIMESTAMP = re.compile(r"^\d{1,2}:\d{2}(?:\s*(?:GMT|UTC|local time))?\s*[—–-]\s*")
EMOJI = re.compile(r"^[\U0001F000-\U0001FAFF\u2600-\u27BF]")

# (kind, pattern) in priority order; patterns see the line without a live-blog timestamp.
LINE_RULES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("crosslink", re.compile(r"^(?:READ(?: MORE| ALSO)?|Read (?:also|more)|Also read|Related(?: stories| coverage)?|See also|More|Watch)\s*:", re.I)),
    ("correction", re.compile(r"^(?:Corrections?|Clarification)\s*:|^An earlier version of this (?:story|article)")),
    ("caption", re.compile(r"^(?:Photo(?: caption)?|Image|Pictured|Caption|Top photo)\s*:|\((?:Photo\s*)?Credit:[^)]*\)\s*$", re.I)),
    ("comments", re.compile(r"^\d+\s+comments?\b|join the (?:discussion|conversation)|^(?:Leave|Add|View) (?:a |the )?comments?", re.I)),
    ("app", re.compile(r"\bapp\b.*\b(?:iOS|Android|Google Play|App Store|download|free)\b|^(?:Android|iPhone|iOS) users\s*:|"
                       r"^\W*(?:Get|Download|Install) (?:the |our )?[\w&' ]*\bapp\b", re.I)),
    ("newsletter", re.compile(r"\bnewsletter\b|\bin your inbox\b|^\W*Sign up\b", re.I)),
    ("social", re.compile(r"^\W*(?:Connect with us|Follow (?:us|our)|Join our|Share this|Like us)\b|\bt\.me/|"
                          r"\b(?:Telegram|WhatsApp) channel\b|^\W*Follow [\w&' ]{2,40} on (?:WhatsApp|Telegram|X|Facebook|Instagram)\b|"
                          r"^\W*Share\b.*\b(?:WhatsApp|Facebook|X)\b", re.I)),
    ("solicitation", re.compile(r"\bdonat(?:e|ion|ing)\b|\breader-supported\b|\bplease (?:support|consider)\b|"
                                r"\bsupport (?:independent|local|our) (?:local )?(?:journalism|news|reporting)\b|\bgift of \$", re.I)),
    ("other", re.compile(r"^\W*(?:Subscribe to|Turn on notifications|Get instant alerts)|\bturn on [\w ]*notifications\b|"
                         r"\b(?:pause|pausing|wrapping up|closing|end) (?:our |this )?live (?:coverage|page|blog)|\bThank you for following\b|"
                         r"^(?:Good morning\.?|Follow the latest below\.?|Updates will appear here\.?)$", re.I)),
)
NAV = re.compile(r"^[^.!?›]{1,40}(?:\s›\s[^.!?›]{1,40})+$")
BYLINE = re.compile(r"^By\s+[A-Z][\w’'.-]+(?:\s+[\w’'.-]+){0,8}(?:\s*[,|]\s*[^.!?]{0,80})?$")
BIO = re.compile(r"^[A-Z][\w’'-]+(?:\s+[A-Z][\w’'-]+){1,3}\s+(?:is|covers|writes|reports)\b[^.]*"
                 r"\b(?:correspondent|analyst|reporter|editor|writer|journalist|fellow|covers|for the)\b")
PIPED = re.compile(r"^[^|.!?]{2,60}(?:\s\|\s[^|.!?]{2,60}){1,3}$")
DATE_LINE = re.compile(rf"^{DATE}$")
DATELINE_PREFIX = re.compile(r"^[A-Z][A-Z .'’-]{1,40}(?:,\s+[A-Z][\w .'’-]{1,40})?(?:\s+\([A-Z]{1,6}\))?\s+[—–]")
MAX_CHARS = {"newsletter": 200, "social": 200, "app": 200, "other": 160, "solicitation": 320}
HEAD_LINES = 6  # bylines and datelines sit near the top of an article


def classify_line(line: str, index: int, n_lines: int) -> str | None:
    """The boilerplate kind of a whole line, or None for article text."""
    body = TIMESTAMP.sub("", line, count=1)
    for kind, pattern in LINE_RULES:
        if pattern.search(body):
            if len(body) > MAX_CHARS.get(kind, 10_000):
                continue  # a long paragraph that merely mentions the word
            return kind
    if NAV.match(line):
        return "nav"
    if BYLINE.match(line) or (index >= n_lines - HEAD_LINES and BIO.match(line)):
        return "byline"
    if index < HEAD_LINES and (DATE_LINE.match(line) or (PIPED.match(line) and re.search(r"\d{4}", line))):
        return "byline"  # header and stand-alone date lines are publication metadata (guidelines 2.4)
    return None


def boilerplate_spans(text: str) -> list[PredSpan]:
    """BOILERPLATE spans with `kind` for one document."""
    extents = lines(text)
    out = []
    for i, (start, end) in enumerate(extents):
        line = text[start:end]
        kind = classify_line(line, i, len(extents))
        if kind is not None:
            out.append(PredSpan(STRUCTURE, "BOILERPLATE", start, end, (("kind", kind),)))
            continue
        if i < HEAD_LINES:
            m = DATELINE_PREFIX.match(line)
            if m and m.end() < len(line):
                out.append(PredSpan(STRUCTURE, "BOILERPLATE", start, start + m.end(), (("kind", "dateline"),)))
    return out
