"""The Markdown body of the dataset card: a datasheet / data statement generated from the repository.

Nothing here is typed in by hand: counts come from `corpus_stats` and the written shards,
provenance and licences from each document's metadata, annotators from the annotation files,
agreement and the leaderboard from annotations/AGREEMENT.md and eval/LEADERBOARD.md.
Standard library only.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Any

from .. import __version__
from ..annotations import guidelines_version
from ..jsonio import read_json
from ..stats import corpus_stats
from .configs import CONFIGS, Shard
from .release import ALL_SPLIT, Release
from .scheme import NER_FILTER, NER_LAYER, SchemeNames
from .tokenize import TOKEN_PATTERN

NOT_YET = "Not yet available"
AGREEMENT_FILE = "annotations/AGREEMENT.md"
LEADERBOARD_FILE = "eval/LEADERBOARD.md"
GUIDELINES_FILE = "annotations/GUIDELINES.md"
AI_WRITER = "AI writing assistant"


def md_table(header: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A GitHub-flavoured Markdown table; `|` in cells is escaped."""
    def cell(value: Any) -> str:
        return str(value).replace("|", "\\|").replace("\n", " ")
    lines = ["| " + " | ".join(map(cell, header)) + " |", "|" + "|".join("---" for _ in header) + "|"]
    lines += ["| " + " | ".join(map(cell, row)) + " |" for row in rows]
    return "\n".join(lines)


def stats_table(stats: Mapping[str, Any]) -> str:
    """Every figure of `corpus_stats` as one table, a column per split; nested counts as `key: name` rows."""
    splits = list(stats["splits"])
    first = stats["splits"][splits[0]]
    rows: list[list[Any]] = []
    for key, value in first.items():
        if isinstance(value, Mapping):
            for sub in sorted({k for s in splits for k in stats["splits"][s][key]}):
                rows.append([f"{key}: {sub}", *(stats["splits"][s][key].get(sub, 0) for s in splits)])
        else:
            rows.append([key, *(stats["splits"][s][key] for s in splits)])
    return md_table(["figure", *splits], rows)


def embed_markdown(path: Path, level: int) -> str | None:
    """The file's Markdown without its top heading, headings moved below `level`; None when absent."""
    if not path.is_file():
        return None
    lines = path.read_text(encoding="utf-8").strip().splitlines()
    if lines and re.match(r"#\s", lines[0]):
        lines = lines[1:]
    out, fenced = [], False
    for line in lines:
        fenced ^= line.lstrip().startswith("```")
        out.append("#" * (level - 1) + line if not fenced and re.match(r"#+\s", line) else line)
    return "\n".join(out).strip()


def plural(n: int, word: str) -> str:
    """`1 document`, `2 documents`."""
    return f"{n} {word}" + ("" if n == 1 else "s")


def _from_file(root: Path, rel: str, level: int) -> str:
    body = embed_markdown(root / rel, level)
    if body is None:
        return f"{NOT_YET}: the repository has no `{rel}` at build time."
    return f"From `{rel}` in the repository, embedded at build time:\n\n{body}"


def _clean(text: str) -> str:
    return re.sub(r"\s*\([^)]*\)", "", text).strip()


def _provenance(release: Release) -> tuple[str, list[str]]:
    docs = release.corpus.documents.values()
    groups: Counter[tuple[str, str, str]] = Counter()
    for doc in docs:
        prov = doc.metadata.get("provenance", {})
        groups[(str(prov.get("kind")), _clean(str(prov.get("written_by", "—"))), str(prov.get("notes", "")))] += 1
    table = md_table(["provenance kind", "documents", "written by", "notes (metadata.provenance)"],
                     [(k, n, w, notes) for (k, w, notes), n in sorted(groups.items())])
    kinds = Counter(k for k, _, _ in groups.elements())
    total, plain = len(release.corpus.documents), []
    originals = [d for d in docs if d.metadata.get("provenance", {}).get("kind") == "original"]
    if originals:
        by_ai = sum(AI_WRITER in str(d.metadata["provenance"].get("written_by", "")) for d in originals)
        how = ("drafted by an AI writing assistant under the project's brief" if by_ai == len(originals)
               else f"{by_ai} of them drafted by an AI writing assistant under the project's brief")
        plain.append(f"**{len(originals)} of the {total} documents are original articles written for the project**: {how} "
                     "(each document's `metadata.provenance` says who wrote it). They imitate online conflict reporting for "
                     "fictional outlets. The events may be real, but the sentences, the quotations and the outlets are the "
                     "project's own, and the facts were not checked: **these are not real news reports and not a source of facts.**")
    third = [d for d in docs if d.metadata.get("provenance", {}).get("kind") in {"seed", "ingested"}]
    for doc in third:
        meta = doc.metadata
        plain.append(f"**`{doc.id}` is third-party text** ({meta.get('provenance', {}).get('kind')}): a page published by "
                     f"{meta.get('publisher', 'an unnamed publisher')}, described as “{meta.get('title', '')}”. "
                     + ("Its text is not redistributable, so this release carries only its annotations (standoff): see "
                        "[Licensing](#licensing)." if release.is_withheld(doc.id) else "Its license allows redistribution."))
    other = total - len(originals) - len(third)
    if other:
        plain.append(f"{other} document(s) have another provenance kind: {dict(kinds)}.")
    return table, plain


def _configs_section(release: Release, shards: Sequence[Shard], names: SchemeNames, repo_id: str | None) -> str:
    splits = list(release.splits)
    rows = []
    for spec in CONFIGS:
        counts = {s.split: s.rows for s in shards if s.config == spec.name}
        rows.append([f"`{spec.name}`", *(counts.get(s, 0) for s in splits), spec.description])
    repo = repo_id or "ORG/NAME"
    key, value = NER_FILTER
    return "\n\n".join([
        "## Configs and splits",
        "One row per released document in every config (`id` joins them); offsets are Unicode code points, half-open "
        "`[start, end)`, and every span's `text` equals `text[start:end]`. Rows per config and split:",
        md_table(["config", *splits, "content"], rows),
        (f"Splits come from `corpus/splits.json` (train/dev/test). Splits without any annotated document are left out: "
         f"{', '.join(release.empty_splits)}." if release.empty_splits else
         "Splits come from `corpus/splits.json`." if ALL_SPLIT not in release.splits else
         f"The repository has no `corpus/splits.json` yet, so every document is in one split, `{ALL_SPLIT}` (`all` is "
         "reserved by `datasets`); it is neither a training nor a test set until splits are frozen."),
        "Label inventories (ClassLabel names, from `schema/labels.json` version " + names.version + "):",
        md_table(["layer", "labels", "attributes", "argument roles"], [
            (layer, ", ".join(names.layer_labels[layer]),
             "; ".join(f"{a}: {', '.join(names.attributes[a])}" for a in names.layer_attributes[layer]) or "—",
             ", ".join(names.frame_roles[layer]) or "—") for layer in names.layers]),
        f"`ner_tokens` tags: `O` plus B-/I- for each {NER_LAYER} label over the {key}={value} mentions only "
        f"({len(names.tags)} tags): {', '.join(names.tags)}.",
        "```python\nfrom datasets import load_dataset\n\n"
        f'docs = load_dataset("{repo}", "documents")       # text, metadata, every layer\n'
        f'ner = load_dataset("{repo}", "ner_tokens")       # tokens + BIO tags\n'
        'tags = ner["' + splits[0] + '"].features["ner_tags"].feature.names\n```',
    ])


def _tokeniser_section(names: SchemeNames) -> str:
    key, value = NER_FILTER
    return "\n\n".join([
        "## The `ner_tokens` tokeniser",
        "A regular expression (Python `re`, verbose mode) finds the tokens and keeps their code-point offsets (`starts`, "
        "`ends`); whitespace is never part of a token and every other character is in exactly one token. Then every token "
        f"is cut where a {key}={value} entity boundary falls inside it (a name inside a hyphenated word, a name before a "
        "possessive), so the BIO tags decode back to the exact entity spans; the build checks this for every document.",
        f"```\n{TOKEN_PATTERN.strip()}\n```",
        f"Decoding: a `B-X` starts a span and following `I-X` tokens extend it to their end offset; the {len(names.ner_labels)} "
        f"types are {', '.join(names.ner_labels)}. Nominal (NOM) mentions, which may contain named ones, are only in "
        "`entities` and `documents`.",
    ])


def _licensing_section(release: Release) -> str:
    docs = release.corpus.documents
    licences: Counter[tuple[str, str, str]] = Counter()
    for doc in docs.values():
        lic = doc.metadata.get("license", {})
        licences[(str(lic.get("id")), "yes" if lic.get("redistributable") is True else "no", str(lic.get("holder", "—")))] += 1
    parts = ["## Licensing",
             "Each document carries its own license in `metadata.license`; the release honours it per document.",
             md_table(["text license", "redistributable", "holder", "documents"], [(*k, n) for k, n in sorted(licences.items())]),
             "The annotations (spans, relations, attributes) are the project's own work, including those on withheld texts, "
             "and are released under the license in this card's header, the license of the project's own texts."]
    if release.withheld:
        parts += [
            "### Withheld texts (standoff annotations)",
            "These documents may not be redistributed. Their rows keep the id, metadata, `text_sha256`, every offset, label, "
            "attribute and relation, and the `ner_tokens` offsets and tags; `text`, every span's `text` and `tokens` are null.",
            md_table(["id", "publisher", "title (metadata)", "published", "characters", "text_sha256", "source URL"],
                     [(d, docs[d].metadata.get("publisher", "—"), docs[d].metadata.get("title", "—"),
                       docs[d].metadata.get("date_published") or "unknown", len(docs[d].text), docs[d].sha256,
                       docs[d].metadata.get("url") or "not recorded") for d in release.withheld]),
            "To restore a text, obtain your own copy of the article and let `newsspans` check it against the hash and fill "
            "every text field of a local copy of this release (the copy is normalised to Unicode NFC with `\\n` line ends, "
            "as at ingest, and refused if its SHA-256 differs):",
            "```\nnewsspans hub rehydrate RELEASE_DIR --text DOC_ID=path/to/your-copy.txt\n```",
            "or, with `datasets` alone:",
            "```python\nimport hashlib, unicodedata\n\n"
            'raw = open("your-copy.txt", encoding="utf-8").read()\n'
            'text = unicodedata.normalize("NFC", raw.replace("\\r\\n", "\\n").replace("\\r", "\\n"))\n'
            'assert hashlib.sha256(text.encode("utf-8")).hexdigest() == row["text_sha256"]\n'
            'spans = [dict(s, text=text[s["start"]:s["end"]]) for s in row["spans"]]\n```',
            "A folder with restored text must not be published again; `newsspans hub publish` refuses it.",
        ]
    return "\n\n".join(parts)


def _annotation_section(release: Release) -> str:
    project = release.corpus.project
    annotators: Counter[str] = Counter()
    statuses: Counter[str] = Counter()
    versions: Counter[str] = Counter()
    for gold in release.corpus.gold.values():
        annotators.update(gold.meta.get("annotators", ()))
        statuses[str(gold.meta.get("status"))] += 1
        versions[str(gold.meta.get("guidelines_version"))] += 1
    per_doc: Counter[str] = Counter()
    if project.by_annotator_dir.is_dir():
        for folder in project.by_annotator_dir.iterdir():
            per_doc.update(p.stem for p in folder.glob("*.json") if p.stem in release.corpus.documents)
    double = sum(1 for n in per_doc.values() if n >= 2)
    return "\n\n".join([
        "### Who annotated, and how",
        "The annotators are AI annotation assistants working for the project from the written guidelines, one document at a "
        "time. They write each annotation as a draft by surface text; `newsspans draft apply` resolves it to code-point offsets "
        "and the validator (levels 1–4: format, offsets, scheme, guidelines) must pass before the file is written. Documents "
        "annotated independently by two annotators are adjudicated into the gold files released here.",
        md_table(["annotator id (gold files)", "documents"], sorted(annotators.items())),
        f"Gold status: {', '.join(f'{k}: {v}' for k, v in sorted(statuses.items()))}. Released documents with two or more "
        f"independent annotations (`annotations/by-annotator/`): {double} of {len(release.corpus.documents)}.",
        "### Annotation guidelines",
        f"`{GUIDELINES_FILE}` in the project repository, version {guidelines_version(project)} (the gold files record "
        f"{', '.join(f'{k}: {v}' for k, v in sorted(versions.items()))}); the scheme is `schema/labels.json` version "
        f"{release.corpus.labels.version}. Layers: structure (CleanEval-style boilerplate), entities (OntoNotes/ACE types, "
        "NAM/NOM mentions), events (PLOVER types with context and argument roles), attribution (PARC-style).",
        "### Inter-annotator agreement",
        _from_file(project.root, AGREEMENT_FILE, 4),
    ])


def _variety_section(release: Release) -> str:
    metas = [d.metadata for d in release.corpus.documents.values()]
    languages = Counter(str(m.get("language")) for m in metas)
    styles = Counter(str(m.get("outlet_style")) for m in metas)
    return "\n\n".join([
        "### Language variety",
        "Language tags (BCP-47, `metadata.language`): " + ", ".join(f"{k}: {plural(v, 'document')}" for k, v in sorted(languages.items()))
        + ". The register is online news pages, page furniture (cross-links, appeals, app and newsletter lines) included and "
        "marked as boilerplate. Outlet styles:",
        md_table(["outlet style (`metadata.outlet_style`)", "documents"], sorted(styles.items(), key=lambda kv: (-kv[1], kv[0]))),
    ])


def _limitations_section(release: Release, stats: Mapping[str, Any]) -> str:
    metas = [d.metadata for d in release.corpus.documents.values()]
    conflicts = Counter(str(m.get("conflict")) for m in metas)
    languages = {str(m.get("language")) for m in metas}
    top, top_n = conflicts.most_common(1)[0]
    total = len(metas)
    originals = sum(m.get("provenance", {}).get("kind") == "original" for m in metas)
    named_per = stats["splits"]["all"].get("attributes", {}).get(f"PER.{NER_FILTER[0]}={NER_FILTER[1]}", 0)
    bullets = [
        f"- **Size**: {plural(total, 'annotated document')}. Confidence intervals on scores are wide; compare systems with "
        "the scorer's paired tests, not by eye.",
        f"- **Topic skew**: {plural(len(conflicts), 'conflict or region')} (`metadata.conflict`); the largest, {top}, has "
        f"{top_n} of {total} documents. Per conflict: " + ", ".join(f"{k} {v}" for k, v in conflicts.most_common()) + ".",
    ]
    if originals:
        bullets.append(f"- **Synthetic prose**: {originals} of {total} documents were drafted by an AI writing assistant; they "
                       "share its style and its view of the events, their facts were not checked, and the outlets are "
                       "imitations of a few page types. Models trained here learn that style.")
    bullets += [
        f"- **Language**: {plural(len(languages), 'language')} ({', '.join(sorted(languages))}); see Language variety.",
        "- **Annotation**: produced by AI annotation assistants under the guidelines (see above); the agreement figures "
        "show how far to trust each layer. Every `documents` row records its scheme and guidelines versions.",
        f"- **`ner_tokens`** covers named ({NER_FILTER[1]}) mentions only and uses a regular-expression tokeniser, not a "
        "linguistic one.",
    ]
    if release.withheld:
        bullets.append(f"- **Withheld texts**: {plural(len(release.withheld), 'document')} may not be redistributed; their "
                       "rows have null text until you restore it (see Licensing); filter on `text is None` if you cannot.")
    return "\n\n".join([
        "### Known limitations and biases",
        "\n".join(bullets),
        "### Personal and sensitive information",
        f"The articles report armed conflict and name real public figures, states and organisations ({named_per} named PER "
        "mentions in this release). Quotations in the original articles were written for the project and are not verified "
        "statements of the people or bodies they are attributed to. No data about private individuals was collected; the "
        "corpus contains violence as a news topic.",
    ])


def _provenance_footer(release: Release) -> str:
    corpus = release.corpus
    splits_path = corpus.project.splits_path
    version = read_json(splits_path).get("version", "unversioned") if splits_path.is_file() else "no splits.json"
    hashes = [(name, corpus.content_hash(None if name == ALL_SPLIT else name)) for name in release.splits]
    return "\n\n".join([
        "## Build",
        f"Built by newsspans {__version__} from scheme `{corpus.labels.scheme}` {corpus.labels.version} "
        f"(labels.json sha256 `{corpus.labels.sha256[:16]}`), corpus version: {version}. The build is deterministic: the same "
        "repository gives byte-identical files. Content hash of each split (texts and gold, as `Corpus.content_hash`):",
        md_table(["split", "content sha256"], hashes),
    ])


def render_body(release: Release, shards: Sequence[Shard], *, repo_id: str | None = None) -> str:
    """The Markdown after the YAML header."""
    names = SchemeNames.from_labels(release.corpus.labels)
    stats = corpus_stats(release.corpus)
    totals = stats["splits"]["all"]
    table, plain = _provenance(release)
    root = release.corpus.project.root
    sections = [
        "# newsspans",
        f"A corpus of online news about armed conflict and geopolitics, annotated with character-offset spans on "
        f"{len(names.layers)} layers ({', '.join(names.layers)}), for training and grading span extractors with the newsspans "
        f"scorer. This release: {plural(totals['documents'], 'document')} with gold annotations, {plural(totals['words'], 'word')}, "
        f"{plural(totals['spans'], 'span')} and {plural(totals['relations'], 'relation')}; scheme version {names.version}.",
        "## What this corpus is, and is not",
        "\n\n".join(plain),
        table,
        _configs_section(release, shards, names, repo_id),
        "## Corpus statistics",
        "From `newsspans.stats.corpus_stats` over the released documents (words are whitespace-separated):",
        stats_table(stats),
        _tokeniser_section(names),
        _licensing_section(release),
        "## Datasheet",
        "### Curation rationale",
        "The corpus exists to grade span extractors on conflict news with one scorer: entities, events with their context and "
        "arguments, attribution of claims, and the boilerplate a scraper leaves in. The articles were written to contain the "
        "hard cases the guidelines settle; `metadata.phenomena` lists them per document: "
        + (", ".join(f"{k} {v}" for k, v in Counter(p for d in release.corpus.documents.values()
                                                     for p in d.metadata.get("phenomena", ())).most_common()) or "none recorded") + ".",
        _variety_section(release),
        _annotation_section(release),
        _limitations_section(release, stats),
        "### Licensing\n\nSee [Licensing](#licensing) above.",
        "## Baseline leaderboard",
        _from_file(root, LEADERBOARD_FILE, 3),
        _provenance_footer(release),
    ]
    return "\n\n".join(s for s in sections if s) + "\n"
