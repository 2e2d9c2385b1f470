"""The `learned` baseline: a CRF-like linear tagger over scikit-learn feature vectors.

Per track, a multinomial logistic regression (linear.py: minibatch AdaGrad, L2) gives every token
log-probabilities of its BIO tags from sparse features (features.py: word shape, affixes, case,
neighbouring words, gazetteer membership); a Viterbi pass over them with BIO constraints (no I-X
after O or after another type) decodes each line: a CRF's decoder over a locally trained model
(a MEMM without tag history). Tracks, each flat:

- entities NAM: named mentions (flat by guidelines 3.1);
- entities NOM: the outermost nominal mentions (so a predicted NOM may contain predicted NAMs);
- events: PLOVER triggers;
- attribution CUE/SOURCE: cues and sources (outermost);
- attribution CONTENT: the outermost contents.

The structure layer is a line classifier (the same logistic regression, its L2 penalty from a small
dev grid) over whole lines and dash-ended line openings (datelines). Events get `context` from a
logistic regression over the trigger's words and its left context; cues are linked to the nearest
source and content of their sentence. scikit-learn provides the feature vectorisers; the models are
trained by linear.py (scikit-learn's solvers took minutes for the same models, see linear.py).

Gazetteer features come from the training gold: for a training document, from a gazetteer built on
the other folds (5-fold jackknife, so the model cannot learn to trust a dictionary that contains
the answer); for dev and test documents, from the whole training split. The regularisation of
each track (the L2 penalty) is chosen from a small grid by strict F1 on dev; the model is trained on
train only.
Everything is seeded and single-threaded: two runs give the same predictions.
"""

from __future__ import annotations

import bisect
import pickle
import re
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from newsspans.corpus import Corpus
from newsspans.model import AnnotationSet, Document

from .base import STRUCTURE, FitInfo, Prediction, PredRelation, PredSpan, TuningRow, longest_first, outside_blocks
from .features import gazetteer_tags, line_features
from .gazetteer import Gazetteer, build, collect, collect_groups
from .linear import Problem, SoftmaxModel, train_softmax
from .text import Token, lines, overlaps, sentences, tokenize

SEED = 0
FOLDS = 5
GAZETTEER_RATIO = 0.5
MIN_FEATURE_COUNT = 2
L2_GRID = (1e-5, 1e-4, 1e-3)  # token taggers
LINE_L2_GRID = (1e-4, 1e-3, 1e-2)  # structure line classifier
CONTEXT_L2 = 1e-3  # event context classifier (not tuned)
EPOCHS, BATCH, RATE = 6, 128, 0.5
LINE_EPOCHS = 15


@dataclass(frozen=True, slots=True)
class Track:
    """One flat BIO tagging problem: which gold spans it learns, and how its output becomes spans."""

    name: str
    layer: str
    labels: Callable[[PredSpan], bool]
    mention: str | None = None


TRACKS = (
    Track("entities NAM", "entities", lambda s: s.layer == "entities" and dict(s.attributes).get("mention") == "NAM", "NAM"),
    Track("entities NOM", "entities", lambda s: s.layer == "entities" and dict(s.attributes).get("mention") != "NAM", "NOM"),
    Track("events", "events", lambda s: s.layer == "events"),
    Track("attribution CUE/SOURCE", "attribution", lambda s: s.layer == "attribution" and s.label in {"CUE", "SOURCE"}),
    Track("attribution CONTENT", "attribution", lambda s: s.layer == "attribution" and s.label == "CONTENT"),
)


def gold_spans(ann: AnnotationSet | None) -> list[PredSpan]:
    if ann is None:
        return []
    return [PredSpan(s.layer, s.label, s.start, s.end, s.attributes) for s in ann.spans if s.start is not None and s.end is not None]


def bio(tokens: Sequence[Token], spans: Iterable[PredSpan]) -> list[str]:
    """BIO tags of `tokens` for flat `spans` (a token belongs to a span when it starts inside it)."""
    tags = ["O"] * len(tokens)
    if not tokens:
        return tags
    starts = [t.start for t in tokens]
    for s in spans:
        if s.end <= starts[0] or s.start > tokens[-1].start:
            continue
        first = bisect.bisect_left(starts, s.start)
        last = bisect.bisect_left(starts, s.end)
        for i in range(first, last):
            tags[i] = ("B-" if i == first else "I-") + s.label
    return tags


def viterbi(scores: np.ndarray, classes: Sequence[str]) -> list[str]:
    """Best BIO-valid tag sequence under additive per-token scores [n, K] (no learned transitions)."""
    k = len(classes)
    allowed = np.zeros((k, k), dtype=bool)  # allowed[prev, cur]
    start_ok = np.array([not c.startswith("I-") for c in classes])
    for a, prev in enumerate(classes):
        for b, cur in enumerate(classes):
            allowed[a, b] = not cur.startswith("I-") or (prev != "O" and prev[2:] == cur[2:])
    penalty = np.where(allowed, 0.0, -np.inf)
    best = np.where(start_ok, scores[0], -np.inf)
    back = np.zeros(scores.shape, dtype=np.int64)
    for i in range(1, len(scores)):
        total = best[:, None] + penalty
        back[i] = np.argmax(total, axis=0)
        best = total[back[i], np.arange(k)] + scores[i]
    path = [int(np.argmax(best))]
    for i in range(len(scores) - 1, 0, -1):
        path.append(int(back[i][path[-1]]))
    return [classes[j] for j in reversed(path)]


def decode(tags: Sequence[str], tokens: Sequence[Token]) -> list[tuple[int, int, str]]:
    out = []
    i = 0
    while i < len(tags):
        if tags[i].startswith("B-"):
            label = tags[i][2:]
            j = i + 1
            while j < len(tags) and tags[j] == "I-" + label:
                j += 1
            out.append((tokens[i].start, tokens[j - 1].end, label))
            i = j
        else:
            i += 1
    return out


# --------------------------------------------------------------------------- structure: line candidates
DATELINE_CANDIDATE = re.compile(r"^.{2,80}?\s[—–]\s")
EMOJI = re.compile(r"[\U0001F000-\U0001FAFF\u2600-\u27BF]")


def line_candidates(text: str) -> list[tuple[int, int, bool, int, int]]:
    """(start, end, is_prefix, line index, lines from the end): whole lines, and dash-ended openings of early lines."""
    extents = lines(text)
    out = []
    for i, (start, end) in enumerate(extents):
        out.append((start, end, False, i, len(extents) - 1 - i))
        m = DATELINE_CANDIDATE.match(text[start:end])
        if m and i < 8:
            out.append((start, start + len(m.group().rstrip()), True, i, len(extents) - 1 - i))
    return out


def candidate_features(text: str, start: int, end: int, is_prefix: bool, index: int, from_end: int) -> dict[str, float]:
    line = text[start:end]
    toks = [t.text.lower() for t in tokenize(text, start, end)]
    f: dict[str, float] = {"bias": 1.0, f"idx={min(index, 6)}": 1.0, f"end={min(from_end, 6)}": 1.0, f"len={min(len(line).bit_length(), 10)}": 1.0}
    if is_prefix:
        f["prefix"] = 1.0
    for k in (1, 2, 3):
        f[f"first{k}=" + " ".join(toks[:k])] = 1.0
    f["last=" + (toks[-1] if toks else "")] = 1.0
    for w in set(toks[:40]):
        f[f"bow={w}"] = 1.0 / max(1, len(toks[:40])) ** 0.5
    for name, cond in (("nav", "›" in line), ("pipe", "|" in line), ("emoji", bool(EMOJI.search(line))), ("digits", any(c.isdigit() for c in line)),
                       ("stamp", bool(re.match(r"\d{1,2}:\d{2}", line))), ("caps", bool(re.match(r"[A-Z]{3,}", line))),
                       ("dash_end", line.endswith(("—", "–"))), ("period_end", line.endswith("."))):
        if cond:
            f[name] = 1.0
    return f


# --------------------------------------------------------------------------- the model
@dataclass(slots=True)
class Model:
    """Everything prediction needs; pickled to report the model size."""

    gazetteer: Gazetteer
    vectorizer: Any
    taggers: dict[str, Any] = field(default_factory=dict)
    line_vectorizer: Any = None
    line_model: Any = None
    context_vectorizer: Any = None
    context_model: Any = None


@dataclass(frozen=True, slots=True)
class DocTokens:
    """A document's lines as (tokens, feature dicts)."""

    lines: tuple[tuple[tuple[Token, ...], tuple[dict[str, float], ...]], ...]


def doc_tokens(text: str, gazetteer: Gazetteer) -> DocTokens:
    tokens = tokenize(text)
    _, found = gazetteer.spans(text)
    gaz = gazetteer_tags(tokens, found)
    out = []
    k = 0
    for index, (start, end) in enumerate(lines(text)):
        while k < len(tokens) and tokens[k].start < start:
            k += 1
        j = k
        while j < len(tokens) and tokens[j].end <= end:
            j += 1
        line_toks = tokens[k:j]
        out.append((tuple(line_toks), tuple(line_features(line_toks, gaz[k:j], index))))
        k = j
    return DocTokens(tuple(out))


def prune(features: Iterable[dict[str, float]], min_count: int) -> set[str]:
    counts: Counter[str] = Counter()
    for f in features:
        counts.update(f.keys())
    return {name for name, n in counts.items() if n >= min_count}


def keep(features: Sequence[dict[str, float]], allowed: set[str]) -> list[dict[str, float]]:
    return [{k: v for k, v in f.items() if k in allowed} for f in features]


def csr32(x: Any) -> Any:
    """liblinear takes only 32-bit sparse indices; DictVectorizer may produce 64-bit ones."""
    x = x.tocsr()
    x.indices = x.indices.astype(np.int32)
    x.indptr = x.indptr.astype(np.int32)
    return x


def _f1(pred: set[Any], gold: set[Any]) -> float | None:
    return 2 * len(pred & gold) / (len(pred) + len(gold)) if pred or gold else None


class LearnedBaseline:
    """See the module docstring."""

    name = "learned"

    def __init__(self, l2_grid: Sequence[float] = L2_GRID, line_l2_grid: Sequence[float] = LINE_L2_GRID) -> None:
        self.l2_grid = tuple(l2_grid)
        self.line_l2_grid = tuple(line_l2_grid)
        self._model: Model | None = None

    # ----------------------------------------------------------------------- fitting
    def fit(self, corpus: Corpus, log: Callable[[str], None]) -> FitInfo:
        from sklearn.feature_extraction import DictVectorizer

        train, dev = list(corpus.doc_ids("train")), list(corpus.doc_ids("dev"))
        full_gaz = build(collect(corpus, train), GAZETTEER_RATIO)
        fold_stats = collect_groups(corpus, [[d for i, d in enumerate(train) if i % FOLDS != k] for k in range(FOLDS)])
        fold_gaz = [build(stats, GAZETTEER_RATIO) for stats in fold_stats]
        train_docs = {d: doc_tokens(corpus.documents[d].text, fold_gaz[i % FOLDS]) for i, d in enumerate(train)}
        dev_docs = {d: doc_tokens(corpus.documents[d].text, full_gaz) for d in dev}
        x_train_dicts = [f for d in train for _, feats in train_docs[d].lines for f in feats]
        allowed = prune(x_train_dicts, MIN_FEATURE_COUNT)
        vectorizer = DictVectorizer(sparse=True, sort=True)
        x_train = csr32(vectorizer.fit_transform(keep(x_train_dicts, allowed)))
        x_dev = csr32(vectorizer.transform([f for d in dev for _, feats in dev_docs[d].lines for f in feats]))
        model = Model(full_gaz, vectorizer)
        problems, golds = [], []
        spans_of = {d: gold_spans(corpus.gold.get(d)) for d in (*train, *dev)}
        for track in TRACKS:
            y = []
            for d in train:
                track_spans = longest_first(s for s in spans_of[d] if track.labels(s))
                y += [tag for toks, _ in train_docs[d].lines for tag in bio(toks, track_spans)]
            problems += [Problem(y, l2) for l2 in self.l2_grid]
            golds.append({(d, s.start, s.end, s.label) for d in dev for s in longest_first(x for x in spans_of[d] if track.labels(x))})
        fitted = iter(train_softmax(x_train, problems, epochs=EPOCHS, batch=BATCH, rate=RATE, seed=SEED))
        tuning: list[TuningRow] = []
        for track, gold in zip(TRACKS, golds, strict=True):
            results = []
            for l2 in self.l2_grid:
                tagger = next(fitted)
                f1 = _f1(self._decode_docs(tagger, x_dev, [dev_docs[d] for d in dev], dev), gold)
                log(f"learned: {track.name:<24} l2={l2:<7g} dev strict F1 = {'n/a' if f1 is None else f'{100 * f1:.1f}'}")
                results.append((f1 or 0.0, l2, tagger))
            best = max(results, key=lambda r: (r[0], r[1]))  # ties: the stronger penalty
            model.taggers[track.name] = best[2]
            tuning += [TuningRow(track.name, f"l2={l2:g}", f1, l2 == best[1]) for f1, l2, _ in results]
        tuning += self._fit_structure(corpus, train, dev, model, log)
        self._fit_context(corpus, train, model)
        self._model = model
        size = len(pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL))
        return FitInfo("softmax BIO tagger per track + BIO-constrained Viterbi; logistic line classifier for structure",
                       tuning=tuple(tuning), model_bytes=size,
                       notes=(f"{len(vectorizer.vocabulary_)} token features (seen >= {MIN_FEATURE_COUNT} times in train)",
                              f"{x_train.shape[0]} training tokens"))

    @staticmethod
    def _decode_docs(tagger: SoftmaxModel, x: Any, docs: Sequence[DocTokens], ids: Sequence[str]) -> set[tuple[str, int, int, str]]:
        scores = tagger.log_proba(x)
        classes = tagger.classes
        out = set()
        row = 0
        for doc_id, doc in zip(ids, docs, strict=True):
            for toks, _ in doc.lines:
                if toks:
                    tags = viterbi(scores[row:row + len(toks)], classes)
                    out |= {(doc_id, s, e, label) for s, e, label in decode(tags, toks)}
                row += len(toks)
        return out

    def _fit_structure(self, corpus: Corpus, train: Sequence[str], dev: Sequence[str], model: Model, log: Callable[[str], None]) -> list[TuningRow]:
        from sklearn.feature_extraction import DictVectorizer

        def data(ids: Sequence[str]) -> tuple[list[dict[str, float]], list[str], list[tuple[str, int, int]]]:
            feats, ys, keys = [], [], []
            for d in ids:
                text = corpus.documents[d].text
                gold = {(s.start, s.end): dict(s.attributes).get("kind", "other") for s in gold_spans(corpus.gold.get(d)) if s.layer == STRUCTURE}
                for cand in line_candidates(text):
                    feats.append(candidate_features(text, *cand))
                    ys.append(gold.get((cand[0], cand[1]), "O"))
                    keys.append((d, cand[0], cand[1]))
            return feats, ys, keys

        f_train, y_train, _ = data(train)
        f_dev, _, keys_dev = data(dev)
        vec = DictVectorizer(sparse=True, sort=True)
        x_train = csr32(vec.fit_transform(f_train))
        x_dev = csr32(vec.transform(f_dev))
        gold = {(d, s.start, s.end) for d in dev for s in gold_spans(corpus.gold.get(d)) if s.layer == STRUCTURE}
        results = []
        classifiers = train_softmax(x_train, [Problem(y_train, l2) for l2 in self.line_l2_grid], epochs=LINE_EPOCHS, batch=32, rate=RATE, seed=SEED)
        for l2, clf in zip(self.line_l2_grid, classifiers, strict=True):
            pred = {(k[0], s.start, s.end) for k, s in _resolve(keys_dev, clf.predict(x_dev))}
            f1 = _f1(pred, gold)
            log(f"learned: {'structure (lines)':<24} l2={l2:<7g} dev strict F1 = {'n/a' if f1 is None else f'{100 * f1:.1f}'}")
            results.append((f1 or 0.0, l2, clf))
        best = max(results, key=lambda r: (r[0], r[1]))
        model.line_vectorizer, model.line_model = vec, best[2]
        return [TuningRow("structure (lines)", f"l2={l2:g}", f1, l2 == best[1]) for f1, l2, _ in results]

    @staticmethod
    def _fit_context(corpus: Corpus, train: Sequence[str], model: Model) -> None:
        from sklearn.feature_extraction import DictVectorizer

        feats, ys = [], []
        for d in train:
            text = corpus.documents[d].text
            for s in gold_spans(corpus.gold.get(d)):
                context = dict(s.attributes).get("context")
                if s.layer == "events" and context:
                    feats.append(context_features(text, s))
                    ys.append(context)
        if len(set(ys)) < 2:
            return
        vec = DictVectorizer(sparse=True, sort=True)
        model.context_vectorizer = vec
        model.context_model = train_softmax(csr32(vec.fit_transform(feats)), [Problem(ys, CONTEXT_L2)], epochs=LINE_EPOCHS, batch=32, rate=RATE,
                                            seed=SEED)[0]

    # ----------------------------------------------------------------------- prediction
    def predict(self, doc: Document) -> Prediction:
        model = self._model
        if model is None:
            raise RuntimeError("fit() first")
        text = doc.text
        blocks = self._structure(text, model)
        extents = [(b.start, b.end) for b in blocks]
        view = doc_tokens(text, model.gazetteer)
        rows = [f for _, feats in view.lines for f in feats]
        spans: list[PredSpan] = []
        if rows:
            x = csr32(model.vectorizer.transform(rows))
            for track in TRACKS:
                for _, s, e, label in sorted(self._decode_docs(model.taggers[track.name], x, [view], [doc.id])):
                    attrs = (("mention", track.mention),) if track.mention else ()
                    spans.append(PredSpan(track.layer, label, s, e, attrs))
        spans = outside_blocks(spans, extents)
        named = [s for s in spans if s.attributes == (("mention", "NAM"),)]
        spans = [s for s in spans if not (s.layer == "entities" and s.attributes == (("mention", "NOM"),) and any(_crosses(s, n) for n in named))]
        spans = self._with_context(text, spans, model)
        return Prediction(tuple(blocks) + tuple(spans), tuple(link_attributions(text, spans)))

    @staticmethod
    def _structure(text: str, model: Model) -> list[PredSpan]:
        cands = line_candidates(text)
        if not cands:
            return []
        kinds = model.line_model.predict(model.line_vectorizer.transform([candidate_features(text, *c) for c in cands]))
        return [s for _, s in _resolve([("", c[0], c[1]) for c in cands], kinds)]

    @staticmethod
    def _with_context(text: str, spans: list[PredSpan], model: Model) -> list[PredSpan]:
        events = [s for s in spans if s.layer == "events"]
        if not events or model.context_model is None:
            return spans
        contexts = model.context_model.predict(model.context_vectorizer.transform([context_features(text, s) for s in events]))
        labelled = {s: PredSpan(s.layer, s.label, s.start, s.end, (("context", str(c)),)) for s, c in zip(events, contexts, strict=True)}
        return [labelled.get(s, s) for s in spans]


def _resolve(keys: Sequence[tuple[str, int, int]], kinds: Sequence[str]) -> list[tuple[tuple[str, int, int], PredSpan]]:
    """Predicted blocks: a whole line wins over its own opening; nothing overlaps."""
    chosen = [(k, PredSpan(STRUCTURE, "BOILERPLATE", k[1], k[2], (("kind", str(kind)),))) for k, kind in zip(keys, kinds, strict=True) if kind != "O"]
    out: list[tuple[tuple[str, int, int], PredSpan]] = []
    for k, s in sorted(chosen, key=lambda ks: (ks[0][0], ks[1].start, -ks[1].end)):
        if out and out[-1][0][0] == k[0] and overlaps((out[-1][1].start, out[-1][1].end), (s.start, s.end)):
            continue
        out.append((k, s))
    return out


def _crosses(a: PredSpan, b: PredSpan) -> bool:
    inside = (a.start <= b.start and b.end <= a.end) or (b.start <= a.start and a.end <= b.end)
    return overlaps((a.start, a.end), (b.start, b.end)) and not inside


def context_features(text: str, span: PredSpan) -> dict[str, float]:
    left = [t.text.lower() for t in tokenize(text, max(0, span.start - 80), span.start)][-6:]
    right = [t.text.lower() for t in tokenize(text, span.end, min(len(text), span.end + 40))][:3]
    f = {"bias": 1.0, f"label={span.label}": 1.0, f"w={text[span.start:span.end].lower()}": 1.0}
    for w in left:
        f[f"left={w}"] = 1.0
    for i, w in enumerate(left[-2:]):
        f[f"l{i - len(left[-2:])}={w}"] = 1.0
    for w in right:
        f[f"right={w}"] = 1.0
    return f


def link_attributions(text: str, spans: Sequence[PredSpan]) -> list[PredRelation]:
    """Each CUE to the nearest SOURCE and CONTENT of its sentence (role `source` / `content`)."""
    att = [s for s in spans if s.layer == "attribution"]
    out = []
    for start, end in lines(text):
        for s_start, s_end in sentences(text, start, end):
            inside = [s for s in att if s_start <= s.start and s.end <= s_end]
            for cue in (s for s in inside if s.label == "CUE"):
                for label, role in (("SOURCE", "source"), ("CONTENT", "content")):
                    options = [s for s in inside if s.label == label and not overlaps((s.start, s.end), (cue.start, cue.end))]
                    if options:
                        near = min(options, key=lambda s: (min(abs(s.start - cue.end), abs(cue.start - s.end)), s.start))
                        out.append(PredRelation(role, cue, near))
    return out
