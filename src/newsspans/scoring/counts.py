"""Counts: immutable sums of outcomes; precision, recall and F1 are derived, never stored.

Per label, each aligned pair is charged on two sides: its outcome counts toward the *gold* label's
possible (recall side) and toward the *predicted* label's actual (precision side). When the labels
agree both sides are the same row. So every field of every label row adds up to the overall counts,
a wrong-label pair lowers the gold label's recall and the predicted label's precision, and no
spurious span is charged to a label it does not carry (unlike nervaluate's per-type spurious).
"""

from __future__ import annotations

from dataclasses import dataclass, fields

import numpy as np

# Column order of a statistics vector: recall side (gold label), then precision side (predicted label).
FIELDS = ("cor", "inc", "par", "mis", "pcor", "pinc", "ppar", "spu")
N_FIELDS = len(FIELDS)


@dataclass(frozen=True, slots=True)
class Counts:
    """Outcome counts, charged to gold (cor/inc/par/mis) and prediction (pcor/pinc/ppar/spu) sides.

    Overall counts have cor == pcor, inc == pinc, par == ppar.
    """

    cor: int = 0
    inc: int = 0
    par: int = 0
    mis: int = 0
    pcor: int = 0
    pinc: int = 0
    ppar: int = 0
    spu: int = 0

    def __add__(self, other: Counts) -> Counts:
        return Counts(*(a + b for a, b in zip(self.astuple(), other.astuple(), strict=True)))

    def astuple(self) -> tuple[int, ...]:
        return tuple(getattr(self, f.name) for f in fields(self))

    @classmethod
    def from_vector(cls, vector: np.ndarray) -> Counts:
        return cls(*(int(x) for x in vector))

    @property
    def possible(self) -> int:
        return self.cor + self.inc + self.par + self.mis

    @property
    def actual(self) -> int:
        return self.pcor + self.pinc + self.ppar + self.spu


def prf(counts: np.ndarray, partial_weight: float | None, zero_division: float | None = None) -> np.ndarray:
    """Precision, recall, F1 from statistics vectors (last axis = FIELDS); undefined values are `zero_division`.

    Args:
        counts: array `[..., 8]`.
        partial_weight: credit of a PARTIAL outcome (SemEval: 0.5), None when the mode has none.
        zero_division: value for 0/0 (None gives NaN, rendered as null/"-").

    Returns:
        array `[..., 3]` of precision, recall, F1.
    """
    c = np.asarray(counts, dtype=np.float64)
    w = partial_weight or 0.0
    possible = c[..., 0] + c[..., 1] + c[..., 2] + c[..., 3]
    actual = c[..., 4] + c[..., 5] + c[..., 6] + c[..., 7]
    fill = np.nan if zero_division is None else zero_division
    with np.errstate(divide="ignore", invalid="ignore"):
        precision = np.where(actual > 0, (c[..., 4] + w * c[..., 6]) / np.where(actual > 0, actual, 1), fill)
        recall = np.where(possible > 0, (c[..., 0] + w * c[..., 2]) / np.where(possible > 0, possible, 1), fill)
        denom = precision + recall
        f1 = np.where(denom > 0, 2 * precision * recall / np.where(denom > 0, denom, 1), np.where(np.isnan(denom), fill, 0.0))
    return np.stack([precision, recall, f1], axis=-1)
