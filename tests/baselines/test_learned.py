"""The learned tagger: BIO decoding, the trainer, and the same predictions on every run."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from scipy import sparse

from eval.baselines.base import PredSpan
from eval.baselines.learned import bio, decode, viterbi
from eval.baselines.linear import Problem, train_softmax
from eval.baselines.text import tokenize
from tests.conftest import REPO

pytest.importorskip("sklearn")


def test_viterbi_never_outputs_an_orphan_inside_tag() -> None:
    classes = ("B-PER", "I-PER", "I-ORG", "O")
    # the locally best tags would be O I-PER I-ORG: not BIO-valid; the best valid path is O B-PER I-PER
    scores = np.log(np.array([[0.1, 0.0, 0.0, 0.9], [0.3, 0.6, 0.0, 0.1], [0.0, 0.2, 0.7, 0.1]]) + 1e-9)
    tags = viterbi(scores, classes)
    assert tags == ["O", "B-PER", "I-PER"]
    assert viterbi(scores[:1], classes) == ["O"]


def test_bio_round_trip() -> None:
    text = "U.S. President Joe Biden spoke."
    toks = tokenize(text)
    spans = [PredSpan("entities", "GPE", 0, 4), PredSpan("entities", "PER", 15, 24)]
    tags = bio(toks, spans)
    assert tags[:4] == ["B-GPE", "I-GPE", "I-GPE", "I-GPE"]
    assert decode(tags, toks) == [(0, 4, "GPE"), (15, 24, "PER")]


def test_trainer_learns_separable_data_and_is_deterministic() -> None:
    rng = np.random.default_rng(0)
    x = sparse.csr_matrix((rng.random((300, 20)) < 0.2).astype(float))
    col = np.asarray(x[:, 0].todense()).ravel()
    y = ["A" if v else "B" for v in col]
    z = ["C" if v else "D" for v in np.asarray(x[:, 1].todense()).ravel()]
    a = train_softmax(x, [Problem(y, 1e-4), Problem(z, 1e-4)], epochs=20, batch=16, seed=3)
    b = train_softmax(x, [Problem(y, 1e-4), Problem(z, 1e-4)], epochs=20, batch=16, seed=3)
    assert a[0].predict(x) == y and a[1].predict(x) == z
    assert all(np.array_equal(m.weights, n.weights) for m, n in zip(a, b, strict=True))
    with pytest.raises(ValueError, match="targets"):
        train_softmax(x, [Problem(y[:5], 1.0)])


@pytest.mark.slow
def test_same_predictions_in_two_processes(small: Path, tmp_path: Path) -> None:
    """Two separate runs, with different string-hash seeds, write byte-identical predictions."""
    outputs = []
    for seed in ("1", "2"):
        out = tmp_path / f"learned-{seed}.jsonl"
        env = {**os.environ, "PYTHONHASHSEED": seed}
        subprocess.run([sys.executable, str(REPO / "eval" / "baselines" / "run.py"), "learned", "--root", str(small), "--split", "dev",
                        "-o", str(out), "--quiet"], check=True, env=env, timeout=600)
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert b'"mention": "NAM"' in outputs[0] and b'"layer": "events"' in outputs[0]
