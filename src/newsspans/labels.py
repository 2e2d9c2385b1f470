"""The annotation scheme, loaded from schema/labels.json: the one source of label inventories."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from .errors import SchemaError
from .jsonio import read_json


@dataclass(frozen=True, slots=True)
class AttributeSpec:
    name: str
    values: tuple[str, ...]
    required: bool
    description: str = ""


@dataclass(frozen=True, slots=True)
class LabelSpec:
    name: str
    layer: str
    definition: str
    colour: str
    hotkey: str
    attributes: tuple[AttributeSpec, ...]


@dataclass(frozen=True, slots=True)
class LayerSpec:
    name: str
    description: str
    overlap: str  # "none" | "nested" | "any"
    labels: tuple[LabelSpec, ...]

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(lab.name for lab in self.labels)


@dataclass(frozen=True, slots=True)
class RoleSpec:
    name: str
    definition: str
    head: frozenset[str]
    tail: frozenset[str]
    colour: str


@dataclass(frozen=True, slots=True)
class LabelSet:
    """Layers, labels, attributes and relation roles of one scheme version."""

    scheme: str
    version: str
    layers: tuple[LayerSpec, ...]
    roles: tuple[RoleSpec, ...]
    sha256: str

    @property
    def layer_names(self) -> tuple[str, ...]:
        return tuple(layer.name for layer in self.layers)

    def layer(self, name: str) -> LayerSpec:
        for layer in self.layers:
            if layer.name == name:
                return layer
        raise SchemaError(f"unknown layer {name!r}; known: {', '.join(self.layer_names)}", field="layer")

    def label(self, layer: str, name: str) -> LabelSpec | None:
        for lab in self.layer(layer).labels:
            if lab.name == name:
                return lab
        return None

    def role(self, name: str) -> RoleSpec | None:
        return next((r for r in self.roles if r.name == name), None)

    @property
    def labels_by_layer(self) -> dict[str, tuple[str, ...]]:
        return {layer.name: layer.label_names for layer in self.layers}

    @classmethod
    def from_dict(cls, data: Mapping[str, Any], sha256: str = "") -> LabelSet:
        shared = data.get("attributes", {})
        layers = []
        for layer in data["layers"]:
            labels = []
            for lab in layer["labels"]:
                attrs = []
                for name, spec in lab.get("attributes", {}).items():
                    spec = {**shared[spec["ref"]], **{k: v for k, v in spec.items() if k != "ref"}} if "ref" in spec else spec
                    attrs.append(AttributeSpec(name, tuple(spec["values"]), bool(spec.get("required", False)), spec.get("description", "")))
                labels.append(LabelSpec(lab["name"], layer["name"], lab["definition"], lab["colour"], lab["hotkey"], tuple(attrs)))
            layers.append(LayerSpec(layer["name"], layer["description"], layer["overlap"], tuple(labels)))
        by_layer = {layer.name: set(layer.label_names) for layer in layers}

        def expand(names: list[str]) -> frozenset[str]:
            out: set[str] = set()
            for n in names:
                out |= by_layer[n[1:]] if n.startswith("@") else {n}
            return frozenset(out)

        roles = tuple(RoleSpec(r["name"], r["definition"], expand(r["head"]), expand(r["tail"]), r["colour"]) for r in data["relations"])
        return cls(data["scheme"], str(data["version"]), tuple(layers), roles, sha256)

    @classmethod
    def load(cls, path: Path) -> LabelSet:
        data = read_json(path)
        canonical = json.dumps(data, sort_keys=True, ensure_ascii=False).encode("utf-8")
        try:
            return cls.from_dict(data, hashlib.sha256(canonical).hexdigest())
        except (KeyError, TypeError) as exc:
            raise SchemaError(f"malformed scheme: missing or bad {exc}", file=str(path)) from None
