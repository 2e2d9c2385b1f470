"""The labeling config is derived from labels.json: every label, colour, hotkey, attribute and role."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

from newsspans.commands.studio import main
from newsspans.labels import LabelSet
from newsspans.labelstudio.config import build_config, config_differences, control_map, read_config

from .conftest import REPO, make_project


def _labels(path: Path) -> LabelSet:
    return LabelSet.load(path)


def test_every_label_with_colour_and_hotkey_in_its_layer_block() -> None:
    labels = _labels(REPO / "schema" / "labels.json")
    root = ET.fromstring(build_config(labels))
    blocks = {el.get("name"): el for el in root.iter("Labels")}
    assert list(blocks) == [layer.name for layer in labels.layers]
    texts = list(root.iter("Text"))
    assert [(t.get("name"), t.get("value")) for t in texts] == [("text", "$text")]
    for layer in labels.layers:
        assert blocks[layer.name].get("toName") == "text"
        shown = {el.get("value"): el for el in blocks[layer.name].iter("Label")}
        assert list(shown) == list(layer.label_names)
        for lab in layer.labels:
            assert shown[lab.name].get("background") == lab.colour
            assert shown[lab.name].get("hotkey") == lab.hotkey
            assert shown[lab.name].get("hint") == lab.definition


def test_attributes_are_per_region_choices_shown_only_for_their_labels() -> None:
    labels = _labels(REPO / "schema" / "labels.json")
    root = ET.fromstring(build_config(labels))
    choices = {el.get("name"): el for el in root.iter("Choices")}
    expected: dict[str, tuple[set[str], tuple[str, ...], bool]] = {}
    for layer in labels.layers:
        for lab in layer.labels:
            for attr in lab.attributes:
                names, _, _ = expected.setdefault(attr.name, (set(), attr.values, attr.required))
                names.add(lab.name)
    assert set(choices) == set(expected) == {"kind", "mention", "context"}
    for name, (label_names, values, required) in expected.items():
        el = choices[name]
        assert el.get("perRegion") == "true" and el.get("toName") == "text"
        assert el.get("visibleWhen") == "region-selected"
        assert set(el.get("whenLabelValue", "").split(",")) == label_names
        assert tuple(c.get("value") for c in el.iter("Choice")) == values
        assert (el.get("required") == "true") == required


def test_relations_carry_the_scheme_roles() -> None:
    labels = _labels(REPO / "schema" / "labels.json")
    root = ET.fromstring(build_config(labels))
    rels = [(el.get("value"), el.get("background")) for el in root.iter("Relation")]
    assert rels == [(role.name, role.colour) for role in labels.roles]


def test_config_follows_labels_json(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"d1": "Some text."})
    data = json.loads(project.labels_path.read_text(encoding="utf-8"))
    entities = next(layer for layer in data["layers"] if layer["name"] == "entities")
    entities["labels"].append({"name": "DRONEUNIT", "definition": "A drone unit.", "colour": "#123456", "hotkey": "shift+d",
                               "attributes": {"mention": {"ref": "mention"}}})
    data["attributes"]["mention"]["values"].append("PRO")
    data["relations"].append({"name": "operator", "definition": "Who operates.", "head": ["WEA"], "tail": ["ORG"], "colour": "#654321"})
    events = next(layer for layer in data["layers"] if layer["name"] == "events")
    events["labels"] = [lab for lab in events["labels"] if lab["name"] != "PROTEST"]
    project.labels_path.write_text(json.dumps(data), encoding="utf-8")

    xml = build_config(_labels(project.labels_path))
    root = ET.fromstring(xml)
    label = next(el for el in root.iter("Label") if el.get("value") == "DRONEUNIT")
    assert (label.get("background"), label.get("hotkey")) == ("#123456", "shift+d")
    assert "PROTEST" not in {el.get("value") for el in root.iter("Label")}
    mention = next(el for el in root.iter("Choices") if el.get("name") == "mention")
    assert [c.get("value") for c in mention.iter("Choice")] == ["NAM", "NOM", "PRO"]
    assert "DRONEUNIT" in mention.get("whenLabelValue", "").split(",")
    assert "operator" in {el.get("value") for el in root.iter("Relation")}

    old = read_config(build_config(_labels(REPO / "schema" / "labels.json")))
    diffs = " | ".join(config_differences(control_map(_labels(project.labels_path)), old))
    assert "entities: labels missing from the project: DRONEUNIT" in diffs
    assert "events: labels not in labels.json: PROTEST" in diffs
    assert "attribute mention" in diffs and "PRO" in diffs
    assert "relation roles missing from the project: operator" in diffs


def test_read_config_round_trip_and_cosmetic_changes_ignored() -> None:
    labels = _labels(REPO / "schema" / "labels.json")
    xml = build_config(labels)
    assert config_differences(control_map(labels), read_config(xml)) == []
    recoloured = xml.replace('background="#e53935"', 'background="#000000"').replace('hotkey="p"', 'hotkey="x"')
    assert config_differences(control_map(labels), read_config(recoloured)) == []


def test_attribute_value_sets_that_differ_get_separate_controls(tmp_path: Path) -> None:
    project = make_project(tmp_path / "p", {"d1": "Some text."})
    data = json.loads(project.labels_path.read_text(encoding="utf-8"))
    entities = next(layer for layer in data["layers"] if layer["name"] == "entities")
    entities["labels"][0]["attributes"] = {"mention": {"required": True, "values": ["NAM", "NOM", "PRO"]}}
    project.labels_path.write_text(json.dumps(data), encoding="utf-8")
    cmap = control_map(_labels(project.labels_path))
    mention = [a for a in cmap.attributes if a.attribute == "mention"]
    assert len(mention) == 2 and len({a.name for a in mention}) == 2
    assert {a.labels for a in mention if "PRO" in a.values} == {(entities["labels"][0]["name"],)}


def test_cli_config_writes_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    project = make_project(tmp_path / "p", {"d1": "Some text."})
    out = tmp_path / "config.xml"
    assert main(["config", "--root", str(project.root), "-o", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == build_config(_labels(project.labels_path))
    assert main(["config", "--root", str(project.root)]) == 0
    assert capsys.readouterr().out == out.read_text(encoding="utf-8")
