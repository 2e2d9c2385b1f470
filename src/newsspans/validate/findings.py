"""Validation findings as values, and the catalogue of their stable codes."""

from __future__ import annotations

from dataclasses import dataclass
from typing import NamedTuple


class Code(NamedTuple):
    level: int
    category: str
    explanation: str


# Stable kebab-case codes: never renamed, never reused. Level, category, and how to fix it.
CODES: dict[str, Code] = {
    # Level 1: the file parses and follows its JSON Schema.
    "json-invalid": Code(1, "FORMAT", "The file or line is not valid JSON; fix the syntax at the given line."),
    "schema-violation": Code(1, "FORMAT", "The value breaks the JSON Schema in schema/; see the pointer and the schema's description."),
    "file-name-mismatch": Code(1, "FORMAT", "A file's name must be its doc id followed by .json."),
    "doc-id-invalid": Code(1, "FORMAT", "Doc ids must match ^[a-z0-9][a-z0-9._-]{0,127}$ and contain no '..'."),
    # Level 2: integrity of text, offsets and references.
    "text-not-nfc": Code(2, "TEXT", "Stored text must be Unicode NFC; re-ingest it (newsspans ingest) before annotating."),
    "text-has-cr": Code(2, "TEXT", "Stored text uses \\n line ends only; re-ingest to convert CRLF/CR."),
    "text-hash-mismatch": Code(2, "INTEGRITY", "text_sha256 differs from the document text: the text changed after annotation, or belongs elsewhere."),
    "doc-unknown": Code(2, "INTEGRITY", "The doc id names no document in corpus/."),
    "doc-duplicate": Code(2, "INTEGRITY", "The same doc id appears on more than one line."),
    "span-out-of-range": Code(2, "OFFSETS", "Offsets must satisfy 0 <= start < end <= len(text)."),
    "span-offset-not-integer": Code(2, "OFFSETS", "Offsets are integers: write 3, not 3.0 (JSON Schema's integer admits 3.0)."),
    "span-inverted": Code(2, "OFFSETS", "A span must have start < end (offsets are half-open)."),
    "span-text-mismatch": Code(2, "OFFSETS", "A span's text must equal text[start:end] exactly."),
    "span-id-duplicate": Code(2, "INTEGRITY", "Span ids must be unique within a document."),
    "span-duplicate": Code(2, "INTEGRITY", "The same layer, label and offsets are annotated twice."),
    "relation-id-duplicate": Code(2, "INTEGRITY", "Relation ids must be unique within a document."),
    "relation-dangling-arg": Code(2, "INTEGRITY", "A relation's head or tail must be the id of a span in the same document."),
    "split-unknown-doc": Code(2, "SPLITS", "splits.json lists a doc id that is not in corpus/."),
    "split-overlap": Code(2, "SPLITS", "A document may belong to one split only."),
    "split-missing-doc": Code(2, "SPLITS", "Every document in corpus/ must belong to a split."),
    "split-hash-mismatch": Code(2, "SPLITS", "A split's text or gold changed without a corpus version bump; bump the version and re-freeze."),
    # Level 3: the annotation scheme in schema/labels.json.
    "layer-unknown": Code(3, "SCHEME", "The layer is not defined in schema/labels.json."),
    "label-unknown": Code(3, "SCHEME", "The label is not defined for this layer in schema/labels.json."),
    "attribute-unknown": Code(3, "SCHEME", "The attribute is not defined for this label."),
    "attribute-value-invalid": Code(3, "SCHEME", "The attribute value is not one of the allowed values."),
    "attribute-missing": Code(3, "SCHEME", "The label requires this attribute."),
    "role-unknown": Code(3, "SCHEME", "The relation label is not a role in schema/labels.json."),
    "role-head-type": Code(3, "SCHEME", "The role does not allow a head span with this label."),
    "role-tail-type": Code(3, "SCHEME", "The role does not allow a tail span with this label."),
    "scheme-version-mismatch": Code(3, "SCHEME", "The file follows another scheme version than schema/labels.json."),
    # Level 4: the guidelines (annotations/GUIDELINES.md).
    "span-in-boilerplate": Code(4, "GUIDELINES", "No entity, event or attribution span may overlap a BOILERPLATE block (guidelines 2.2)."),
    "overlap-forbidden": Code(4, "GUIDELINES", "Spans of this layer may not overlap (guidelines: overlap policy per layer)."),
    "overlap-crossing": Code(4, "GUIDELINES", "Spans of a nesting layer may nest but never cross (partial overlap)."),
    "nam-overlap": Code(4, "GUIDELINES", "Named (NAM) entity mentions never overlap each other (guidelines 3.1)."),
    "span-edge-space": Code(4, "GUIDELINES", "A span must not start or end with whitespace."),
    "relation-duplicate": Code(4, "GUIDELINES", "The same role links the same head and tail twice."),
    "cue-incomplete": Code(4, "GUIDELINES", "Every CUE has a content relation (guidelines 5)."),
}


@dataclass(frozen=True, slots=True, order=True)
class Finding:
    """One problem at one place. `line` is a 1-based line number; `pointer` a JSON pointer."""

    file: str
    line: int | None
    pointer: str
    code: str
    message: str

    @property
    def level(self) -> int:
        return CODES[self.code].level

    @property
    def category(self) -> str:
        return CODES[self.code].category

    @property
    def location(self) -> str:
        parts = [self.file]
        if self.line is not None:
            parts.append(str(self.line))
        if self.pointer:
            parts.append(self.pointer)
        return ":".join(parts)

    def render(self) -> str:
        return f"{self.location}: [L{self.level}.{self.code}] {self.message}"

    def to_dict(self) -> dict[str, object]:
        return {"file": self.file, "line": self.line, "pointer": self.pointer, "code": self.code, "level": self.level,
                "category": self.category, "message": self.message}
