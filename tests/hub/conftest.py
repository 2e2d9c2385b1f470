"""Fixtures for the Hub release tests: a small project built in tmp_path, and offline subprocesses."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

import pytest

from newsspans.annotations import annotation_record, write_annotation
from newsspans.jsonio import atomic_write_text, dumps_record
from newsspans.model import AnnotationSet, Document, Relation, Span, freeze_attributes
from newsspans.textnorm import normalise

REPO = Path(__file__).resolve().parents[2]
SEED_ID = "seed-000-cb7a18f69dde185b"
HF_VARS = ("HF_TOKEN", "HUGGING_FACE_HUB_TOKEN", "HF_TOKEN_PATH", "HF_HOME", "HF_HUB_OFFLINE", "HF_ENDPOINT", "HF_DATASETS_OFFLINE",
           "HF_DATASETS_CACHE", "HF_HUB_CACHE")

# (id, label, surface text, occurrence, attributes): offsets are found in the text, so the fixture cannot drift.
ORIGINALS: dict[str, dict[str, Any]] = {
    "tiny-orig-1": {
        "text": "The U.S.-supplied ATACMS struck Russia’s positions in Kursk Oblast on Tuesday, Ukrainian officials said.\n"
                "READ: Drones Over The Black Sea 🚀 Tonight\n"
                "Houthis near Sq\u0303ana 👉 fired at a 1,200-tonne ship, the group’s spokesman claimed.",
        "spans": [
            ("e1", "GPE", "U.S.", 1, {"mention": "NAM"}), ("v1", "AID", "supplied", 1, {"context": "asserted"}),
            ("e2", "WEA", "ATACMS", 1, {"mention": "NAM"}), ("v2", "ASSAULT", "struck", 1, {"context": "asserted"}),
            ("e3", "GPE", "Russia", 1, {"mention": "NAM"}), ("e4", "FAC", "positions", 1, {"mention": "NOM"}),
            ("e5", "GPE", "Kursk Oblast", 1, {"mention": "NAM"}), ("e6", "TIMEX", "Tuesday", 1, {"mention": "NAM"}),
            ("e7", "PER", "Ukrainian officials", 1, {"mention": "NOM"}), ("e8", "NORP", "Ukrainian", 1, {"mention": "NAM"}),
            ("a1", "SOURCE", "Ukrainian officials", 1, {}), ("a2", "CUE", "said", 1, {}),
            ("a3", "CONTENT", "The U.S.-supplied ATACMS struck Russia’s positions in Kursk Oblast on Tuesday", 1, {}),
            ("b1", "BOILERPLATE", "READ: Drones Over The Black Sea 🚀 Tonight", 1, {"kind": "crosslink"}),
            ("e9", "NORP", "Houthi", 1, {"mention": "NAM"}), ("e10", "LOC", "Sq\u0303ana", 1, {"mention": "NAM"}),
            ("v3", "ASSAULT", "fired", 1, {"context": "asserted"}), ("e11", "FAC", "ship", 1, {"mention": "NOM"}),
            ("a4", "SOURCE", "the group’s spokesman", 1, {}), ("a5", "CUE", "claimed", 1, {}),
            ("a6", "CONTENT", "Houthis near Sq\u0303ana 👉 fired at a 1,200-tonne ship", 1, {}),
        ],
        "relations": [("r1", "actor", "v1", "e1"), ("r2", "instrument", "v1", "e2"), ("r3", "instrument", "v2", "e2"),
                      ("r4", "target", "v2", "e4"), ("r5", "place", "v2", "e5"), ("r6", "time", "v2", "e6"),
                      ("r7", "source", "a2", "a1"), ("r8", "content", "a2", "a3"), ("r9", "place", "v3", "e10"),
                      ("r10", "target", "v3", "e11"), ("r11", "source", "a5", "a4"), ("r12", "content", "a5", "a6")],
    },
    "tiny-orig-2": {
        "text": "Ethiopia’s army and Eritrea’s forces met in Addis Ababa on 3 March.\nSign up: Subscribe to our newsletter.",
        "spans": [
            ("e1", "GPE", "Ethiopia", 1, {"mention": "NAM"}), ("e2", "ORG", "Ethiopia’s army", 1, {"mention": "NOM"}),
            ("e3", "GPE", "Eritrea", 1, {"mention": "NAM"}), ("e4", "ORG", "Eritrea’s forces", 1, {"mention": "NOM"}),
            ("v1", "CONSULT", "met", 1, {"context": "asserted"}), ("e5", "GPE", "Addis Ababa", 1, {"mention": "NAM"}),
            ("e6", "TIMEX", "3 March", 1, {"mention": "NAM"}),
            ("b1", "BOILERPLATE", "Sign up: Subscribe to our newsletter.", 1, {"kind": "newsletter"}),
        ],
        "relations": [("r1", "actor", "v1", "e2"), ("r2", "recipient", "v1", "e4"), ("r3", "place", "v1", "e5"), ("r4", "time", "v1", "e6")],
    },
    "tiny-orig-3": {
        "text": "France sent SCALP and Storm Shadow missiles to Ukraine, the ministry said.\nFollow us on Facebook.",
        "spans": [
            ("e1", "GPE", "France", 1, {"mention": "NAM"}), ("v1", "AID", "sent", 1, {"context": "asserted"}),
            ("e2", "WEA", "SCALP and Storm Shadow missiles", 1, {"mention": "NOM"}), ("e3", "WEA", "SCALP", 1, {"mention": "NAM"}),
            ("e4", "WEA", "Storm Shadow", 1, {"mention": "NAM"}), ("e5", "GPE", "Ukraine", 1, {"mention": "NAM"}),
            ("a1", "SOURCE", "the ministry", 1, {}), ("a2", "CUE", "said", 1, {}),
            ("a3", "CONTENT", "France sent SCALP and Storm Shadow missiles to Ukraine", 1, {}),
            ("b1", "BOILERPLATE", "Follow us on Facebook.", 1, {"kind": "social"}),
        ],
        "relations": [("r1", "actor", "v1", "e1"), ("r2", "instrument", "v1", "e2"), ("r3", "recipient", "v1", "e5"),
                      ("r4", "source", "a2", "a1"), ("r5", "content", "a2", "a3")],
    },
}
LAYER_OF = {"BOILERPLATE": "structure", "SOURCE": "attribution", "CUE": "attribution", "CONTENT": "attribution"}
ENTITY_LABELS = {"PER", "ORG", "GPE", "LOC", "FAC", "NORP", "WEA", "TIMEX"}


def _layer(label: str) -> str:
    return LAYER_OF.get(label) or ("entities" if label in ENTITY_LABELS else "events")


def _find(text: str, needle: str, occurrence: int) -> int:
    at = -1
    for _ in range(occurrence):
        at = text.index(needle, at + 1)
    return at


def original_metadata(title: str, words: int) -> dict[str, Any]:
    return {
        "title": title, "publisher": "Frontline Dispatch (fictional outlet)", "outlet_style": "wire", "conflict": "test-conflict",
        "language": "en", "url": None, "date_published": None, "event_date": "2024-12", "date_written": "2026-11-25",
        "phenomena": ["quotes"], "words": words,
        "license": {"id": "CC-BY-4.0", "redistributable": True, "holder": "newsspans project", "notes": "Written for the project."},
        "provenance": {"kind": "original", "written_by": "newsspans project: drafted by an AI writing assistant from the project's brief (tests)",
                       "notes": "Original prose for the tests."},
    }


def write_document(root: Path, doc: Document) -> None:
    atomic_write_text(root / "corpus" / f"{doc.id}.json", dumps_record(doc.to_dict()))


def write_gold(root: Path, doc: Document, spans: Sequence[Span], relations: Sequence[Relation] = ()) -> None:
    ann = AnnotationSet(doc.id, tuple(spans), tuple(relations))
    record = annotation_record(ann, text_sha256=doc.sha256, scheme_version="1.0", guidelines="0.1", annotators=["tester"], status="gold")
    write_annotation(root / "annotations" / "gold" / f"{doc.id}.json", record, overwrite=True)


def add_original(root: Path, doc_id: str, spec: dict[str, Any]) -> Document:
    """Write corpus/<doc_id>.json and its gold from a spec with surface-text spans."""
    text = normalise(spec["text"])
    doc = Document(doc_id, text, original_metadata(f"Test article {doc_id}", len(text.split())))
    spans = []
    for sid, label, surface, occurrence, attrs in spec["spans"]:
        start = _find(text, normalise(surface), occurrence)
        spans.append(Span(doc_id, _layer(label), start, start + len(normalise(surface)), label, normalise(surface), sid,
                          freeze_attributes(attrs)))
    write_document(root, doc)
    write_gold(root, doc, spans, [Relation(doc_id, role, head, tail, rid) for rid, role, head, tail in spec.get("relations", ())])
    return doc


def make_project(root: Path, *, splits: bool = True, unannotated: bool = True) -> Path:
    """A small checkout: the real schema, guidelines, the seed and its gold, three originals with gold,
    and one real original without gold (never released)."""
    shutil.copytree(REPO / "schema", root / "schema")
    (root / "annotations" / "gold").mkdir(parents=True)
    (root / "corpus").mkdir()
    shutil.copy(REPO / "annotations" / "GUIDELINES.md", root / "annotations" / "GUIDELINES.md")
    shutil.copy(REPO / "corpus" / f"{SEED_ID}.json", root / "corpus")
    shutil.copy(REPO / "annotations" / "gold" / f"{SEED_ID}.json", root / "annotations" / "gold")
    for doc_id, spec in ORIGINALS.items():
        add_original(root, doc_id, spec)
    ids = {"train": [SEED_ID, "tiny-orig-1"], "dev": ["tiny-orig-2"], "test": ["tiny-orig-3"]}
    if unannotated:
        bare = sorted((REPO / "corpus").glob("nsp-*.json"))[0]  # a real original; its gold is not copied
        shutil.copy(bare, root / "corpus")
        ids["train"].append(bare.stem)
    if splits:
        data = {"version": "test-1", "splits": {k: sorted(v) for k, v in ids.items()}}
        atomic_write_text(root / "corpus" / "splits.json", json.dumps(data, indent=2) + "\n")
    return root


@pytest.fixture
def tiny_project(tmp_path: Path) -> Path:
    return make_project(tmp_path / "project")


@pytest.fixture
def seed_text() -> str:
    return json.loads((REPO / "corpus" / f"{SEED_ID}.json").read_text(encoding="utf-8"))["text"]


def hf_env(home: Path, **extra: str) -> dict[str, str]:
    """The current environment without any Hugging Face setting, with a fresh HF_HOME and `extra`."""
    env = {k: v for k, v in os.environ.items() if k not in HF_VARS}
    env.update(HF_HOME=str(home), PYTHONPATH=str(REPO / "src"), **extra)
    return env


@pytest.fixture
def run_py(tmp_path: Path) -> Callable[..., subprocess.CompletedProcess[str]]:
    """Run Python in a subprocess with a temporary HF_HOME (and extra environment variables)."""

    def run(args: Sequence[str], **extra: str) -> subprocess.CompletedProcess[str]:
        env = hf_env(tmp_path / "hf-home", **extra)
        return subprocess.run([sys.executable, *args], env=env, capture_output=True, text=True, timeout=300, check=False)

    return run
