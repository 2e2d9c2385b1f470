"""The validator reports each corruption of the seed files with the right code at the right place."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest

from newsspans.commands.validate import main as validate_main
from newsspans.textnorm import text_sha256
from newsspans.validate import CHECKS, CODES

from ..conftest import SEED_ID

GOLD = f"annotations/gold/{SEED_ID}.json"
DOC = f"corpus/{SEED_ID}.json"


def load(root: Path, rel: str) -> dict:
    return json.loads((root / rel).read_text(encoding="utf-8"))


def save(root: Path, rel: str, data: dict) -> None:
    (root / rel).write_text(json.dumps(data, ensure_ascii=False, indent=1), encoding="utf-8")


def edit(rel: str, fn: Callable[[dict], None]) -> Callable[[Path], None]:
    def apply(root: Path) -> None:
        data = load(root, rel)
        fn(data)
        save(root, rel, data)
    return apply


def span_index(data: dict, sid: str) -> int:
    return next(i for i, s in enumerate(data["spans"]) if s["id"] == sid)


def set_span(sid: str, **changes) -> Callable[[dict], None]:
    return lambda d: d["spans"][span_index(d, sid)].update(changes)


def add_span(span: dict) -> Callable[[dict], None]:
    return lambda d: d["spans"].append(span)


def retext(transform: Callable[[str], str]) -> Callable[[dict], None]:
    def fn(doc: dict) -> None:
        doc["text"] = transform(doc["text"])
        doc["text_sha256"] = text_sha256(doc["text"])
    return fn


def broken_json(root: Path) -> None:
    lines = (root / GOLD).read_text(encoding="utf-8").splitlines()
    lines[6] = lines[6].rstrip(",") + " ,,"
    (root / GOLD).write_text("\n".join(lines), encoding="utf-8")


# name -> (corruption, file, location after the file name, code)
CASES: dict[str, tuple[Callable[[Path], None], str, str, str]] = {
    "wrong hash": (edit(GOLD, lambda d: d.update(text_sha256="0" * 64)), GOLD, "/text_sha256", "text-hash-mismatch"),
    "offset past end": (edit(GOLD, set_span("b6", end=99999)), GOLD, "/spans/{b6}/end", "span-out-of-range"),
    "inverted span": (edit(GOLD, set_span("e2", start=30, end=20)), GOLD, "/spans/{e2}/end", "span-inverted"),
    "text mismatch": (edit(GOLD, set_span("e2", text="Joe Bidem")), GOLD, "/spans/{e2}/text", "span-text-mismatch"),
    "unknown label": (edit(GOLD, set_span("e2", label="PERSON")), GOLD, "/spans/{e2}/label", "label-unknown"),
    "unknown layer": (edit(GOLD, set_span("e2", layer="names")), GOLD, "/spans/{e2}/layer", "layer-unknown"),
    "bad attribute value": (edit(GOLD, set_span("e2", attributes={"mention": "PRO"})), GOLD, "/spans/{e2}/attributes/mention",
                            "attribute-value-invalid"),
    "missing attribute": (edit(GOLD, set_span("v1", attributes={})), GOLD, "/spans/{v1}/attributes", "attribute-missing"),
    "unknown attribute": (edit(GOLD, set_span("v1", attributes={"context": "asserted", "polarity": "neg"})), GOLD,
                          "/spans/{v1}/attributes/polarity", "attribute-unknown"),
    "relation to missing span": (edit(GOLD, lambda d: d["relations"][0].update(tail="e999")), GOLD, "/relations/0/tail",
                                 "relation-dangling-arg"),
    "wrong role tail type": (edit(GOLD, lambda d: d["relations"][0].update(label="time")), GOLD, "/relations/0/tail", "role-tail-type"),
    "wrong role head type": (edit(GOLD, lambda d: d["relations"][0].update(head="e3")), GOLD, "/relations/0/head", "role-head-type"),
    "unknown role": (edit(GOLD, lambda d: d["relations"][0].update(label="agent")), GOLD, "/relations/0/label", "role-unknown"),
    "id with ../": (edit(GOLD, lambda d: d.update(doc_id="../../etc/passwd")), GOLD, "/doc_id", "doc-id-invalid"),
    "file name mismatch": (edit(GOLD, lambda d: d.update(doc_id="another-doc")), GOLD, "/doc_id", "file-name-mismatch"),
    "non-NFC text": (edit(DOC, retext(lambda t: t + "\nCafe\u0301 owners in Kursk fled.")), DOC, "/text", "text-not-nfc"),
    "CRLF text": (edit(DOC, retext(lambda t: t.replace("\n", "\r\n"))), DOC, "/text", "text-has-cr"),
    "document hash": (edit(DOC, lambda d: d.update(text_sha256="f" * 64)), DOC, "/text_sha256", "text-hash-mismatch"),
    "duplicate span id": (edit(GOLD, set_span("e5", id="e1")), GOLD, "/spans/{e5}/id", "span-id-duplicate"),
    "duplicate span": (edit(GOLD, lambda d: d["spans"].append({**d["spans"][span_index(d, "e2")], "id": "e2b"})), GOLD, "/spans/-1",
                       "span-duplicate"),
    "forbidden overlap": (edit(GOLD, add_span({"id": "v99", "layer": "events", "label": "AID", "start": 29, "end": 49,
                                               "text": "authorized Ukrainian", "attributes": {"context": "asserted"}})),
                          GOLD, "/spans/{v1}", "overlap-forbidden"),
    "crossing nest": (edit(GOLD, add_span({"id": "e99", "layer": "entities", "label": "PER", "start": 5, "end": 18,
                                           "text": "President Joe", "attributes": {"mention": "NOM"}})),
                      GOLD, "/spans/{e2}", "overlap-crossing"),
    "named overlap": (edit(GOLD, add_span({"id": "e99", "layer": "entities", "label": "GPE", "start": 1316, "end": 1323,
                                           "text": "Ukraine", "attributes": {"mention": "NAM"}})), GOLD, "/spans/-1", "span-in-boilerplate"),
    "entity inside boilerplate": (edit(GOLD, add_span({"id": "e99", "layer": "entities", "label": "ORG", "start": 2253, "end": 2269,
                                                       "text": "Tampa Free Press", "attributes": {"mention": "NAM"}})),
                                  GOLD, "/spans/-1", "span-in-boilerplate"),
    "edge whitespace": (edit(GOLD, add_span({"id": "e99", "layer": "entities", "label": "PER", "start": 14, "end": 24,
                                             "text": " Joe Biden", "attributes": {"mention": "NAM"}})), GOLD, "/spans/-1/text",
                        "span-edge-space"),
    "duplicate relation": (edit(GOLD, lambda d: d["relations"].append({**d["relations"][0], "id": "r999"})), GOLD, "/relations/-1",
                           "relation-duplicate"),
    "cue without content": (edit(GOLD, lambda d: d.update(relations=[r for r in d["relations"] if r["label"] != "content"])),
                            GOLD, "/spans/{a2}", "cue-incomplete"),
    "scheme version": (edit(GOLD, lambda d: d.update(scheme_version="0.9")), GOLD, "/scheme_version", "scheme-version-mismatch"),
    "invalid JSON": (broken_json, GOLD, "7", "json-invalid"),
}


def resolve_ids(root: Path, rel: str, where: str) -> str:
    """Fill `{sid}` placeholders with span indices (before the corruption)."""
    if "{" in where:
        data = load(root, rel)
        for sid in [s["id"] for s in data["spans"]]:
            where = where.replace("{" + sid + "}", str(span_index(data, sid)))
    return where


def resolve_last(root: Path, rel: str, where: str) -> str:
    """Fill `-1` placeholders with the index of the last span or relation (after the corruption)."""
    if "-1" not in where:
        return where
    data = load(root, rel)
    return where.replace("/spans/-1", f"/spans/{len(data['spans']) - 1}").replace("/relations/-1", f"/relations/{len(data['relations']) - 1}")


def run(root: Path, *extra: str, capsys) -> tuple[int, list[str]]:
    code = validate_main(["--root", str(root), *extra])
    return code, capsys.readouterr().out.splitlines()


def test_clean_seed_has_no_problems(seed_project, capsys):
    code, out = run(seed_project, capsys=capsys)
    assert code == 0
    assert out[-1].startswith("*** PASSED ***") and "0 problems" in out[-1]


@pytest.mark.parametrize("name", CASES)
def test_corruption_is_reported_at_its_place(seed_project, capsys, name):
    corrupt, rel, where, code = CASES[name]
    where = resolve_ids(seed_project, rel, where)
    corrupt(seed_project)
    status, out = run(seed_project, capsys=capsys)
    assert status == 1
    location = f"{rel}:{resolve_last(seed_project, rel, where)}" if name != "invalid JSON" else f"{rel}:{where}"
    expected = f"{location}: [L{CODES[code].level}.{code}]"
    assert any(line.startswith(expected) for line in out), f"{expected!r} not in {out}"
    assert out[-1].startswith("*** FAILED ***")


def test_corruption_cases_cover_most_codes():
    covered = {case[3] for case in CASES.values()}
    assert len(covered) >= 15
    declared = {c for check in CHECKS for c in check.codes}
    assert declared <= set(CODES), declared - set(CODES)


def test_validator_does_not_stop_at_first_error(seed_project, capsys):
    edit(GOLD, lambda d: [d["spans"][i].update(label="BAD") for i in range(5)])(seed_project)
    edit(DOC, lambda d: d.update(text_sha256="f" * 64))(seed_project)
    status, out = run(seed_project, capsys=capsys)
    assert status == 1
    assert sum("label-unknown" in line for line in out) == 5
    assert any("corpus/" in line and "text-hash-mismatch" in line for line in out)
    assert "L2: 1" in out[-1]


def test_levels_short_circuit_per_file(seed_project, capsys):
    # an L2 problem hides the L3 problem in the same file until it is fixed
    edit(GOLD, lambda d: (d["spans"][0].update(end=99999), d["spans"][1].update(label="BAD")))(seed_project)
    _, out = run(seed_project, capsys=capsys)
    assert any("span-out-of-range" in line for line in out)
    assert not any("label-unknown" in line for line in out)


def test_level_option_limits_checks(seed_project, capsys):
    edit(GOLD, set_span("e2", label="PERSON"))(seed_project)
    assert run(seed_project, "--level", "2", capsys=capsys)[0] == 0
    assert run(seed_project, "--level", "3", capsys=capsys)[0] == 1


def test_prediction_file_problems_name_line_and_field(seed_project, tmp_path, capsys):
    pred = tmp_path / "pred.jsonl"
    text = load(seed_project, DOC)["text"]
    good = {"doc_id": SEED_ID, "spans": [{"layer": "entities", "label": "PER", "start": 15, "end": 24, "text": text[15:24]}]}
    lines = [
        json.dumps(good),
        json.dumps({"doc_id": "no-such-doc", "spans": []}),
        "{not json",
        json.dumps({"doc_id": SEED_ID, "spans": []}),
    ]
    pred.write_text("\n".join(lines) + "\n", encoding="utf-8")
    status, out = run(seed_project, "--pred", str(pred), "--pred-only", capsys=capsys)
    assert status == 1
    assert any(line.startswith(f"{pred}:2:/doc_id: [L2.doc-unknown]") for line in out)
    assert any(line.startswith(f"{pred}:3: [L1.json-invalid]") for line in out)
    assert any(line.startswith(f"{pred}:4:/doc_id: [L2.doc-duplicate]") for line in out)
    assert not any(f"{pred}:1:" in line for line in out)


def test_prediction_offsets_and_labels_checked(seed_project, tmp_path, capsys):
    pred = tmp_path / "pred.jsonl"
    line = {"doc_id": SEED_ID, "spans": [{"layer": "entities", "label": "PER", "start": 15, "end": 24, "text": "Joe Bidem"}]}
    pred.write_text(json.dumps(line) + "\n", encoding="utf-8")
    _, out = run(seed_project, "--pred", str(pred), "--pred-only", capsys=capsys)
    assert any(line.startswith(f"{pred}:1:/spans/0/text: [L2.span-text-mismatch]") for line in out)
    line["spans"][0].update(text="Joe Biden", label="PERSON")
    pred.write_text(json.dumps(line) + "\n", encoding="utf-8")
    _, out = run(seed_project, "--pred", str(pred), "--pred-only", capsys=capsys)
    assert any(line.startswith(f"{pred}:1:/spans/0/label: [L3.label-unknown]") for line in out)


def test_splits_checked(seed_project, capsys):
    (seed_project / "corpus" / "splits.json").write_text(json.dumps(
        {"version": "1", "splits": {"train": [SEED_ID], "test": [SEED_ID, "ghost-doc"]}}), encoding="utf-8")
    _, out = run(seed_project, capsys=capsys)
    assert any("corpus/splits.json:/splits/test/0: [L2.split-overlap]" in line for line in out)
    assert any("corpus/splits.json:/splits/test/1: [L2.split-unknown-doc]" in line for line in out)


def test_bad_labels_json_is_one_line_error(seed_project, capsys):
    (seed_project / "schema" / "labels.json").write_text("{", encoding="utf-8")
    assert validate_main(["--root", str(seed_project)]) == 2
    err = capsys.readouterr().err
    assert err.startswith("error: ") and "labels.json:1" in err and "Traceback" not in err


def test_checks_doc_is_generated_from_the_registry():
    from newsspans.validate.catalogue import checks_markdown

    from ..conftest import REPO

    assert (REPO / "docs" / "checks.md").read_text(encoding="utf-8") == checks_markdown(), "regenerate: newsspans validate --list-checks"
    assert all(f"`{code}`" in checks_markdown() for code in CODES)
