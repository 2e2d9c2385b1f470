"""Hugging Face `Features` of every config, derived from the scheme and the document schema."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from datasets import ClassLabel, Features, List, Value

from ..errors import SchemaError
from .configs import CONFIGS, ConfigSpec
from .scheme import SchemeNames

OFFSET = Value("int32")
_SCALARS = {"string": Value("string"), "integer": Value("int64"), "number": Value("float64"), "boolean": Value("bool")}


def json_schema_feature(schema: Mapping[str, Any], pointer: str = "") -> Any:
    """The feature for a JSON Schema node: objects become structs, arrays lists, enums strings.

    Raises:
        SchemaError: a node without a type this function maps (name the pointer).
    """
    if "enum" in schema:
        return Value("string")
    kinds = schema.get("type")
    kinds = [k for k in ([kinds] if isinstance(kinds, str) else kinds or []) if k != "null"]
    if len(kinds) != 1:
        raise SchemaError(f"cannot map JSON Schema type {schema.get('type')!r} to a feature", field=pointer or "/")
    kind = kinds[0]
    if kind == "object":
        props = schema.get("properties", {})
        return {name: json_schema_feature(sub, f"{pointer}/{name}") for name, sub in props.items()}
    if kind == "array":
        return List(json_schema_feature(schema.get("items", {}), f"{pointer}/items"))
    if kind not in _SCALARS:
        raise SchemaError(f"cannot map JSON Schema type {kind!r} to a feature", field=pointer or "/")
    return _SCALARS[kind]


def _span(names: SchemeNames, layer: str) -> dict[str, Any]:
    feature: dict[str, Any] = {"id": Value("string"), "label": ClassLabel(names=list(names.layer_labels[layer]))}
    feature.update({a: ClassLabel(names=list(names.attributes[a])) for a in names.layer_attributes[layer]})
    feature.update(start=OFFSET, end=OFFSET, text=Value("string"))
    if names.frame_roles[layer]:
        feature["arguments"] = List({
            "role": ClassLabel(names=list(names.frame_roles[layer])), "id": Value("string"),
            "label": ClassLabel(names=list(names.argument_labels[layer])), "start": OFFSET, "end": OFFSET, "text": Value("string"),
        })
    return feature


def _documents(names: SchemeNames, metadata: Any) -> Features:
    span = {
        "id": Value("string"), "layer": ClassLabel(names=list(names.layers)), "label": ClassLabel(names=list(names.labels)),
        "start": OFFSET, "end": OFFSET, "text": Value("string"),
        "attributes": {a: ClassLabel(names=list(values)) for a, values in names.attributes.items()},
    }
    relation = {"id": Value("string"), "label": ClassLabel(names=list(names.roles)), "head": Value("string"), "tail": Value("string")}
    annotation = {"scheme_version": Value("string"), "guidelines_version": Value("string"),
                  "annotators": List(Value("string")), "status": Value("string")}
    return Features({"id": Value("string"), "text": Value("string"), "text_sha256": Value("string"), "metadata": metadata,
                     "annotation": annotation, "spans": List(span), "relations": List(relation)})


def config_features(spec: ConfigSpec, names: SchemeNames, metadata_schema: Mapping[str, Any]) -> Features:
    """The `Features` of one config.

    Args:
        spec: the config.
        names: names derived from schema/labels.json.
        metadata_schema: the `metadata` node of schema/document.schema.json.
    """
    if spec.kind == "documents":
        return _documents(names, json_schema_feature(metadata_schema, "/properties/metadata"))
    if spec.kind == "ner":
        return Features({"id": Value("string"), "tokens": List(Value("string")), "starts": List(OFFSET), "ends": List(OFFSET),
                         "ner_tags": List(ClassLabel(names=list(names.tags)))})
    return Features({"id": Value("string"), "text": Value("string"), "spans": List(_span(names, str(spec.layer)))})


def release_features(names: SchemeNames, metadata_schema: Mapping[str, Any]) -> dict[str, Features]:
    """`Features` of every config in CONFIGS, keyed by config name."""
    return {spec.name: config_features(spec, names, metadata_schema) for spec in CONFIGS}
