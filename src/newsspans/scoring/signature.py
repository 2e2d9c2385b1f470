"""The score signature: every setting that makes two published numbers comparable, sacreBLEU-style."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

SHORT = {
    "gold": "gold", "gold_hash": "hash", "split": "split", "layers": "layer", "modes": "mode", "matching": "match",
    "zero_division": "zero", "labels_hash": "labels", "bootstrap": "boot", "seed": "seed", "test": "test",
    "rejected": "rejected", "pred_format": "fmt", "version": "version",
}
MATCHING = "exact-then-overlap.v1"


def build_signature(config: Mapping[str, Any]) -> dict[str, str]:
    """The signature as an ordered dict of strings; `None` values are dropped, the version goes last.

    Args:
        config: scorer settings; keys as in SHORT.
    """
    out: dict[str, str] = {}
    for key in SHORT:
        if key == "version" or key not in config or config[key] is None:
            continue
        value = config[key]
        if isinstance(value, bool):
            value = "yes" if value else "no"
        elif isinstance(value, list | tuple):
            value = ",".join(map(str, value))
        out[key] = str(value)
    out["version"] = str(config["version"])
    return out


def format_signature(signature: Mapping[str, str], short: bool = True) -> str:
    """`key:value|key:value|...` with short or long keys; rendering only."""
    return "|".join(f"{SHORT[k] if short else k}:{v}" for k, v in signature.items())
