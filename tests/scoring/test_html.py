"""The HTML error report: markup built by the boundary sweep, escaping, and the page in a real headless Chromium."""

from __future__ import annotations

import dataclasses
import json
import random
import shutil
import subprocess
from collections import Counter
from collections.abc import Mapping, Sequence
from html.parser import HTMLParser
from pathlib import Path
from typing import Any

import pytest

from newsspans.corpus import load_corpus
from newsspans.errors import InputError
from newsspans.labels import LabelSet
from newsspans.model import AnnotationSet, Span
from newsspans.project import Project
from newsspans.scoring import inputs
from newsspans.scoring.api import ScoreConfig, default_layers, load_gold, load_predictions, score
from newsspans.scoring.html import build_tree, render_html

from .helpers import LABELS

CHROMIUM = next((p for p in map(shutil.which, ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")) if p), None)
needs_browser = pytest.mark.skipif(CHROMIUM is None, reason="no chromium binary on PATH (scripts/test.sh installs the Debian package)")

VOID = {"meta", "input", "br", "img", "hr", "link", "wbr", "source", "area", "base", "col", "embed", "track"}
NASTY = "Zoë said <script>alert(1)</script> & \"quoted\" 'single' \U0001F600 cafe\u0301 nai\u0308ve."  # combining acute and diaeresis


# ------------------------------------------------------------------------------------------ helpers
@dataclasses.dataclass
class Node:
    tag: str
    attrs: dict[str, str]
    children: list[Node | str] = dataclasses.field(default_factory=list)
    parent: Node | None = None

    def text(self) -> str:
        return "".join(c if isinstance(c, str) else c.text() for c in self.children)

    def iter(self):
        yield self
        for c in self.children:
            if isinstance(c, Node):
                yield from c.iter()

    def find_all(self, tag: str, **attrs: str) -> list[Node]:
        """Elements by tag and attributes (`class_` matches one of the classes, other attributes exactly)."""
        want = {k.rstrip("_").replace("_", "-"): v for k, v in attrs.items()}
        return [n for n in self.iter() if n.tag == tag
                and all(n.has_class(v) if k == "class" else n.attrs.get(k) == v for k, v in want.items())]

    def has_class(self, name: str) -> bool:
        return name in (self.attrs.get("class") or "").split()

    def ancestors(self):
        n = self.parent
        while n is not None:
            yield n
            n = n.parent


class TreeParser(HTMLParser):
    """A small DOM from HTML text (the page we wrote, or the DOM Chromium dumped)."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {})
        self.stack = [self.root]

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1])
        self.stack[-1].children.append(node)
        if tag not in VOID:
            self.stack.append(node)

    def handle_startendtag(self, tag, attrs):
        self.stack[-1].children.append(Node(tag, {k: v or "" for k, v in attrs}, parent=self.stack[-1]))

    def handle_endtag(self, tag):
        for i in range(len(self.stack) - 1, 0, -1):
            if self.stack[i].tag == tag:
                del self.stack[i:]
                return

    def handle_data(self, data):
        self.stack[-1].children.append(data)


def parse(page: str) -> Node:
    p = TreeParser()
    p.feed(page)
    p.close()
    return p.root


def make_sets(gold: Mapping[str, Sequence[Span]], pred: Mapping[str, Sequence[Span]] | None, texts: Mapping[str, str]) -> tuple[Any, Any]:
    """GoldSet and PredSet from Span objects, in whichever per-document form the scorer keeps."""

    def wrap(spans: Mapping[str, Sequence[Span]]) -> dict[str, Any]:
        anns = {d: AnnotationSet(d, tuple(s)) for d, s in spans.items()}
        record = getattr(inputs, "DocRecord", None)
        has_docs = "docs" in {f.name for f in dataclasses.fields(inputs.GoldSet)}
        return {d: record.from_annotation(a) for d, a in anns.items()} if has_docs and record else anns

    g = inputs.GoldSet("gold-test", "0" * 64, "all", tuple(gold), wrap(gold), dict(texts))
    p = inputs.PredSet("pred.jsonl", wrap(pred), (), sum(map(len, pred.values())), 0, ()) if pred is not None else None
    return g, p


def sp(doc: str, layer: str, start: int, end: int, label: str, text: str | None = None, texts: Mapping[str, str] | None = None) -> Span:
    if text is None and texts is not None:
        text = texts[doc][start:end]
    return Span(doc, layer, start, end, label, text)


def report_for(gold: Any, pred: Any, layers: Sequence[str] = ("entities", "attribution"), keep_errors: bool = True) -> dict[str, Any]:
    return score(gold, pred, LABELS, ScoreConfig(layers=tuple(layers), bootstrap=20, keep_errors=keep_errors))


def marks_of(root: Node, kind: str | None = None) -> list[Node]:
    return [n for n in root.find_all("mark") if n.has_class("m") and "data-sid" in n.attrs and (kind is None or n.has_class(kind[0]))]


def spans_by_sid(root: Node, doc_index: int, kind: str) -> dict[str, str]:
    """sid -> the text the span covers, joining its fragments, within one document's text block."""
    text_block = root.find_all("div", class_="text", data_doc=str(doc_index))[0]
    out: dict[str, str] = {}
    for m in marks_of(text_block, kind):
        out[m.attrs["data-sid"]] = out.get(m.attrs["data-sid"], "") + m.text()
    return out


def run_chromium(tmp_path: Path, url: str, *extra: str) -> str:
    profile = tmp_path / f"profile-{len(list(tmp_path.glob('profile-*')))}"
    cmd = [CHROMIUM, "--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-component-update",
           "--disable-sync", "--no-first-run", "--disable-extensions", "--enable-logging=stderr", "--v=0", f"--user-data-dir={profile}",
           *extra, url]
    done = subprocess.run(cmd, capture_output=True, text=True, timeout=180, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert "Uncaught" not in done.stderr, [line for line in done.stderr.splitlines() if "CONSOLE" in line]
    return done.stdout


# ------------------------------------------------------------------------------------------ fixtures
TEXT = "Officials in Kyiv said the Russian army attacked Kharkiv on Tuesday, according to the mayor."


@pytest.fixture
def small() -> tuple[Any, Any, dict[str, Any]]:
    """Two documents: nested attribution spans, crossing predictions, every error category."""
    texts = {"a": TEXT, "b": "The mayor of Lviv met NATO officials."}
    gold = {
        "a": [sp("a", "entities", 0, 9, "PER", texts=texts), sp("a", "entities", 13, 17, "GPE", texts=texts),
              sp("a", "entities", 27, 39, "ORG", texts=texts), sp("a", "entities", 49, 56, "GPE", texts=texts),
              sp("a", "entities", 60, 67, "TIMEX", texts=texts),
              sp("a", "attribution", 0, 17, "SOURCE", texts=texts), sp("a", "attribution", 18, 22, "CUE", texts=texts),
              sp("a", "attribution", 23, 67, "CONTENT", texts=texts)],
        "b": [sp("b", "entities", 4, 17, "PER", texts=texts), sp("b", "entities", 13, 17, "GPE", texts=texts),
              sp("b", "entities", 22, 26, "ORG", texts=texts)],
    }
    pred = {
        "a": [sp("a", "entities", 0, 9, "PER", texts=texts),  # correct
              sp("a", "entities", 13, 17, "LOC", texts=texts),  # label
              sp("a", "entities", 31, 39, "ORG", texts=texts),  # boundary
              sp("a", "entities", 60, 67, "TIMEX", texts=texts),  # correct; GPE 49-56 missed
              sp("a", "entities", 70, 79, "ORG", texts=texts),  # spurious
              sp("a", "attribution", 5, 20, "SOURCE", texts=texts),  # crosses gold SOURCE/CUE: boundary
              sp("a", "attribution", 23, 67, "CONTENT", texts=texts)],  # correct; CUE missed
        "b": [sp("b", "entities", 4, 9, "GPE", texts=texts)],  # label+boundary with PER 4-17; the rest missed
    }
    g, p = make_sets(gold, pred, texts)
    return g, p, report_for(g, p)


# ------------------------------------------------------------------------------------------ markup
def test_every_span_is_marked_once_and_covers_its_text(small):
    gold, pred, report = small
    root = parse(render_html(report, gold, pred, labels=LABELS))
    n_gold = {d: len(inputs_spans(gold, d)) for d in gold.doc_ids}
    n_pred = {d: len(inputs_spans(pred, d)) for d in gold.doc_ids}
    for i, doc in enumerate(gold.doc_ids):
        block = root.find_all("details", id=f"doc-{i}")[0]
        text = gold.texts[doc]
        assert block.find_all("div", class_="text")[0].text() == text  # the sweep keeps every character, in order
        for kind, expected in (("gold", n_gold[doc]), ("pred", n_pred[doc])):
            covered = spans_by_sid(root, i, kind)
            assert len(covered) == expected
            firsts = [m for m in marks_of(block, kind) if m.has_class("first")]
            assert len(firsts) == expected and all(m.attrs["id"] == f"d{i}-{m.attrs['data-sid']}" for m in firsts)
            for m in firsts:
                start, end = (int(x) for x in m.attrs["data-r"].split("-"))
                assert covered[m.attrs["data-sid"]] == text[start:end]


def inputs_spans(source: Any, doc: str) -> list[Any]:
    from newsspans.scoring.html import doc_map, span_rows

    return span_rows(doc_map(source).get(doc))


def test_nested_spans_are_nested_elements_and_crossing_spans_are_fragments(small):
    gold, pred, report = small
    root = parse(render_html(report, gold, pred, labels=LABELS))
    block = root.find_all("div", class_="text", data_doc="0")[0]
    gold_marks = {(m.attrs["data-label"], m.attrs["data-r"]): m for m in marks_of(block, "gold") if m.has_class("first")}
    source, per, kyiv = gold_marks[("SOURCE", "0-17")], gold_marks[("PER", "0-9")], gold_marks[("GPE", "13-17")]
    assert source in per.ancestors() and source in kyiv.ancestors()  # entities nest inside the attribution SOURCE
    content = gold_marks[("CONTENT", "23-67")]
    inside = {m.attrs["data-label"] for m in marks_of(content, "gold") if m is not content}
    assert inside == {"ORG", "GPE", "TIMEX"}
    # outer underlines sit below inner ones: nesting height grows outwards
    height = lambda m: int(next(c for c in m.attrs["class"].split() if c[0] == "h" and c[1:].isdigit())[1:])  # noqa: E731
    assert height(source) > height(per) and height(content) > height(kyiv)
    # the predicted SOURCE 5-20 crosses the gold SOURCE 0-17 and CUE 18-22: several fragments, one sid, one first, one end
    frags = [m for m in marks_of(block, "pred") if m.attrs["data-label"] == "SOURCE"]
    assert len(frags) >= 2 and len({m.attrs["data-sid"] for m in frags}) == 1
    assert sum(m.has_class("first") for m in frags) == 1 and sum(m.has_class("end") for m in frags) == 1
    assert "".join(m.text() for m in frags) == TEXT[5:20]


def test_build_tree_splits_crossing_spans_and_keeps_order():
    from newsspans.scoring.html import Mark

    text = "abcdefghijklmnop"
    a, b, c = (Mark("g0", "gold", "x", "A", 0, 10, None), Mark("p0", "pred", "x", "B", 5, 15, None), Mark("g1", "gold", "x", "C", 5, 10, None))
    tree = build_tree(text, [b, c, a], {"x": 0})

    def shape(node):
        return [(child.mark.sid, child.first, child.last, shape(child)) if not isinstance(child, str) else child for child in node.children]

    # A opens first; at 5 the longer B opens outside C (same start, longer first); at 10 A, C end and B is reopened
    assert shape(tree) == [("g0", True, True, ["abcde", ("p0", True, False, [("g1", True, True, ["fghij"])])]),
                           ("p0", False, True, ["klmno"]), "p"]


def test_error_rows_and_counts_match_the_report(small):
    gold, pred, report = small
    root = parse(render_html(report, gold, pred, labels=LABELS))
    rows = root.find_all("div", class_="er")
    assert len(rows) == len(report["errors"]) > 0
    assert Counter(r.attrs["data-cat"] for r in rows) == Counter(e["category"] for e in report["errors"])
    assert set(Counter(e["category"] for e in report["errors"])) == {"label", "boundary", "label+boundary", "missed", "spurious"}
    assert root.find_all("b", id="visible-count")[0].text() == str(len(rows))
    # the summary chips carry the per-layer counts of the report
    for layer, entry in report["layers"].items():
        div = root.find_all("div", class_="layer", data_layer=layer)[0]
        chips = {c.attrs["data-cat"]: int(c.find_all("b")[0].text()) for c in div.find_all("span") if c.has_class("chip") and "data-cat" in c.attrs}
        assert chips == {k: v for k, v in entry["errors"].items() if k in chips}
        assert div.find_all("tr", data_mode="strict")[0].find_all("td")[-2].text() == str(entry["modes"]["strict"]["micro"]["possible"])
    # every row points at the marks of its spans, and those marks carry the row's category
    for row in rows:
        targets = row.attrs["data-target"].split()
        assert targets and all(root.find_all("mark", id=t) for t in targets)
        assert {root.find_all("mark", id=t)[0].attrs["data-cat"] for t in targets} == {row.attrs["data-cat"]}
    # the filters offer exactly the categories present, with their counts
    options = [o.attrs["value"] for o in root.find_all("select", id="f-category")[0].find_all("option")]
    assert options == ["", "label", "boundary", "label+boundary", "missed", "spurious"]


def test_documents_with_most_errors_come_first_and_the_first_is_open(small):
    gold, pred, report = small
    root = parse(render_html(report, gold, pred, labels=LABELS))
    docs = root.find_all("details")
    docs = [d for d in docs if d.has_class("doc")]
    counts = [int(d.attrs["data-errors"]) for d in docs]
    assert counts == sorted(counts, reverse=True) and counts[0] > 0
    assert "open" in docs[0].attrs and all("open" not in d.attrs for d in docs[1:])


def test_predicted_spans_rebuilt_from_errors_equal_the_predictions(seed_project):
    """Without `pred`, the page rebuilds the predicted spans from the error list: same spans as the real ones."""
    gold, pred, report, _ = seed_report(seed_project)
    with_pred, without = parse(render_html(report, gold, pred)), parse(render_html(report, gold))

    def keys(root: Node, kind: str) -> Counter:
        return Counter((m.attrs["data-layer"], m.attrs["data-label"], m.attrs["data-r"]) for m in marks_of(root, kind) if m.has_class("first"))

    assert keys(with_pred, "pred") == keys(without, "pred")
    assert keys(with_pred, "gold") == keys(without, "gold")
    assert sum(keys(with_pred, "pred").values()) == sum(len(inputs_spans(pred, d)) for d in gold.doc_ids)


def seed_report(project_root: Path, seed: int = 3) -> tuple[Any, Any, dict[str, Any], LabelSet]:
    """The seed article's gold, a perturbed copy of it as predictions (through the real JSONL reader), and the report."""
    project = Project.find(project_root)
    labels = LabelSet.load(project.labels_path)
    corpus = load_corpus(project)
    gold, _ = load_gold(project, None, None, labels)
    rng = random.Random(seed)
    lines = []
    for doc in gold.doc_ids:
        text = gold.texts[doc]
        spans = []
        for s in corpus.gold[doc].to_exchange()["spans"]:
            r = rng.random()
            if r < 0.1:
                continue  # missed
            if r < 0.18:
                s["label"] = rng.choice([x for x in labels.layer(s["layer"]).label_names if x != s["label"]] or [s["label"]])
            elif r < 0.26 and s["end"] - s["start"] > 3:
                s["start"] += 2
                s["text"] = text[s["start"]:s["end"]]
            spans.append(s)
        spans.append({"layer": "entities", "label": "ORG", "start": 0, "end": 4, "text": text[0:4], "attributes": {"mention": "NOM"}})
        lines.append(json.dumps({"doc_id": doc, "spans": spans, "relations": []}))
    path = project_root / "pred.jsonl"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    pred = load_predictions(path, gold, labels, project)
    assert not pred.rejected
    report = score(gold, pred, labels, ScoreConfig(layers=default_layers(labels), bootstrap=50, keep_errors=True))
    return gold, pred, report, labels


def test_input_strings_are_escaped_everywhere():
    texts = {"x<&>\"'": NASTY}
    doc = "x<&>\"'"
    start = NASTY.index("<script>")
    cafe = NASTY.index("cafe\u0301")
    gold = {doc: [sp(doc, "entities", start, start + 25, "PER", texts=texts), sp(doc, "entities", cafe, cafe + 5, "GPE", texts=texts)]}
    evil = '<img src=x onerror="alert(2)">'
    pred = {doc: [Span(doc, "entities", start, start + 25, "ORG", "<script>alert(3)</script> & \"q\" 😀"),
                  Span(doc, "entities", 0, 3, "ORG", "Zoë"),
                  Span(doc, "entities", None, None, "PER", "<b>no offsets</b>")]}
    g, p = make_sets(gold, pred, texts)
    report = with_label(report_for(g, p, layers=("entities",)), "ORG", evil, start)
    _, p = make_sets(gold, {doc: [dataclasses.replace(pred[doc][0], label=evil), *pred[doc][1:]]}, texts)
    page = render_html(report, g, p, labels=LABELS, title="<i>t</i>")
    assert page.count("<script") == 1 and "<img" not in page and "<b>no" not in page and "<i>t" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page and " &amp; &quot;quoted&quot; &#x27;single&#x27; 😀 " in page
    assert "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page and "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    root = parse(page)
    assert {n.tag for n in root.iter()} <= {"#root", "html", "head", "meta", "title", "style", "body", "header", "h1", "nav", "a", "main",
                                            "section", "h2", "h3", "dl", "dt", "dd", "code", "div", "table", "thead", "tbody", "tr", "th",
                                            "td", "p", "span", "b", "details", "summary", "label", "select", "option", "input", "mark",
                                            "q", "caption", "script"}
    assert not any(k.startswith("on") for n in root.iter() for k in n.attrs)
    block = root.find_all("div", class_="text", data_doc="0")[0]
    assert block.text() == NASTY  # emoji and the combining mark survive, offsets are code points
    covered = spans_by_sid(root, 0, "gold")
    assert "cafe\u0301" in covered.values() and NASTY[start:start + 25] in covered.values()
    assert [m.attrs["data-label"] for m in marks_of(block, "pred") if m.has_class("first")].count(evil) == 1
    assert root.find_all("details", class_="doc")[0].find_all("span", class_="docid")[0].text() == doc
    # the span without offsets is listed under the text, escaped
    listed = [r for r in root.find_all("tr", class_="sp") if r.find_all("q")[0].text() == "<b>no offsets</b>"]
    assert len(listed) == 1 and "no offsets (string mode only)" in listed[0].text()


def with_label(report: dict[str, Any], old: str, new: str, start: int) -> dict[str, Any]:
    """The report with the predicted label `old` of the span at `start` renamed `new` in the error list.

    The scorer only knows the scheme's labels; this puts a hostile label where the renderer reads labels from.
    """
    out = json.loads(json.dumps(report))
    for e in out["errors"]:
        if e["pred"] and e["pred"]["label"] == old and e["pred"]["start"] == start:
            e["pred"]["label"] = new
    assert any(e["pred"] and e["pred"]["label"] == new for e in out["errors"])
    return out


def test_gold_without_texts_lists_spans(small):
    gold, pred, _ = small
    no_text = dataclasses.replace(gold, texts={})
    report = report_for(no_text, pred)
    root = parse(render_html(report, no_text, pred, labels=LABELS))
    assert not root.find_all("div", class_="text")
    for i, doc in enumerate(no_text.doc_ids):
        block = root.find_all("details", id=f"doc-{i}")[0]
        rows = block.find_all("tr", class_="sp")
        assert len(rows) == len(inputs_spans(gold, doc)) + len(inputs_spans(pred, doc))
        assert "No text for this document" in block.text()
    assert len(root.find_all("div", class_="er")) == len(report["errors"])


def test_report_without_errors_and_bad_input(small):
    gold, pred, _ = small
    report = report_for(gold, pred, keep_errors=False)
    root = parse(render_html(report, gold, labels=LABELS))
    assert not root.find_all("div", class_="er") and "no error listing" in root.find_all("section", id="errors")[0].text()
    assert len(marks_of(root, "gold")) >= sum(len(inputs_spans(gold, d)) for d in gold.doc_ids) and not marks_of(root, "pred")
    with pytest.raises(InputError, match="not a score report"):
        render_html({"errors": []}, gold)


def test_only_scored_layers_are_marked(small):
    gold, pred, _ = small
    report = report_for(gold, pred, layers=("entities",))
    root = parse(render_html(report, gold, pred, labels=LABELS))
    assert {m.attrs["data-layer"] for m in marks_of(root)} == {"entities"}
    for i, n_entities in ((0, 5), (1, 3)):
        assert len(spans_by_sid(root, i, "gold")) == n_entities


def test_colours_come_from_the_scheme(small):
    gold, pred, report = small
    page = render_html(report, gold, pred, labels=LABELS)
    for label in ("PER", "GPE", "SOURCE"):
        colour = next(lab.colour for layer in LABELS.layers for lab in layer.labels if lab.name == label)
        assert f"--c:{colour};" in page


# ------------------------------------------------------------------------------------------ browser
@needs_browser
def test_page_in_chromium_marks_counts_and_fragment_filter(tmp_path, seed_project):
    gold, pred, report, labels = seed_report(seed_project)
    page = tmp_path / "report.html"
    page.write_text(render_html(report, gold, pred, labels=labels), encoding="utf-8")
    dom = parse(run_chromium(tmp_path, page.as_uri(), "--dump-dom"))
    errors = report["errors"]
    assert dom.find_all("b", id="visible-count")[0].text() == str(len(errors)) == dom.find_all("b", id="total-count")[0].text()
    assert len(spans_by_sid(dom, 0, "gold")) == len(inputs_spans(gold, gold.doc_ids[0]))
    assert len(spans_by_sid(dom, 0, "pred")) == len(inputs_spans(pred, gold.doc_ids[0]))
    assert dom.find_all("div", class_="text")[0].text() == gold.texts[gold.doc_ids[0]]
    for layer, entry in report["layers"].items():
        div = dom.find_all("div", class_="layer", data_layer=layer)[0]
        shown = {c.attrs["data-cat"]: int(c.find_all("b")[0].text()) for c in div.find_all("span") if "data-cat" in c.attrs}
        assert shown == {k: v for k, v in entry["errors"].items() if k in shown}

    want = [e for e in errors if e["layer"] == "entities" and e["category"] == "missed"]
    assert want, "the perturbation should miss some entities"
    dom = parse(run_chromium(tmp_path, page.as_uri() + "#layer=entities&category=missed", "--dump-dom"))
    rows = dom.find_all("div", class_="er")
    visible = [r for r in rows if "hidden" not in r.attrs]
    assert dom.find_all("b", id="visible-count")[0].text() == str(len(want)) == str(len(visible))
    assert all(r.attrs["data-layer"] == "entities" and r.attrs["data-cat"] == "missed" for r in visible)
    assert dom.find_all("body")[0].attrs["data-filters"] == "layer=entities&category=missed"
    on = [m for m in marks_of(dom) if not m.has_class("mute")]
    assert on and all(m.attrs["data-layer"] == "entities" and m.attrs["data-cat"] == "missed" for m in on)
    assert {m.attrs["data-sid"] for m in on if m.has_class("first")} == {t.split("-", 1)[1] for r in visible for t in r.attrs["data-target"].split()}

    label = want[0]["gold"]["label"]
    dom = parse(run_chromium(tmp_path, page.as_uri() + f"#label={label}&docs=errors", "--dump-dom"))
    n = sum(1 for e in errors if label in {(e["gold"] or {}).get("label"), (e["pred"] or {}).get("label")})
    assert dom.find_all("b", id="visible-count")[0].text() == str(n)
    assert f"({n} shown)" in dom.find_all("details", class_="doc")[0].text()


@needs_browser
def test_injected_markup_never_reaches_the_dom(tmp_path):
    doc = "d<1>"
    texts = {doc: NASTY}
    start = NASTY.index("<script>")
    gold = {doc: [sp(doc, "entities", start, start + 25, "PER", texts=texts)]}
    evil = '<img src=x onerror="document.title=1">'
    pred = {doc: [Span(doc, "entities", start, start + 25, "ORG", "<script>document.title=2</script>")]}
    g, p = make_sets(gold, pred, texts)
    report = with_label(report_for(g, p, layers=("entities",)), "ORG", evil, start)
    _, p = make_sets(gold, {doc: [dataclasses.replace(pred[doc][0], label=evil)]}, texts)
    page = tmp_path / "evil.html"
    page.write_text(render_html(report, g, p, labels=LABELS), encoding="utf-8")
    dom = parse(run_chromium(tmp_path, page.as_uri(), "--dump-dom"))
    assert not dom.find_all("img") and len(dom.find_all("script")) == 1
    assert dom.find_all("title")[0].text() == "newsspans error report"
    assert dom.find_all("div", class_="text")[0].text() == NASTY
    assert dom.find_all("b", id="visible-count")[0].text() == "1"
    assert dom.find_all("div", class_="er")[0].attrs["data-plabel"] == evil
