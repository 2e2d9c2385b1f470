"""A seeded generator of synthetic documents with gold annotations and noisy predictions.

For benchmarks and property tests only: the texts are word salad, but offsets, labels,
attributes, relations and boilerplate obey the scheme, so every validator level passes.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from .annotations import annotation_record
from .jsonio import dumps_record
from .labels import LabelSet
from .model import AnnotationSet, Document, Relation, Span, freeze_attributes

WORDS = ("the", "army", "said", "forces", "near", "the", "border", "were", "shelled", "on", "tuesday", "while", "officials",
         "in", "the", "capital", "denied", "any", "talks", "about", "a", "ceasefire", "and", "analysts", "warned", "of",
         "further", "strikes")
NAMES = ("Kyiv", "Kursk Oblast", "Hodeidah", "El Fasher", "Đà Nẵng", "São Paulo", "Erdoğan", "ATACMS",
         "Storm Shadow", "Hezbollah", "NATO", "Zaporizhzhia", "Goma", "Taipei", "Tshisekedi")


class _TextBuilder:
    """Appends chunks and returns their offsets."""

    def __init__(self) -> None:
        self.parts: list[str] = []
        self.pos = 0

    def add(self, chunk: str) -> tuple[int, int]:
        start = self.pos
        self.parts.append(chunk)
        self.pos += len(chunk)
        return start, self.pos

    @property
    def text(self) -> str:
        return "".join(self.parts)


@dataclass(frozen=True, slots=True)
class SynthDoc:
    document: Document
    gold: AnnotationSet


def _attrs(labels: LabelSet, layer: str, label: str, rng: random.Random) -> dict[str, str]:
    spec = labels.label(layer, label)
    return {a.name: rng.choice(a.values) for a in spec.attributes} if spec else {}


def generate(labels: LabelSet, n_docs: int, *, spans_per_doc: int = 10, seed: int = 0, prefix: str = "syn") -> Iterator[SynthDoc]:
    """Yield `n_docs` documents, each with about `spans_per_doc` gold spans on all layers."""
    rng = random.Random(seed)
    ent = labels.layer("entities").label_names
    evt = labels.layer("events").label_names
    for i in range(n_docs):
        doc_id = f"{prefix}-{i:07d}"
        buf = _TextBuilder()
        add = buf.add
        spans: list[Span] = []

        n = max(1, int(rng.gauss(spans_per_doc, spans_per_doc / 4)))
        entity_ids: list[str] = []
        event_ids: list[str] = []
        for k in range(n):
            add(" ".join(rng.choices(WORDS, k=rng.randint(2, 6))) + " ")
            kind = rng.random()
            if kind < 0.7:
                label = rng.choice(ent)
                start, end = add(rng.choice(NAMES))
                sid = f"e{k}"
                spans.append(Span(doc_id, "entities", start, end, label, None, sid,
                                  freeze_attributes(_attrs(labels, "entities", label, rng) | {"mention": "NAM"})))
                entity_ids.append(sid)
            else:
                label = rng.choice(evt)
                start, end = add(rng.choice(("strikes", "talks", "sanctions", "shelling", "aid")))
                sid = f"v{k}"
                spans.append(Span(doc_id, "events", start, end, label, None, sid, freeze_attributes(_attrs(labels, "events", label, rng))))
                event_ids.append(sid)
            add(" ")
        s_start, s_end = add("officials")
        add(" said ")
        c_start, c_end = add("the front was quiet")
        add(".\n")
        b_start, b_end = add("READ: More news from the front")
        text = buf.text
        spans = [Span(s.doc_id, s.layer, s.start, s.end, s.label, text[s.start:s.end], s.id, s.attributes) for s in spans]
        cue_start = s_end + 1
        spans += [
            Span(doc_id, "attribution", s_start, s_end, "SOURCE", text[s_start:s_end], "a1"),
            Span(doc_id, "attribution", cue_start, cue_start + 4, "CUE", text[cue_start:cue_start + 4], "a2"),
            Span(doc_id, "attribution", c_start, c_end, "CONTENT", text[c_start:c_end], "a3"),
            Span(doc_id, "structure", b_start, b_end, "BOILERPLATE", text[b_start:b_end], "b1", (("kind", "crosslink"),)),
        ]
        relations = [Relation(doc_id, "source", "a2", "a1", "r1"), Relation(doc_id, "content", "a2", "a3", "r2")]
        for j, (head, tail) in enumerate(zip(event_ids, entity_ids, strict=False)):
            relations.append(Relation(doc_id, "actor", head, tail, f"r{j + 3}"))
        by_id = {s.id: s for s in spans}
        relations = [r for r in relations if r.label != "actor" or by_id[r.tail].label in {"PER", "ORG", "GPE", "NORP"}]
        document = Document(doc_id, text, {"title": doc_id, "publisher": "synthetic", "language": "en",
                                           "license": {"id": "CC0-1.0", "redistributable": True}, "provenance": {"kind": "original"}})
        yield SynthDoc(document, AnnotationSet(doc_id, tuple(spans), tuple(relations), document.sha256))


def perturb(gold: AnnotationSet, labels: LabelSet, rng: random.Random, text_len: int) -> AnnotationSet:
    """A plausible system output: drops, relabels, shifts boundaries and adds spurious spans."""
    out: list[Span] = []
    by_layer = labels.labels_by_layer
    for s in gold.spans:
        r = rng.random()
        if r < 0.1:
            continue  # missed
        start, end, label = s.start, s.end, s.label
        if r < 0.2:
            label = rng.choice(by_layer[s.layer])
        elif r < 0.3 and end is not None and end < text_len:
            end += 1
        out.append(Span(s.doc_id, s.layer, start, end, label, None, s.id))
        if rng.random() < 0.05 and start is not None and start + 1 < text_len:
            out.append(Span(s.doc_id, s.layer, start + 1, min(text_len, start + 3), label, None))
    return AnnotationSet(gold.doc_id, tuple(out), gold.relations)


def write_project(root: Path, docs: Iterable[SynthDoc], labels: LabelSet, schema_dir: Path) -> int:
    """Write documents and gold files into a project folder at `root` (schema/ copied from `schema_dir`)."""
    import shutil

    shutil.copytree(schema_dir, root / "schema", dirs_exist_ok=True)
    (root / "corpus").mkdir(parents=True, exist_ok=True)
    gold_dir = root / "annotations" / "gold"
    gold_dir.mkdir(parents=True, exist_ok=True)
    n = 0
    for d in docs:
        (root / "corpus" / f"{d.document.id}.json").write_text(dumps_record(d.document.to_dict()), encoding="utf-8")
        record = annotation_record(d.gold, text_sha256=d.document.sha256, scheme_version=labels.version, guidelines="synthetic",
                                   annotators=["synth"], status="gold")
        (gold_dir / f"{d.document.id}.json").write_text(dumps_record(record), encoding="utf-8")
        n += 1
    return n
