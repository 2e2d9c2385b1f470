"""Token features for the learned tagger: word shape, affixes, case, neighbouring words, gazetteer tags.

Every function is pure; the feature dictionaries are sorted into a DictVectorizer, so the design
matrix (and the model trained on it) is the same on every run.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from .base import PredSpan
from .text import Token

OPEN_QUOTES = frozenset("“\"")
CLOSE_QUOTES = frozenset("”")
SENTENCE_END = frozenset(".!?")


def shape(word: str) -> str:
    """Collapsed word shape: "Shahed" -> Xx, "SM" -> X, "136" -> d, "U" -> X, "’" -> ’."""
    s = re.sub(r"[A-Z]", "X", word)
    s = re.sub(r"[a-z]", "x", s)
    s = re.sub(r"\d", "d", s)
    s = re.sub(r"[^\WXxd_]", "a", s)  # other letters (accented, non-Latin)
    return re.sub(r"(.)\1+", r"\1", s)


def gazetteer_tags(tokens: Sequence[Token], spans: Sequence[PredSpan]) -> list[list[str]]:
    """Per token, the gazetteer matches covering it as "layer:label:B|I" strings."""
    tags: list[list[str]] = [[] for _ in tokens]
    starts = {t.start: i for i, t in enumerate(tokens)}
    for span in spans:
        i = starts.get(span.start)
        if i is None:
            continue
        mention = dict(span.attributes).get("mention", "")
        first = True
        while i < len(tokens) and tokens[i].end <= span.end:
            tags[i].append(f"{span.layer}{mention}:{span.label}:{'B' if first else 'I'}")
            first = False
            i += 1
    return tags


def line_features(tokens: Sequence[Token], gaz: Sequence[Sequence[str]], line_index: int) -> list[dict[str, float]]:
    """Feature dictionaries for the tokens of one line."""
    words = [t.text for t in tokens]
    lower = [w.lower() for w in words]
    shapes = [shape(w) for w in words]
    n = len(tokens)
    cue = ["attribution:CUE:B" in g for g in gaz]
    # sentence index of each token, and whether a cue occurs before / after it in its sentence
    sent = []
    k = 0
    for i, w in enumerate(words):
        sent.append(k)
        if w in SENTENCE_END and i + 1 < n and words[i + 1][:1].isupper():
            k += 1
    cue_before = [False] * n
    cue_after = [False] * n
    seen: dict[int, bool] = {}
    for i in range(n):
        cue_before[i] = seen.get(sent[i], False)
        seen[sent[i]] = seen.get(sent[i], False) or cue[i]
    seen = {}
    for i in range(n - 1, -1, -1):
        cue_after[i] = seen.get(sent[i], False)
        seen[sent[i]] = seen.get(sent[i], False) or cue[i]
    in_quote = []
    open_ = False
    for w in words:
        if w in OPEN_QUOTES and not open_:
            open_ = True
        elif w in CLOSE_QUOTES or (w == '"' and open_):
            open_ = False
        in_quote.append(open_)
    out = []
    for i in range(n):
        w, lw = words[i], lower[i]
        f: dict[str, float] = {
            "bias": 1.0, f"w={lw}": 1.0, f"W={w}": 1.0, f"sh={shapes[i]}": 1.0, f"p3={lw[:3]}": 1.0, f"s2={lw[-2:]}": 1.0,
            f"s3={lw[-3:]}": 1.0, f"s4={lw[-4:]}": 1.0, f"line={min(line_index, 3)}": 1.0,
        }
        if w[:1].isupper():
            f["title"] = 1.0
        if w.isupper() and len(w) > 1:
            f["upper"] = 1.0
        if any(c.isdigit() for c in w):
            f["digit"] = 1.0
        if i == 0:
            f["first"] = 1.0
        if i > 0 and words[i - 1] in SENTENCE_END:
            f["sent_start"] = 1.0
        if cue_before[i]:
            f["cue_before"] = 1.0
        if cue_after[i]:
            f["cue_after"] = 1.0
        if in_quote[i]:
            f["in_quote"] = 1.0
        for d in (-2, -1, 1, 2):
            j = i + d
            f[f"w{d:+d}={lower[j] if 0 <= j < n else '<s>' if j < 0 else '</s>'}"] = 1.0
        for d in (-1, 1):
            j = i + d
            f[f"sh{d:+d}={shapes[j] if 0 <= j < n else '<s>'}"] = 1.0
        f[f"bi-1={lower[i - 1] if i else '<s>'}|{lw}"] = 1.0
        f[f"bi+1={lw}|{lower[i + 1] if i + 1 < n else '</s>'}"] = 1.0
        for tag in gaz[i]:
            f[f"g={tag}"] = 1.0
        for d in (-1, 1):
            j = i + d
            if 0 <= j < n:
                for tag in gaz[j]:
                    f[f"g{d:+d}={tag}"] = 1.0
        out.append(f)
    return out
