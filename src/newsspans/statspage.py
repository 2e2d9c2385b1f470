"""The statistics page: docs/STATS.md and its plots in docs/stats/, regenerated from the repository.

Every figure comes from `newsspans.stats` (`corpus_stats` for counts, `corpus_figures` for lengths,
densities and the metadata mix); rows follow the order of schema/labels.json. The Markdown depends
on the corpus alone, so the same repository gives a byte-identical page and `check_page` can tell
when it is stale. Plots need matplotlib (the `stats` extra), imported only when plots are drawn;
they are drawn on a fresh Agg canvas with the default style, a fixed size and dpi, and no
"Software" metadata, so their bytes are stable for a given matplotlib version.
"""

from __future__ import annotations

import io
import os
import tempfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .corpus import Corpus
from .errors import NewsspansError
from .project import Project
from .stats import corpus_figures, corpus_stats, document_points, span_lengths

PAGE_PATH = Path("docs") / "STATS.md"
PLOT_DIR = Path("docs") / "stats"  # the page links plots relative to docs/: stats/<name>.png
DPI = 100


@dataclass(frozen=True, slots=True)
class Plot:
    """One PNG of the page: file name (in docs/stats/), alt text, and what it shows."""

    name: str
    title: str
    kind: str  # labels | span-lengths | doc-lengths | density
    layer: str | None = None


def plots_for(corpus: Corpus) -> tuple[Plot, ...]:
    """The plots of the page, in page order: one span-length histogram per layer of the scheme."""
    return (
        Plot("labels-per-split.png", "Share of each label within its layer, per split (layers with more than one label)", "labels"),
        *(Plot(f"span-lengths-{layer}.png", f"Span lengths in the {layer} layer", "span-lengths", layer) for layer in corpus.labels.layer_names),
        Plot("document-lengths.png", "Document lengths in words, stacked by split", "doc-lengths"),
        Plot("spans-vs-length.png", "Gold spans per document against document length", "density"),
    )


# ---------------------------------------------------------------- Markdown
def _num(value: Any) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:.2f}".rstrip("0").rstrip(".") if value != int(value) else str(int(value))
    return str(value)


def md_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table; cells are rendered with `_num` and pipes escaped."""
    def cell(value: Any) -> str:
        return _num(value).replace("|", "\\|") if not isinstance(value, str) else value.replace("|", "\\|")
    lines = ["| " + " | ".join(header) + " |", "|" + "|".join("---" if i == 0 else "---:" for i in range(len(header))) + "|"]
    lines += ["| " + " | ".join(cell(v) for v in row) + " |" for row in rows]
    return "\n".join(lines)


def _ordered(keys: Iterable[str], order: Sequence[str]) -> list[str]:
    """`order` first (those present in `keys` or always, see callers), then any other key sorted."""
    present = set(keys)
    return [k for k in order if k in present] + sorted(present - set(order))


def _split_rows(splits: Mapping[str, Mapping[str, Any]], group: str, keys: Sequence[str]) -> list[list[Any]]:
    return [[f"`{k}`", *(splits[s][group].get(k, 0) for s in splits)] for k in keys]


def render_page(corpus: Corpus) -> str:
    """The Markdown of docs/STATS.md for `corpus`.

    Args:
        corpus: the loaded corpus (documents, gold, splits, scheme).

    Returns:
        The page text, ending in a newline; identical for identical repositories.
    """
    labels = corpus.labels
    stats = corpus_stats(corpus)["splits"]
    figures = corpus_figures(corpus)["splits"]
    names = list(stats)

    def head(first: str) -> list[str]:
        return [first, *names]

    label_order = [f"{layer.name}/{lab}" for layer in labels.layers for lab in layer.label_names]
    attr_order = [f"{lab.name}.{a.name}={v}" for layer in labels.layers for lab in layer.labels for a in lab.attributes for v in a.values]
    role_order = [r.name for r in labels.roles]

    def all_keys(group: str) -> set[str]:
        return {k for s in names for k in stats[s][group]}

    totals = md_table(head("figure"), [[k, *(stats[s][k] for s in names)] for k in ("documents", "annotated", "words", "characters", "spans", "relations")])
    per_value: dict[str, dict[str, int]] = {s: {} for s in names}
    for s in names:
        for key, n in stats[s]["attributes"].items():
            label, rest = key.split(".", 1)
            layer = next((layer.name for layer in labels.layers if label in layer.label_names), "?")
            per_value[s][f"{layer}: {rest}"] = per_value[s].get(f"{layer}: {rest}", 0) + n
    value_order = list(dict.fromkeys(f"{layer.name}: {a.name}={v}"
                                     for layer in labels.layers for lab in layer.labels for a in lab.attributes for v in a.values))
    value_rows = [[f"`{k}`", *(per_value[s].get(k, 0) for s in names)] for k in _ordered({k for s in names for k in per_value[s]}, value_order)]

    length_rows = []
    all_fig = figures["all"]
    length_order = [k for layer in labels.layers for k in (layer.name, *(f"{layer.name}/{lab}" for lab in layer.label_names))]
    for key in _ordered(all_fig["span_characters"], length_order):
        c, t = all_fig["span_characters"][key], all_fig["span_tokens"][key]
        shown = f"**{key}**" if "/" not in key else f"`{key}`"
        length_rows.append([shown, c["n"], c["min"], c["median"], c["p90"], c["max"], t["min"], t["median"], t["p90"], t["max"]])
    doc_rows = [[s, *(figures[s]["document_words"][k] for k in ("n", "min", "median", "p90", "max"))] for s in names]
    density_rows = [[f"`{layer}`", *(figures[s]["spans_per_100_words"][layer] for s in names)] for layer in labels.layer_names]
    style_keys = sorted({k for s in names for k in figures[s]["documents_per_outlet_style"]})
    conflict_keys = sorted({k for s in names for k in figures[s]["documents_per_conflict"]})

    plots = "\n\n".join(f"### {p.title}\n\n![{p.title}](stats/{p.name})" for p in plots_for(corpus))
    sections = [
        "# Corpus statistics",
        "Generated from the repository by `newsspans stats --page` (the same as `python scripts/stats.py --page`); do not edit "
        "by hand: `newsspans stats --check` exits 1 when this page is stale. "
        f"Corpus version {corpus.version}; scheme `{labels.scheme}` {labels.version} (labels.json sha256 `{labels.sha256[:16]}`); "
        f"{len(corpus.gold)} gold file(s); content sha256 of all documents and gold `{corpus.content_hash()[:16]}`.",
        "Words are whitespace-separated tokens of the document text. Span lengths count Unicode code points and "
        "whitespace-separated tokens of the span text. p90 is the nearest-rank 90th percentile (an observed value). "
        "Counts cover gold spans of annotated documents; a column per split of corpus/splits.json.",
        "## Totals",
        totals,
        "## Spans per layer",
        md_table(head("layer"), _split_rows(stats, "spans_per_layer", _ordered(all_keys("spans_per_layer") | set(labels.layer_names), labels.layer_names))),
        "## Spans per label",
        md_table(head("label"), _split_rows(stats, "spans_per_label", _ordered(all_keys("spans_per_label") | set(label_order), label_order))),
        "## Attribute values",
        "Per layer, summed over its labels:",
        md_table(head("layer: attribute=value"), value_rows),
        "Per label (values that occur):",
        md_table(head("label.attribute=value"), _split_rows(stats, "attributes", _ordered(all_keys("attributes"), attr_order))),
        "## Relations per role",
        md_table(head("role"), _split_rows(stats, "relations_per_role", _ordered(all_keys("relations_per_role") | set(role_order), role_order))),
        "## Documents per outlet style",
        md_table(head("outlet style"), [[f"`{k}`", *(figures[s]["documents_per_outlet_style"].get(k, 0) for s in names)] for k in style_keys]),
        "## Documents per conflict",
        md_table(head("conflict"), [[f"`{k}`", *(figures[s]["documents_per_conflict"].get(k, 0) for s in names)] for k in conflict_keys]),
        "## Spans per 100 words",
        "Gold spans of the layer per 100 words of the annotated documents:",
        md_table(["layer", *names], density_rows),
        "## Document length (words)",
        md_table(["split", "documents", "min", "median", "p90", "max"], doc_rows),
        "## Span length",
        "All documents; per layer (bold) and per label:",
        md_table(["span", "n", "chars min", "chars median", "chars p90", "chars max", "tokens min", "tokens median", "tokens p90", "tokens max"],
                 length_rows),
        "## Plots",
        plots,
    ]
    return "\n\n".join(sections) + "\n"


# ---------------------------------------------------------------- plots
def _split_ids(corpus: Corpus) -> dict[str, tuple[str, ...]]:
    """The splits to compare in plots: the named splits, or "all" when there are none."""
    return {name: corpus.doc_ids(name) for name in corpus.splits} or {"all": corpus.doc_ids()}


def _draw(plot: Plot, corpus: Corpus) -> Any:
    """A matplotlib Figure (on an Agg canvas) for `plot`."""
    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure

    splits = _split_ids(corpus)
    if plot.kind == "labels":
        keys = [(layer.name, lab) for layer in corpus.labels.layers if len(layer.labels) > 1 for lab in layer.label_names]
        fig = Figure(figsize=(8, 0.28 * len(keys) + 1.2), dpi=DPI)
        ax = fig.add_subplot()
        height = 0.8 / len(splits)
        for i, (name, ids) in enumerate(splits.items()):
            counts = {k: 0 for k in keys}
            for d in ids:
                for span in corpus.gold[d].spans if d in corpus.gold else ():
                    if (span.layer, span.label) in counts:
                        counts[(span.layer, span.label)] += 1
            per_layer = {layer: sum(n for (lay, _), n in counts.items() if lay == layer) for layer, _ in keys}
            shares = [100 * counts[k] / per_layer[k[0]] if per_layer[k[0]] else 0 for k in keys]
            ax.barh([j + i * height for j in range(len(keys))], shares, height=height, label=f"{name} ({len(ids)} docs)")
        ax.set_yticks([j + 0.4 - height / 2 for j in range(len(keys))], [f"{layer}/{lab}" for layer, lab in keys], fontsize=7)
        ax.invert_yaxis()
        ax.set_xlabel("% of the layer's spans in the split")
        ax.legend(fontsize=8)
    elif plot.kind == "span-lengths":
        fig = Figure(figsize=(10, 3.8), dpi=DPI)
        lengths = span_lengths(corpus, corpus.doc_ids())
        layer = corpus.labels.layer(plot.layer or "")
        keys = [f"{layer.name}/{lab}" for lab in layer.label_names]
        for i, (unit, pick) in enumerate((("characters", 0), ("whitespace tokens", 1))):
            ax = fig.add_subplot(1, 2, i + 1)
            data = [[v[pick] for v in lengths.get(k, [])] for k in keys]
            top = max((v for d in data for v in d), default=1)
            colours = [matplotlib.colormaps["tab20"](j % 20) for j in range(len(keys))]
            ax.hist(data, bins=min(40, top), range=(0.5, top + 0.5), stacked=True, histtype="stepfilled", color=colours, label=[k.split("/")[1] for k in keys])
            ax.set_xlabel(f"span length ({unit})")
            ax.set_ylabel("spans")
        ax.legend(fontsize=7, ncol=2 if len(keys) > 8 else 1)
        fig.suptitle(f"{layer.name}: {len(lengths.get(layer.name, []))} spans, stacked by label")
    elif plot.kind == "doc-lengths":
        fig = Figure(figsize=(7, 3.6), dpi=DPI)
        ax = fig.add_subplot()
        data = [[p[1] for p in document_points(corpus, ids)] for ids in splits.values()]
        top = max((v for d in data for v in d), default=100)
        ax.hist(data, bins=range(0, top + 100, 100), stacked=True, label=list(splits))
        ax.set_xlabel("document length (words)")
        ax.set_ylabel("documents")
        ax.legend(fontsize=8)
    else:
        fig = Figure(figsize=(7, 4.2), dpi=DPI)
        ax = fig.add_subplot()
        for name, ids in splits.items():
            points = document_points(corpus, ids)
            ax.scatter([p[1] for p in points], [p[2] for p in points], s=14, label=name, alpha=0.8)
        ax.set_xlabel("document length (words)")
        ax.set_ylabel("gold spans")
        ax.legend(fontsize=8)
    fig.tight_layout()
    FigureCanvasAgg(fig)
    return fig


def render_plot(plot: Plot, corpus: Corpus) -> bytes:
    """The PNG bytes of `plot`: default style, fixed size and dpi, no Software metadata.

    Raises:
        NewsspansError: when matplotlib is not installed (the `stats` extra).
    """
    try:
        import matplotlib.style
    except ImportError:
        raise NewsspansError("plots need matplotlib: pip install 'newsspans[stats]'") from None
    with matplotlib.style.context("default"):
        fig = _draw(plot, corpus)
        buf = io.BytesIO()
        fig.savefig(buf, format="png", dpi=DPI, metadata={"Software": None})
    return buf.getvalue()


def _write_bytes(path: Path, data: bytes) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
        os.chmod(tmp, 0o644)  # mkstemp creates 0600; the page and plots are ordinary repository files
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_plots(corpus: Corpus, folder: Path) -> list[Path]:
    """Write every plot of the page into `folder`; returns the paths in page order.

    Raises:
        NewsspansError: when matplotlib is missing; nothing is written then.
    """
    rendered = [(Path(folder) / plot.name, render_plot(plot, corpus)) for plot in plots_for(corpus)]
    for path, data in rendered:
        _write_bytes(path, data)
    return [path for path, _ in rendered]


def write_page(corpus: Corpus, *, plots: bool = True) -> list[Path]:
    """Regenerate docs/STATS.md (and, with `plots`, docs/stats/*.png) in the corpus's project.

    Everything is rendered before anything is written, so a missing matplotlib leaves the old page.

    Returns:
        The written paths, page first.

    Raises:
        NewsspansError: when `plots` is set and matplotlib is missing.
    """
    root = corpus.project.root
    page = render_page(corpus).encode("utf-8")
    rendered = [(root / PLOT_DIR / plot.name, render_plot(plot, corpus)) for plot in plots_for(corpus)] if plots else []
    _write_bytes(root / PAGE_PATH, page)
    for path, data in rendered:
        _write_bytes(path, data)
    return [root / PAGE_PATH, *(path for path, _ in rendered)]


def check_page(corpus: Corpus) -> list[str]:
    """Why docs/STATS.md is stale: empty when the page equals a fresh render and every plot exists.

    Plot bytes are not compared (they depend on the matplotlib version); their data changes show up
    in the page's figures.
    """
    project: Project = corpus.project
    page = project.root / PAGE_PATH
    problems = []
    if not page.is_file():
        problems.append(f"{PAGE_PATH} is missing")
    elif page.read_text(encoding="utf-8") != render_page(corpus):
        problems.append(f"{PAGE_PATH} differs from the repository's figures")
    problems += [f"{PLOT_DIR / p.name} is missing" for p in plots_for(corpus) if not (project.root / PLOT_DIR / p.name).is_file()]
    return problems
