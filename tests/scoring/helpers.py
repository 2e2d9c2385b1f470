"""Building gold and prediction sets straight from tuples, for scorer tests."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import numpy as np

from newsspans.labels import LabelSet
from newsspans.model import AnnotationSet, Span
from newsspans.scoring.counts import prf
from newsspans.scoring.engine import score_layer
from newsspans.scoring.inputs import DocRecord, GoldSet, PredSet
from newsspans.scoring.modes import MODES

from ..conftest import REPO

LABELS = LabelSet.load(REPO / "schema" / "labels.json")
ENT = LABELS.layer("entities").label_names

Triple = tuple[int, int, str]


def sets(gold: Mapping[str, Sequence[Triple]], pred: Mapping[str, Sequence[Triple]], layer: str = "entities") -> tuple[GoldSet, PredSet]:
    def ann(doc: str, triples: Sequence[Triple], prefix: str) -> AnnotationSet:
        spans = tuple(Span(doc, layer, s, e, lab, f"t{s}-{e}", f"{prefix}{i}") for i, (s, e, lab) in enumerate(triples))
        return AnnotationSet(doc, spans)

    g = GoldSet("test", "0" * 64, "all", tuple(gold), {d: DocRecord.from_annotation(ann(d, t, "g")) for d, t in gold.items()})
    p = PredSet("pred", {d: DocRecord.from_annotation(ann(d, t, "p")) for d, t in pred.items()}, (), sum(map(len, pred.values())), 0, ())
    return g, p


def counts(gold: Sequence[Triple], pred: Sequence[Triple], mode: str) -> tuple[int, int, int, int, int]:
    """(COR, INC, PAR, MIS, SPU) for one document."""
    g, p = sets({"d": gold}, {"d": pred})
    total = score_layer("entities", ENT, g, p, [mode]).stats[mode].sum((0, 1))
    return int(total[0]), int(total[1]), int(total[2]), int(total[3]), int(total[7])


def micro_prf(gold: Mapping[str, Sequence[Triple]], pred: Mapping[str, Sequence[Triple]], mode: str) -> np.ndarray:
    g, p = sets(gold, pred)
    return prf(score_layer("entities", ENT, g, p, [mode]).stats[mode].sum((0, 1)), MODES[mode].partial_credit)
