"""The HTML error report: one self-contained page (inline CSS and a little vanilla JS, nothing external).

The page has three parts: the summary (signature, per layer a mode x P/R/F1 table with 95% CIs and
counts, error counts by category, per-label figures), the list of every error (filterable by layer,
label, category and flag; the filters also apply on load from a URL fragment such as
`#layer=entities&category=missed`), and each document's text with the gold and predicted spans marked
in place, documents with the most errors first, each collapsed in a `<details>`.

Marks are built by a boundary sweep over the span offsets, never by string replacement: properly
nested spans become nested elements, and a span that crosses another is split into fragments that
share a `data-sid`. Every string that comes from input (text, labels, ids, file names) is escaped.
"""

from __future__ import annotations

import hashlib
import html
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from ..errors import InputError
from ..labels import LabelSet
from .inputs import GoldSet

CATEGORIES = ("label", "boundary", "label+boundary", "missed", "spurious")
FLAGS = ("split", "merge", "duplicate")
ABBREVIATIONS = {"label": "LAB", "boundary": "BND", "label+boundary": "L+B", "missed": "MIS", "spurious": "SPU"}
CATEGORY_COLOURS = {"label": "#6a1b9a", "boundary": "#1565c0", "label+boundary": "#ad1457", "missed": "#c62828", "spurious": "#ef6c00"}
MAX_HEIGHT = 6  # nesting levels that get their own underline offset; deeper marks share the last one
_HEX = re.compile(r"#[0-9a-fA-F]{6}")


def _e(value: Any) -> str:
    """HTML-escape anything (quotes included), after dropping lone surrogates that UTF-8 cannot encode."""
    text = "" if value is None else str(value)
    return html.escape(text.encode("utf-8", "replace").decode("utf-8"), quote=True)


def _pct(x: float | None) -> str:
    return "–" if x is None else f"{100 * x:.1f}"


# ------------------------------------------------------------------------------------------ spans
@dataclass(slots=True)
class Mark:
    """A gold or predicted span as shown on the page, with what scoring made of it."""

    sid: str  # "g3" / "p5", unique within its document
    kind: str  # gold | pred
    layer: str
    label: str
    start: int | None
    end: int | None
    text: str | None
    category: str = ""  # an error category, or "" when matched exactly (or not scored)
    flags: tuple[str, ...] = ()
    partner: str | None = None  # the sid of the span it was aligned with
    errors: list[int] = field(default_factory=list)  # rows of the error list

    @property
    def key(self) -> tuple[str, int | None, int | None, str]:
        return (self.layer, self.start, self.end, self.label)

    def state(self, scored: bool) -> str:
        """The error category, or `ok` (matched exactly), `unscored` (layer not scored), `textonly` (no
        offsets: scored in string mode only) or `unmatched` (no error listing to tell); the value of `data-cat`."""
        if self.category:
            return self.category
        if not scored:
            return "unscored"
        if self.start is None:
            return "textonly"
        return "ok" if self.partner is not None else "unmatched"


STATE_TEXT = {"ok": "correct", "unscored": "not scored", "textonly": "no offsets (string mode only)"}


def doc_map(source: Any) -> Mapping[str, Any]:
    """doc_id -> one document's annotations, from a GoldSet or PredSet (per-document `docs` records or
    `annotations`) or from a plain mapping; read once, so a computed `annotations` is not rebuilt per document."""
    if source is None:
        return {}
    for name in ("docs", "annotations"):
        value = getattr(source, name, None)
        if isinstance(value, Mapping):
            return value
    if isinstance(source, Mapping):
        return source
    raise InputError(f"expected a GoldSet, PredSet or mapping of documents, got {type(source).__name__}", field="pred")


def span_rows(doc: Any) -> list[tuple[str, int | None, int | None, str, str | None]]:
    """(layer, start, end, label, text) of each span of one document: an AnnotationSet, or a scorer record
    whose `layers` maps layer -> rows (start, end, label, text, ...)."""
    if doc is None:
        return []
    if hasattr(doc, "spans"):
        return [(s.layer, s.start, s.end, s.label, s.text) for s in doc.spans]
    return [(layer, r[0], r[1], r[2], r[3]) for layer, rows in doc.layers.items() for r in rows]


def _marks(doc: Any, kind: str) -> list[Mark]:
    return [Mark(f"{kind[0]}{i}", kind, layer, str(label), start, end, text)
            for i, (layer, start, end, label, text) in enumerate(span_rows(doc))]


def document_marks(gold_doc: Any, pred_doc: Any, have_pred: bool, errors: Sequence[tuple[int, Mapping[str, Any]]],
                   scored_layers: Iterable[str]) -> tuple[list[Mark], list[Mark]]:
    """Gold and predicted marks of one document, linked to the errors and to each other.

    Without the predictions (`have_pred` False) the predicted spans are rebuilt from the report: the
    predicted side of every error, plus an identical span for every gold span of a scored layer that
    is in no error (an exact match is the only way a gold span escapes the error list).

    Args:
        gold_doc: the document's gold annotations (an AnnotationSet or the scorer's record; None: none).
        pred_doc: the document's predicted annotations (None: no prediction, or predictions not given).
        have_pred: whether the predictions were given (so `pred_doc` None means "predicted nothing").
        errors: (row number, error dict) of this document's errors.
        scored_layers: layers whose spans were scored.

    Returns:
        (gold marks, predicted marks).
    """
    scored = set(scored_layers)
    gold_marks = _marks(gold_doc, "gold")
    pred_marks = _marks(pred_doc, "pred") if have_pred else []
    free_gold: dict[tuple, list[Mark]] = defaultdict(list)
    free_pred: dict[tuple, list[Mark]] = defaultdict(list)
    for m in gold_marks:
        free_gold[m.key].append(m)
    for m in pred_marks:
        free_pred[m.key].append(m)

    def claim(pool: dict[tuple, list[Mark]], marks: list[Mark], span: Mapping[str, Any] | None, layer: str, kind: str) -> Mark | None:
        if span is None:
            return None
        key = (layer, span.get("start"), span.get("end"), span.get("label"))
        if pool.get(key):
            return pool[key].pop(0)
        mark = Mark(f"{kind[0]}{len(marks)}", kind, layer, str(span.get("label")), span.get("start"), span.get("end"), span.get("text"))
        marks.append(mark)
        return mark

    for row, err in errors:
        g = claim(free_gold, gold_marks, err.get("gold"), err["layer"], "gold")
        p = claim(free_pred, pred_marks, err.get("pred"), err["layer"], "pred")
        for mark, other in ((g, p), (p, g)):
            if mark is not None:
                mark.category = mark.category or err["category"]
                mark.flags = tuple(dict.fromkeys((*mark.flags, *err.get("flags", ()))))
                mark.errors.append(row)
                if other is not None:
                    mark.partner = other.sid
    for key, marks in free_gold.items():
        if key[0] not in scored or key[1] is None:
            continue
        for g in marks:
            p = free_pred[key].pop(0) if free_pred.get(key) else None
            if p is None and not have_pred:
                p = Mark(f"p{len(pred_marks)}", "pred", g.layer, g.label, g.start, g.end, g.text)
                pred_marks.append(p)
            if p is not None:
                g.partner, p.partner = p.sid, g.sid
    return gold_marks, pred_marks


# ------------------------------------------------------------------------------------------ sweep
@dataclass(slots=True)
class _Fragment:
    """One element of the mark tree: a piece of a span (None: the document root) and its children."""

    mark: Mark | None
    first: bool = True
    last: bool = False
    children: list[_Fragment | str] = field(default_factory=list)
    height: int = 0


def build_tree(text: str, marks: Sequence[Mark], order: Mapping[str, int]) -> _Fragment:
    """Nest the marks over `text` by a boundary sweep; a span crossing another is split into fragments.

    At each boundary the spans that end there are closed; spans opened after them (inside them) that
    go on are closed with them and reopened as new fragments. Spans starting at the same offset open
    longest first, gold before predicted, in layer order, so equal spans nest gold outside.

    Args:
        text: the document text.
        marks: spans with offsets inside the text.
        order: layer name -> position, for a stable nesting order.

    Returns:
        The root fragment; its leaves are the text pieces, so their concatenation equals `text`.
    """

    def rank(m: Mark) -> tuple:
        return (-(m.end or 0), m.kind != "gold", order.get(m.layer, len(order)), m.layer, m.label, m.sid)

    starts: dict[int, list[Mark]] = defaultdict(list)
    ends: dict[int, set[str]] = defaultdict(set)
    for m in marks:
        starts[m.start].append(m)  # type: ignore[index]
        ends[m.end].add(m.sid)  # type: ignore[index]
    bounds = sorted({0, len(text), *starts, *ends})
    root = _Fragment(None)
    stack: list[_Fragment] = [root]
    for pos, nxt in zip(bounds, [*bounds[1:], None], strict=True):
        closing = ends.get(pos, set())
        depth = next((i for i in range(1, len(stack)) if stack[i].mark.sid in closing), None)  # type: ignore[union-attr]
        if depth is not None:
            popped = stack[depth:]
            del stack[depth:]
            for frag in popped:
                frag.last = frag.mark.sid in closing  # type: ignore[union-attr]
            for m in sorted((f.mark for f in popped if not f.last), key=rank):  # type: ignore[arg-type]
                frag = _Fragment(m, first=False)
                stack[-1].children.append(frag)
                stack.append(frag)
        for m in sorted(starts.get(pos, ()), key=rank):
            frag = _Fragment(m)
            stack[-1].children.append(frag)
            stack.append(frag)
        if nxt is not None and nxt > pos:
            stack[-1].children.append(text[pos:nxt])
    for frag in stack[1:]:
        frag.last = True
    _heights(root)
    return root


def _heights(frag: _Fragment) -> int:
    """Nesting height (1 for a fragment without marks inside), so outer underlines sit below inner ones."""
    inner = 0
    for child in frag.children:
        if isinstance(child, _Fragment):
            inner = max(inner, _heights(child))
    frag.height = inner + 1
    return frag.height


def _mark_attrs(m: Mark, classes: Sequence[str], first: bool, last: bool, scored: bool) -> str:
    """Attributes of one fragment; the offsets (`data-r`) and the id go on the first, the error tag on the last.

    The tooltip is built by the page's script from these on hover (a `title` on every fragment would
    double the size of a large report).
    """
    attrs = [f'class="{" ".join(classes)}"', f'data-sid="{_e(m.sid)}"', f'data-layer="{_e(m.layer)}"', f'data-label="{_e(m.label)}"',
             f'data-cat="{_e(m.state(scored))}"']
    if first:
        attrs.append(f'data-r="{m.start}-{m.end}"')
    if m.flags:
        attrs.append(f'data-flags="{_e(" ".join(m.flags))}"')
    if m.partner:
        attrs.append(f'data-pair="{_e(m.partner)}"')
    if m.category and last:
        attrs.append(f'data-tag="{_e(ABBREVIATIONS.get(m.category, m.category))} {_e(m.label)}"')
    return " ".join(attrs)


def render_tree(root: _Fragment, doc_index: int, colour: Mapping[tuple[str, str], str], scored: set[str]) -> str:
    """Serialise the mark tree: `<mark>` elements around escaped text."""
    out: list[str] = []

    def emit(frag: _Fragment) -> None:
        m = frag.mark
        if m is not None:
            classes = ["m", m.kind[0], colour[(m.layer, m.label)], f"h{min(frag.height, MAX_HEIGHT)}"]
            classes += [name for name, on in (("err", bool(m.category)), ("first", frag.first), ("end", frag.last)) if on]
            ident = f' id="d{doc_index}-{_e(m.sid)}"' if frag.first else ""
            out.append(f"<mark{ident} {_mark_attrs(m, classes, frag.first, frag.last, m.layer in scored)}>")
        for child in frag.children:
            if isinstance(child, str):
                out.append(_e(child))
            else:
                emit(child)
        if m is not None:
            out.append("</mark>")

    emit(root)
    return "".join(out)


# ------------------------------------------------------------------------------------------ colours
def _fallback_colour(layer: str, label: str) -> str:
    """A stable colour for a label the scheme does not know (hue from a hash of the name)."""
    h = int(hashlib.sha256(f"{layer}\0{label}".encode("utf-8", "replace")).hexdigest()[:4], 16) % 360
    c, x = 0.55, 0.55 * (1 - abs((h / 60) % 2 - 1))
    r, g, b = [(c, x, 0), (x, c, 0), (0, c, x), (0, x, c), (x, 0, c), (c, 0, x)][h // 60]
    return "#" + "".join(f"{int(255 * (v + 0.2)):02x}" for v in (r, g, b))


def _tint(hex_colour: str, alpha: float = 0.16) -> str:
    r, g, b = (int(hex_colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgba({r},{g},{b},{alpha})"


def label_colours(pairs: Iterable[tuple[str, str]], labels: LabelSet | None) -> tuple[dict[tuple[str, str], str], list[str]]:
    """A CSS class per (layer, label) and the rules that give it the scheme's colour.

    Returns:
        ({(layer, label): class name}, CSS rules).
    """
    classes: dict[tuple[str, str], str] = {}
    rules: list[str] = []
    for layer, label in pairs:
        if (layer, label) in classes:
            continue
        spec = None
        if labels is not None and layer in labels.layer_names:
            spec = labels.label(layer, label)
        colour = spec.colour if spec is not None and _HEX.fullmatch(spec.colour) else _fallback_colour(layer, label)
        name = f"c{len(classes)}"
        classes[(layer, label)] = name
        rules.append(f".{name}{{--c:{colour};--t:{_tint(colour)}}}")
    return classes, rules


# ------------------------------------------------------------------------------------------ page parts
def _ci(entry: Mapping[str, Any], key: str) -> str:
    ci = entry.get("ci95", {}).get(key)
    if not ci or ci[0] is None:
        return ""
    return f'<span class="ci">[{_pct(ci[0])}, {_pct(ci[1])}]</span>'


def _summary(report: Mapping[str, Any]) -> str:
    out = ['<section id="summary"><h2>Summary</h2>']
    g, docs, pred = report.get("gold", {}), report.get("documents", {}), report.get("predictions", {})
    out.append('<dl class="facts">')
    out.append(f"<dt>gold</dt><dd>{_e(g.get('name'))} (split {_e(g.get('split'))}, {_e(g.get('documents'))} documents)</dd>")
    if pred:
        out.append(f"<dt>predictions</dt><dd>{_e(pred.get('file'))}: {_e(pred.get('spans_read'))} spans read, "
                   f"{_e(pred.get('spans_scored'))} scored, {_e(pred.get('spans_rejected'))} rejected</dd>")
    if docs:
        out.append(f"<dt>documents</dt><dd>{_e(docs.get('scored'))} scored, {_e(docs.get('without_predictions'))} without predictions"
                   f" (scored as empty)</dd>")
    out.append(f'<dt>signature</dt><dd><code id="signature">{_e(report.get("signature"))}</code></dd></dl>')
    for layer, entry in report["layers"].items():
        out.append(f'<div class="layer" data-layer="{_e(layer)}"><h3>{_e(layer)}</h3>')
        out.append('<table class="scores"><thead><tr><th>mode</th><th>P</th><th>R</th><th>F1</th>'
                   "<th>COR</th><th>INC</th><th>PAR</th><th>MIS</th><th>SPU</th><th>gold</th><th>pred</th></tr></thead><tbody>")
        for mode, res in entry["modes"].items():
            m = res["micro"]
            out.append(f'<tr data-mode="{_e(mode)}"><th>{_e(mode)}</th>'
                       + "".join(f'<td class="num">{_pct(m.get(k))} {_ci(m, k)}</td>' for k in ("precision", "recall", "f1"))
                       + "".join(f'<td class="num">{_e(m.get(k))}</td>' for k in ("correct", "incorrect", "partial", "missed", "spurious",
                                                                                  "possible", "actual"))
                       + "</tr>")
        out.append("</tbody></table>")
        counts = entry.get("errors", {})
        chips = [f'<span class="chip" data-cat="{_e(c)}">{_e(c)} <b>{_e(counts.get(c, 0))}</b></span>' for c in CATEGORIES if c in counts]
        chips += [f'<span class="chip flag">{_e(f)} <b>{_e(counts[f])}</b></span>' for f in FLAGS if counts.get(f)]
        chips += [f'<span class="chip">{_e(k)} <b>{_e(v)}</b></span>' for k, v in counts.items() if k not in CATEGORIES and k not in FLAGS]
        if chips:
            out.append(f'<p class="errcounts">errors: {" ".join(chips)}</p>')
        out.append(_per_label(entry))
        out.append("</div>")
    if "comparison" in report:
        comp = report["comparison"]
        out.append(f"<h3>Comparison with {_e(comp.get('system_b'))} ({_e(comp.get('samples'))} samples)</h3>")
        out.append('<table class="scores"><thead><tr><th>layer</th><th>mode</th><th>ΔF1</th><th>p (bootstrap)</th><th>p (AR)</th></tr>'
                   "</thead><tbody>")
        for layer, modes in comp.get("layers", {}).items():
            for mode, c in modes.items():
                delta = c.get("f1_difference")
                out.append(f"<tr><td>{_e(layer)}</td><td>{_e(mode)}</td><td class='num'>{'–' if delta is None else f'{100 * delta:+.2f}'}</td>"
                           f"<td class='num'>{_e(c.get('p_paired_bootstrap'))}</td><td class='num'>{_e(c.get('p_approximate_randomization'))}</td></tr>")
        out.append("</tbody></table>")
    rejected = report.get("rejected") or []
    if rejected:
        out.append(f"<details><summary>{len(rejected)} rejected prediction(s) or line(s)</summary><ul class='rejected'>")
        out += [f"<li><code>{_e(r.get('file'))}{':' + _e(r.get('line')) if r.get('line') is not None else ''}</code> "
                f"{_e(r.get('field'))}: {_e(r.get('reason'))}</li>" for r in rejected]
        out.append("</ul></details>")
    out.append("</section>")
    return "\n".join(out)


def _per_label(entry: Mapping[str, Any]) -> str:
    modes = list(entry["modes"])
    labels = list(dict.fromkeys(lab for mode in modes for lab in entry["modes"][mode].get("per_label", {})))
    if not labels:
        return ""
    first = modes[0]
    head = "".join(f"<th>F1 {_e(m)}</th>" for m in modes)
    rows = []
    for lab in labels:
        cells = "".join(f'<td class="num">{_pct(entry["modes"][m].get("per_label", {}).get(lab, {}).get("f1"))}</td>' for m in modes)
        c = entry["modes"][first].get("per_label", {}).get(lab, {})
        rows.append(f'<tr data-label="{_e(lab)}"><th>{_e(lab)}</th><td class="num">{_pct(c.get("precision"))} {_ci(c, "precision")}</td>'
                    f'<td class="num">{_pct(c.get("recall"))} {_ci(c, "recall")}</td>{cells}'
                    + "".join(f'<td class="num">{_e(c.get(k, 0))}</td>' for k in ("correct", "incorrect", "partial", "missed", "spurious"))
                    + "</tr>")
    return (f"<details class='perlabel'><summary>per label ({len(labels)}; P, R and counts in {_e(first)} mode)</summary>"
            f"<table class='scores'><thead><tr><th>label</th><th>P</th><th>R</th>{head}<th>COR</th><th>INC</th><th>PAR</th><th>MIS</th>"
            f"<th>SPU</th></tr></thead><tbody>{''.join(rows)}</tbody></table></details>")


def _span_cell(span: Mapping[str, Any] | None, text: str | None, colour: Mapping[tuple[str, str], str], layer: str) -> str:
    if span is None:
        return '<div role="cell" class="none">–</div>'
    start, end = span.get("start"), span.get("end")
    surface = span.get("text")
    if surface is None and text is not None and isinstance(start, int) and isinstance(end, int):
        surface = text[start:end]
    lab = str(span.get("label"))
    return (f'<div role="cell"><span class="lab {colour.get((layer, lab), "")}">{_e(lab)}</span> <span class="offsets">[{_e(start)}, {_e(end)})</span> '
            f"<q>{_e(surface)}</q></div>")


def _error_list(errors: Sequence[Mapping[str, Any]], doc_index: Mapping[str, int], gold: GoldSet, colour: Mapping[tuple[str, str], str],
                layers: Sequence[str], links: Mapping[int, tuple[str, ...]]) -> str:
    cat_counts = Counter(e["category"] for e in errors)
    flag_counts = Counter(f for e in errors for f in e.get("flags", ()))
    err_layers = list(dict.fromkeys([*(lay for lay in layers if any(e["layer"] == lay for e in errors)), *(e["layer"] for e in errors)]))
    layer_rank = {lay: i for i, lay in enumerate(err_layers)}
    label_set = {(e["layer"], str(s["label"])) for e in errors for s in (e.get("gold"), e.get("pred")) if s is not None}
    labels = sorted(label_set, key=lambda x: (layer_rank.get(x[0], len(layer_rank)), x[1]))

    def select(name: str, options: Sequence[tuple[str, str]]) -> str:
        opts = "".join(f'<option value="{_e(v)}">{_e(t)}</option>' for v, t in options)
        return f'<label>{name} <select id="f-{name}" data-filter="{name}"><option value="">all</option>{opts}</select></label>'

    out = ['<section id="errors"><h2>Errors</h2>', '<div class="errhead"><div class="filters">',
           select("layer", [(lay, f"{lay} ({sum(e['layer'] == lay for e in errors)})") for lay in err_layers]),
           select("label", [(lab, f"{lay}: {lab}") for lay, lab in labels]),
           select("category", [(c, f"{c} ({cat_counts[c]})") for c in (*CATEGORIES, *sorted(set(cat_counts) - set(CATEGORIES)))
                               if cat_counts[c]]),
           select("flag", [(f, f"{f} ({flag_counts[f]})") for f in FLAGS if flag_counts[f]]),
           '<label><input type="checkbox" id="f-docs"> only documents with shown errors</label>',
           f'<span class="count">showing <b id="visible-count">{len(errors)}</b> of <b id="total-count">{len(errors)}</b> errors</span>',
           "</div>"]
    if not errors:
        out.append('<p class="note">No errors.</p>')
    # rows are grid boxes, not table rows: a table of thousands of rows is laid out again and again while it loads
    out.append('<div class="eh" role="row"><div role="columnheader">#</div><div role="columnheader">document</div>'
               '<div role="columnheader">layer</div><div role="columnheader">category</div><div role="columnheader">gold</div>'
               '<div role="columnheader">predicted</div></div></div><div id="error-table" class="errors" role="table">')
    for row, err in enumerate(errors):
        doc = err["doc_id"]
        d = doc_index.get(doc, -1)
        text = gold.texts.get(doc)
        g, p = err.get("gold"), err.get("pred")
        flags = " ".join(f'<span class="flag">{_e(f)}</span>' for f in err.get("flags", ()))
        target = " ".join(f"d{d}-{sid}" for sid in links.get(row, ()))
        out.append(f'<div class="er" role="row" data-doc="{d}" data-layer="{_e(err["layer"])}" data-cat="{_e(err["category"])}"'
                   f' data-glabel="{_e(g["label"] if g else "")}" data-plabel="{_e(p["label"] if p else "")}"'
                   f' data-flags="{_e(" ".join(err.get("flags", ())))}" data-target="{_e(target)}">'
                   f'<div role="cell" class="num">{row + 1}</div><div role="cell" class="docid"><a href="#doc-{d}" class="goto">{_e(doc)}</a></div>'
                   f'<div role="cell">{_e(err["layer"])}</div>'
                   f'<div role="cell"><span class="cat" data-cat="{_e(err["category"])}">{_e(err["category"])}</span> {flags}</div>'
                   f"{_span_cell(g, text, colour, err['layer'])}{_span_cell(p, text, colour, err['layer'])}</div>")
    out.append("</div></section>")
    return "\n".join(out)


def _span_table(marks: Sequence[Mark], scored: set[str], colour: Mapping[tuple[str, str], str], text: str | None, caption: str) -> str:
    rows = []
    for m in sorted(marks, key=lambda m: (m.start if m.start is not None else -1, -(m.end or 0), m.kind, m.layer, m.label)):
        surface = m.text if m.text is not None else (text[m.start:m.end] if text is not None and m.start is not None else None)
        state = m.state(m.layer in scored)
        cat = _e(state)
        flags = f' data-flags="{_e(" ".join(m.flags))}"' if m.flags else ""
        badges = "".join(f' <span class="flag">{_e(f)}</span>' for f in m.flags)
        rows.append(f'<tr class="sp {m.kind[0]}" data-layer="{_e(m.layer)}" data-label="{_e(m.label)}" data-cat="{cat}"{flags}>'
                    f'<td>{m.kind}</td><td>{_e(m.layer)}</td><td><span class="lab {colour[(m.layer, m.label)]}">{_e(m.label)}</span></td>'
                    f'<td class="num">{"" if m.start is None else _e(m.start)}</td><td class="num">{"" if m.end is None else _e(m.end)}</td>'
                    f'<td><q>{_e(surface)}</q></td><td><span class="cat" data-cat="{cat}">{_e(STATE_TEXT.get(state, state))}</span>{badges}</td></tr>')
    return (f'<table class="spans"><caption>{_e(caption)}</caption><thead><tr><th>side</th><th>layer</th><th>label</th><th>start</th>'
            f"<th>end</th><th>text</th><th>status</th></tr></thead><tbody>{''.join(rows)}</tbody></table>")


def _doc_badges(errors: Sequence[tuple[int, Mapping[str, Any]]]) -> str:
    counts = Counter(e["category"] for _, e in errors)
    return " ".join(f'<span class="cat" data-cat="{_e(c)}">{_e(ABBREVIATIONS.get(c, c))} {n}</span>' for c, n in counts.items())


def _doc_scores(report: Mapping[str, Any], doc_id: str) -> str:
    per_doc = report.get("documents", {}).get("per_document", {}).get(doc_id, {})
    parts = []
    for layer, modes in per_doc.items():
        if not modes:
            continue
        mode, figures = next(iter(modes.items()))
        parts.append(f"{_e(layer)} {_pct(figures[2])}" + (f" ({_e(mode)} F1)" if not parts else ""))
    return f'<span class="docf1">{" · ".join(parts)}</span>' if parts else ""


# ------------------------------------------------------------------------------------------ the page
def render_html(report: Mapping[str, Any], gold: GoldSet, pred: Any = None, *,
                labels: LabelSet | None = None, title: str = "newsspans error report") -> str:
    """The whole report as one self-contained HTML page.

    Args:
        report: the JSON report of `scoring.api.score`, with `errors` (`ScoreConfig(keep_errors=True)`);
            without them the page shows the scores and the gold spans only.
        gold: the gold set that was scored (its texts, when known, are shown with the spans marked).
        pred: the predictions that were scored: a `PredSet` (or a mapping doc_id -> AnnotationSet).
            When None, the predicted spans are rebuilt from the error list (exact matches are
            copies of their gold span); predictions without offsets are then not shown.
        labels: the scheme, for label colours (labels it lacks, or all when None, get a colour from a hash).
        title: the page title.

    Returns:
        The HTML text.

    Raises:
        InputError: `report` is not a score report (no `layers`).
    """
    if not isinstance(report, Mapping) or not isinstance(report.get("layers"), Mapping):
        raise InputError("not a score report: no 'layers' section", field="report")
    gold_docs = doc_map(gold)
    pred_anns = doc_map(pred) if pred is not None else None
    errors: list[Mapping[str, Any]] = list(report.get("errors") or [])
    has_errors = "errors" in report
    layer_names = [lay for lay in report["layers"] if lay != "relations"]
    scored = set(layer_names)
    layer_order = {lay: i for i, lay in enumerate(dict.fromkeys([*(labels.layer_names if labels else ()), *layer_names]))}

    doc_ids = list(gold.doc_ids) + sorted({e["doc_id"] for e in errors} - set(gold.doc_ids))
    by_doc: dict[str, list[tuple[int, Mapping[str, Any]]]] = defaultdict(list)
    for row, err in enumerate(errors):
        by_doc[err["doc_id"]].append((row, err))
    doc_index = {d: i for i, d in enumerate(doc_ids)}

    marks: dict[str, tuple[list[Mark], list[Mark]]] = {}
    links: dict[int, tuple[str, ...]] = {}
    for doc in doc_ids:
        g, p = document_marks(gold_docs.get(doc), pred_anns.get(doc) if pred_anns is not None else None, pred_anns is not None, by_doc.get(doc, []),
                              scored if has_errors or pred_anns is not None else ())
        if scored:  # only the layers that were scored (all of them when only relations were)
            g, p = [m for m in g if m.layer in scored], [m for m in p if m.layer in scored]
        marks[doc] = (g, p)
        for m in (*g, *p):
            for row in m.errors:
                links[row] = (*links.get(row, ()), m.sid)

    pairs = [(lab.layer, lab.name) for layer in (labels.layers if labels else ()) for lab in layer.labels]
    pairs += [(m.layer, m.label) for g, p in marks.values() for m in (*g, *p)]
    colour, colour_rules = label_colours(pairs, labels)

    out = ["<!DOCTYPE html>", '<html lang="en"><head><meta charset="utf-8">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{_e(title)}</title>", f"<style>{CSS}\n{''.join(colour_rules)}\n"
           + "".join(f'[data-cat="{c}"]{{--k:{k}}}' for c, k in CATEGORY_COLOURS.items()) + "</style></head><body>",
           f"<header><h1>{_e(title)}</h1><nav><a href='#summary'>summary</a> · <a href='#errors'>errors ({len(errors)})</a> · "
           f"<a href='#documents'>documents ({len(doc_ids)})</a></nav></header><main>"]
    out.append(_summary(report))
    if has_errors:
        out.append(_error_list(errors, doc_index, gold, colour, layer_names, links))
    else:
        out.append('<section id="errors"><h2>Errors</h2><p class="note">This report has no error listing: score with '
                   "<code>ScoreConfig(keep_errors=True)</code> (<code>--errors</code> or <code>--html</code>).</p></section>")
    out.append(_legend(colour, labels, layer_order))
    rebuilt = "" if pred_anns is not None else " Predicted spans are rebuilt from the error list."
    out.append(f'<section id="documents"><h2>Documents</h2><p class="note">Documents with the most errors first. Gold spans are tinted '
               f"and underlined, predicted spans outlined (dashed); errors carry a tag.{rebuilt}</p>")
    order = sorted(range(len(doc_ids)), key=lambda i: (-len(by_doc.get(doc_ids[i], ())), i))
    without = set(report.get("documents", {}).get("without_predictions_ids", ()))
    for n, i in enumerate(order):
        doc = doc_ids[i]
        out.append(_document(i, doc, gold.texts.get(doc), marks[doc], by_doc.get(doc, []), colour, scored, layer_order, report,
                             opened=n == 0 and bool(by_doc.get(doc)), no_pred=doc in without))
    out.append("</section></main>")
    out.append(f"<script>{JS}</script></body></html>")
    return "\n".join(out) + "\n"


def _legend(colour: Mapping[tuple[str, str], str], labels: LabelSet | None, order: Mapping[str, int]) -> str:
    by_layer: dict[str, list[str]] = defaultdict(list)
    for layer, label in colour:
        by_layer[layer].append(label)
    rows = []
    for layer in sorted(by_layer, key=lambda x: (order.get(x, len(order)), x)):
        chips = " ".join(f'<span class="lab {colour[(layer, lab)]}">{_e(lab)}</span>' for lab in by_layer[layer])
        rows.append(f"<div><b>{_e(layer)}</b> {chips}</div>")
    cats = " ".join(f'<span class="cat" data-cat="{c}">{ABBREVIATIONS[c]}</span> {c}' for c in CATEGORIES)
    return (f'<section id="legend"><h2>Legend</h2><p><mark class="m g h1 c-demo">gold</mark> tinted and underlined · '
            f'<mark class="m p h1 c-demo">predicted</mark> dashed outline · tags: {cats}</p>{"".join(rows)}</section>')


def _document(i: int, doc: str, text: str | None, marks: tuple[list[Mark], list[Mark]], errors: Sequence[tuple[int, Mapping[str, Any]]],
              colour: Mapping[tuple[str, str], str], scored: set[str], order: Mapping[str, int], report: Mapping[str, Any], *,
              opened: bool, no_pred: bool) -> str:
    g, p = marks
    everything = [*g, *p]
    extra = " <span class='flag'>no predictions</span>" if no_pred else ""
    out = [f'<details class="doc" id="doc-{i}" data-doc="{i}" data-errors="{len(errors)}"{" open" if opened else ""}>'
           f'<summary><span class="docid">{_e(doc)}</span> <span class="badges">{_doc_badges(errors)}</span>{extra} {_doc_scores(report, doc)}'
           f' <span class="doc-count" data-n="{len(errors)}"></span></summary>']
    out.append(f'<p class="docmeta">{len(g)} gold spans, {len(p)} predicted spans, {len(errors)} errors</p>')
    if text is None:
        out.append('<p class="note">No text for this document (gold without texts): spans listed by offsets.</p>')
        out.append(_span_table(everything, scored, colour, None, "spans"))
    else:
        inside = [m for m in everything if m.start is not None and m.end is not None and 0 <= m.start < m.end <= len(text)]
        shown = {id(m) for m in inside}
        outside = [m for m in everything if id(m) not in shown]
        tree = build_tree(text, inside, order)
        out.append(f'<div class="text" data-doc="{i}">{render_tree(tree, i, colour, scored)}</div>')
        if outside:
            out.append(_span_table(outside, scored, colour, text, "spans not shown in the text (no offsets, or offsets outside it)"))
    out.append("</details>")
    return "\n".join(out)


CSS = """
:root{--fg:#1d1d1f;--muted:#666;--line:#ddd;--bg:#fff;--c:#888;--t:rgba(136,136,136,.16)}
*{box-sizing:border-box}
body{margin:0;font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,"Noto Sans",sans-serif;color:var(--fg);background:#fafafa}
header{position:sticky;top:0;z-index:5;background:#263238;color:#fff;padding:.5em 1.2em;display:flex;gap:2em;align-items:baseline}
header h1{font-size:1.15em;margin:0}header a{color:#cfe3ff}
main{max-width:1200px;margin:0 auto;padding:0 1.2em 4em}
section{background:var(--bg);border:1px solid var(--line);border-radius:6px;padding:.6em 1.2em 1em;margin:1em 0}
h2{font-size:1.2em;margin:.4em 0 .6em}h3{font-size:1.05em;margin:1em 0 .3em}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.15em 1em;margin:0}dl.facts dt{color:var(--muted)}dl.facts dd{margin:0}
code{font:12px/1.4 ui-monospace,SFMono-Regular,Menlo,Consolas,monospace;word-break:break-all}
table{border-collapse:collapse;margin:.3em 0}th,td{padding:.2em .6em;border-bottom:1px solid #eee;text-align:left;vertical-align:top}
thead th{background:#f3f5f7;font-weight:600}
td.num,th.num{text-align:right;font-variant-numeric:tabular-nums;white-space:nowrap}
.ci{color:var(--muted);font-size:.85em}
.chip{display:inline-block;border:1px solid var(--line);border-radius:10px;padding:0 .5em;margin:.1em;background:#f7f7f7}
.chip[data-cat]{border-color:var(--k);color:var(--k)}
.cat{display:inline-block;border-radius:3px;padding:0 .35em;font-size:.85em;color:#fff;background:var(--k,#607d8b);white-space:nowrap}
.cat[data-cat="ok"]{background:#2e7d32}
.flag{display:inline-block;border:1px solid #999;border-radius:3px;padding:0 .3em;font-size:.8em;color:#555}
.lab{display:inline-block;border-left:4px solid var(--c);background:var(--t);padding:0 .35em;border-radius:2px;font-size:.85em;font-weight:600}
.offsets{color:var(--muted);font-size:.85em;white-space:nowrap}
q{quotes:"\\201C" "\\201D"}
.errhead{position:sticky;top:2.3em;background:#fff;z-index:3;border-bottom:1px solid var(--line)}
.filters{display:flex;flex-wrap:wrap;gap:.6em 1.2em;align-items:center;padding:.4em 0 .6em}
.filters .count{margin-left:auto}
.eh,.er{display:grid;grid-template-columns:3.2em minmax(7em,12em) 6.5em 9.5em minmax(0,1fr) minmax(0,1fr);gap:0 .8em;padding:.25em .3em}
.eh{font-weight:600;background:#f3f5f7}.eh div:first-child,.er .num{text-align:right}
.er{border-bottom:1px solid #eee;content-visibility:auto;contain-intrinsic-size:auto 3em}
.er:hover{background:#f5f9ff;cursor:pointer}.er .docid a{word-break:break-all;font-size:.9em}.er .none{color:#bbb}
.er[hidden],tr[hidden],details[hidden]{display:none}
details.doc{border-top:1px solid var(--line);padding:.3em 0}
details.doc>summary{cursor:pointer;padding:.2em 0}
.docid{font-weight:600;font-family:ui-monospace,Menlo,Consolas,monospace}.docf1{color:var(--muted);font-size:.85em;margin-left:.6em}
.doc-count{color:var(--muted);font-size:.85em}.docmeta{color:var(--muted);font-size:.85em;margin:.2em 0}
.note{color:var(--muted)}
.text{white-space:pre-wrap;line-height:2.5;font-size:15px;padding:.4em .2em;content-visibility:auto;contain-intrinsic-size:auto 600px;
      overflow-wrap:anywhere}
mark.m{color:inherit;background:transparent;border-radius:1px}
mark.g{background:var(--t);border-bottom:2px solid var(--c)}
mark.p{outline:1.5px dashed var(--c);outline-offset:-1px}
mark.h1{padding-bottom:1px}mark.h2{padding-bottom:4px}mark.h3{padding-bottom:7px}mark.h4{padding-bottom:10px}
mark.h5{padding-bottom:13px}mark.h6{padding-bottom:16px}
mark.err.end::after{content:attr(data-tag);font:600 9px/1 system-ui,sans-serif;vertical-align:super;color:#fff;background:var(--k);
      border-radius:3px;padding:1px 3px;margin-left:2px;white-space:nowrap}
mark.p.err.end::after{background:#fff;color:var(--k);border:1px solid var(--k)}
mark.m.mute{background:transparent;border-bottom-color:transparent;outline:none;padding-bottom:0}
mark.m.mute::after{content:none}
mark.m.hl{box-shadow:0 0 0 2px #111;background:#fff59d}
.c-demo{--c:#546e7a;--t:rgba(84,110,122,.16)}
#legend div{margin:.2em 0}
ul.rejected{font-size:.9em}
table.spans{font-size:.92em}table.spans caption{text-align:left;color:var(--muted)}
"""

JS = r"""
(function () {
  "use strict";
  var names = ["layer", "label", "category", "flag"];
  var selects = {};
  names.forEach(function (n) { selects[n] = document.getElementById("f-" + n); });
  var docsBox = document.getElementById("f-docs");
  var rows = Array.prototype.slice.call(document.querySelectorAll(".er"));
  var marks = Array.prototype.slice.call(document.querySelectorAll("mark.m[data-sid], tr.sp"));
  var docs = Array.prototype.slice.call(document.querySelectorAll("details.doc"));
  function value(n) { return selects[n] ? selects[n].value : ""; }
  function hasFlag(el, f) { return (el.getAttribute("data-flags") || "").split(" ").indexOf(f) >= 0; }
  function apply(updateHash) {
    var f = {}; names.forEach(function (n) { f[n] = value(n); });
    var active = names.some(function (n) { return f[n] !== ""; });
    var visible = 0, perDoc = {};
    rows.forEach(function (tr) {
      var d = tr.dataset;
      var on = (!f.layer || d.layer === f.layer) && (!f.label || d.glabel === f.label || d.plabel === f.label) &&
               (!f.category || d.cat === f.category) && (!f.flag || hasFlag(tr, f.flag));
      tr.hidden = !on;
      if (on) { visible += 1; perDoc[d.doc] = (perDoc[d.doc] || 0) + 1; }
    });
    marks.forEach(function (m) {
      var d = m.dataset;
      var on = (!f.layer || d.layer === f.layer) && (!f.label || d.label === f.label) &&
               (!f.category || d.cat === f.category) && (!f.flag || hasFlag(m, f.flag));
      if (m.tagName === "TR") { m.hidden = !on; } else { m.classList.toggle("mute", !on); }
    });
    docs.forEach(function (det) {
      var n = perDoc[det.dataset.doc] || 0;
      var c = det.querySelector(".doc-count");
      if (c) { c.textContent = active ? "(" + n + " shown)" : ""; }
      det.hidden = !!(docsBox && docsBox.checked && n === 0);
    });
    var vc = document.getElementById("visible-count");
    if (vc) { vc.textContent = String(visible); }
    var p = new URLSearchParams();
    names.forEach(function (n) { if (f[n]) { p.set(n, f[n]); } });
    if (docsBox && docsBox.checked) { p.set("docs", "errors"); }
    var h = p.toString();
    document.body.setAttribute("data-filters", h);
    if (updateHash && window.history && history.replaceState) {
      history.replaceState(null, "", h ? "#" + h : location.pathname + location.search);
    }
  }
  function fromHash() {
    var h = location.hash.replace(/^#/, "");
    if (h.indexOf("=") < 0) { return false; }
    var p = new URLSearchParams(h);
    names.forEach(function (n) {
      var s = selects[n]; if (!s) { return; }
      var v = p.get(n) || "";
      s.value = v;
      if (s.value !== v) { s.value = ""; }
    });
    if (docsBox) { docsBox.checked = p.get("docs") === "errors"; }
    return true;
  }
  function reveal(id) {
    var el = document.getElementById(id);
    if (!el) { return; }
    var det = el.closest("details"); if (det) { det.open = true; }
    el.scrollIntoView({block: "center"});
    return el;
  }
  function flash(root, sid) {
    if (!root) { return; }
    root.querySelectorAll('mark[data-sid="' + sid + '"]').forEach(function (m) {
      m.classList.add("hl"); setTimeout(function () { m.classList.remove("hl"); }, 1800);
    });
  }
  names.forEach(function (n) { if (selects[n]) { selects[n].addEventListener("change", function () { apply(true); }); } });
  if (docsBox) { docsBox.addEventListener("change", function () { apply(true); }); }
  window.addEventListener("hashchange", function () { if (fromHash()) { apply(false); } });
  document.addEventListener("click", function (ev) {
    var tr = ev.target.closest ? ev.target.closest(".er") : null;
    if (!tr) { return; }
    ev.preventDefault();
    var targets = (tr.dataset.target || "").split(" ").filter(Boolean);
    var doc = document.getElementById("doc-" + tr.dataset.doc);
    if (!targets.length || !document.getElementById(targets[0])) {
      if (doc) { doc.open = true; doc.scrollIntoView(); }
      return;
    }
    reveal(targets[0]);
    targets.forEach(function (t) { flash(doc, t.slice(t.indexOf("-") + 1)); });
  });
  var STATE = {ok: "correct", unscored: "not scored"};
  function describe(m, text) {
    var first = m.hasAttribute("data-r") ? m : document.getElementById("d" + text.dataset.doc + "-" + m.dataset.sid);
    var r = first ? first.dataset.r.replace("-", "\u2013") : "";
    var d = m.dataset;
    return [m.classList.contains("g") ? "gold" : "predicted", d.layer, d.label, r, STATE[d.cat] || d.cat].join(" \u00b7 ") +
      (d.flags ? " (" + d.flags + ")" : "");
  }
  var lit = [];
  document.addEventListener("mouseover", function (ev) {
    var m = ev.target.closest ? ev.target.closest("mark.m[data-sid]") : null;
    lit.forEach(function (x) { x.classList.remove("hl"); });
    lit = [];
    if (!m) { return; }
    var text = m.closest(".text");
    if (!m.title) {
      var lines = [], x = m;
      for (; x && x !== text; x = x.parentElement) { if (x.matches("mark.m[data-sid]")) { lines.push(describe(x, text)); } }
      m.title = lines.join("\n");
    }
    if (m.dataset.pair) {
      lit = Array.prototype.slice.call(text.querySelectorAll('mark[data-sid="' + m.dataset.pair + '"]'));
      lit.forEach(function (x) { x.classList.add("hl"); });
    }
  });
  fromHash();
  apply(false);
}());
"""

__all__ = ["CATEGORIES", "Mark", "build_tree", "document_marks", "render_html", "render_tree"]
