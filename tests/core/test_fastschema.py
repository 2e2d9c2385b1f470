"""The compiled schema check agrees with jsonschema (the reference) on mutated instances."""

from __future__ import annotations

import copy
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from referencing import Registry, Resource

from newsspans.validate.fastschema import collect_resources, compile_schema

from ..conftest import REPO, SEED_ID
from ..mutations import json_paths

SCHEMAS = [json.loads(p.read_text(encoding="utf-8")) for p in sorted((REPO / "schema").glob("*.schema.json"))]
RESOURCES = collect_resources(SCHEMAS)
REGISTRY = Registry().with_resources((s["$id"], Resource.from_contents(s)) for s in SCHEMAS).crawl()
GOLD = json.loads((REPO / "annotations" / "gold" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
DOC = json.loads((REPO / "corpus" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
PRED = {"doc_id": SEED_ID, "spans": [{k: v for k, v in s.items() if k != "id"} for s in GOLD["spans"][:5]] +
        [{"layer": "entities", "label": "PER", "text": "Joe Biden"}], "relations": []}

VALUES = st.one_of(st.none(), st.booleans(), st.integers(-3, 3), st.floats(allow_nan=False), st.text(max_size=4),
                   st.just("../x"), st.just([]), st.just({}), st.just("a" * 70))


def mutate(instance, path, op, value):
    data = copy.deepcopy(instance)
    if not path:
        return value if op == "set" else data
    parent = data
    for key in path[:-1]:
        parent = parent[key]
    if op == "delete":
        del parent[path[-1]]
    elif op == "extra" and isinstance(parent[path[-1]], dict):
        parent[path[-1]]["unexpected"] = value
    else:
        parent[path[-1]] = value
    return data


@settings(max_examples=400, deadline=None)
@given(which=st.sampled_from(["annotation", "document", "prediction"]), data=st.data())
def test_fast_check_agrees_with_jsonschema(which, data):
    base = {"annotation": GOLD, "document": DOC, "prediction": PRED}[which]
    path = data.draw(st.sampled_from(list(json_paths(base, max_items=3))))
    op = data.draw(st.sampled_from(["set", "delete", "extra"]))
    instance = mutate(base, path, op, data.draw(VALUES))
    schema = RESOURCES[f"urn:newsspans:schema:{which}"]
    fast = compile_schema(schema, RESOURCES)
    assert fast(instance) == Draft202012Validator(schema, registry=REGISTRY).is_valid(instance)
