"""A compiled yes/no check for the JSON Schema subset newsspans' schemas use.

jsonschema (the reference) spends most of its time resolving `$ref`s; this compiles each schema
once into nested closures. It answers only "valid or not": for an invalid instance the runner
asks jsonschema for the detailed errors, so messages always come from the reference
implementation. A keyword outside the subset raises `UnsupportedSchema` at compile time and the
runner uses jsonschema alone. tests/core/test_fastschema.py checks both agree on mutated inputs.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from typing import Any

Pred = Callable[[Any], bool]

ANNOTATIONS = {"$schema", "$id", "title", "description", "$comment", "$defs", "default", "examples"}
TYPES: dict[str, Callable[[Any], bool]] = {
    "object": lambda v: isinstance(v, dict),
    "array": lambda v: isinstance(v, list),
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: (isinstance(v, int) and not isinstance(v, bool)) or (isinstance(v, float) and v.is_integer()),
    "number": lambda v: isinstance(v, int | float) and not isinstance(v, bool),
    "boolean": lambda v: isinstance(v, bool),
    "null": lambda v: v is None,
}


class UnsupportedSchema(Exception):
    """The schema uses a keyword this compiler does not implement."""


def compile_schema(schema: Mapping[str, Any], resources: Mapping[str, Mapping[str, Any]]) -> Pred:
    """A predicate equivalent to jsonschema's `is_valid` for `schema`; `$ref`s resolve in `resources` (by `$id`)."""
    cache: dict[str, Pred] = {}

    def ref(uri: str) -> Pred:
        if uri not in cache:
            if uri not in resources:
                raise UnsupportedSchema(f"unresolvable $ref {uri}")
            cache[uri] = lambda v: target(v)  # placeholder for recursion
            target = build(resources[uri])
            cache[uri] = target
        return cache[uri]

    def build(node: Any) -> Pred:
        if node is True or node == {}:
            return lambda v: True
        if node is False:
            return lambda v: False
        checks: list[Pred] = []
        unknown = set(node) - ANNOTATIONS - KEYWORDS
        if unknown:
            raise UnsupportedSchema(f"keywords {sorted(unknown)}")
        if "$ref" in node:
            checks.append(ref(node["$ref"]))
        if "type" in node:
            names = node["type"] if isinstance(node["type"], list) else [node["type"]]
            fns = [TYPES[n] for n in names]
            checks.append(fns[0] if len(fns) == 1 else lambda v: any(f(v) for f in fns))
        if "enum" in node:
            allowed = node["enum"]
            checks.append(lambda v: any(v == a and type(v) is type(a) for a in allowed))
        if "pattern" in node:
            rx = re.compile(node["pattern"])
            checks.append(lambda v: not isinstance(v, str) or rx.search(v) is not None)
        for key, op in (("minLength", "ge"), ("maxLength", "le")):
            if key in node:
                n = node[key]
                checks.append((lambda v, n=n: not isinstance(v, str) or len(v) >= n) if op == "ge"
                              else (lambda v, n=n: not isinstance(v, str) or len(v) <= n))
        if "minimum" in node:
            lo = node["minimum"]
            checks.append(lambda v: isinstance(v, bool) or not isinstance(v, int | float) or v >= lo)
        if "minItems" in node:
            k = node["minItems"]
            checks.append(lambda v: not isinstance(v, list) or len(v) >= k)
        if "items" in node:
            item = build(node["items"])
            def items(v: Any) -> bool:
                if isinstance(v, list):
                    for x in v:
                        if not item(x):
                            return False
                return True

            checks.append(items)
        if "required" in node:
            req = tuple(node["required"])
            checks.append(lambda v: not isinstance(v, dict) or all(k in v for k in req))
        if "dependentRequired" in node:
            deps = {k: tuple(d) for k, d in node["dependentRequired"].items()}
            checks.append(lambda v: not isinstance(v, dict) or all(d in v for k, ds in deps.items() if k in v for d in ds))
        if "properties" in node or "additionalProperties" in node:
            props = {k: build(s) for k, s in node.get("properties", {}).items()}
            extra = node.get("additionalProperties", True)
            extra_fn = build(extra)

            def objects(v: Any) -> bool:
                if not isinstance(v, dict):
                    return True
                for k, x in v.items():
                    fn = props.get(k, extra_fn)
                    if not fn(x):
                        return False
                return True

            checks.append(objects)
        if "anyOf" in node:
            alts = [build(s) for s in node["anyOf"]]
            checks.append(lambda v: any(a(v) for a in alts))
        if len(checks) == 1:
            return checks[0]
        frozen = tuple(checks)

        def all_of(v: Any) -> bool:
            for check in frozen:
                if not check(v):
                    return False
            return True

        return all_of

    return build(schema)


KEYWORDS = {"$ref", "type", "enum", "pattern", "minLength", "maxLength", "minimum", "minItems", "items", "required",
            "dependentRequired", "properties", "additionalProperties", "anyOf"}


def collect_resources(schemas: list[Mapping[str, Any]]) -> dict[str, Mapping[str, Any]]:
    """Every subschema with an `$id`, keyed by it."""
    out: dict[str, Mapping[str, Any]] = {}

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if isinstance(node.get("$id"), str):
                out[node["$id"]] = node
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    for schema in schemas:
        walk(schema)
    return out
