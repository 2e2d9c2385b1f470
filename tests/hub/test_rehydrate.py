"""Rehydrating withheld texts from a user's copy: verified by hash, restored everywhere, refused otherwise."""

from __future__ import annotations

import hashlib
import unicodedata
from pathlib import Path

import pyarrow.parquet as pq
import pytest

from newsspans.commands.hub import main
from newsspans.errors import InputError, IntegrityError
from newsspans.hub.build import build
from newsspans.hub.configs import CONFIGS
from newsspans.hub.publish import PublishError, plan_upload
from newsspans.hub.rehydrate import rehydrate
from newsspans.project import Project

from .conftest import SEED_ID
from .test_build import all_strings

CONFIG_NAMES = [c.name for c in CONFIGS]


@pytest.fixture
def release(tiny_project: Path, tmp_path: Path) -> Path:
    build(Project(tiny_project), tmp_path / "release")
    return tmp_path / "release"


def digests(folder: Path) -> dict[str, str]:
    return {str(p.relative_to(folder)): hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(folder.rglob("*")) if p.is_file()}


def rows_of(folder: Path, doc_id: str) -> dict[str, dict]:
    return {c: next(r for r in pq.read_table(folder / c / "train-00000-of-00001.parquet").to_pylist() if r["id"] == doc_id)
            for c in CONFIG_NAMES}


def test_restores_text_from_a_crlf_nfd_copy(release: Path, tmp_path: Path, seed_text: str) -> None:
    other_before = rows_of(release, "tiny-orig-1")
    copy = unicodedata.normalize("NFD", seed_text).replace("\n", "\r\n")
    assert copy != seed_text
    restored = rehydrate(release, {SEED_ID: copy})
    assert restored == {SEED_ID: len(CONFIG_NAMES)}
    rows = rows_of(release, SEED_ID)
    assert rows["documents"]["text"] == seed_text
    for config in CONFIG_NAMES:
        for span in rows[config].get("spans", []):
            assert span["text"] == seed_text[span["start"]:span["end"]]
            for arg in span.get("arguments", []):
                assert arg["text"] == seed_text[arg["start"]:arg["end"]]
    ner = rows["ner_tokens"]
    assert ner["tokens"] == [seed_text[s:e] for s, e in zip(ner["starts"], ner["ends"], strict=True)]
    assert rows_of(release, "tiny-orig-1") == other_before
    strings = [s for c in CONFIG_NAMES for s in all_strings(rows[c])]
    assert any(seed_text.split("\n")[1] in s for s in strings)  # the scan used for absence does find text when present


def test_a_trailing_line_end_is_forgiven(release: Path, seed_text: str) -> None:
    assert rehydrate(release, {SEED_ID: seed_text + "\n"}) == {SEED_ID: len(CONFIG_NAMES)}
    assert rows_of(release, SEED_ID)["documents"]["text"] == seed_text


def test_refuses_a_different_copy_and_changes_nothing(release: Path, seed_text: str) -> None:
    before = digests(release)
    wrong = seed_text.replace("Kursk", "Kursk ", 1)
    with pytest.raises(IntegrityError, match=f"refusing {SEED_ID}"):
        rehydrate(release, {SEED_ID: wrong})
    with pytest.raises(IntegrityError):
        rehydrate(release, {"tiny-orig-1": seed_text})
    assert digests(release) == before


def test_refuses_an_unknown_document(release: Path, seed_text: str) -> None:
    with pytest.raises(InputError, match="no document nope"):
        rehydrate(release, {"nope": seed_text})


def test_publish_refuses_a_rehydrated_folder(release: Path, seed_text: str) -> None:
    plan_upload(release, "org/name")
    rehydrate(release, {SEED_ID: seed_text})
    with pytest.raises(PublishError, match=f"{SEED_ID} may not be redistributed"):
        plan_upload(release, "org/name")


def test_command_line(release: Path, tmp_path: Path, seed_text: str, capsys: pytest.CaptureFixture[str]) -> None:
    wrong = tmp_path / "wrong.txt"
    wrong.write_text(seed_text[:-1], encoding="utf-8")
    assert main(["rehydrate", str(release), "--text", f"{SEED_ID}={wrong}"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "refusing" in err and "Traceback" not in err
    assert main(["rehydrate", str(release), "--text", "no-equals-sign"]) == 2
    assert "DOC_ID=PATH" in capsys.readouterr().err
    good = tmp_path / "copy.txt"
    good.write_bytes(seed_text.replace("\n", "\r\n").encode("utf-8"))
    assert main(["rehydrate", str(release), "--text", f"{SEED_ID}={good}"]) == 0
    assert f"restored {SEED_ID} in {len(CONFIG_NAMES)} rows" in capsys.readouterr().out
    assert rows_of(release, SEED_ID)["documents"]["text"] == seed_text
