"""docs/STATS.md: every figure equals a count made here from the raw files; the page and plots are
byte-stable; --check notices a stale page."""

from __future__ import annotations

import json
import math
import statistics
from collections import Counter, defaultdict
from pathlib import Path

import pytest

from newsspans.commands.stats import main as stats_main
from newsspans.corpus import load_corpus
from newsspans.labels import LabelSet
from newsspans.project import Project
from newsspans.stats import Distribution
from newsspans.statspage import PAGE_PATH, PLOT_DIR, plots_for, render_page, write_page
from newsspans.synth import generate, write_project

from ..conftest import REPO, SEED_ID, make_project

STYLES = ("wire", "analysis", "live")
CONFLICTS = ("sudan", "sahel", "myanmar", "haiti")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    """The seed article with its gold plus 11 synthetic documents, with styles, conflicts and three splits."""
    root = make_project(tmp_path / "proj")
    labels = LabelSet.load(REPO / "schema" / "labels.json")
    write_project(root, generate(labels, 11, spans_per_doc=9, seed=5), labels, REPO / "schema")
    ids = sorted(p.stem for p in (root / "corpus").glob("*.json"))
    for i, doc_id in enumerate(ids):
        if doc_id == SEED_ID:
            continue
        path = root / "corpus" / f"{doc_id}.json"
        doc = json.loads(path.read_text(encoding="utf-8"))
        doc["metadata"] |= {"outlet_style": STYLES[i % 3], "conflict": CONFLICTS[i % 4]}
        path.write_text(json.dumps(doc, ensure_ascii=False), encoding="utf-8")
    splits = {"train": ids[:7], "dev": ids[7:9], "test": ids[9:]}
    (root / "corpus" / "splits.json").write_text(json.dumps({"version": "t1", "splits": splits}), encoding="utf-8")
    return root


def raw(root: Path) -> tuple[dict[str, dict], dict[str, dict], dict[str, list[str]]]:
    """Documents, gold records and splits (with "all") read straight from the files."""
    docs = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (root / "corpus").glob("*.json") if p.name != "splits.json"}
    gold = {p.stem: json.loads(p.read_text(encoding="utf-8")) for p in (root / "annotations" / "gold").glob("*.json")}
    splits = json.loads((root / "corpus" / "splits.json").read_text(encoding="utf-8"))["splits"]
    return docs, gold, {"all": sorted(docs), **splits}


def table(page: str, heading: str, nth: int = 0) -> dict[str, list[str]]:
    """The `nth` Markdown table under `## heading`, as first cell (backticks and bold stripped) -> other cells; no header."""
    section = page.split(f"\n## {heading}\n", 1)[1].split("\n## ", 1)[0]
    tables, current = [], []
    for line in [*section.splitlines(), ""]:
        if line.startswith("|"):
            current.append(line)
        elif current:
            tables.append(current)
            current = []
    rows = [[c.strip() for c in ln.strip().strip("|").split(" | ")] for ln in tables[nth] if not ln.startswith("|---")]
    return {r[0].strip("`*"): r[1:] for r in rows[1:]}


def nearest_rank(values: list[int], q: float) -> int:
    ordered = sorted(values)
    return ordered[max(0, math.ceil(q * len(ordered)) - 1)]


def fmt(x: float) -> str:
    return str(int(x)) if x == int(x) else f"{x:.2f}".rstrip("0")


def test_page_figures_equal_independent_counts(project: Path) -> None:
    page = render_page(load_corpus(Project(project)))
    docs, gold, splits = raw(project)
    names = list(splits)
    assert "| figure | " + " | ".join(names) + " |" in page

    totals = table(page, "Totals")
    words = {s: sum(len(docs[d]["text"].split()) for d in ids) for s, ids in splits.items()}
    assert totals["documents"] == [str(len(splits[s])) for s in names]
    assert totals["words"] == [str(words[s]) for s in names]
    assert totals["spans"] == [str(sum(len(gold[d]["spans"]) for d in splits[s])) for s in names]
    assert totals["relations"] == [str(sum(len(gold[d]["relations"]) for d in splits[s])) for s in names]

    per_label = table(page, "Spans per label")
    per_role = table(page, "Relations per role")
    per_attr = table(page, "Attribute values", 1)
    for s in names:
        col = names.index(s)
        labels = Counter(f"{sp['layer']}/{sp['label']}" for d in splits[s] for sp in gold[d]["spans"])
        roles = Counter(r["label"] for d in splits[s] for r in gold[d]["relations"])
        attrs = Counter(f"{sp['label']}.{k}={v}" for d in splits[s] for sp in gold[d]["spans"] for k, v in sp.get("attributes", {}).items())
        assert {k: int(v[col]) for k, v in per_label.items() if int(v[col])} == dict(labels)
        assert {k: int(v[col]) for k, v in per_role.items() if int(v[col])} == dict(roles)
        assert {k: int(v[col]) for k, v in per_attr.items() if int(v[col])} == dict(attrs)
    assert "events/PROTEST" in per_label  # every label of the scheme has a row, used or not

    styles = table(page, "Documents per outlet style")
    expected_styles = Counter(docs[d]["metadata"].get("outlet_style", "unknown") for d in splits["test"])
    assert {k: int(v[names.index("test")]) for k, v in styles.items() if int(v[names.index("test")])} == dict(expected_styles)
    conflicts = table(page, "Documents per conflict")
    assert sum(int(v[0]) for v in conflicts.values()) == len(docs)

    density = table(page, "Spans per 100 words")
    for layer in ("entities", "attribution"):
        n = sum(1 for d in splits["dev"] for sp in gold[d]["spans"] if sp["layer"] == layer)
        assert float(density[layer][names.index("dev")]) == pytest.approx(round(100 * n / words["dev"], 2))

    doc_len = table(page, "Document length (words)")
    lengths = [len(docs[d]["text"].split()) for d in splits["train"]]
    assert doc_len["train"] == [str(len(lengths)), str(min(lengths)), fmt(statistics.median(lengths)),
                                str(nearest_rank(lengths, 0.9)), str(max(lengths))]

    span_len = table(page, "Span length")
    by_key: dict[str, list[tuple[int, int]]] = defaultdict(list)
    for d in splits["all"]:
        for sp in gold[d]["spans"]:
            surface = docs[d]["text"][sp["start"]:sp["end"]]
            for key in (sp["layer"], f"{sp['layer']}/{sp['label']}"):
                by_key[key].append((len(surface), len(surface.split())))
    assert set(span_len) == set(by_key)
    for key, pairs in by_key.items():
        chars, tokens = [c for c, _ in pairs], [t for _, t in pairs]
        assert span_len[key] == [str(len(pairs)),
                                 str(min(chars)), fmt(statistics.median(chars)), str(nearest_rank(chars, 0.9)), str(max(chars)),
                                 str(min(tokens)), fmt(statistics.median(tokens)), str(nearest_rank(tokens, 0.9)), str(max(tokens))], key


def test_page_command_writes_the_page_and_every_plot(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert stats_main(["--root", str(project), "--page"]) == 0
    written = [line.removeprefix("wrote ") for line in capsys.readouterr().out.splitlines()]
    page = (project / PAGE_PATH).read_text(encoding="utf-8")
    corpus = load_corpus(Project(project))
    names = [p.name for p in plots_for(corpus)]
    assert {f"span-lengths-{layer}.png" for layer in corpus.labels.layer_names} <= set(names)
    assert written == [str(PAGE_PATH), *(str(PLOT_DIR / n) for n in names)]
    for name in names:
        assert f"](stats/{name})" in page
        data = (project / PLOT_DIR / name).read_bytes()
        assert data.startswith(b"\x89PNG\r\n\x1a\n") and b"Matplotlib" not in data


def test_same_repository_gives_identical_bytes(project: Path, tmp_path: Path) -> None:
    corpus = load_corpus(Project(project))
    first = render_page(corpus)
    assert render_page(load_corpus(Project(project))) == first
    write_page(corpus)
    page_bytes = (project / PAGE_PATH).read_bytes()
    pngs = {p: (project / PLOT_DIR / p.name).read_bytes() for p in plots_for(corpus)}
    write_page(load_corpus(Project(project)))
    assert (project / PAGE_PATH).read_bytes() == page_bytes == first.encode("utf-8")
    for plot, data in pngs.items():
        assert (project / PLOT_DIR / plot.name).read_bytes() == data, plot.name


def test_check_detects_a_stale_page(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert stats_main(["--root", str(project), "--check"]) == 1  # never written
    assert "docs/STATS.md is missing" in capsys.readouterr().err
    assert stats_main(["--root", str(project), "--page"]) == 0
    assert stats_main(["--root", str(project), "--check"]) == 0

    plot = project / PLOT_DIR / "document-lengths.png"
    data = plot.read_bytes()
    plot.unlink()
    capsys.readouterr()
    assert stats_main(["--root", str(project), "--check"]) == 1
    assert "document-lengths.png is missing" in capsys.readouterr().err
    plot.write_bytes(data)
    assert stats_main(["--root", str(project), "--check"]) == 0

    gold_path = project / "annotations" / "gold" / f"{SEED_ID}.json"
    record = json.loads(gold_path.read_text(encoding="utf-8"))
    record["spans"] = record["spans"][:-1]
    gold_path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    capsys.readouterr()
    assert stats_main(["--root", str(project), "--check"]) == 1
    assert "differs from the repository's figures" in capsys.readouterr().err


def test_distribution_is_nearest_rank_and_handles_empty() -> None:
    assert Distribution.of([]).to_dict() == {"n": 0, "min": None, "median": None, "p90": None, "max": None}
    d = Distribution.of(range(1, 11))
    assert (d.min, d.median, d.p90, d.max) == (1, 5.5, 9, 10)
    assert Distribution.of([7]).p90 == 7
    assert Distribution.of([3, 1, 2, 100]).p90 == 100


def test_plain_and_json_output_unchanged(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert stats_main(["--root", str(project), "--json"]) == 0
    data = json.loads(capsys.readouterr().out)
    assert set(data["splits"]) == {"all", "train", "dev", "test"}
    assert not (project / PAGE_PATH).exists()
    with pytest.raises(SystemExit):
        stats_main(["--root", str(project), "--json", "--page"])
