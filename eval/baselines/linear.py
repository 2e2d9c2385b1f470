"""Multinomial logistic regressions trained together by minibatch AdaGrad on sparse features (numpy only).

The learned tagger needs one softmax model per track (entities NAM, NOM, events, ...) and per
setting of the regularisation grid. scikit-learn fits one class at a time or needs many full passes
(minutes for 33 BIO classes over ~70k tokens); here every model shares the design matrix, so all
of them are trained in the same pass: one sparse product per minibatch gives the scores of every
block of classes, each block gets its own softmax, its own targets and its own L2 penalty. The
blocks never interact, so the result equals training each model alone with the same shuffles.
Only the feature rows present in a minibatch are updated (the L2 decay is applied lazily, to those
rows). Shuffling uses a seeded generator and nothing runs in parallel: two runs give the same weights.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy import sparse


@dataclass(frozen=True, slots=True)
class SoftmaxModel:
    """Weights [n_features, n_classes] (float32), bias [n_classes] and the class names."""

    weights: np.ndarray
    bias: np.ndarray
    classes: tuple[str, ...]

    def log_proba(self, x: sparse.csr_matrix) -> np.ndarray:
        z = np.asarray(x @ self.weights, dtype=np.float64) + self.bias
        z -= z.max(axis=1, keepdims=True)
        return z - np.log(np.exp(z).sum(axis=1, keepdims=True))

    def predict(self, x: sparse.csr_matrix) -> list[str]:
        return [self.classes[i] for i in np.argmax(self.log_proba(x), axis=1)]


@dataclass(frozen=True, slots=True)
class Problem:
    """One model to train: a class name per row of the design matrix, and its L2 penalty."""

    targets: Sequence[str]
    l2: float


def train_softmax(x: sparse.csr_matrix, problems: Sequence[Problem], *, epochs: int = 6, batch: int = 128, rate: float = 0.5,
                  seed: int = 0) -> list[SoftmaxModel]:
    """Fit one multinomial logistic regression per problem, minimising mean cross-entropy + l2/2 ||W||^2.

    Args:
        x: [n, d] sparse features (CSR), shared by every problem.
        problems: targets (n class names each) and L2 penalty per model.
        epochs, batch, rate: passes over the data, minibatch size, AdaGrad base rate.
        seed: shuffling seed.

    Returns:
        The models, in the order of `problems`.

    Raises:
        ValueError: when a problem's targets do not have one name per row.
    """
    x = sparse.csr_matrix(x, dtype=np.float64)
    n, d = x.shape
    classes = [tuple(sorted(set(p.targets))) for p in problems]
    for p in problems:
        if len(p.targets) != n:
            raise ValueError(f"{len(p.targets)} targets for {n} rows")
    sizes = np.array([len(c) for c in classes])
    offsets = np.concatenate([[0], np.cumsum(sizes)[:-1]])
    columns = []
    for p, c, off in zip(problems, classes, offsets, strict=True):
        position = {name: off + i for i, name in enumerate(c)}
        columns.append(np.array([position[t] for t in p.targets], dtype=np.int64))
    target = np.stack(columns, axis=1)  # [n, problems]: the weight column of each row's class, per problem
    l2 = np.repeat([p.l2 for p in problems], sizes)
    total = int(sizes.sum())
    w = np.zeros((d, total))
    b = np.zeros(total)
    g2w = np.full((d, total), 1e-8)
    g2b = np.full(total, 1e-8)
    rng = np.random.default_rng(seed)
    for _ in range(epochs):
        order = rng.permutation(n)
        for start in range(0, n, batch):
            rows = order[start:start + batch]
            xb = x[rows]
            cols, inverse = np.unique(xb.indices, return_inverse=True)
            xs = sparse.csr_matrix((xb.data, inverse.ravel(), xb.indptr), shape=(len(rows), len(cols)))
            wc = w[cols]
            z = xs @ wc + b
            z -= np.repeat(np.maximum.reduceat(z, offsets, axis=1), sizes, axis=1)
            p = np.exp(z)
            p /= np.repeat(np.add.reduceat(p, offsets, axis=1), sizes, axis=1)
            p[np.arange(len(rows))[:, None], target[rows]] -= 1.0
            p /= len(rows)
            grad = xs.T @ p + l2 * wc
            g2w[cols] += grad * grad
            w[cols] = wc - rate * grad / np.sqrt(g2w[cols])
            gb = p.sum(axis=0)
            g2b += gb * gb
            b -= rate * gb / np.sqrt(g2b)
    return [SoftmaxModel(w[:, off:off + k].astype(np.float32), b[off:off + k].copy(), c)
            for off, k, c in zip(offsets, sizes, classes, strict=True)]
