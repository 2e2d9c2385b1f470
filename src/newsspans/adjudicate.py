"""Adjudication: merge annotators' files into gold, listing every disagreement and logging every decision.

Items are named by stable keys: a span `S:layer:start:end:LABEL`, an attribute `A:<span key>:name`,
a relation `R:role|<head key>|<tail key>`. An item all annotators share is agreed; every other item
is a disagreement that needs a decision, taken from the decisions file or, where it is silent, from an
explicit policy (`prefer:<annotator>`, `union`, `intersection`). Edits (add, remove, relabel, reshape)
then apply guideline corrections on top. An adjudication log is itself a valid decisions file: its
decided disagreements and its edits replay, so a later correction appends edits to a copy of the log.
Gold is written only here, atomically, and never silently over an existing file; annotators' files are
never modified.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from .draft import label_layers, locate
from .errors import AlignmentError, InputError
from .labels import LabelSet
from .model import AnnotationSet, Relation, Span, freeze_attributes

PREFIX = {"structure": "b", "entities": "e", "events": "v", "attribution": "a"}


def span_key(span: Span) -> str:
    return f"S:{span.layer}:{span.start}:{span.end}:{span.label}"


@dataclass(frozen=True, slots=True)
class Disagreement:
    item: str
    holders: tuple[str, ...]  # annotators who have it (for attributes: annotator=value)
    text: str
    decision: str = ""
    source: str = ""  # "decisions file", "policy prefer:x", ...
    reason: str = ""

    def to_dict(self) -> dict[str, Any]:
        return {"item": self.item, "holders": list(self.holders), "text": self.text, "decision": self.decision,
                "source": self.source, "reason": self.reason}


@dataclass(frozen=True, slots=True)
class Outcome:
    gold: AnnotationSet
    agreed_spans: int
    agreed_relations: int
    disagreements: tuple[Disagreement, ...]
    edits: tuple[dict[str, Any], ...] = field(default_factory=tuple)
    undecided: tuple[str, ...] = ()


def _policy_accepts(policy: str | None, holders: Sequence[str]) -> bool | None:
    if policy is None:
        return None
    if policy == "union":
        return True
    if policy == "intersection":
        return False
    if policy.startswith("prefer:"):
        return policy.split(":", 1)[1] in holders
    raise InputError(f"unknown policy {policy!r}; use prefer:<annotator>, union or intersection", field="--policy")


def adjudicate(doc_id: str, text: str, annotations: Mapping[str, AnnotationSet], labels: LabelSet, *,
               decisions: Mapping[str, Any] | None = None, policy: str | None = None) -> Outcome:
    """Merge `annotations` (annotator -> set) of one document.

    Raises:
        InputError: for malformed decisions or edits (naming the item).
    """
    decisions = decisions or {}
    # a decisions file, or an adjudication log (whose decided disagreements are replayed)
    replayed = [d for d in decisions.get("disagreements", []) if d.get("decision")]
    explicit = {d["item"]: d for d in [*replayed, *decisions.get("decisions", [])]}
    names = sorted(annotations)
    spans_by_key: dict[str, dict[str, Span]] = {}
    for name in names:
        for s in annotations[name].spans:
            spans_by_key.setdefault(span_key(s), {})[name] = s
    disagreements: list[Disagreement] = []
    undecided: list[str] = []

    def decide(item: str, holders: Sequence[str], shown: str, options: Sequence[str] = ("accept", "reject")) -> str | None:
        if item in explicit:
            d = explicit[item]
            if d.get("decision") not in options:
                raise InputError(f"decision for {item} must be one of {', '.join(options)}", field="decisions")
            disagreements.append(Disagreement(item, tuple(holders), shown, d["decision"], "decisions file", d.get("reason", "")))
            return str(d["decision"])
        verdict = _policy_accepts(policy, [h.split("=")[0] for h in holders])
        if verdict is None:
            undecided.append(item)
            disagreements.append(Disagreement(item, tuple(holders), shown))
            return None
        choice = ("accept" if verdict else "reject") if tuple(options) == ("accept", "reject") else _preferred_value(policy, holders, options)
        disagreements.append(Disagreement(item, tuple(holders), shown, choice, f"policy {policy}"))
        return choice

    accepted: dict[str, Span] = {}
    agreed_spans = 0
    for key, by_name in spans_by_key.items():
        first = next(iter(by_name.values()))
        if len(by_name) == len(names):
            agreed_spans += 1
            ok = True
        else:
            ok = decide(key, sorted(by_name), first.text or "") == "accept"
        if not ok:
            continue
        values: dict[str, dict[str, str]] = {}
        for name, s in by_name.items():
            for attr, value in s.attributes:
                values.setdefault(attr, {})[name] = value
        attrs = {}
        for attr, per in values.items():
            distinct = sorted(set(per.values()))
            if len(distinct) == 1 and len(per) == len(by_name):
                attrs[attr] = distinct[0]
                continue
            spec = labels.label(first.layer, first.label)
            allowed = next((a.values for a in spec.attributes if a.name == attr), ()) if spec else ()
            options = tuple(distinct) + tuple(v for v in allowed if v not in distinct)  # any scheme value may be chosen
            chosen = decide(f"A:{key}:{attr}", [f"{n}={v}" for n, v in sorted(per.items())], first.text or "", options)
            if chosen is not None:
                attrs[attr] = chosen
        accepted[key] = Span(doc_id, first.layer, first.start, first.end, first.label, first.text, None, freeze_attributes(attrs))
    # relations, by the keys of their ends
    rel_by_key: dict[str, set[str]] = {}
    for name in names:
        ids = {s.id: span_key(s) for s in annotations[name].spans}
        for r in annotations[name].relations:
            if r.head in ids and r.tail in ids:
                rel_by_key.setdefault(f"R:{r.label}|{ids[r.head]}|{ids[r.tail]}", set()).add(name)
    relations: set[str] = set()
    agreed_relations = 0
    for key, holders in rel_by_key.items():
        _, head, tail = key.split("|")
        if head not in accepted or tail not in accepted:
            continue
        if len(holders) == len(names):
            agreed_relations += 1
            relations.add(key)
        elif decide(key, sorted(holders), f"{accepted[head].text} -> {accepted[tail].text}") == "accept":
            relations.add(key)
    edits = tuple(decisions.get("edits", []))
    for edit in edits:
        _apply_edit(edit, doc_id, text, accepted, relations, labels)
    return Outcome(_finalise(doc_id, accepted, relations), agreed_spans, agreed_relations, tuple(disagreements), edits, tuple(undecided))


def _preferred_value(policy: str | None, holders: Sequence[str], options: Sequence[str]) -> str:
    preferred = policy.split(":", 1)[1] if policy and policy.startswith("prefer:") else None
    for holder in holders:
        name, value = holder.split("=", 1)
        if name == preferred:
            return value
    return options[0]


def _apply_edit(edit: Mapping[str, Any], doc_id: str, text: str, accepted: dict[str, Span], relations: set[str], labels: LabelSet) -> None:
    op = edit.get("op")
    try:
        if op == "add":
            _sid, label, needle, occ, *rest = edit["span"]
            layer = label_layers(labels)[label]
            start = int(occ["start"]) if isinstance(occ, Mapping) else locate(text, needle, occ)
            if text[start:start + len(needle)] != needle:
                raise AlignmentError(f"text at {start} is not {needle!r}")
            span = Span(doc_id, layer, start, start + len(needle), label, needle, None, freeze_attributes(rest[0] if rest else {}))
            accepted[span_key(span)] = span
        elif op in ("remove", "relabel", "reshape"):
            key = edit["item"]
            if key not in accepted:
                raise InputError(f"{op}: no accepted span {key}", field="edits")
            old = accepted.pop(key)
            if op == "remove":
                relations.difference_update({r for r in relations if key in r.split("|")[1:]})
                return
            if op == "relabel":
                label = edit.get("label", old.label)
                attrs = edit.get("attributes", dict(old.attributes))
                new = Span(doc_id, label_layers(labels)[label], old.start, old.end, label, old.text, None, freeze_attributes(attrs))
            else:
                needle = edit["text"]
                start = int(edit["start"]) if "start" in edit else locate(text, needle, edit.get("occurrence"))
                new = Span(doc_id, old.layer, start, start + len(needle), old.label, needle, None, old.attributes)
            accepted[span_key(new)] = new
            for r in [r for r in relations if key in r.split("|")[1:]]:
                relations.discard(r)
                role, head, tail = r.split("|")
                relations.add("|".join((role, span_key(new) if head == key else head, span_key(new) if tail == key else tail)))
        elif op == "add-relation":
            role, head, tail = edit["relation"]
            if head not in accepted or tail not in accepted:
                raise InputError(f"add-relation: {head} or {tail} is not an accepted span", field="edits")
            relations.add(f"R:{role}|{head}|{tail}")
        elif op == "remove-relation":
            relations.discard(edit["item"])
        else:
            raise InputError(f"unknown edit op {op!r}; use add, remove, relabel, reshape, add-relation, remove-relation", field="edits")
    except (KeyError, ValueError, TypeError, AlignmentError) as exc:
        raise InputError(f"edit {dict(edit)!r}: {exc}", field="edits") from None


def _finalise(doc_id: str, accepted: Mapping[str, Span], relations: set[str]) -> AnnotationSet:
    """Fresh ids in canonical order (b1.., e1.., v1.., a1..; r1..)."""
    counters: dict[str, int] = {}
    ids: dict[str, str] = {}
    spans = []
    for key, s in sorted(accepted.items(), key=lambda kv: (kv[1].layer, kv[1].start, -kv[1].end, kv[1].label)):
        prefix = PREFIX.get(s.layer, "s")
        counters[prefix] = counters.get(prefix, 0) + 1
        ids[key] = f"{prefix}{counters[prefix]}"
        spans.append(Span(doc_id, s.layer, s.start, s.end, s.label, s.text, ids[key], s.attributes))
    rels = []
    for i, key in enumerate(sorted(relations, key=lambda k: (ids[k.split("|")[1]], k.split("|")[0], ids[k.split("|")[2]])), start=1):
        role, head, tail = key[2:].split("|")
        rels.append(Relation(doc_id, role, ids[head], ids[tail], f"r{i}"))
    return AnnotationSet(doc_id, tuple(spans), tuple(rels))
