"""vecparse (the numpy lane of the fast reader) changes nothing: a file read with the lane gives the same
Block as the per-line gates alone (json + SpanHook, LineChecker, the raw line for the validator).

Lines are generated valid, then serialised in several styles and mutated byte by byte, so most of the
invalid ones are near misses: a dropped quote, a stray comma, a number turned into 1.0 or 01.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspans.scoring import columns, vecparse
from newsspans.scoring.columns import Block, ReadOptions, Scheme, read_range

from .helpers import LABELS

SCHEME = Scheme.of(LABELS)
FIELDS = ("numbers", "doc_ids", "n_spans", "line", "label", "start", "end", "surface", "relations", "slow", "n_lines")
TEXTS = {"d0": "Kyiv said the army hit Goma. " * 3, "d1": "short"}


def _read(path: Path, opts: ReadOptions, lane: bool) -> Block | str:
    try:
        return read_range(path, 0, path.stat().st_size, opts, lane=lane)
    except OverflowError as exc:  # an offset past int64: fastpath.load_fast then leaves the file to the reference path
        return repr(exc)


def _blocks(tmp: Path, lines: list[bytes], texts: dict[str, str] | None = None, chunk: int = 1 << 19) -> tuple[Block | str, Block | str]:
    path = tmp / "lines.jsonl"
    path.write_bytes(b"".join(lines))
    opts = ReadOptions(SCHEME, texts=texts or {})
    old = columns.LANE_CHUNK
    columns.LANE_CHUNK = chunk
    try:
        return _read(path, opts, True), _read(path, opts, False)
    finally:
        columns.LANE_CHUNK = old


def _same(a: Block | str, b: Block | str) -> None:
    assert type(a) is type(b)
    if isinstance(a, str):
        assert a == b
        return
    for f in FIELDS:
        assert getattr(a, f) == getattr(b, f), f


@st.composite
def span(draw) -> dict:
    layer, label = draw(st.sampled_from(SCHEME.labels))
    if draw(st.integers(0, 15)) == 0:
        layer = draw(st.sampled_from(SCHEME.layers))  # maybe the wrong layer for the label
    if draw(st.integers(0, 20)) == 0:
        label = draw(st.sampled_from(["", "per", "PER ", "BOILERPLATEX", "É"]))
    d: dict = {"layer": layer, "label": label}
    start = draw(st.integers(0, 120))
    end = start + draw(st.integers(-1, 12))
    if draw(st.integers(0, 30)) == 0:
        start, end = start + 2**40, end + 2**40
    d["start"], d["end"] = start, end
    if draw(st.booleans()):
        d["text"] = draw(st.sampled_from(["Kyiv", "", "a \"b\"", "Đà Nẵng", "x\ty", "{[,:]}", "12", "\\"]))
    allowed = SCHEME.checker.attributes.get(label, {})
    if draw(st.integers(0, 2)) == 0:
        d["attributes"] = {k: draw(st.sampled_from([*sorted(v), "nope"])) for k, v in allowed.items()} if allowed else \
            draw(st.sampled_from([{}, {"mention": "NAM"}, {"kind": 3}]))
    if draw(st.integers(0, 1)):
        d["id"] = draw(st.sampled_from(["e1", "e2", "e3", "", "x" * 70, "é" * 40]))
    if draw(st.integers(0, 25)) == 0:
        d["score"] = draw(st.sampled_from([0.5, 1, True, None]))
    if draw(st.integers(0, 40)) == 0:
        d[draw(st.sampled_from(["doc_id", "Start", "relations"]))] = 1
    keys = list(d)
    order = draw(st.permutations(keys))
    return {k: d[k] for k in order}


@st.composite
def line(draw) -> bytes:
    spans = draw(st.lists(span(), max_size=6))
    doc_id = draw(st.sampled_from(["d0", "d1", "d2", "D3", "a..b", "syn-0001", "", "-x", ".x", "x." * 64, "x" * 129, "a.b_c-9", "é"]))
    record: dict = {"doc_id": doc_id, "spans": spans}
    extra = draw(st.integers(0, 12))
    if extra == 0:
        record["relations"] = []
    elif extra == 1:
        record["relations"] = [{"label": "x", "head": "e1", "tail": "e2"}]
    elif extra == 2:
        record["meta"] = {}
    elif extra == 3:
        del record["spans"]
    order = draw(st.permutations(list(record)))
    record = {k: record[k] for k in order}
    style = draw(st.sampled_from([{}, {"separators": (",", ":")}, {"ensure_ascii": False}, {"separators": (" , ", " : ")},
                                  {"indent": None, "separators": (",  ", ":  ")}]))
    text = json.dumps(record, **style).encode()
    for _ in range(draw(st.integers(0, 2))):  # byte mutations
        at = draw(st.integers(0, len(text)))
        how = draw(st.integers(0, 2))
        byte = draw(st.sampled_from([b'"', b",", b":", b"{", b"}", b"[", b"]", b" ", b"0", b"-", b".", b"e", b"\\", b"\t", b"\xff", b"\r"]))
        text = text[:at] + byte + text[at + (how != 0):] if how < 2 else text[:at] + text[at + 1:]
    prefix = draw(st.sampled_from([b"", b"", b"", b" ", b"\xef\xbb\xbf"]))
    return prefix + text + draw(st.sampled_from([b"\n", b"\n", b"\n", b" \n", b"\r\n", b"\n\n", b"\n   \n"]))


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(lines=st.lists(line(), min_size=1, max_size=25), with_texts=st.booleans(), chunk=st.sampled_from([64, 700, 1 << 19]),
       last_newline=st.booleans())
def test_lane_gives_the_gates_block(tmp_path_factory, lines, with_texts, chunk, last_newline):
    if not last_newline:
        lines[-1] = lines[-1].rstrip(b"\n")
    lane, gates = _blocks(tmp_path_factory.mktemp("v"), lines, TEXTS if with_texts else None, chunk)
    _same(lane, gates)


def _valid(doc: str = "d0", **span_keys) -> bytes:
    s = {"id": "e1", "layer": "entities", "label": "PER", "start": 0, "end": 4, **span_keys}
    return json.dumps({"doc_id": doc, "spans": [s, {"layer": "entities", "label": "GPE", "start": 5, "end": 9}]}).encode() + b"\n"


TRICKY = [
    b'{"doc_id": "d0", "spans": [], "doc_id": "d1"}\n',  # a repeated key: json keeps the last one
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "label": "ORG", "start": 1, "end": 2}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1.0, "end": 2}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 01, "end": 2}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": -1, "end": 2}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2,}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1 "end": 2}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 1e3}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": true}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 999999999999999999}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "text": "a\\"b"}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "P\\u0045R", "start": 1, "end": 2}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2}]} {}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2}]}}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2}]\n',
    b'{"doc_id": "d0", "spans": [[{"layer": "entities", "label": "PER", "start": 1, "end": 2}]]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "attributes": {"mention": "NAM"}}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "attributes": {"mention": "XYZ"}}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "attributes": {"mention": "NAM", "mention": "NOM"}}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "attributes": {"mention": ["NAM"]}}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "attributes": []}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "attributes": {"kind": "nav"}}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "structure", "label": "BOILERPLATE", "start": 1, "end": 2, "attributes": {"kind": "nav"}}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "attributes": {"mention": "NAM", "x": "y"}}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "attributes": {}}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "score": 0.5}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2}], "relations": []}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2}], "relations": [], "relations": []}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2}], "relations": {}}\n',
    b'{"doc_id": "d0", "relations": [], "spans": [{"id": "a", "layer": "entities", "label": "PER", "start": 1, "end": 2}, '
    b'{"id": "a", "layer": "entities", "label": "ORG", "start": 3, "end": 4}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "structure", "label": "PER", "start": 1, "end": 2}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "end": 2}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "text": "Kyiv"}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 3, "end": 3}]}\n',
    b'{"doc_id": "d0", "spans": {}}\n',
    b'{"doc_id": 5, "spans": []}\n',
    b'{"doc_id": "d0", "spans": []}\n',
    b'{"spans": [], "doc_id": "d1"}\n',
    b'["d0", []]\n',
    b'"d0"\n',
    b'{"doc_id": "d0", "spans": [], "x": 1}\n',
    b'{"doc_id": "d0", "spans": [{}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2}, ]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities" "label": "PER", "start": 1, "end": 2}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2}]}\r\n',
    b'{"doc_id":"d0","spans":[{"layer":"entities","label":"PER","start":1,"end":2}]}\n',
    b'{"doc_id" : "d0" , "spans" : [ {"layer":"entities","label":"PER","start":1,"end":2} ] }\n',
    b'  {"doc_id": "d0", "spans": []}  \n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "text": "\xe2\x80\x9c"}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "text": "\xff"}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "text": "a\tb"}]}\n',
    b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "id": "\xc3\xa9\xc3\xa9"}]}\n',
    b"\n",
    b"   \n",
    b"\t\n",
    b"abc\n",  # no token at all: not blank, not JSON
    b"true\n",
    b" - \n",
    _valid(),
    _valid("d1"),
    _valid(end=500),
    _valid(text="Kyiv"),
    _valid(text="Kyi"),
]


@pytest.mark.parametrize("with_texts", [False, True])
def test_lane_on_tricky_lines(tmp_path, with_texts):
    lane, gates = _blocks(tmp_path, TRICKY, TEXTS if with_texts else None)
    _same(lane, gates)
    assert len(lane.slow) > 20 and len(lane.doc_ids) > 10  # the cases do exercise both sides


def test_each_tricky_line_alone_and_the_lane_takes_the_plain_ones(tmp_path):
    tables = vecparse.tables(SCHEME)
    for i, raw in enumerate(TRICKY):
        lane, gates = _blocks(tmp_path, [raw])
        _same(lane, gates)
        parsed = vecparse.parse(raw, tables) if raw.decode(errors="replace").encode() == raw else None  # the caller checks UTF-8
        if parsed is not None and parsed.accepted.any():  # what the lane takes, gate 1 takes too
            assert gates.doc_ids and not gates.slow, i
    plain = [raw for raw in TRICKY if b'"NAM"}' in raw or raw.startswith((b'{"doc_id": "d0", "spans": []}', b'{"doc_id":"d0"'))
             or raw.endswith(b'"end": 2}], "relations": []}\n')] + [_valid(), _valid("d1")]
    assert len(plain) == 6
    parsed = vecparse.parse(b"".join(plain), tables)
    assert parsed is not None and parsed.accepted.all()


def test_an_offset_past_64_bits_makes_both_fail_alike(tmp_path):
    raw = b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 9999999999999999999}]}\n'
    lane, gates = _blocks(tmp_path, [_valid(), raw])
    assert isinstance(lane, str) and "OverflowError" in lane
    _same(lane, gates)


def test_a_line_with_an_odd_number_of_quotes_sends_its_chunk_to_the_gates(tmp_path):
    lines = [_valid(), b'{"doc_id": "d0", "spans": ["]}\n', _valid("d1")]
    assert vecparse.parse(b"".join(lines), vecparse.tables(SCHEME)) is None
    lane, gates = _blocks(tmp_path, lines)
    _same(lane, gates)
    assert lane.doc_ids == ["d0", "d1"] and len(lane.slow) == 1


def test_the_command_line_scores_an_offset_past_64_bits_like_the_reference_path(tmp_path):
    """Before: the fast path stopped with an internal OverflowError; now it leaves such input to the reference path."""
    import os
    import subprocess
    import sys

    from ..conftest import REPO

    gold = tmp_path / "g.jsonl"
    pred = tmp_path / "p.jsonl"
    gold.write_text("".join(json.dumps({"doc_id": f"d{i}", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 5}]}) + "\n"
                            for i in range(3)))
    pred.write_text(_valid().decode() + json.dumps({"doc_id": "d1", "spans": [{"layer": "entities", "label": "PER", "start": 1,
                                                                               "end": 99999999999999999999}]}) + "\n")
    out = {}
    for fast in ("1", "0"):
        report = tmp_path / f"r{fast}.json"
        done = subprocess.run([sys.executable, str(REPO / "eval" / "score.py"), "--gold", str(gold), "--pred", str(pred), "--layer", "entities",
                               "--bootstrap", "10", "--json", str(report)], capture_output=True, text=True,
                              env={**os.environ, "NEWSSPANS_FASTPATH": fast}, check=False)
        assert done.returncode == 0, done.stderr
        out[fast] = report.read_text()
    assert out["1"] == out["0"]
