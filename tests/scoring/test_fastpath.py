"""The fast path (columns.py, fastpath.py, vecmatch.py) gives exactly the reference path's report.

Generated gold and prediction files (valid and invalid lines, relations, text-only spans, duplicates,
unknown documents) are scored both ways and the JSON reports compared whole; the vectorised matcher
is compared with engine.score_layer on its own, and the reader is run split over two processes.
"""

from __future__ import annotations

import itertools
import json
import os
import time
from pathlib import Path

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from newsspans.project import Project
from newsspans.scoring import fastpath, parallel, vecmatch
from newsspans.scoring.api import ScoreConfig, default_layers, load_inputs, score_inputs
from newsspans.scoring.columns import Scheme
from newsspans.scoring.engine import ALL_MODES, SPAN_MODES, score_layer
from newsspans.scoring.vecmatch import Side, score_layer_arrays

from ..conftest import REPO
from .helpers import ENT, LABELS, sets
from .test_properties import corpus

SCHEME = Scheme.of(LABELS)
ROLES = [(r.name, sorted(r.head), sorted(r.tail)) for r in LABELS.roles]
WORDS = ["Kyiv", "the army", "Hamas", "U.S.", "“talks”", "Goma", "strike", "said"]
DOCS = ["d0", "d1", "d2", "d3"]


@st.composite
def span_dicts(draw, with_ids: bool = True) -> dict:
    layer, label = draw(st.sampled_from(SCHEME.labels[1:]))  # no BOILERPLATE: keeps documents short
    span: dict = {"layer": layer, "label": label}
    if draw(st.integers(0, 9)) > 0:
        start = draw(st.integers(0, 70))
        span.update(start=start, end=start + draw(st.integers(1, 12)))
        if draw(st.booleans()):
            span["text"] = draw(st.sampled_from(WORDS))
    else:
        span["text"] = draw(st.sampled_from(WORDS))
    allowed = SCHEME.checker.attributes.get(label, {})
    if allowed and draw(st.booleans()):
        span["attributes"] = {k: draw(st.sampled_from(sorted(v))) for k, v in allowed.items()}
    if draw(st.integers(0, 5)) == 0:
        span["score"] = draw(st.floats(0, 1))
    if with_ids and draw(st.integers(0, 3)) > 0:
        span["id"] = "x"  # made unique per line below
    return span


def _line(draw, doc_id: str, valid: bool = False) -> dict:
    spans = draw(st.lists(span_dicts(), max_size=10))
    for i, s in enumerate(spans):
        if "id" in s:
            s["id"] = f"s{i}"
    line: dict = {"doc_id": doc_id, "spans": spans}
    with_ids = [s for s in spans if "id" in s and "start" in s]
    relations = []
    for _ in range(draw(st.integers(0, 3)) if with_ids else 0):
        role, heads, tails = draw(st.sampled_from(ROLES))
        head, tail = draw(st.sampled_from(with_ids)), draw(st.sampled_from(with_ids))
        if (head["label"] in heads and tail["label"] in tails) or (not valid and draw(st.integers(0, 4)) == 0):
            relations.append({"label": role, "head": head["id"], "tail": tail["id"]})
    if relations or draw(st.booleans()):
        line["relations"] = relations
    return line


BROKEN = [b"{not json", b"\xff\xfe{}", b"[]", b'{"doc_id": "d0"}', b'{"doc_id": "D 0", "spans": []}', b"   ",
          b'{"doc_id": "d1", "spans": [{"layer": "entities", "label": "PER", "start": 5, "end": 2}]}',
          b'{"doc_id": "d2", "spans": [{"layer": "entities", "label": "XXX", "start": 1, "end": 2}], "relations": []}',
          b'{"doc_id": "d3", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 2, "id": null}]}',
          b'{"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": 1.0, "end": 2}]}',
          b'{"doc_id": "d1", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 3, "colour": "red"}]}',
          b'{"doc_id": "d2", "spans": [{"layer": "entities", "label": "PER", "start": 1, "end": 3, "id": "a"}, '
          b'{"layer": "entities", "label": "ORG", "start": 4, "end": 6, "id": "a"}]}',
          b'{"doc_id": "nowhere", "spans": []}', b'{"doc_id": "d3", "spans": [], "relations": null}',
          b'{"doc_id": "d0", "spans": [{"layer": "events", "label": "ASSAULT", "start": 1, "end": 3, "id": "e"}], '
          b'"relations": [{"label": "actor", "head": "e", "tail": "missing"}]}']


@st.composite
def files(draw) -> tuple[list[bytes], list[bytes]]:
    gold = [json.dumps(_line(draw, d, valid=True), ensure_ascii=False).encode() for d in DOCS]
    pred_docs = draw(st.lists(st.sampled_from([*DOCS, "d9"]), max_size=6))
    pred = [json.dumps(_line(draw, d), ensure_ascii=draw(st.booleans())).encode() for d in pred_docs]
    for _ in range(draw(st.integers(0, 3))):
        pred.insert(draw(st.integers(0, len(pred))), draw(st.sampled_from(BROKEN)))
    return gold, pred


def both_paths(tmp: Path, gold: list[bytes] | None, pred: list[bytes], monkeypatch, *, modes=ALL_MODES, split: str | None = None,
               bootstrap: int = 30) -> tuple[str, str]:
    """JSON reports of the fast path and of the reference path for the same files."""
    tmp.mkdir(parents=True, exist_ok=True)
    pred_path = tmp / "pred.jsonl"
    pred_path.write_bytes(b"\n".join(pred) + b"\n")
    gold_arg = None
    if gold is not None:
        (tmp / "gold.jsonl").write_bytes(b"\n".join(gold) + b"\n")
        gold_arg = str(tmp / "gold.jsonl")
    config = ScoreConfig(layers=default_layers(LABELS), modes=modes, bootstrap=bootstrap, seed=3)
    out = []
    for flag in ("1", "0"):
        monkeypatch.setenv("NEWSSPANS_FASTPATH", flag)
        inputs = load_inputs(Project(REPO), LABELS, config, pred=pred_path, gold=gold_arg, split=split)
        assert (inputs.fast is not None) == (flag == "1")
        out.append(json.dumps(score_inputs(inputs, LABELS, config), sort_keys=True))
    return out[0], out[1]


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files())
def test_fast_path_report_equals_reference(tmp_path_factory, monkeypatch, case):
    gold, pred = case
    fast, reference = both_paths(tmp_path_factory.mktemp("fp"), gold, pred, monkeypatch)
    assert fast == reference


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files())
def test_fast_path_split_over_two_processes_gives_the_same_report(tmp_path_factory, monkeypatch, case):
    """Files read in two parts, and every layer matched in two halves of the documents, in two processes."""
    monkeypatch.setattr(fastpath, "MIN_SPLIT_BYTES", 0)
    monkeypatch.setattr(fastpath, "SPLIT_SPANS", 0)
    monkeypatch.setenv("NEWSSPANS_JOBS", "2")
    gold, pred = case
    fast, reference = both_paths(tmp_path_factory.mktemp("fp2"), gold, pred, monkeypatch)
    assert fast == reference


def test_fast_path_on_the_bundled_corpus_with_texts_relations_and_bad_lines(tmp_path, monkeypatch):
    """Predictions = the test split's gold, thinned and shifted, plus invalid lines: text checks use the corpus texts."""
    from newsspans.corpus import load_corpus

    corpus = load_corpus(Project(REPO))
    lines = []
    for k, doc_id in enumerate(corpus.doc_ids("test")):
        record = corpus.gold[doc_id].to_exchange()
        record["spans"] = [s for i, s in enumerate(record["spans"]) if i % 7 != k % 7]
        for i, s in enumerate(record["spans"]):
            if i % 11 == 3 and "text" not in s:
                s["start"] += 1
        ids = {s.get("id") for s in record["spans"]}
        record["relations"] = [r for r in record.get("relations", []) if r["head"] in ids and r["tail"] in ids]
        lines.append(json.dumps(record, ensure_ascii=False).encode())
    bad = json.loads(lines[0])
    bad["spans"][0]["text"] = "not the slice"
    lines += [json.dumps(bad).encode(), b'{"doc_id": "nsp-b1-001", "spans": []}', BROKEN[0]]
    monkeypatch.setattr(fastpath, "MIN_SPLIT_BYTES", 0)
    fast, reference = both_paths(tmp_path, None, lines, monkeypatch, split="test", bootstrap=50)
    assert fast == reference
    report = json.loads(fast)
    assert report["rejected"] and report["layers"]["relations"]["modes"]["strict"]["micro"]["correct"] > 0


def test_offsets_beyond_32_bits_are_kept(tmp_path, monkeypatch):
    big = 3_000_000_000
    gold = [json.dumps({"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": big, "end": big + 4},
                                                  {"layer": "entities", "label": "ORG", "start": 5, "end": 9}]}).encode()]
    pred = [json.dumps({"doc_id": "d0", "spans": [{"layer": "entities", "label": "PER", "start": big, "end": big + 4},
                                                  {"layer": "entities", "label": "ORG", "start": big + 1, "end": big + 3}]}).encode()]
    fast, reference = both_paths(tmp_path, gold, pred, monkeypatch)
    assert fast == reference
    assert json.loads(fast)["layers"]["entities"]["modes"]["strict"]["micro"]["correct"] == 1


def test_invalid_gold_is_refused_the_same_way(tmp_path, monkeypatch):
    from newsspans.errors import InputError

    gold = [b'{"doc_id": "d0", "spans": []}', BROKEN[0], b'{"doc_id": "d0", "spans": []}']
    messages = []
    for flag in ("1", "0"):
        monkeypatch.setenv("NEWSSPANS_FASTPATH", flag)
        with pytest.raises(InputError) as info:
            both_paths(tmp_path, gold, [], monkeypatch)
        messages.append(str(info.value))
    assert messages[0] == messages[1] and ":2: invalid JSON" in messages[0] and "appears twice" in messages[0]


def _side(docs: dict, ids: dict[str, int]) -> Side:
    rows = [(ids[d], s, e, ENT.index(lab), sorted(ENT).index(lab)) for d, spans in docs.items() for s, e, lab in spans]
    doc, start, end, local, rank = (np.asarray([r[i] for r in rows], dtype=np.int64) for i in range(5))
    return Side(doc, local, rank, start, end)


@pytest.mark.parametrize(("limit", "packed"), [(vecmatch.CANDIDATE_LIMIT, True), (0, False)])
@settings(max_examples=150, deadline=None)
@given(data=corpus)
def test_vectorised_matcher_equals_the_reference_matcher(limit, packed, data):
    """Counts of every mode and the error counts: packed sort keys and binary-search candidates, or lexsort and the sweep."""
    gold = {d: g for d, (g, _) in data.items()}
    pred = {d: p for d, (_, p) in data.items()}
    g, p = sets(gold, pred)
    reference = score_layer("entities", ENT, g, p, SPAN_MODES)
    ids = {d: i for i, d in enumerate(g.doc_ids)}
    old = vecmatch.CANDIDATE_LIMIT, vecmatch.KEY_BITS
    vecmatch.CANDIDATE_LIMIT = limit
    vecmatch.KEY_BITS = 63 if packed else 0
    try:
        stats, errors = score_layer_arrays(_side(gold, ids), _side(pred, ids), len(ids), len(ENT), SPAN_MODES)
    finally:
        vecmatch.CANDIDATE_LIMIT, vecmatch.KEY_BITS = old
    assert errors == reference.error_counts
    for mode in SPAN_MODES:
        assert np.array_equal(stats[mode], reference.stats[mode]), mode


def test_run_split_redoes_the_work_of_a_failed_child(monkeypatch):
    monkeypatch.setenv("NEWSSPANS_JOBS", "2")
    parent = os.getpid()

    def square(x: int) -> int:
        if os.getpid() != parent:
            raise RuntimeError("child fails")
        return x * x

    assert parallel.run_split(square, [(i,) for i in range(5)]) == [0, 1, 4, 9, 16]


def test_split_ranges_start_at_line_starts(tmp_path):
    from newsspans.scoring.columns import split_ranges

    path = tmp_path / "f.jsonl"
    path.write_bytes(b"".join(b"x" * (i % 7) + b"\n" for i in range(100)))
    ranges = split_ranges(path, 3)
    data = path.read_bytes()
    assert ranges[0][0] == 0 and ranges[-1][1] == len(data)
    assert all(a == b for (_, a), (b, _) in itertools.pairwise(ranges))
    assert all(data[a - 1:a] == b"\n" for a, _ in ranges[1:])


def _gold_and_pred(tmp: Path, n_docs: int = 30) -> tuple[list[bytes], list[bytes]]:
    gold = [json.dumps({"doc_id": f"d{i}", "spans": [{"layer": "entities", "label": ENT[i % 8], "start": 2 * j, "end": 2 * j + 1 + i % 3,
                                                     "id": f"e{j}"} for j in range(5)]}).encode() for i in range(n_docs)]
    pred = [json.dumps({"doc_id": f"d{i}", "spans": [{"layer": "entities", "label": ENT[(i + j) % 8], "start": 2 * j, "end": 2 * j + 2}
                                                     for j in range(4)]}).encode() for i in range(0, n_docs, 2)]
    return gold, pred


def test_gold_cache_hit_gives_the_same_report_and_a_broken_entry_is_ignored(tmp_path, monkeypatch):
    from newsspans.scoring import goldcache

    monkeypatch.setenv("NEWSSPANS_CACHE_DIR", str(tmp_path / "cache"))
    gold, pred = _gold_and_pred(tmp_path)
    first, reference = both_paths(tmp_path / "a", gold, pred, monkeypatch, modes=("strict", "string"))
    entries = list((tmp_path / "cache").glob("gold-*.npz"))
    assert len(entries) == 1 and first == reference
    second, _ = both_paths(tmp_path / "a", gold, pred, monkeypatch, modes=("strict", "string"))
    assert second == first
    sha = goldcache.file_sha256(tmp_path / "a" / "gold.jsonl")
    assert goldcache.load(sha, LABELS, surfaces=True) is not None
    entries[0].write_bytes(b"not a zip file")
    assert goldcache.load(sha, LABELS, surfaces=True) is None
    third, _ = both_paths(tmp_path / "a", gold, pred, monkeypatch, modes=("strict", "string"))
    assert third == first and goldcache.load(sha, LABELS, surfaces=True) is not None  # rewritten


def test_gold_cache_misses_when_the_gold_changes_and_can_be_turned_off(tmp_path, monkeypatch):
    monkeypatch.setenv("NEWSSPANS_CACHE_DIR", str(tmp_path / "cache"))
    gold, pred = _gold_and_pred(tmp_path)
    a, _ = both_paths(tmp_path / "a", gold, pred, monkeypatch, modes=("strict",))
    gold[3] = gold[3].replace(b'"start": 0, "end": 1', b'"start": 0, "end": 2')
    b, reference = both_paths(tmp_path / "b", gold, pred, monkeypatch, modes=("strict",))
    assert a != b and b == reference
    assert len(list((tmp_path / "cache").glob("gold-*.npz"))) == 2
    monkeypatch.setenv("NEWSSPANS_CACHE", "0")
    gold[4] = gold[4].replace(b'"start": 0, "end": 1', b'"start": 0, "end": 3')
    both_paths(tmp_path / "c", gold, pred, monkeypatch, modes=("strict",))
    assert len(list((tmp_path / "cache").glob("gold-*.npz"))) == 2


def _cli(args: list[str], env: dict[str, str]) -> tuple[int, str, str]:
    import subprocess
    import sys

    proc = subprocess.run([sys.executable, str(REPO / "eval" / "score.py"), *args], capture_output=True, text=True,
                          env={**os.environ, **env}, timeout=300)
    return proc.returncode, proc.stdout, proc.stderr


def test_command_line_prefetch_cold_and_warm_cache_equal_the_reference(tmp_path):
    """Files over prefetch.MIN_BYTES: the reading child starts before numpy is imported; then again from the gold cache."""
    gold, pred = _gold_and_pred(tmp_path, n_docs=6000)
    pred.insert(7, b'{"doc_id": "d2", "spans": []}')  # a repeated document: rejected, as a line the validator never sees
    (tmp_path / "gold.jsonl").write_bytes(b"\n".join(gold) + b"\n")
    (tmp_path / "pred.jsonl").write_bytes(b"\n".join(pred) + b"\n")
    assert (tmp_path / "gold.jsonl").stat().st_size > (1 << 20)
    env = {"NEWSSPANS_CACHE_DIR": str(tmp_path / "cache"), "NEWSSPANS_JOBS": "2"}
    outs = []
    for extra in ({}, {}, {"NEWSSPANS_FASTPATH": "0"}):
        out = tmp_path / f"r{len(outs)}.json"
        code, _stdout, stderr = _cli(["--gold", str(tmp_path / "gold.jsonl"), "--pred", str(tmp_path / "pred.jsonl"), "--layer", "entities",
                                     "--bootstrap", "100", "--skip-invalid", "--json", str(out)], {**env, **extra})
        assert code == 1, stderr
        outs.append(out.read_text(encoding="utf-8"))
    assert outs[0] == outs[1] == outs[2]
    assert len(list((tmp_path / "cache").glob("gold-*.npz"))) == 1
    bad = tmp_path / "bad.jsonl"
    bad.write_bytes(b"\n".join([*gold, gold[0]]) + b"\n")
    results = [_cli(["--gold", str(bad), "--pred", str(tmp_path / "pred.jsonl"), "--layer", "entities"], {**env, **extra})
               for extra in ({}, {"NEWSSPANS_FASTPATH": "0"})]
    assert results[0][0] == results[1][0] == 2 and results[0][2] == results[1][2] and "appears twice" in results[0][2]


def _pid(_: int) -> int:
    return os.getpid()


def test_run_split_really_forks_unless_other_threads_run(monkeypatch):
    import threading

    monkeypatch.setenv("NEWSSPANS_JOBS", "2")
    first, second = parallel.run_split(_pid, [(0,), (1,)])
    assert first == os.getpid() != second
    stop = threading.Event()
    thread = threading.Thread(target=stop.wait)
    thread.start()
    try:
        assert parallel.run_split(_pid, [(0,), (1,)]) == [os.getpid()] * 2
    finally:
        stop.set()
        thread.join()


@settings(max_examples=60, deadline=None)
@given(st.integers(0, 40), st.integers(1, 3), st.sampled_from([np.int16, np.int32]), st.integers(0, 2**31 - 1), st.data())
def test_per_document_json_equals_json_dumps_of_the_dict(n_docs, n_layers, dtype, seed, data):
    from newsspans.scoring.engine import LayerScores, SystemScores
    from newsspans.scoring.report import per_document, per_document_json

    rng = np.random.default_rng(seed)
    top = data.draw(st.sampled_from([1, 3, 30000]))
    layers = {}
    for i in range(n_layers):
        stats = {m: rng.integers(0, top, size=(n_docs, 2, 8)).astype(dtype) * rng.integers(0, 2, size=(n_docs, 1, 1)).astype(dtype)
                 for m in ("strict", "partial", "string")[: data.draw(st.integers(1, 3))]}
        layers[f"l{i}"] = LayerScores(f"l{i}", ("A", "B"), stats)
    scores = SystemScores(tuple(f"d-{i}é" for i in range(n_docs)), layers)
    start = data.draw(st.integers(0, n_docs))
    stop = data.draw(st.integers(start, n_docs))
    assert per_document_json(scores, start, stop) == json.dumps(per_document(scores, start, stop), ensure_ascii=False)


def test_gold_cache_keeps_the_most_recently_used_entries(tmp_path):
    import time

    from newsspans.scoring import goldcache

    for i in range(5):
        (tmp_path / f"gold-{i}.npz").write_bytes(b"x")
        os.utime(tmp_path / f"gold-{i}.npz", (time.time() - 100 + i, time.time() - 100 + i))
    goldcache.prune(tmp_path, keep=3)
    assert sorted(p.name for p in tmp_path.glob("gold-*.npz")) == ["gold-2.npz", "gold-3.npz", "gold-4.npz"]


def _sharing(tmp_path: Path, monkeypatch, fail_child: bool) -> tuple[list[list], list[list], set[int]]:
    """Blocks read through prefetch's piece queue (small pieces) and directly, and the pids that read pieces."""
    from newsspans.scoring import columns, prefetch

    gold, pred = _gold_and_pred(tmp_path, n_docs=6000)
    (tmp_path / "gold.jsonl").write_bytes(b"\n".join(gold) + b"\n")
    (tmp_path / "pred.jsonl").write_bytes(b"\n".join(pred) + b"\n")
    monkeypatch.setenv("NEWSSPANS_CACHE_DIR", str(tmp_path / "cache"))
    monkeypatch.setenv("NEWSSPANS_JOBS", "2")
    monkeypatch.setattr(prefetch, "PIECE_BYTES", 1 << 16)
    readers = tmp_path / "readers"
    readers.mkdir()
    real = prefetch.read_range

    def read_range(path, start, stop, opts):
        (readers / f"{os.getpid()}-{start}").touch()
        if os.getpid() != parent:
            if fail_child:
                os._exit(3)  # the child dies after taking a piece
        else:
            time.sleep(0.02)  # this process is slower here: the child surely takes pieces
        return real(path, start, stop, opts)

    parent = os.getpid()
    monkeypatch.setattr(prefetch, "read_range", read_range)
    reading = prefetch.start_reading(tmp_path / "gold.jsonl", [tmp_path / "pred.jsonl"], LABELS, False)
    assert reading is not None and len(reading.pieces) > 10
    blocks = reading.blocks()
    scheme = SCHEME
    direct = [[columns.read_range(p, 0, p.stat().st_size, columns.ReadOptions(scheme, gold=p.name == "gold.jsonl"))]
              for p in (tmp_path / "gold.jsonl", tmp_path / "pred.jsonl")]
    return blocks, direct, {int(f.name.split("-")[0]) for f in readers.iterdir()}


def _joined(blocks: list) -> tuple:
    shifted = fastpath._shifted(blocks)
    return tuple([x for b in shifted for x in getattr(b, f)] for f in ("numbers", "doc_ids", "n_spans", "label", "start", "end"))


@pytest.mark.parametrize("fail_child", [False, True])
def test_both_processes_take_pieces_and_a_failed_child_loses_none(tmp_path, monkeypatch, fail_child):
    blocks, direct, pids = _sharing(tmp_path, monkeypatch, fail_child)
    assert len(pids) == 2  # the child took pieces too (and, when it failed, its piece was read again here)
    for got, want in zip(blocks, direct, strict=True):
        assert _joined(got) == _joined(want)


@settings(max_examples=30, deadline=None)
@given(st.integers(0, 60), st.integers(1, 7), st.sampled_from([1, 3, 300]), st.integers(0, 2**31 - 1))
def test_encoded_per_document_figures_equal_json_dumps_of_the_dict(n_docs, chunk, top, seed):
    """The command line's per-document figures (written a chunk of documents at a time) are the dict's JSON."""
    import io

    from newsspans.scoring import report
    from newsspans.scoring.engine import LayerScores, SystemScores

    rng = np.random.default_rng(seed)
    stats = {m: rng.integers(0, top, size=(n_docs, 3, 8)).astype(np.int16) for m in ("strict", "partial")}
    scores = SystemScores(tuple(f"d{i}" for i in range(n_docs)), {"entities": LayerScores("entities", ("A", "B", "C"), stats)})
    old = report.DOCUMENT_CHUNK
    report.DOCUMENT_CHUNK = chunk
    try:
        encoded = report._per_document(scores, io.StringIO())
    finally:
        report.DOCUMENT_CHUNK = old
    out = io.StringIO()
    encoded.copy_to(out)
    assert out.getvalue() == json.dumps(report.per_document(scores), ensure_ascii=False)


def test_one_blas_thread_limits_openblas_inside_the_context_only():
    threadpoolctl = pytest.importorskip("threadpoolctl")

    def blas_threads() -> list[int]:
        return [p["num_threads"] for p in threadpoolctl.threadpool_info() if p["user_api"] == "blas"]

    before = blas_threads()
    if not before:
        pytest.skip("numpy without a BLAS threadpoolctl knows")
    assert not parallel._blas_pinned  # pytest imported numpy before anything could pin it
    with parallel.one_blas_thread():
        assert blas_threads() == [1] * len(before)
    assert blas_threads() == before


def test_without_a_temporary_directory_nothing_forks(monkeypatch):
    """The child hands its results over in a temporary file; when none can be made, everything runs here."""
    monkeypatch.setenv("NEWSSPANS_JOBS", "2")

    def no_file(*args, **kwargs):
        raise OSError(30, "Read-only file system")

    monkeypatch.setattr(parallel.tempfile, "TemporaryFile", no_file)
    assert parallel.run_split(_pid, [(0,), (1,)]) == [os.getpid()] * 2


@pytest.mark.parametrize("ordered", [True, False])
def test_a_part_of_the_documents_is_the_same_slice_or_selection(ordered):
    rng = np.random.default_rng(3)
    doc = rng.integers(0, 40, 500).astype(np.int32)
    if ordered:
        doc.sort()
    side = Side(doc, rng.integers(0, 8, 500).astype(np.int16), rng.integers(0, 8, 500).astype(np.int16),
                rng.integers(0, 99, 500).astype(np.int32), rng.integers(100, 199, 500).astype(np.int32))
    for lo, hi in ((0, 40), (0, 17), (17, 40), (5, 5)):
        got = fastpath._part(side, lo, hi)
        rows = np.flatnonzero((doc >= lo) & (doc < hi))
        assert np.array_equal(got.doc, doc[rows] - lo)
        for name in ("label", "rank", "start", "end"):
            assert np.array_equal(getattr(got, name), getattr(side, name)[rows])


def test_command_line_reads_a_file_given_twice_once_for_each_role(tmp_path):
    """The same path as --pred and --compare, or as --gold and --pred: each role gets its own blocks (the
    early child's pieces were once grouped by path, which merged them)."""
    gold, pred = _gold_and_pred(tmp_path, n_docs=6000)
    (tmp_path / "gold.jsonl").write_bytes(b"\n".join(gold) + b"\n")
    (tmp_path / "pred.jsonl").write_bytes(b"\n".join(pred) + b"\n")
    for extra_args in (["--pred", "pred.jsonl", "--compare", "pred.jsonl"], ["--pred", "gold.jsonl"]):
        outs = []
        for i, env in enumerate(({"NEWSSPANS_JOBS": "2"}, {"NEWSSPANS_FASTPATH": "0"})):
            out = tmp_path / f"r{i}.json"
            args = ["--gold", str(tmp_path / "gold.jsonl"), *[str(tmp_path / a) if a.endswith(".jsonl") else a for a in extra_args],
                    "--layer", "entities", "--bootstrap", "50", "--json", str(out)]
            code, _stdout, stderr = _cli(args, {"NEWSSPANS_CACHE_DIR": str(tmp_path / f"cache-{len(extra_args)}-{i}"), **env})
            assert code == 0, stderr
            outs.append(out.read_text(encoding="utf-8"))
        assert outs[0] == outs[1]
