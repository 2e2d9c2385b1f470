"""The `gazetteer` baseline: a dictionary tagger built from the training split's gold.

- Each surface string annotated in train (entities, events, attribution) maps to its most frequent
  label (and attribute value) per layer; entities keep two dictionaries, NAM and NOM, so a nominal
  mention may contain a named one as in the gold (guidelines 3.1).
- An entry is kept only when the string is annotated with that layer in at least `min_ratio` of its
  whole-word occurrences in the training texts (outside gold boilerplate): "said" stays, "May" goes.
- Matching is longest-match, left to right, on whole tokens (so "U.S." matches inside
  "U.S.-supplied" but "Iran" never inside "Iranian"); a sentence-initial capital also matches a
  lower-case entry.
- Boilerplate is a dictionary too: line openings (one to three tokens) that start a whole-line
  BOILERPLATE block in train in at least `min_ratio` of their lines (and at least twice) map to the
  most frequent `kind`. No span is predicted inside predicted boilerplate.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass

from newsspans.corpus import Corpus
from newsspans.model import AnnotationSet, Document

from .base import STRUCTURE, FitInfo, Prediction, PredSpan, TuningRow, outside_blocks
from .text import Token, lines, overlaps, tokenize

MAX_ENTRY_TOKENS = 12
PREFIX_TOKENS = (3, 2, 1)
RATIOS = (0.3, 0.5, 0.7)


@dataclass(frozen=True, slots=True)
class Entry:
    layer: str
    label: str
    attributes: tuple[tuple[str, str], ...]


def tier_of(layer: str, attributes: Mapping[str, str]) -> str:
    """Dictionaries that may nest: entities split by mention (NAM inside NOM); other layers have one."""
    return f"{layer}:{attributes.get('mention', '')}" if layer == "entities" else layer


@dataclass(frozen=True, slots=True)
class Gazetteer:
    """Token-sequence dictionaries per tier, and line openings that start boilerplate."""

    tiers: Mapping[str, Mapping[tuple[str, ...], Mapping[str, Entry]]]  # tier -> token tuple -> {surface: entry}
    prefixes: Mapping[tuple[str, ...], str]  # line-opening tokens -> kind
    lengths: Mapping[str, Mapping[str, tuple[int, ...]]]  # tier -> first token -> entry lengths, longest first

    def boilerplate(self, text: str) -> list[PredSpan]:
        out = []
        for start, end in lines(text):
            toks = tuple(t.text for t in tokenize(text, start, min(end, start + 200))[:max(PREFIX_TOKENS)])
            for k in PREFIX_TOKENS:
                kind = self.prefixes.get(toks[:k]) if len(toks) >= k else None
                if kind is not None:
                    out.append(PredSpan(STRUCTURE, "BOILERPLATE", start, end, (("kind", kind),)))
                    break
        return out

    def tag(self, text: str, tokens: Sequence[Token], tier: str) -> list[PredSpan]:
        """Longest whole-token matches of one tier, left to right, not overlapping each other."""
        table = self.tiers.get(tier, {})
        lengths = self.lengths.get(tier, {})
        words = [t.text for t in tokens]
        out = []
        i = 0
        while i < len(tokens):
            best = None
            first = words[i]
            options = lengths.get(first, ())
            if first[:1].isupper():
                options = tuple(sorted({*options, *lengths.get(first[0].lower() + first[1:], ())}, reverse=True))
            for n in options:
                j = i + n
                if j > len(tokens):
                    continue
                key = tuple(words[i:j])
                surface = text[tokens[i].start:tokens[j - 1].end]
                entry = table.get(key, {}).get(surface)
                if entry is None and key[0][:1].isupper():
                    lowered = (key[0][0].lower() + key[0][1:], *key[1:])
                    entry = table.get(lowered, {}).get(surface[0].lower() + surface[1:])
                if entry is not None:
                    best = (j, entry)
                    break
            if best is None:
                i += 1
                continue
            j, entry = best
            out.append(PredSpan(entry.layer, entry.label, tokens[i].start, tokens[j - 1].end, entry.attributes))
            i = j
        return out

    def spans(self, text: str) -> tuple[list[PredSpan], list[PredSpan]]:
        """(boilerplate blocks, spans of every tier outside them)."""
        blocks = self.boilerplate(text)
        tokens = tokenize(text)
        found: list[PredSpan] = []
        for tier in sorted(self.tiers):
            found += self.tag(text, tokens, tier)
        named = [s for s in found if s.attributes == (("mention", "NAM"),)]
        # a NOM span may contain NAM spans but not cross one
        found = [s for s in found if not (s.layer == "entities" and s not in named and any(_crosses(s, n) for n in named))]
        return blocks, outside_blocks(found, [(b.start, b.end) for b in blocks])


def _crosses(a: PredSpan, b: PredSpan) -> bool:
    return overlaps((a.start, a.end), (b.start, b.end)) and not (a.start <= b.start and b.end <= a.end) and not (b.start <= a.start and a.end <= b.end)


def _gold_blocks(ann: AnnotationSet) -> list[tuple[int, int]]:
    return [(s.start, s.end) for s in ann.spans if s.layer == STRUCTURE and s.start is not None]


@dataclass(frozen=True, slots=True)
class Stats:
    """Counts from the training gold that every `min_ratio` setting filters."""

    votes: Mapping[str, Mapping[str, Counter[Entry]]]  # tier -> surface -> entry counts
    occurrences: Counter[str]  # surface -> whole-token occurrences outside gold boilerplate
    line_votes: Mapping[tuple[str, ...], Counter[str]]  # line opening -> kind counts ("" = not boilerplate)


def collect(corpus: Corpus, doc_ids: Iterable[str]) -> Stats:
    """Surface strings, their labels and occurrences in the gold of `doc_ids` (normally the train split)."""
    return collect_groups(corpus, [list(doc_ids)])[0]


def collect_groups(corpus: Corpus, groups: Sequence[Sequence[str]]) -> list[Stats]:
    """`collect` for several document groups (e.g. jackknife folds), reading each document once."""
    docs = sorted({d for group in groups for d in group if d in corpus.gold})
    votes = {d: _doc_votes(corpus.documents[d].text, corpus.gold[d]) for d in docs}
    line_votes = {d: _doc_line_votes(corpus.documents[d].text, corpus.gold[d]) for d in docs}
    index = surface_index({surface for d in docs for table in votes[d].values() for surface in table})
    occurrences = {d: _count_occurrences(corpus.documents[d].text, _gold_blocks(corpus.gold[d]), index) for d in docs}
    out = []
    for group in groups:
        members = [d for d in group if d in votes]
        merged: dict[str, dict[str, Counter[Entry]]] = defaultdict(lambda: defaultdict(Counter))
        merged_lines: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
        merged_occ: Counter[str] = Counter()
        for d in members:
            for tier, table in votes[d].items():
                for surface, counts in table.items():
                    merged[tier][surface].update(counts)
            for prefix, kinds in line_votes[d].items():
                merged_lines[prefix].update(kinds)
            merged_occ.update(occurrences[d])
        out.append(Stats(merged, merged_occ, merged_lines))
    return out


def _doc_votes(text: str, ann: AnnotationSet) -> dict[str, dict[str, Counter[Entry]]]:
    votes: dict[str, dict[str, Counter[Entry]]] = defaultdict(lambda: defaultdict(Counter))
    for s in ann.spans:
        if s.layer == STRUCTURE or s.start is None or not s.text:
            continue
        attrs = dict(s.attributes)
        kept = tuple((k, v) for k, v in sorted(attrs.items()) if k in {"mention", "context"})
        votes[tier_of(s.layer, attrs)][s.text][Entry(s.layer, s.label, kept)] += 1
    return votes


def _doc_line_votes(text: str, ann: AnnotationSet) -> dict[tuple[str, ...], Counter[str]]:
    whole_lines = {(s.start, s.end): dict(s.attributes).get("kind", "other") for s in ann.spans if s.layer == STRUCTURE}
    out: dict[tuple[str, ...], Counter[str]] = defaultdict(Counter)
    for start, end in lines(text):
        toks = tuple(t.text for t in tokenize(text, start, min(end, start + 200))[:max(PREFIX_TOKENS)])
        for k in PREFIX_TOKENS:
            if len(toks) >= k:
                out[toks[:k]][whole_lines.get((start, end), "")] += 1
    return out


def build(stats: Stats, min_ratio: float) -> Gazetteer:
    """Keep the entries annotated in at least `min_ratio` of their occurrences; most frequent label wins."""
    tiers: dict[str, dict[tuple[str, ...], dict[str, Entry]]] = {}
    lengths: dict[str, dict[str, set[int]]] = defaultdict(lambda: defaultdict(set))
    for tier, table in stats.votes.items():
        for surface, counts in table.items():
            entry = max(counts.items(), key=lambda kv: (kv[1], kv[0].label, kv[0].attributes))[0]
            annotated = sum(counts.values())
            key = tuple(t.text for t in tokenize(surface))
            if 0 < len(key) <= MAX_ENTRY_TOKENS and annotated >= min_ratio * max(stats.occurrences[surface], annotated):
                tiers.setdefault(tier, {}).setdefault(key, {})[surface] = entry
                lengths[tier][key[0]].add(len(key))
    prefixes = {}
    for toks, kinds in stats.line_votes.items():
        total = sum(kinds.values())
        kind, n = max(((k, v) for k, v in kinds.items() if k), key=lambda kv: (kv[1], kv[0]), default=("", 0))
        if kind and n >= 2 and sum(v for k, v in kinds.items() if k) >= max(min_ratio, 0.5) * total:
            prefixes[toks] = kind
    frozen_lengths = {tier: {first: tuple(sorted(ns, reverse=True)) for first, ns in table.items()} for tier, table in lengths.items()}
    return Gazetteer(tiers, prefixes, frozen_lengths)


SurfaceIndex = Mapping[str, Sequence[tuple[tuple[str, ...], str]]]


def surface_index(surfaces: Iterable[str]) -> SurfaceIndex:
    """Surface strings by their first token, with their token tuples."""
    by_first: dict[str, list[tuple[tuple[str, ...], str]]] = defaultdict(list)
    for surface in sorted(surfaces):
        key = tuple(t.text for t in tokenize(surface))
        if 0 < len(key) <= MAX_ENTRY_TOKENS:
            by_first[key[0]].append((key, surface))
    return by_first


def _count_occurrences(text: str, blocks: Sequence[tuple[int, int]], by_first: SurfaceIndex) -> Counter[str]:
    """Whole-token occurrences of each indexed surface string in `text`, outside the `blocks`."""
    counts: Counter[str] = Counter()
    tokens = tokenize(text)
    words = [t.text for t in tokens]
    for i, tok in enumerate(tokens):
        for key, surface in by_first.get(tok.text, ()):
            j = i + len(key)
            if tuple(words[i:j]) == key and text[tok.start:tokens[j - 1].end] == surface \
                    and not any(overlaps((tok.start, tokens[j - 1].end), b) for b in blocks):
                counts[surface] += 1
    return counts


def strict_f1(pred: Iterable[tuple[str, int, int, str, str]], gold: Iterable[tuple[str, int, int, str, str]]) -> float | None:
    """Micro strict F1 over (doc, start, end, layer, label) tuples; None when both are empty."""
    p, g = set(pred), set(gold)
    return 2 * len(p & g) / (len(p) + len(g)) if p or g else None


def gold_keys(corpus: Corpus, doc_ids: Iterable[str], layers: Sequence[str] | None = None) -> set[tuple[str, int, int, str, str]]:
    return {(d, s.start, s.end, s.layer, s.label) for d in doc_ids for s in corpus.gold.get(d, AnnotationSet(d)).spans
            if s.start is not None and (layers is None or s.layer in layers)}


class GazetteerBaseline:
    """Dictionary tagger from the train gold; `min_ratio` chosen on dev from RATIOS by strict F1 over all layers."""

    name = "gazetteer"

    def __init__(self, ratios: Sequence[float] = RATIOS) -> None:
        self.ratios = tuple(ratios)
        self._gazetteer: Gazetteer | None = None

    def fit(self, corpus: Corpus, log: Callable[[str], None]) -> FitInfo:
        train, dev = corpus.doc_ids("train"), corpus.doc_ids("dev")
        gold = gold_keys(corpus, dev)
        rows = []
        best: tuple[float, float, Gazetteer] | None = None
        stats = collect(corpus, train)
        for ratio in self.ratios:
            gaz = build(stats, ratio)
            pred = set()
            for d in dev:
                blocks, found = gaz.spans(corpus.documents[d].text)
                pred |= {(d, s.start, s.end, s.layer, s.label) for s in [*blocks, *found]}
            f1 = strict_f1(pred, gold)
            log(f"gazetteer: min_ratio={ratio} dev strict F1 (all span layers) = {_fmt(f1)}")
            rows.append((ratio, f1))
            if best is None or (f1 or 0.0) > best[0]:
                best = (f1 or 0.0, ratio, gaz)
        assert best is not None  # RATIOS is never empty
        self._gazetteer = best[2]
        entries = sum(len(v) for table in best[2].tiers.values() for v in table.values())
        tuning = tuple(TuningRow("all layers", f"min_ratio={r}", f, r == best[1]) for r, f in rows)
        return FitInfo("dictionary of train gold surface strings, longest whole-token match", tuning=tuning,
                       notes=(f"{entries} entries, {len(best[2].prefixes)} boilerplate line openings",))

    def predict(self, doc: Document) -> Prediction:
        if self._gazetteer is None:
            raise RuntimeError("fit() first")
        blocks, found = self._gazetteer.spans(doc.text)
        return Prediction(tuple(blocks) + tuple(found))


def _fmt(x: float | None) -> str:
    return "n/a" if x is None else f"{100 * x:.1f}"


__all__ = ["Gazetteer", "GazetteerBaseline", "Stats", "build", "collect", "collect_groups"]
