"""Every name list the release needs, derived once from the LabelSet (schema/labels.json).

The ClassLabel names of the Hub features and the integer codes written into the Parquet files
both come from a `SchemeNames`, so they cannot drift apart. Standard library only.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from ..errors import SchemaError
from ..labels import LabelSet

NER_LAYER = "entities"
NER_FILTER = ("mention", "NAM")  # ner_tokens tags named mentions only (they never overlap: guidelines 3.1)


def _unique(names: Any) -> tuple[str, ...]:
    return tuple(dict.fromkeys(names))


@dataclass(frozen=True, slots=True)
class SchemeNames:
    """Ordered names of layers, labels, attribute values, roles and BIO tags of one scheme."""

    version: str
    layers: tuple[str, ...]
    labels: tuple[str, ...]  # every label of every layer, scheme order
    layer_labels: dict[str, tuple[str, ...]]
    attributes: dict[str, tuple[str, ...]]  # attribute name -> allowed values (union over labels)
    layer_attributes: dict[str, tuple[str, ...]]  # layer -> attribute names its labels carry
    roles: tuple[str, ...]
    frame_roles: dict[str, tuple[str, ...]]  # layer -> roles whose heads are all labels of that layer
    argument_labels: dict[str, tuple[str, ...]]  # layer -> labels those roles may point at
    ner_labels: tuple[str, ...]
    tags: tuple[str, ...]  # "O", then B-/I- per NER label

    @classmethod
    def from_labels(cls, labels: LabelSet) -> SchemeNames:
        """Derive all names from `labels`.

        Raises:
            SchemaError: the scheme lacks the layer or attribute value the NER config filters on.
        """
        layer_labels = {layer.name: layer.label_names for layer in labels.layers}
        attributes: dict[str, list[str]] = {}
        layer_attributes: dict[str, tuple[str, ...]] = {}
        for layer in labels.layers:
            specs = [a for lab in layer.labels for a in lab.attributes]
            layer_attributes[layer.name] = _unique(a.name for a in specs)
            for spec in specs:
                attributes.setdefault(spec.name, [])
                attributes[spec.name] = list(_unique([*attributes[spec.name], *spec.values]))
        order = _unique(name for names in layer_labels.values() for name in names)
        frame_roles, argument_labels = {}, {}
        for layer, names in layer_labels.items():
            roles = [r for r in labels.roles if r.head and r.head <= set(names)]
            frame_roles[layer] = tuple(r.name for r in roles)
            tails = set().union(*(r.tail for r in roles)) if roles else set()
            argument_labels[layer] = tuple(n for n in order if n in tails)
        if NER_LAYER not in layer_labels or NER_FILTER[1] not in attributes.get(NER_FILTER[0], ()):
            raise SchemaError(f"the ner_tokens config needs layer {NER_LAYER!r} with attribute {NER_FILTER[0]}={NER_FILTER[1]}",
                              field="layers")
        ner = layer_labels[NER_LAYER]
        return cls(
            version=labels.version,
            layers=labels.layer_names,
            labels=order,
            layer_labels=layer_labels,
            attributes={k: tuple(v) for k, v in attributes.items()},
            layer_attributes=layer_attributes,
            roles=tuple(r.name for r in labels.roles),
            frame_roles=frame_roles,
            argument_labels=argument_labels,
            ner_labels=ner,
            tags=("O", *(f"{p}-{name}" for name in ner for p in ("B", "I"))),
        )


def index(names: tuple[str, ...]) -> dict[str, int]:
    """Name -> ClassLabel integer, in the order the ClassLabel lists them."""
    return {name: i for i, name in enumerate(names)}
