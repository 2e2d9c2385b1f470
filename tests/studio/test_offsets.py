"""Reading region offsets: code points first, UTF-16 for older exports, literal backslash-n, refusals."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspans.errors import AlignmentError
from newsspans.labelstudio.offsets import CODE_POINTS, UTF16, Reader, codepoints_to_utf16, resolve, utf16_index

TEXT = "a😀b\nc 𠀀d"


def test_code_points_win_when_they_fit() -> None:
    r = resolve(TEXT, 1, 2, "😀")
    assert (r.start, r.end, r.reading) == (1, 2, CODE_POINTS)


def test_utf16_reading_when_code_points_do_not_fit() -> None:
    r = resolve(TEXT, 1, 3, "😀")
    assert (r.start, r.end, r.reading) == (1, 2, UTF16)
    start = codepoints_to_utf16(TEXT, TEXT.index("d"))
    r = resolve(TEXT, start, start + 1, "d")
    assert (r.start, r.end, r.reading) == (TEXT.index("d"), TEXT.index("d") + 1, UTF16)


def test_line_break_written_as_backslash_n() -> None:
    r = resolve(TEXT, 2, 5, "b\\nc")
    assert (r.start, r.end) == (2, 5)
    assert resolve(TEXT, 2, 5, "b\nc").end == 5


@pytest.mark.parametrize(("start", "end", "recorded", "message"), [
    (0, 99, "x", "out of range"),
    (3, 2, "x", "start < end"),
    (2, 2, "x", "start < end"),
    ("1", 2, "x", "integers"),
    (True, 2, "x", "integers"),
    (-1, 2, "x", "integers"),
    (1, 3, "xy", "records 'xy' but covers"),
    (2, 3, None, "readings differ"),
    (0, 2, "a\ud83d", "records"),  # half a surrogate pair never fits
])
def test_refused(start: object, end: object, recorded: str | None, message: str) -> None:
    with pytest.raises(AlignmentError, match=message):
        resolve(TEXT, start, end, recorded)


def test_missing_text_accepted_only_where_readings_agree() -> None:
    assert resolve(TEXT, 0, 1, None).reading == CODE_POINTS


def test_forced_reading() -> None:
    reader = Reader.of("😀aaaa")
    assert reader.fits(2, 4, "aa") == {CODE_POINTS, UTF16}
    assert (reader.resolve(2, 4, "aa").start, reader.resolve(2, 4, "aa", (UTF16,)).start) == (2, 1)
    with pytest.raises(AlignmentError, match="covers as code points"):
        reader.resolve(0, 2, "😀", (CODE_POINTS,))  # fits only as UTF-16


def test_utf16_index_marks_inside_of_pairs() -> None:
    assert utf16_index("a😀b") == [0, 1, -1, 2, 3]


chars = st.sampled_from([*"ab \n’é", "😀", "𠀀", "q\u0307", "北", "\U0001f1fa\U0001f1e6"])


@settings(max_examples=300, deadline=None)
@given(st.lists(chars, min_size=1, max_size=30).map("".join), st.data())
def test_both_readings_recover_the_same_code_point_span(text: str, data: st.DataObject) -> None:
    start = data.draw(st.integers(0, len(text) - 1))
    end = data.draw(st.integers(start + 1, len(text)))
    piece = text[start:end]
    frontend = resolve(text, start, end, piece.replace("\n", "\\n"))
    u_start, u_end = codepoints_to_utf16(text, start), codepoints_to_utf16(text, end)
    older = Reader.of(text).resolve(u_start, u_end, piece, (UTF16,))
    guessed = resolve(text, u_start, u_end, piece)  # auto: may land on an equal piece elsewhere, never on other text
    assert (frontend.start, frontend.end) == (start, end)
    assert (older.start, older.end) == (start, end)
    assert text[guessed.start:guessed.end] == piece
