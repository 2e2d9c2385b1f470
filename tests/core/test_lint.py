"""The consistency linter: each code fires exactly where a crafted inconsistency sits, allowlisted
findings are counted and not reported, and an allowlist entry without a reason is an error."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from newsspans.commands.lint import main as lint_main
from newsspans.corpus import load_corpus
from newsspans.errors import InputError
from newsspans.lint import LINT_CODES, LintOptions, edge_problems, lint_corpus, load_allowlist
from newsspans.project import Project

from ..conftest import make_project

TEXTS = {
    "nsp-t-001": "READ: Moscow hits back\nThe Kremlin said on Monday that Moscow would respond. Russia, meanwhile, massed troops.",
    "nsp-t-002": "The Kremlin was hit by a drone. Moscow denied it. U.S.-supplied weapons reached Kyiv.",
    "nsp-t-003": "Officials in the Kremlin met envoys of the Moscow Patriarchate in Kyiv. Russia’s envoy left.",
}
NAM, NOM = {"mention": "NAM"}, {"mention": "NOM"}
# (id, layer, label, surface, occurrence of the surface in the text, attributes); file order is the pointer order.
SPANS = {
    "nsp-t-001": [
        ("b1", "structure", "BOILERPLATE", "READ: Moscow hits back", 0, {"kind": "crosslink"}),
        ("e1", "entities", "ORG", "Kremlin", 0, NAM),
        ("e2", "entities", "TIMEX", "Monday", 0, NAM),
        ("e3", "entities", "GPE", "Moscow", 1, NAM),
        ("e4", "entities", "GPE", "Russia,", 0, NAM),  # trailing comma
        ("e5", "entities", "PER", "troops", 0, NOM),
        ("a1", "attribution", "SOURCE", "Kremlin", 0, {}),
        ("a2", "attribution", "CUE", "said", 0, {}),
        ("a3", "attribution", "CONTENT", "Moscow would respond.", 0, {}),  # sentence-final period
    ],
    "nsp-t-002": [
        ("e1", "entities", "FAC", "Kremlin", 0, NAM),  # ORG in the two other documents
        ("e2", "entities", "GPE", "U.S.", 0, NAM),  # inside "U.S.-supplied": a hyphen is a token boundary
        ("v1", "events", "AID", "supplied", 0, {"context": "asserted"}),
        ("e3", "entities", "WEA", "weapons", 0, NOM),
        # "Moscow" (GPE NAM in nsp-t-001) is left unlabelled here
    ],
    "nsp-t-003": [
        ("e1", "entities", "PER", "Officials", 0, NOM),
        ("e2", "entities", "ORG", "Kremlin", 0, NAM),
        ("e3", "entities", "ORG", "Moscow Patriarchate", 0, NAM),  # "Moscow" inside another NAM: not an unlabelled occurrence
        ("e4", "entities", "GPE", "Kyi", 0, NAM),  # ends inside "Kyiv"
        ("e5", "entities", "GPE", "Russia", 0, NAM),  # before "’s": an apostrophe is a token boundary
    ],
}
EXPECTED = {
    ("lint-label-variation", "annotations/gold/nsp-t-002.json", "/spans/0"),
    ("lint-unlabelled-occurrence", "annotations/gold/nsp-t-002.json", "/spans"),
    ("lint-token-boundary", "annotations/gold/nsp-t-003.json", "/spans/3"),
    ("lint-edge-punctuation", "annotations/gold/nsp-t-001.json", "/spans/4"),
    ("lint-edge-punctuation", "annotations/gold/nsp-t-001.json", "/spans/8"),
}


def nth(text: str, sub: str, n: int) -> int:
    pos = -1
    for _ in range(n + 1):
        pos = text.index(sub, pos + 1)
    return pos


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = make_project(tmp_path / "proj", ())
    for doc_id, text in TEXTS.items():
        (root / "corpus" / f"{doc_id}.json").write_text(json.dumps({"id": doc_id, "text": text, "metadata": {}}), encoding="utf-8")
        spans = []
        for sid, layer, label, surface, occurrence, attrs in SPANS[doc_id]:
            start = nth(text, surface, occurrence)
            spans.append({"id": sid, "layer": layer, "label": label, "start": start, "end": start + len(surface), "text": surface,
                          **({"attributes": attrs} if attrs else {})})
        record = {"doc_id": doc_id, "spans": spans, "relations": []}
        (root / "annotations" / "gold" / f"{doc_id}.json").write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    return root


def allow(root: Path, entries: list[dict]) -> None:
    (root / "annotations" / "lint-allowlist.json").write_text(json.dumps({"entries": entries}), encoding="utf-8")


ALL_EXPLAINED = [
    {"code": "lint-label-variation", "text": "Kremlin", "label": "FAC", "reason": "the building is meant (3.27)"},
    {"code": "lint-unlabelled-occurrence", "text": "Moscow", "doc": "nsp-t-002", "reason": "test: accepted"},
    {"code": "lint-token-boundary", "text": "Kyi", "reason": "test: accepted"},
    {"code": "lint-edge-punctuation", "text": "Russia,", "layer": "entities", "reason": "test: accepted"},
    {"code": "lint-edge-punctuation", "text": "Moscow would respond.", "label": "CONTENT", "reason": "test: accepted"},
]


def test_each_code_fires_exactly_where_expected(project: Path) -> None:
    report = lint_corpus(load_corpus(Project(project)))
    assert {(f.code, f.file, f.pointer) for f in report.findings} == EXPECTED
    assert len(report.findings) == len(EXPECTED)
    assert report.counts() == {
        "lint-label-variation": {"unexplained": 1, "allowlisted": 0},
        "lint-unlabelled-occurrence": {"unexplained": 1, "allowlisted": 0},
        "lint-token-boundary": {"unexplained": 1, "allowlisted": 0},
        "lint-edge-punctuation": {"unexplained": 2, "allowlisted": 0},
    }
    by_code = {f.code: f for f in report.findings}
    variation = by_code["lint-label-variation"]
    assert (variation.layer, variation.label, variation.text) == ("entities", "FAC", "Kremlin")
    assert variation.details["variants"] == {"ORG": {"count": 2, "docs": ["nsp-t-001", "nsp-t-003"]},
                                             "FAC": {"count": 1, "docs": ["nsp-t-002"]}}
    assert "ORG 2× (nsp-t-001, nsp-t-003); FAC 1× (nsp-t-002)" in variation.message
    unlabelled = by_code["lint-unlabelled-occurrence"]
    start = TEXTS["nsp-t-002"].index("Moscow")
    assert unlabelled.details["offsets"] == [[start, start + 6]]
    assert unlabelled.details["labelled"] == {"GPE": 1} and unlabelled.details["unlabelled_total"] == 1
    assert f"[{start},{start + 6})" in unlabelled.message
    assert "ends inside \"Kyi|v.\"" in by_code["lint-token-boundary"].message
    edges = sorted(f.message for f in report.findings if f.code == "lint-edge-punctuation")
    assert edges == ["attribution/CONTENT \"Moscow would respond.\": trailing '.'", "entities/GPE \"Russia,\": trailing ','"]


def test_labelled_share_threshold_filters_unlabelled_occurrences(project: Path) -> None:
    corpus = load_corpus(Project(project))
    codes = ["lint-unlabelled-occurrence"]
    assert len(lint_corpus(corpus, codes=codes).findings) == 1  # labelled 1×, unlabelled 1×: share 0.5
    assert lint_corpus(corpus, codes=codes, options=LintOptions(min_labelled_share=0.6)).findings == ()
    with pytest.raises(InputError, match="min_labelled_share"):
        LintOptions(min_labelled_share=1.5)


def test_unlabelled_occurrence_respects_boilerplate_and_nesting(project: Path) -> None:
    """Label "Moscow" in nsp-t-002 too: the boilerplate and "Moscow Patriarchate" occurrences still stay silent."""
    path = project / "annotations" / "gold" / "nsp-t-002.json"
    record = json.loads(path.read_text(encoding="utf-8"))
    start = TEXTS["nsp-t-002"].index("Moscow")
    record["spans"].append({"id": "e9", "layer": "entities", "label": "GPE", "start": start, "end": start + 6, "text": "Moscow",
                            "attributes": NAM})
    path.write_text(json.dumps(record, ensure_ascii=False), encoding="utf-8")
    report = lint_corpus(load_corpus(Project(project)), codes=["lint-unlabelled-occurrence"], options=LintOptions(0))
    assert report.findings == ()


def test_cli_prints_findings_summary_and_fails(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert lint_main(["--root", str(project)]) == 1
    lines = capsys.readouterr().out.splitlines()
    findings = [ln for ln in lines if ln.startswith("annotations/")]
    parsed = {re.match(r"(\S+?):(/\S*): \[([a-z-]+)\] ", ln).groups() for ln in findings}  # type: ignore[union-attr]
    assert parsed == {(file, pointer, code) for code, file, pointer in EXPECTED}
    assert findings[0].startswith("annotations/gold/nsp-t-002.json:/spans/0: [lint-label-variation] \"Kremlin\" is entities/FAC")
    assert any(ln.startswith("lint-edge-punctuation") and "2 unexplained" in ln and "0 allowlisted" in ln for ln in lines)
    assert lines[-1].startswith("*** FAILED *** 5 unexplained finding(s), 0 allowlisted")


def test_allowlisted_findings_are_counted_not_reported(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    allow(project, ALL_EXPLAINED[:1])
    assert lint_main(["--root", str(project)]) == 1
    out = capsys.readouterr().out
    assert "[lint-label-variation]" not in out
    assert "lint-label-variation             0 unexplained       1 allowlisted" in out
    assert "4 unexplained finding(s), 1 allowlisted" in out

    allow(project, ALL_EXPLAINED)
    assert lint_main(["--root", str(project)]) == 0
    out = capsys.readouterr().out
    assert not [ln for ln in out.splitlines() if ln.startswith("annotations/")]
    assert out.splitlines()[-1].startswith("*** PASSED *** 0 unexplained finding(s), 5 allowlisted")


def test_allowlist_narrowing_fields_must_all_match(project: Path) -> None:
    corpus = load_corpus(Project(project))
    wrong_label = load_allowlist_from(project, [{"code": "lint-label-variation", "text": "Kremlin", "label": "ORG", "reason": "x"}])
    wrong_doc = load_allowlist_from(project, [{"code": "lint-unlabelled-occurrence", "text": "Moscow", "doc": "nsp-t-001", "reason": "x"}])
    wrong_code = load_allowlist_from(project, [{"code": "lint-token-boundary", "text": "Kremlin", "reason": "x"}])
    for entries in (wrong_label, wrong_doc, wrong_code):
        report = lint_corpus(corpus, entries)
        assert len(report.findings) == len(EXPECTED) and report.allowlisted == ()
        assert report.unused == entries


def load_allowlist_from(root: Path, entries: list[dict]) -> tuple:
    allow(root, entries)
    return load_allowlist(root / "annotations" / "lint-allowlist.json")


def test_unused_allowlist_entry_is_listed(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    allow(project, [*ALL_EXPLAINED, {"code": "lint-token-boundary", "text": "Kharkiv", "reason": "fixed since"}])
    assert lint_main(["--root", str(project)]) == 0
    assert "allowlist entry /entries/5 (lint-token-boundary \"Kharkiv\") matched nothing" in capsys.readouterr().out


@pytest.mark.parametrize("entry, needle", [
    ({"code": "lint-token-boundary", "text": "Kyi"}, "reason is required"),
    ({"code": "lint-token-boundary", "text": "Kyi", "reason": "  "}, "reason is required"),
    ({"code": "lint-nonsense", "text": "Kyi", "reason": "r"}, "code 'lint-nonsense' is not one of"),
    ({"code": "lint-token-boundary", "reason": "r"}, "text (the surface string) is required"),
    ({"code": "lint-token-boundary", "text": "Kyi", "reason": "r", "note": "x"}, "unknown key 'note'"),
])
def test_bad_allowlist_entry_is_an_error(project: Path, capsys: pytest.CaptureFixture[str], entry: dict, needle: str) -> None:
    allow(project, [ALL_EXPLAINED[0], entry])
    with pytest.raises(InputError, match="/entries/1"):
        load_allowlist(project / "annotations" / "lint-allowlist.json")
    assert lint_main(["--root", str(project)]) == 2
    err = capsys.readouterr().err
    assert "/entries/1" in err and needle in err and "/entries/0" not in err


def test_missing_allowlist_is_empty_and_malformed_file_is_an_error(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert load_allowlist(project / "annotations" / "lint-allowlist.json") == ()
    (project / "annotations" / "lint-allowlist.json").write_text('["not", "an", "object"]', encoding="utf-8")
    assert lint_main(["--root", str(project)]) == 2
    assert '{"entries": [...]}' in capsys.readouterr().err


def test_json_report(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    allow(project, ALL_EXPLAINED[2:3])
    assert lint_main(["--root", str(project), "--json"]) == 1
    captured = capsys.readouterr()
    data = json.loads(captured.out)
    assert data["counts"]["lint-token-boundary"] == {"unexplained": 0, "allowlisted": 1}
    assert data["counts"]["lint-edge-punctuation"] == {"unexplained": 2, "allowlisted": 0}
    assert {(f["code"], f["file"], f["pointer"]) for f in data["findings"]} == EXPECTED - {
        ("lint-token-boundary", "annotations/gold/nsp-t-003.json", "/spans/3")}
    assert data["allowlisted"][0]["reason"] == "test: accepted" and data["allowlisted"][0]["allowlist_entry"] == 0
    assert "*** FAILED ***" in captured.err


def test_code_filter(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert lint_main(["--root", str(project), "--code", "lint-token-boundary"]) == 1
    out = capsys.readouterr().out
    assert "[lint-token-boundary]" in out and "[lint-edge-punctuation]" not in out and "lint-edge-punctuation " not in out


@pytest.mark.parametrize("surface, layer, label, problems", [
    ("U.S.", "entities", "GPE", []),
    ("Ferdinand Marcos Jr.", "entities", "PER", []),
    ("2:30 a.m. local time", "entities", "TIMEX", []),
    ("Kyiv.", "entities", "GPE", ["trailing '.'"]),
    ("(ATACMS)", "entities", "WEA", ["enclosed in (…)"]),
    ("ATACMS)", "entities", "WEA", ["trailing ')'"]),
    ("Rapid Support Forces (RSF)", "entities", "ORG", ["parenthesised acronym inside the mention: it is a second mention (3.3)"]),
    ("National Intelligence Service (NIS)", "attribution", "SOURCE", []),
    ("US official,", "attribution", "SOURCE", ["trailing ','"]),
    ("Houthis’", "entities", "NORP", ["possessive '’'"]),
    ("Russia’s", "entities", "GPE", ["possessive ending '’s'"]),
    ("Côte d’Ivoire", "entities", "GPE", []),
    ("’90s", "entities", "TIMEX", []),
    ("’90s", "entities", "ORG", ["leading '’'"]),
    ("“specific and limited” effect", "attribution", "CONTENT", []),
    ("“We will respond”", "attribution", "CONTENT", ["enclosed in “…”"]),
    ("fighting continued “in the same streets as yesterday", "attribution", "CONTENT", []),
    ("the strikes would “not go unpunished”", "attribution", "CONTENT",
     ["trailing '”': a closing quotation mark, excluded from CONTENT even when the quote opens inside"]),
    ("whether it is safe to go home?", "attribution", "CONTENT", ["trailing '?'"]),
    ("troops had left the U.S.", "attribution", "CONTENT", []),
    ("5%", "attribution", "CONTENT", []),
    ("— Kyiv", "entities", "GPE", ["leading '—'"]),
])
def test_edge_rules(surface: str, layer: str, label: str, problems: list[str]) -> None:
    assert edge_problems(surface, layer, label) == problems


def test_seed_gold_lints_with_known_codes(tmp_path: Path) -> None:
    root = make_project(tmp_path / "seed")
    report = lint_corpus(load_corpus(Project(root)))
    assert report.files == 1 and set(report.counts()) == set(LINT_CODES)
    assert all(f.code in LINT_CODES and f.file.startswith("annotations/gold/") for f in report.findings)
    assert not [f for f in report.findings if f.code == "lint-token-boundary"]  # "U.S.-supplied" is annotated inside a token
