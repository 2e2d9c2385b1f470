"""The baselines by name."""

from __future__ import annotations

from collections.abc import Callable
from types import MappingProxyType

from newsspans.errors import InputError

from .base import Baseline


def _gazetteer() -> Baseline:
    from .gazetteer import GazetteerBaseline

    return GazetteerBaseline()


def _rules() -> Baseline:
    from .rules import RulesBaseline

    return RulesBaseline()


def _learned() -> Baseline:
    from .learned import LearnedBaseline

    return LearnedBaseline()


BASELINES: MappingProxyType[str, Callable[[], Baseline]] = MappingProxyType({"gazetteer": _gazetteer, "rules": _rules, "learned": _learned})
DESCRIPTIONS = MappingProxyType({
    "gazetteer": "dictionary of train gold strings, longest whole-token match",
    "rules": "regular expressions and heuristics from the guidelines",
    "learned": "CRF-like linear BIO tagger (softmax per track + Viterbi), trained on train, tuned on dev",
})


def make(name: str) -> Baseline:
    """A fresh, unfitted baseline.

    Raises:
        InputError: for an unknown name (the message lists the known ones).
    """
    if name not in BASELINES:
        raise InputError(f"unknown baseline {name!r}; known: {', '.join(BASELINES)}", field="name")
    return BASELINES[name]()
