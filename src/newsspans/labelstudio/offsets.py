"""Region offsets from Label Studio, checked against the document text.

Label Studio 1.23's frontend stores code points (Python `str` indices); older versions stored
UTF-16 code units (label-studio issues #539, #1347), which differ after any character outside
the Basic Multilingual Plane (emoji, some CJK). The server checks nothing. So every region is
read as code points first, then as UTF-16, and kept only where its recorded text equals the
slice; a region that fits neither reading is refused.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import AlignmentError
from ..textnorm import utf16_index

CODE_POINTS = "code points"
UTF16 = "UTF-16"


@dataclass(frozen=True, slots=True)
class Resolved:
    """Code-point offsets of one region and the reading that produced them."""

    start: int
    end: int
    reading: str  # CODE_POINTS | UTF16


def codepoints_to_utf16(text: str, offset: int) -> int:
    """The UTF-16 offset of code-point `offset` in `text` (for writing exports as older versions did)."""
    return offset + sum(1 for ch in text[:offset] if ord(ch) > 0xFFFF)


def same_text(piece: str, recorded: str) -> bool:
    """True when `recorded` (a region's value.text) spells `piece`.

    The frontend writes a line break inside a region's text as a literal backslash-n.
    """
    return piece == recorded or ("\n" in piece and piece.replace("\n", "\\n") == recorded)


@dataclass(frozen=True, slots=True)
class Reader:
    """Reads region offsets over one text under the code-point and UTF-16 readings."""

    text: str
    index: tuple[int, ...] | None  # UTF-16 offset -> code point (-1 inside a pair); None: the readings coincide

    @classmethod
    def of(cls, text: str) -> Reader:
        wide = len(text.encode("utf-16-le")) != 2 * len(text)  # some character outside the BMP
        return cls(text, tuple(utf16_index(text)) if wide else None)

    def candidates(self, start: int, end: int) -> dict[str, tuple[int, int]]:
        """Code-point offsets under each reading that lands inside the text."""
        out = {}
        if end <= len(self.text):
            out[CODE_POINTS] = (start, end)
        if self.index is None:
            if CODE_POINTS in out:
                out[UTF16] = (start, end)
        elif end < len(self.index) and self.index[start] >= 0 and self.index[end] >= 0:
            out[UTF16] = (self.index[start], self.index[end])
        return out

    def fits(self, start: object, end: object, recorded: str | None) -> set[str]:
        """The readings under which the region covers `recorded` (all in-range readings when it records no text)."""
        if type(start) is not int or type(end) is not int or not 0 <= start < end:
            return set()
        found = self.candidates(start, end)
        return {name for name, (s, e) in found.items() if recorded is None or same_text(self.text[s:e], recorded)}

    def resolve(self, start: object, end: object, recorded: str | None, order: tuple[str, ...] = (CODE_POINTS, UTF16)) -> Resolved:
        """Code-point offsets for a region recorded as `[start, end)` with text `recorded`: the first reading in `order` that fits.

        Raises:
            AlignmentError: offsets are not integers, out of range, or cover other text than
                `recorded` under every reading tried; or `recorded` is missing and the readings
                tried disagree.
        """
        if type(start) is not int or type(end) is not int or not 0 <= start < end:
            raise AlignmentError(f"offsets must be non-negative integers with start < end, got start={start!r} end={end!r}")
        found = {k: v for k, v in self.candidates(start, end).items() if k in order}
        if not found:
            units = "" if self.index is None else f", {len(self.index) - 1} UTF-16 units"
            raise AlignmentError(f"region [{start}, {end}) is out of range (text has {len(self.text)} code points{units})")
        if recorded is None:
            if len(set(found.values())) == 1 and len(found) == len(order):
                s, e = next(iter(found.values()))
                return Resolved(s, e, next(iter(found)))
            raise AlignmentError(f"region [{start}, {end}) records no text, and its {' and '.join(order)} readings differ")
        for name in order:
            if name in found and same_text(self.text[found[name][0]:found[name][1]], recorded):
                return Resolved(*found[name], name)
        covers = "; ".join(f"as {name} {_short(self.text[s:e])}" for name, (s, e) in found.items())
        raise AlignmentError(f"region [{start}, {end}) records {_short(recorded)} but covers {covers}")


def resolve(text: str, start: object, end: object, recorded: str | None, order: tuple[str, ...] = (CODE_POINTS, UTF16)) -> Resolved:
    """`Reader.of(text).resolve(...)`, for one region."""
    return Reader.of(text).resolve(start, end, recorded, order)


def _short(value: str, limit: int = 60, quote: bool = True) -> str:
    text = repr(value) if quote else value
    return text if len(text) <= limit else text[: limit - 3] + "..."
