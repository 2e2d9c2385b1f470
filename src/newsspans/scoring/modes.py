"""Scoring modes as data: one matcher reads them (SemEval-2013 Task 9.1 definitions, as nervaluate uses them).

| mode    | boundaries | label  | overlap without exact boundaries |
|---------|------------|--------|----------------------------------|
| strict  | exact      | must   | incorrect                        |
| exact   | exact      | ignored| incorrect                        |
| partial | overlap    | ignored| partial (half credit)            |
| type    | overlap    | must   | correct                          |
"""

from __future__ import annotations

from dataclasses import dataclass

SPAN_MODES = ("strict", "exact", "partial", "type")
ALL_MODES = (*SPAN_MODES, "string")
RELATIONS = "relations"


@dataclass(frozen=True, slots=True)
class Mode:
    """How a matched gold/pred pair is classified.

    Attributes:
        name: mode name.
        exact_boundaries: True if only identical offsets can be correct.
        label_must_match: True if a different label makes the pair incorrect.
        partial_credit: weight of a PARTIAL outcome in P/R, or None if the mode has no partial outcome.
    """

    name: str
    exact_boundaries: bool
    label_must_match: bool
    partial_credit: float | None = None


MODES: dict[str, Mode] = {
    "strict": Mode("strict", exact_boundaries=True, label_must_match=True),
    "exact": Mode("exact", exact_boundaries=True, label_must_match=False),
    "partial": Mode("partial", exact_boundaries=False, label_must_match=False, partial_credit=0.5),
    "type": Mode("type", exact_boundaries=False, label_must_match=True),
}

# Outcome codes, also the column order of the per-label statistics vector (see counts.py).
COR, INC, PAR = 0, 1, 2


def classify(mode: Mode, same_bounds: bool, same_label: bool) -> int:
    """Outcome (COR, INC or PAR) of an aligned (overlapping) gold/pred pair under `mode`."""
    if mode.label_must_match and not same_label:
        return INC
    if same_bounds:
        return COR
    if mode.exact_boundaries:
        return INC
    return PAR if mode.partial_credit is not None else COR
