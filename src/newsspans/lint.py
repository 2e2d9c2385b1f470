"""Consistency linter over the gold annotations, in the spirit of CleanCoNLL.

Where the validator checks that each file follows the scheme, the linter compares annotations with
each other and with the text, and lists what an adjudicator should look at:

- `lint-label-variation`: the same surface string has different labels in one layer;
- `lint-unlabelled-occurrence`: a string labelled somewhere is left unlabelled elsewhere;
- `lint-token-boundary`: a span starts or ends inside a token;
- `lint-edge-punctuation`: a span starts or ends with punctuation the guidelines exclude.

Findings are values (`LintFinding`); accepted ones are listed, each with a reason, in
annotations/lint-allowlist.json, and counted apart from the unexplained ones.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter, defaultdict
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .corpus import Corpus
from .errors import InputError
from .jsonio import read_json
from .model import Span
from .project import Project

# Stable codes, never renamed or reused, with what to do about each.
LINT_CODES: dict[str, str] = {
    "lint-label-variation": "The same surface string carries different labels in one layer; relabel the odd ones out, "
                            "or allowlist the variant with the reason (metonymy, a different referent).",
    "lint-unlabelled-occurrence": "A string labelled elsewhere in this layer is left unlabelled here; annotate it, "
                                  "or allowlist it with the reason it is not a mention here.",
    "lint-token-boundary": "A span starts or ends between two letters or digits; extend or trim it to the token "
                           "(a hyphen or an apostrophe is a token boundary: \"U.S.-supplied\", \"Russia’s\").",
    "lint-edge-punctuation": "A span starts or ends with punctuation the guidelines exclude (1.2, 5.2): trim it.",
}

# Names the guidelines give meaning to (annotations/GUIDELINES.md); labels.json defines them all.
STRUCTURE_LAYER = "structure"  # 1.4: boilerplate is outside the article; 2.2: a block covers a whole line
ENTITY_LAYER = "entities"
MENTION, NAMED = "mention", "NAM"  # 3.1: NAM mentions never overlap each other
TIMEX = (ENTITY_LAYER, "TIMEX")  # 3.9: TimeML extents
CONTENT = ("attribution", "CONTENT")  # 5.2: no sentence-final period, no enclosing quotation marks

ALLOWLIST_NAME = Path("annotations") / "lint-allowlist.json"
ALLOW_KEYS = {"code", "text", "layer", "label", "doc", "reason"}

# A final period that ends one of these (or an initialism like "U.S.", "a.m.") belongs to the abbreviation (1.2).
ABBREVIATIONS = frozenset((
    "Inc", "Corp", "Co", "Ltd", "Bros", "Jr", "Sr", "St", "Mt", "Ft", "Gen", "Lt", "Col", "Maj", "Capt", "Sgt", "Cpl", "Pvt",
    "Adm", "Cmdr", "Brig", "Rev", "Dr", "Mr", "Mrs", "Ms", "Prof", "Sen", "Rep", "Gov", "Pres", "Dept", "Univ", "Ave", "Blvd",
    "Rd", "No", "Nos", "vs", "etc", "approx", "Jan", "Feb", "Mar", "Apr", "Jun", "Jul", "Aug", "Sep", "Sept", "Oct", "Nov", "Dec",
))
PAIRS = {"(": ")", "[": "]", "{": "}", "“": "”", "‘": "’", "«": "»", "‹": "›", '"': '"', "'": "'"}
CLOSERS = {v: k for k, v in PAIRS.items()}
NEUTRAL_EDGE = frozenset("%@#&")  # punctuation that may begin or end a mention ("5%", "@user", "#tag")
QUOTE_CLOSERS = frozenset("”’»›\"'")
CONTENT_FINAL = frozenset("!…")  # 5.6 excludes the final period, question mark and closing quote; these are not named


@dataclass(frozen=True, slots=True)
class LintOptions:
    """Settings of a run.

    `min_labelled_share`: an unlabelled occurrence is reported only for strings labelled in at least
    this share of their eligible occurrences (labelled / (labelled + unlabelled)); 0 reports every
    string labelled twice or named. The default 0.5 keeps strings that are labelled at least as often
    as not, where a gap is most likely an oversight rather than another sense ("it" as a SOURCE).
    """

    min_labelled_share: float = 0.5

    def __post_init__(self) -> None:
        if not 0 <= self.min_labelled_share <= 1:
            raise InputError(f"min_labelled_share must be within [0, 1], got {self.min_labelled_share}", field="min_labelled_share")


@dataclass(frozen=True, slots=True)
class LintFinding:
    """One thing for an adjudicator to look at, located in a gold file.

    `text` is the surface string (whitespace normalised), `label` the label the finding is about
    (the variant for label variation, the string's usual label for an unlabelled occurrence),
    `start` the character offset it concerns; `details` carries the figures behind the message.
    """

    code: str
    file: str
    pointer: str
    message: str
    doc: str
    layer: str
    label: str | None
    text: str
    start: int
    details: Mapping[str, Any] = field(default_factory=dict, compare=False, hash=False)

    @property
    def sort_key(self) -> tuple[Any, ...]:
        return (list(LINT_CODES).index(self.code), self.doc, self.start, self.layer, self.text, self.label or "")

    def render(self) -> str:
        return f"{self.file}:{self.pointer}: [{self.code}] {self.message}"

    def to_dict(self) -> dict[str, Any]:
        return {"code": self.code, "file": self.file, "pointer": self.pointer, "message": self.message, "doc": self.doc,
                "layer": self.layer, "label": self.label, "text": self.text, "start": self.start, "details": dict(self.details)}


@dataclass(frozen=True, slots=True)
class AllowEntry:
    """An accepted finding: `code` and `text`, optionally narrowed by layer, label and doc, with its reason."""

    index: int
    code: str
    text: str
    reason: str
    layer: str | None = None
    label: str | None = None
    doc: str | None = None

    def matches(self, finding: LintFinding) -> bool:
        return (self.code == finding.code and self.text == finding.text
                and all(want is None or want == have for want, have in
                        ((self.layer, finding.layer), (self.label, finding.label), (self.doc, finding.doc))))

    def to_dict(self) -> dict[str, Any]:
        out = {"index": self.index, "code": self.code, "text": self.text}
        out |= {k: v for k, v in (("layer", self.layer), ("label", self.label), ("doc", self.doc)) if v is not None}
        return out | {"reason": self.reason}


@dataclass(frozen=True, slots=True)
class LintReport:
    """The run: unexplained findings, allowlisted ones with their entry, and entries that matched nothing."""

    findings: tuple[LintFinding, ...]
    allowlisted: tuple[tuple[LintFinding, AllowEntry], ...]
    unused: tuple[AllowEntry, ...]
    files: int
    codes: tuple[str, ...]

    def counts(self) -> dict[str, dict[str, int]]:
        """Per code (every code checked): unexplained and allowlisted findings."""
        open_ = Counter(f.code for f in self.findings)
        allowed = Counter(f.code for f, _ in self.allowlisted)
        return {code: {"unexplained": open_[code], "allowlisted": allowed[code]} for code in self.codes}

    def to_dict(self) -> dict[str, Any]:
        return {
            "files": self.files,
            "counts": self.counts(),
            "findings": [f.to_dict() for f in self.findings],
            "allowlisted": [f.to_dict() | {"allowlist_entry": e.index, "reason": e.reason} for f, e in self.allowlisted],
            "unused_allowlist_entries": [e.to_dict() for e in self.unused],
        }


# ---------------------------------------------------------------- helpers
def normalise_surface(text: str) -> str:
    """The comparison form of a surface string: case kept, whitespace runs collapsed to one space."""
    return " ".join(text.split())


def is_word_char(ch: str) -> bool:
    """Letters, digits and combining marks make up tokens; everything else (space, hyphen, apostrophe) separates them."""
    return ch.isalnum() or unicodedata.category(ch).startswith("M")


def _gold_file(project: Project, doc_id: str) -> str:
    return project.rel(project.gold_dir / f"{doc_id}.json")


def _quote(text: str, limit: int = 60) -> str:
    return '"' + (text if len(text) <= limit else text[: limit - 1] + "…") + '"'


def _is_named(span: Span) -> bool:
    return span.layer == ENTITY_LAYER and dict(span.attributes).get(MENTION) == NAMED


def _surface(corpus: Corpus, span: Span) -> str:
    text = corpus.documents[span.doc_id].text
    return text[span.start:span.end] if span.start is not None and span.end is not None else span.text or ""


def _gold_spans(corpus: Corpus) -> Iterator[tuple[str, int, Span]]:
    """`(doc_id, index in the file, span)` for every offset span of every gold file with a document, in id order."""
    for doc_id in sorted(corpus.gold):
        if doc_id not in corpus.documents:
            continue
        for i, span in enumerate(corpus.gold[doc_id].spans):
            if span.start is not None and span.end is not None and span.end <= len(corpus.documents[doc_id].text):
                yield doc_id, i, span


def _counts_text(counter: Mapping[str, int]) -> str:
    return ", ".join(f"{label} {n}×" for label, n in sorted(counter.items(), key=lambda kv: (-kv[1], kv[0])))


# ---------------------------------------------------------------- checks
def check_label_variation(corpus: Corpus, options: LintOptions) -> Iterator[LintFinding]:
    """The same surface string with different labels in one layer, across the whole gold.

    One finding per minority variant (every label but the most frequent; ties go to label order), at
    its first occurrence; the message lists every variant with counts and example documents.

    Codes: lint-label-variation.
    """
    seen: dict[tuple[str, str], dict[str, list[tuple[str, int, int]]]] = defaultdict(lambda: defaultdict(list))
    for doc_id, i, span in _gold_spans(corpus):
        seen[(span.layer, normalise_surface(_surface(corpus, span)))][span.label].append((doc_id, i, span.start or 0))
    for (layer, text), variants in sorted(seen.items()):
        if len(variants) < 2:
            continue
        ranked = sorted(variants, key=lambda lab: (-len(variants[lab]), lab))
        summary = {lab: {"count": len(variants[lab]), "docs": sorted({d for d, _, _ in variants[lab]})} for lab in ranked}
        listing = "; ".join(f"{lab} {v['count']}× ({', '.join(v['docs'][:3])}{', …' if len(v['docs']) > 3 else ''})" for lab, v in summary.items())
        for label in ranked[1:]:
            doc_id, i, start = variants[label][0]
            yield LintFinding("lint-label-variation", _gold_file(corpus.project, doc_id), f"/spans/{i}",
                              f"{_quote(text)} is {layer}/{label} {len(variants[label])}× but {ranked[0]} is more frequent: {listing}",
                              doc_id, layer, label, text, start, {"variants": summary, "majority": ranked[0]})


def _blocked(layer_overlap: str, occ: tuple[int, int], labels: set[str], named: bool, spans: Sequence[Span]) -> bool:
    """True when a span at `occ` could not be added (overlap policy) or sits inside a span that already explains it."""
    s, e = occ
    for span in spans:
        a, b = span.start or 0, span.end or 0
        if b <= s or e <= a:
            continue
        if layer_overlap == "none":
            return True
        inside = a <= s and e <= b
        if not inside and not (s <= a and b <= e):  # crossing
            return True
        if inside and (span.label in labels or (named and _is_named(span))):
            return True
    return False


def _normalised_index(text: str) -> tuple[str, list[int]]:
    """`text` with whitespace runs as one space, and the original offset of each of its characters."""
    chars, where = [], []
    previous_space = False
    for i, ch in enumerate(text):
        if ch.isspace():
            if previous_space:
                continue
            chars.append(" ")
            previous_space = True
        else:
            chars.append(ch)
            previous_space = False
        where.append(i)
    return "".join(chars), where


def check_unlabelled_occurrence(corpus: Corpus, options: LintOptions) -> Iterator[LintFinding]:
    """Whole-word occurrences, outside boilerplate, of strings labelled elsewhere in the same layer, with no span
    of that layer on exactly those characters.

    Only strings labelled at least twice in the layer, or named (NAM) entities, are looked for, and
    only those labelled in at least `options.min_labelled_share` of their eligible occurrences. An
    occurrence is skipped where the layer's overlap policy would forbid a span, and where it sits
    inside a span of one of the string's labels or (for a NAM string) inside another NAM mention.
    One finding per string, layer and document, listing the offsets and the corpus-wide count.

    Codes: lint-unlabelled-occurrence.
    """
    labelled: dict[tuple[str, str], Counter[str]] = defaultdict(Counter)
    named: set[tuple[str, str]] = set()
    for _, _, span in _gold_spans(corpus):
        key = (span.layer, normalise_surface(_surface(corpus, span)))
        labelled[key][span.label] += 1
        if _is_named(span):
            named.add(key)
    wanted = {key: c for key, c in labelled.items() if key[1] and (sum(c.values()) >= 2 or key in named)}
    overlap = {layer.name: layer.overlap for layer in corpus.labels.layers}
    hits: dict[tuple[str, str], list[tuple[str, int, int]]] = defaultdict(list)
    for doc_id in sorted(corpus.gold):
        if doc_id not in corpus.documents:
            continue
        text = corpus.documents[doc_id].text
        flat, where = _normalised_index(text)
        by_layer: dict[str, list[Span]] = defaultdict(list)
        for span in corpus.gold[doc_id].spans:
            if span.start is not None and span.end is not None:
                by_layer[span.layer].append(span)
        exact = {(s.layer, s.start, s.end) for spans in by_layer.values() for s in spans}
        blocks = [(s.start or 0, s.end or 0) for s in by_layer.get(STRUCTURE_LAYER, ())]
        for (layer, surface), labels in wanted.items():
            pos = flat.find(surface)
            while pos >= 0:
                s, e = where[pos], where[pos + len(surface) - 1] + 1
                pos = flat.find(surface, pos + 1)
                if (s > 0 and is_word_char(text[s - 1]) and is_word_char(text[s])) or (e < len(text) and is_word_char(text[e - 1]) and is_word_char(text[e])):
                    continue
                if (layer, s, e) in exact or any(a < e and s < b for a, b in blocks):
                    continue
                if _blocked(overlap.get(layer, "any"), (s, e), set(labels), (layer, surface) in named, by_layer.get(layer, ())):
                    continue
                hits[(layer, surface)].append((doc_id, s, e))
    for (layer, surface), occurrences in hits.items():
        labels = wanted[(layer, surface)]
        share = sum(labels.values()) / (sum(labels.values()) + len(occurrences))
        if share < options.min_labelled_share:
            continue
        per_doc: dict[str, list[tuple[int, int]]] = defaultdict(list)
        for doc_id, s, e in occurrences:
            per_doc[doc_id].append((s, e))
        usual = sorted(labels, key=lambda lab: (-labels[lab], lab))[0]
        for doc_id, spans in per_doc.items():
            where_text = ", ".join(f"[{s},{e})" for s, e in spans)
            yield LintFinding(
                "lint-unlabelled-occurrence", _gold_file(corpus.project, doc_id), "/spans",
                f"{_quote(surface)} unlabelled {len(spans)}× here at {where_text}; labelled {layer} {_counts_text(labels)} in the gold "
                f"(unlabelled {len(occurrences)}× in {len(per_doc)} document(s) in all; labelled share {share:.2f})",
                doc_id, layer, usual, surface, spans[0][0],
                {"offsets": [list(p) for p in spans], "labelled": dict(sorted(labels.items())), "unlabelled_total": len(occurrences),
                 "unlabelled_documents": len(per_doc), "labelled_share": round(share, 4)},
            )


def check_token_boundary(corpus: Corpus, options: LintOptions) -> Iterator[LintFinding]:
    """Spans that start or end with a letter or digit on both sides of the boundary.

    A hyphen or an apostrophe is not a letter, so "U.S.-supplied" (GPE `U.S.`, AID `supplied`)
    and "Russia’s" (GPE `Russia`) pass (guidelines 1.1, 1.2).

    Codes: lint-token-boundary.
    """
    for doc_id, i, span in _gold_spans(corpus):
        text = corpus.documents[doc_id].text
        s, e = span.start or 0, span.end or 0
        where = []
        if s > 0 and is_word_char(text[s - 1]) and is_word_char(text[s]):
            where.append(f"starts inside {_quote(_token_at(text, s))}")
        if e < len(text) and is_word_char(text[e - 1]) and is_word_char(text[e]):
            where.append(f"ends inside {_quote(_token_at(text, e))}")
        if where:
            surface = normalise_surface(text[s:e])
            yield LintFinding("lint-token-boundary", _gold_file(corpus.project, doc_id), f"/spans/{i}",
                              f"{span.layer}/{span.label} {_quote(surface)} {' and '.join(where)}",
                              doc_id, span.layer, span.label, surface, s, {"start": s, "end": e})


def _token_at(text: str, offset: int) -> str:
    """The whitespace token around `offset`, with a `|` at the offset."""
    a = offset
    while a > 0 and not text[a - 1].isspace():
        a -= 1
    b = offset
    while b < len(text) and not text[b].isspace():
        b += 1
    return text[a:offset] + "|" + text[offset:b]


def _ends_abbreviation(surface: str) -> bool:
    token = surface.split()[-1].lstrip("".join(PAIRS))
    if token.count(".") >= 2 and re.fullmatch(r"(?:[^\W_]+\.)+", token):  # U.S., a.m., Ph.D.
        return True
    return re.fullmatch(r"[^\W\d_]\.", token) is not None or token[:-1] in ABBREVIATIONS  # J.; Jr., Co.


def _partner(surface: str, index: int) -> int | None:
    """Index of the character pairing with the bracket or quote at the edge `index`, scanning inward; None if unpaired.

    An apostrophe between two letters ("Côte d’Ivoire") pairs with nothing.
    """
    ch = surface[index]
    if index == 0 and ch in PAIRS:
        want, order = PAIRS[ch], range(1, len(surface))
    elif index == len(surface) - 1 and ch in CLOSERS:
        want, order = CLOSERS[ch], range(len(surface) - 2, -1, -1)
    else:
        return None
    depth = 0
    for j in order:
        c = surface[j]
        if c in "’'" and 0 < j < len(surface) - 1 and surface[j - 1].isalpha() and surface[j + 1].isalpha():
            continue
        if c == want:
            if depth == 0:
                return j
            depth -= 1
        elif c == ch:  # asymmetric pairs nest
            depth += 1
    return None


def edge_problems(surface: str, layer: str, label: str) -> list[str]:
    """What the guidelines exclude at the edges of `surface` for a span of `layer`/`label`; empty when clean.

    Rules (GUIDELINES 1.2, 3.3, 3.9, 5.2, 5.5, 5.6): no surrounding punctuation, quotation marks or
    parentheses; a final period stays only when it ends an abbreviation ("U.S.", "Jr.", "p.m.");
    no possessive ending. A bracket or quote mark at an edge passes when its partner is inside the
    span and the pair does not enclose the whole span ("“specific and limited” effect", a SOURCE's
    "National Intelligence Service (NIS)"), except a parenthesised acronym closing an entity
    mention, which is a second mention (3.3). TIMEX may start with an apostrophe before digits
    ("’90s"). CONTENT never ends with a period (unless of an abbreviation), a question mark or a
    closing quotation mark, even one whose quote opens inside (5.6); a final "!" or "…" is not
    flagged; possessive endings are not checked in CONTENT.
    """
    problems: list[str] = []
    if not surface:
        return problems
    first, last = surface[0], surface[-1]

    def punct(ch: str) -> bool:
        return unicodedata.category(ch).startswith("P") and ch not in NEUTRAL_EDGE

    if punct(first):
        partner = _partner(surface, 0)
        if first in PAIRS and partner is not None:
            if partner == len(surface) - 1:
                problems.append(f"enclosed in {first}…{last}")
        elif first in "’'" and (layer, label) == TIMEX and surface[1:2].isdigit():
            pass
        elif first == "." and surface[1:2].isdigit():
            pass  # ".50 calibre"
        else:
            problems.append(f"leading {first!r}")
    if len(surface) > 1 and punct(last) and not any(p.startswith("enclosed") for p in problems):
        partner = _partner(surface, len(surface) - 1)
        content = (layer, label) == CONTENT
        if content and last in QUOTE_CLOSERS:
            problems.append(f"trailing {last!r}: a closing quotation mark, excluded from CONTENT even when the quote opens inside")
        elif last == ")" and partner is not None and layer == ENTITY_LAYER:
            problems.append("parenthesised acronym inside the mention: it is a second mention (3.3)")
        elif last in CLOSERS and partner is not None:
            pass
        elif last == "." and _ends_abbreviation(surface) and not surface.endswith(".."):
            pass
        elif content and (last in CONTENT_FINAL or surface.endswith("...")):
            pass
        elif last in "’'" and surface[-2:-1] in ("s", "S"):
            problems.append(f"possessive {last!r}")
        else:
            problems.append(f"trailing {last!r}")
    if (layer, label) != CONTENT and re.search(r"[’'][sS]$", surface) and len(surface) > 2:
        problems.append(f"possessive ending {surface[-2:]!r}")
    return problems


def check_edge_punctuation(corpus: Corpus, options: LintOptions) -> Iterator[LintFinding]:
    """Spans whose first or last character is punctuation the guidelines exclude (see `edge_problems`).

    Boilerplate blocks are exempt: they cover whole lines, punctuation included (guidelines 2.2).

    Codes: lint-edge-punctuation.
    """
    for doc_id, i, span in _gold_spans(corpus):
        if span.layer == STRUCTURE_LAYER:
            continue
        text = corpus.documents[doc_id].text
        raw = text[span.start:span.end].strip()
        problems = edge_problems(raw, span.layer, span.label)
        if problems:
            surface = normalise_surface(raw)
            yield LintFinding("lint-edge-punctuation", _gold_file(corpus.project, doc_id), f"/spans/{i}",
                              f"{span.layer}/{span.label} {_quote(surface)}: {', '.join(problems)}",
                              doc_id, span.layer, span.label, surface, span.start or 0, {"problems": problems})


LintCheck = Callable[[Corpus, LintOptions], Iterable[LintFinding]]
LINT_CHECKS: dict[str, LintCheck] = {
    "lint-label-variation": check_label_variation,
    "lint-unlabelled-occurrence": check_unlabelled_occurrence,
    "lint-token-boundary": check_token_boundary,
    "lint-edge-punctuation": check_edge_punctuation,
}


# ---------------------------------------------------------------- allowlist and run
def allowlist_path(project: Project) -> Path:
    return project.root / ALLOWLIST_NAME


def load_allowlist(path: Path) -> tuple[AllowEntry, ...]:
    """Read the allowlist; a missing file is an empty list.

    The file is `{"entries": [{"code", "text", "reason", optional "layer", "label", "doc"}, …]}`.

    Raises:
        InputError: listing every malformed entry (unknown code or key, missing text, missing or empty reason).
    """
    if not Path(path).is_file():
        return ()
    data = read_json(path)
    entries = data.get("entries") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise InputError('expected {"entries": [...]}', file=str(path), field="/entries")
    problems, out = [], []
    for i, entry in enumerate(entries):
        where = f"/entries/{i}"
        if not isinstance(entry, dict):
            problems.append(f"{where}: not an object")
            continue
        bad = []
        if entry.get("code") not in LINT_CODES:
            bad.append(f"code {entry.get('code')!r} is not one of {', '.join(LINT_CODES)}")
        if not isinstance(entry.get("text"), str) or not entry["text"].strip():
            bad.append("text (the surface string) is required")
        if not isinstance(entry.get("reason"), str) or not entry["reason"].strip():
            bad.append("reason is required: say why the finding is accepted")
        bad += [f"unknown key {k!r} (allowed: {', '.join(sorted(ALLOW_KEYS))})" for k in sorted(set(entry) - ALLOW_KEYS)]
        bad += [f"{k} must be a string" for k in ("layer", "label", "doc") if k in entry and not isinstance(entry[k], str)]
        if bad:
            problems.append(f"{where}: {'; '.join(bad)}")
            continue
        out.append(AllowEntry(i, entry["code"], normalise_surface(entry["text"]), entry["reason"].strip(),
                              entry.get("layer"), entry.get("label"), entry.get("doc")))
    if problems:
        raise InputError(f"{len(problems)} bad allowlist entr{'y' if len(problems) == 1 else 'ies'}: " + " | ".join(problems), file=str(path))
    return tuple(out)


def lint_corpus(corpus: Corpus, allowlist: Sequence[AllowEntry] = (), codes: Iterable[str] | None = None,
                options: LintOptions | None = None) -> LintReport:
    """Run the checks of `codes` (default: all) over the gold of `corpus` and sort out the allowlisted findings.

    Raises:
        InputError: for an unknown code.
    """
    chosen = tuple(codes) if codes is not None else tuple(LINT_CODES)
    unknown = [c for c in chosen if c not in LINT_CHECKS]
    if unknown:
        raise InputError(f"unknown lint code(s) {', '.join(unknown)}; known: {', '.join(LINT_CODES)}", field="code")
    findings = sorted((f for code in LINT_CODES if code in chosen for f in LINT_CHECKS[code](corpus, options or LintOptions())), key=lambda f: f.sort_key)
    open_, allowed, used = [], [], set()
    for finding in findings:
        entry = next((e for e in allowlist if e.matches(finding)), None)
        if entry is None:
            open_.append(finding)
        else:
            allowed.append((finding, entry))
            used.add(entry.index)
    unused = tuple(e for e in allowlist if e.index not in used and e.code in chosen)
    return LintReport(tuple(open_), tuple(allowed), unused, len(corpus.gold), tuple(c for c in LINT_CODES if c in chosen))


def render_summary(report: LintReport) -> str:
    """Counts per code, unused allowlist entries, and the closing PASSED/FAILED line."""
    width = max(map(len, report.codes), default=0)
    lines = [f"{code:<{width}}  {n['unexplained']:>6} unexplained  {n['allowlisted']:>6} allowlisted" for code, n in report.counts().items()]
    lines += [f"allowlist entry /entries/{e.index} ({e.code} {_quote(e.text)}) matched nothing" for e in report.unused]
    verdict = "FAILED" if report.findings else "PASSED"
    lines.append(f"*** {verdict} *** {len(report.findings)} unexplained finding(s), {len(report.allowlisted)} allowlisted, "
                 f"in {report.files} gold file(s)")
    return "\n".join(lines)
