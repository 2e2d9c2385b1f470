"""Typed exceptions. The library raises these; only command lines turn them into exit codes."""

from __future__ import annotations


class NewsspansError(Exception):
    """Base class: a problem the user can fix, with a message that says how."""


class InputError(NewsspansError):
    """Bad input at a known place: file, line or JSON pointer, and field."""

    def __init__(self, message: str, *, file: str = "", line: int | None = None, field: str = "") -> None:
        self.file, self.line, self.field, self.reason = file, line, field, message
        where = file + (f":{line}" if line is not None else "")
        prefix = ": ".join(p for p in (where, field) if p)
        super().__init__(f"{prefix}: {message}" if prefix else message)


class SchemaError(InputError):
    """A file or line does not follow its JSON Schema or the annotation scheme."""


class AlignmentError(NewsspansError):
    """Text could not be aligned to document offsets."""


class IntegrityError(NewsspansError):
    """Stored data contradicts itself (hash mismatch, span text not equal to the slice)."""


class RefusedOverwrite(NewsspansError):
    """A write would replace an existing file without the explicit flag that allows it."""
