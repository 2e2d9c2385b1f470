"""Exchange-format lines parsed by numpy, thousands at a time: the reader's first gate (columns.py).

A line takes this lane only when it is the plain common case: one JSON object with the keys `doc_id`,
`spans` and (empty) `relations`; each span an object with `layer`, `label`, `start` and `end` and
optionally `id`, `text` and `attributes` (an object of strings); strings without backslashes or control
characters; offsets as plain integers; separators as json.dumps writes them (`:`, `,`, each with at most
one space around it). The lane checks the JSON grammar itself (tokens, nesting, separators, keys and
values), then everything `SpanHook` and `_gate1` check. A line it cannot prove valid is not refused here:
it goes to the per-line gates, which decide as before. So the lane can make reading faster, never change
what is accepted; tests/scoring/test_vecparse.py checks it against json + SpanHook on mutated lines.

How: one pass classifies the bytes, and only the few that can start a token (quotes, brackets, digits,
newlines) are looked at again. Quotes pair up into strings (no backslash: every quote delimits one), so
a running count of quotes tells which brackets and digits are outside strings: those, and each string,
are the tokens. The bytes between two tokens (the separator) must be empty, a colon or a comma, so a
string followed by a colon is a key. A running sum gives each token's depth; grammar is a table lookup
on (depth, previous token and separator, token). Keys, labels and layers are found by a collision-free
hash of their first 8 bytes and compared whole, and so are attribute names and values, which a table
then allows or not for the span's label; duplicate ids are found by sorting hashes.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache

import numpy as np

from .columns import Scheme

# byte classes: from _DIGIT up a byte may start a token or is rare, and is looked at again
_OTHER, _SPACE, _COLON, _COMMA, _DIGIT, _LB, _RB, _LK, _RK, _NL, _QUOTE, _BSLASH, _BAD = range(13)
# token kinds (KEY: a string followed by a colon)
LB, RB, LK, RK, STR, NUM, KEY = range(7)
# what came before a token: an opener, a key and its colon, a value and a comma, a value and nothing, or else
_P_LB, _P_LK, _P_COL, _P_COM, _P_VAL, _P_BAD = range(6)
# separators
_S_NONE, _S_COLON, _S_COMMA, _S_BAD = range(4)

MAX_DEPTH = 4  # line object, spans array, span object, attributes object
MAX_DIGITS = 18  # fits int64
MAX_ID = 64  # bytes; SpanHook allows 64 characters, so a longer (non-ASCII) id takes the slow gates
PAD = MAX_ID + 16  # zero bytes after a chunk: strings are read 8 bytes at a time (ids up to MAX_ID bytes)

LINE_KEYS = ("doc_id", "spans", "relations")
SPAN_KEYS = ("id", "layer", "label", "start", "end", "text", "attributes")
_K_DOC, _K_SPANS, _K_RELS = 0, 1, 2
_K_ID, _K_LAYER, _K_LABEL, _K_START, _K_END, _K_TEXT, _K_ATTRS = range(3, 10)
_N_KEYS = 10


def _byte_classes() -> np.ndarray:
    lut = np.full(256, _OTHER, np.uint8)
    lut[:32] = _BAD
    lut[ord("\n")] = _NL
    lut[ord(" ")] = _SPACE
    lut[ord('"')] = _QUOTE
    lut[ord("\\")] = _BSLASH
    lut[ord("0"):ord("9") + 1] = _DIGIT
    for c, k in zip("{}[]:,", (_LB, _RB, _LK, _RK, _COLON, _COMMA), strict=True):
        lut[ord(c)] = k
    return lut


def _grammar() -> np.ndarray:
    """ALLOWED[depth before the token, what came before, token kind], flattened: JSON's successor rules,
    narrowed to the exchange format's nesting: a line object (depth 1) of strings and lists, lists
    (depth 2) of objects, span objects (depth 3) of strings, numbers and one object, attribute objects
    (depth 4) of strings. Depths past MAX_DEPTH (and wrapped ones) allow nothing."""
    allowed = np.zeros((256, 6, 7), bool)
    allowed[0, :, LB] = True  # a line's first token (what came before is the previous line's)
    values = {1: (STR, LK), 2: (LB,), 3: (STR, NUM, LB), 4: (STR,)}
    for depth, value in values.items():
        if depth == 2:
            allowed[depth, _P_LK, [*value, RK]] = True
            allowed[depth, _P_COM, list(value)] = True
            allowed[depth, _P_VAL, RK] = True
        else:
            allowed[depth, _P_LB, [KEY, RB]] = True
            allowed[depth, _P_COL, list(value)] = True
            allowed[depth, _P_COM, KEY] = True
            allowed[depth, _P_VAL, RB] = True
    return allowed.reshape(-1)


def _after() -> np.ndarray:
    """AFTER[kind * 4 + separator]: what a token and the separator after it make for the next token."""
    after = np.full((7, 4), _P_BAD, np.uint8)
    after[LB, _S_NONE] = _P_LB
    after[LK, _S_NONE] = _P_LK
    after[KEY, _S_COLON] = _P_COL
    for value in (RB, RK, STR, NUM):
        after[value, _S_COMMA] = _P_COM
        after[value, _S_NONE] = _P_VAL
    return after.reshape(-1)


def _separators() -> np.ndarray:
    """SEPARATOR[min(gap, 3) * 65536 + the gap's first two bytes (little-endian)]: what lies between two
    tokens: nothing, or a colon or a comma with at most one space around it; anything else is _S_BAD."""
    weight = np.full(256, 16, np.int64)
    weight[ord(" ")], weight[ord(":")], weight[ord(",")] = 0, 1, 4
    code = np.full(49, _S_BAD, np.uint8)
    code[0], code[1], code[4] = _S_NONE, _S_COLON, _S_COMMA
    first, second = np.arange(65536) & 255, np.arange(65536) >> 8
    table = np.full((4, 65536), _S_BAD, np.uint8)
    table[0] = _S_NONE
    table[1] = code[weight[first]]
    table[2] = code[np.minimum(weight[first] + weight[second], 48)]
    return table.reshape(-1)


CLASSES = _byte_classes()
CLASS_BYTES = CLASSES.tobytes()  # for bytes.translate: a faster lookup than numpy's (no index conversion)
KIND_OF_CLASS = np.full(16, STR, np.uint8)
KIND_OF_CLASS[[_LB, _RB, _LK, _RK, _DIGIT, _QUOTE]] = [LB, RB, LK, RK, NUM, STR]
DEPTH_STEP = np.array([1, -1, 1, -1, 0, 0, 0], np.int32)
ALLOWED = _grammar()
AFTER = _after()
SEPARATOR = _separators()
DOC_ID_BYTES = np.zeros(256, bool)  # ids.DOC_ID_RE: [a-z0-9][a-z0-9._-]*
DOC_ID_BYTES[[*range(ord("a"), ord("z") + 1), *range(ord("0"), ord("9") + 1), ord("."), ord("_"), ord("-")]] = True
DOC_ID_FIRST = DOC_ID_BYTES.copy()
DOC_ID_FIRST[[ord("."), ord("_"), ord("-")]] = False
WANT = np.zeros(_N_KEYS * 8, bool)  # WANT[key * 8 + kind]: the kind of value each key takes
WANT[[k * 8 + kind for k, kind in enumerate((STR, LK, LK, STR, STR, STR, NUM, NUM, STR, LB))]] = True
_MASKS = np.array([(1 << (8 * k)) - 1 for k in range(9)], np.uint64)  # little-endian: the first k bytes of a word
_MIX = np.array([0x9E3779B97F4A7C15, 0xC2B2AE3D27D4EB4F, 0x165667B19E3779F9, 0xD6E8FEB86659FD93,
                 0xFF51AFD7ED558CCD, 0xC4CEB9FE1A85EC53, 0x27D4EB2F165667C5, 0x94D049BB133111EB], np.uint64)


@dataclass(frozen=True)
class Table:
    """Known strings, found by a collision-free hash of their first 8 bytes and length, then compared whole."""

    shift: np.uint64  # slot = (key * MULT) >> shift
    slots: np.ndarray  # entry index per slot, -1 for none
    first: np.ndarray  # per entry: first word (bytes 0-7, zero-padded)
    lens: np.ndarray  # per entry: length in bytes
    rest: np.ndarray  # per entry: the following words, [k, w]
    codes: np.ndarray  # per entry

    @classmethod
    def of(cls, strings: Mapping[str, int]) -> Table:
        raw = [s.encode() for s in strings]
        width = max(8, -(-max(map(len, raw)) // 8) * 8)
        joined = b"".join(raw)
        buf = np.frombuffer(joined + bytes(width + 16 - len(joined) % 8), np.uint8)
        offs = np.cumsum([0] + [len(r) for r in raw[:-1]]).astype(np.int64)
        lens = np.array([len(r) for r in raw], np.int64)
        words = _words(buf, offs, lens, width)
        keys = _key(words[:, 0], lens)
        bits = max(4, (2 * len(raw) - 1).bit_length() + 1)
        while True:  # a table twice the size (and more) has no collision for some multiplier: grow until it does
            shift = np.uint64(64 - bits)
            slots = (keys * MULT) >> shift
            if len(np.unique(slots)) == len(raw):
                break
            bits += 1
        table = np.full(1 << bits, -1, np.int64)  # -1: the sentinel entry appended last, which matches nothing
        table[slots.astype(np.int64)] = np.arange(len(raw))
        return cls(shift, table, np.append(words[:, 0], np.uint64(0)), np.append(lens, -1), np.vstack([words[:, 1:], words[:1, 1:] * 0]),
                   np.append(np.array(list(strings.values()), np.int64), -1))

    def lookup(self, buf: np.ndarray, offs: np.ndarray, lens: np.ndarray) -> np.ndarray:
        """Code of each string buf[off:off+len], or -1 when it is not one of the table's."""
        first = _unaligned_words(buf)[offs]
        first &= _MASKS[np.minimum(lens, 8)]
        entry = self.slots[((_key(first, lens) * MULT) >> self.shift).astype(np.int64)]  # -1 (the sentinel) for no entry
        hit = (self.first[entry] == first) & (self.lens[entry] == lens)
        if self.rest.shape[1]:
            long = np.flatnonzero(hit & (lens > 8))
            if len(long):
                e = entry[long]
                hit[long] = (_words(buf, offs[long] + 8, lens[long] - 8, 8 * self.rest.shape[1]) == self.rest[e]).all(axis=1)
        return np.where(hit, self.codes[entry], -1)


def _key(first: np.ndarray, lens: np.ndarray) -> np.ndarray:
    return first ^ (lens.astype(np.uint64) * _MIX[1])


MULT = _MIX[0]


@dataclass(frozen=True)
class Tables:
    keys: Table
    labels: Table  # label name -> global label id
    layers: Table  # layer name -> layer index
    layer_of_label: np.ndarray
    attribute_names: Table | None  # attribute name -> index (None: the scheme has no attributes)
    attribute_values: Table | None  # attribute value -> index
    allowed: np.ndarray  # [global label id, attribute, value]: the value is allowed for that label's attribute


def tables(scheme: Scheme) -> Tables | None:
    """The lookup tables of a scheme; None when label names repeat across layers (lookups by name only)."""
    allowed = scheme.checker.attributes
    frozen = tuple((label, tuple((a, tuple(sorted(v))) for a, v in sorted(spec.items()))) for label, spec in sorted(allowed.items()))
    return _tables(scheme.layers, scheme.labels, frozen)


@cache
def _tables(layers: tuple[str, ...], labels: tuple[tuple[str, str], ...], attributes: tuple) -> Tables | None:
    names = [label for _, label in labels]
    if len(set(names)) != len(names) or not names:
        return None
    keys = {k: i for i, k in enumerate(LINE_KEYS + SPAN_KEYS)}
    layer_of = np.array([layers.index(layer) for layer, _ in labels], np.int64)
    attribute_names = sorted({a for _, spec in attributes for a, _ in spec})
    values = sorted({v for _, spec in attributes for _, vs in spec for v in vs})
    allowed = np.zeros((len(names), max(1, len(attribute_names)), max(1, len(values))), bool)
    for label, spec in attributes:
        if label in names:
            for a, vs in spec:
                allowed[names.index(label), attribute_names.index(a), [values.index(v) for v in vs]] = True
    return Tables(Table.of(keys), Table.of({n: i for i, n in enumerate(names)}), Table.of({n: i for i, n in enumerate(layers)}), layer_of,
                  Table.of({a: i for i, a in enumerate(attribute_names)}) if attribute_names else None,
                  Table.of({v: i for i, v in enumerate(values)}) if values else None, allowed)


def _unaligned_words(buf: np.ndarray) -> np.ndarray:
    """The 8 bytes at every offset of `buf` (a whole number of words long) as one little-endian uint64."""
    return np.lib.stride_tricks.as_strided(buf.view(np.uint64), shape=(len(buf) - 7,), strides=(1,))


def _words(buf: np.ndarray, offs: np.ndarray, lens: np.ndarray, width: int) -> np.ndarray:
    """[m, width // 8] uint64: the bytes buf[off:off+len] of each string, zero-padded (no string holds a NUL).

    `buf` must be a whole number of words long with `width` readable bytes past every string (parse pads it).
    """
    words = _unaligned_words(buf)
    out = np.empty((len(offs), width // 8), np.uint64)
    for j in range(width // 8):
        out[:, j] = words[offs + 8 * j] & _MASKS[np.minimum(np.maximum(lens - 8 * j, 0), 8)]
    return out


def _hash(words: np.ndarray) -> np.ndarray:
    h = np.zeros(len(words), np.uint64)
    for j in range(words.shape[1]):
        h += words[:, j] * _MIX[j % len(_MIX)] + np.uint64(j)
    return h


@dataclass
class Parsed:
    """The lines of a chunk: which ones the lane accepted, and their spans as columns (in line order)."""

    starts: np.ndarray  # byte offset of each line in the chunk
    ends: np.ndarray  # its end (the newline's offset, or the chunk's length)
    accepted: np.ndarray  # bool per line
    doc_ids: list[str]  # per accepted line
    n_spans: np.ndarray  # per accepted line
    label: np.ndarray  # per span of an accepted line: global label id
    start: np.ndarray
    end: np.ndarray


def parse(data: bytes, t: Tables, text_len: Mapping[str, int] | None = None) -> Parsed | None:
    """Parse the whole lines in `data` (UTF-8 checked by the caller); None when a line has an odd number
    of quotes (the chunk then goes to the per-line gates: its strings cannot be told apart here).

    `text_len`: document text lengths, when known; an offset past its document's text, or a span with a
    `text` (which must then equal the slice), makes the line go to the slower gates.
    """
    n = len(data)
    buf = np.frombuffer(data + bytes(PAD + 8 - n % 8), np.uint8)  # padded: strings are read 8 bytes at a time
    cls = np.frombuffer(data.translate(CLASS_BYTES), np.uint8)
    cand = np.flatnonzero(cls >= _DIGIT)  # bytes that may start a token, and rare ones
    cc = cls[cand]
    newlines = cand[cc == _NL]
    ends = newlines if n and data[-1] == 10 else np.append(newlines, n)
    n_lines = len(ends)
    starts = np.zeros(n_lines, np.int64)
    starts[1:] = ends[:-1] + 1
    bad = np.zeros(n_lines + 1, bool)  # the extra entry takes marks aimed at no line
    bad[np.searchsorted(ends, cand[cc >= _BSLASH])] = True

    # strings: a byte is inside one when an odd number of quotes precede it on its line
    is_quote = cc == _QUOTE
    quotes = np.flatnonzero(is_quote)
    odd = (np.cumsum(is_quote, dtype=np.int32) & 1).astype(bool)
    if len(quotes) % 2 or odd[cc == _NL].any():
        return None
    closes = cand[quotes[1::2]]
    token = ~odd & (cc >= _LB) & (cc <= _RK)
    token[quotes[0::2]] = True
    digits = np.flatnonzero(~odd & (cc == _DIGIT))
    token[digits[cls[cand[digits] - 1] != _DIGIT]] = True  # a number starts at its first digit
    tok_c = np.flatnonzero(token)
    pos = cand[tok_c]
    kind = KIND_OF_CLASS[cc[tok_c]]
    n_tok = len(pos)
    stop = np.searchsorted(pos, ends)
    first = np.zeros(n_lines, np.int64)
    first[1:] = stop[:-1]
    bad[:n_lines] |= first == stop  # no token: blank, or not JSON (`true`, `abc`): the gates tell which
    if not n_tok:
        return _empty(starts, ends)
    line = np.repeat(np.arange(n_lines), stop - first)
    full = np.flatnonzero(first < stop)
    last_tok = stop[full] - 1

    # where each token ends, and the separator after it
    tok_end = pos + 1
    str_tok = np.flatnonzero(kind == STR)
    tok_end[str_tok] = closes + 1
    num_tok = np.flatnonzero(kind == NUM)
    num_value, num_len = _numbers(buf, pos[num_tok])
    tok_end[num_tok] += num_len - 1
    bad[line[num_tok[(num_len > MAX_DIGITS) | ((num_len > 1) & (buf[pos[num_tok]] == ord("0")))]]] = True
    gap = np.zeros(n_tok, np.int64)
    np.minimum(pos[1:] - tok_end[:-1], 3, out=gap[:-1])
    gap *= 65536
    gap += buf[tok_end]  # the gap's first two bytes (two plain gathers: faster than one of unaligned uint16)
    gap += buf[tok_end + 1].astype(np.int64) << 8
    sep = SEPARATOR[gap]
    kind[str_tok[sep[str_tok] == _S_COLON]] = KEY
    # nothing but the tokens on a line: no spaces around it either
    bad[full[(pos[first[full]] != starts[full]) | (tok_end[last_tok] != ends[full])]] = True

    # nesting: depth after each token (relative to its line when an earlier line is unbalanced)
    step = DEPTH_STEP[kind]
    depth = np.cumsum(step, dtype=np.int32)
    if depth[last_tok].any():
        base = np.zeros(n_lines, np.int32)
        base[full] = np.concatenate([[0], depth[last_tok][:-1]])
        depth -= base[line]
        bad[full[depth[last_tok] != 0]] = True
    zero = np.flatnonzero(depth <= 0)  # a line's object closes with its last token, not before
    bad[line[zero[~np.isin(zero, last_tok, assume_unique=True)]]] = True
    ctx = (depth - step).astype(np.uint8)  # depth before each token (wrapped values allow nothing)

    # grammar: what may follow what, by depth
    prev = np.empty(n_tok, np.uint8)
    prev[0] = _P_LB
    prev[1:] = AFTER[kind[:-1] * 4 + sep[:-1]]
    bad[line[~ALLOWED[(ctx.astype(np.int64) * 6 + prev) * 7 + kind]]] = True

    # keys of the line object (depth 1) and of the span objects (depth 3)
    key_tok = np.flatnonzero((kind == KEY) & ((ctx == 1) | (ctx == 3)))
    key_code = t.keys.lookup(buf, pos[key_tok] + 1, tok_end[key_tok] - pos[key_tok] - 2)
    value_tok = np.minimum(key_tok + 1, n_tok - 1)
    value_kind = kind[value_tok]
    ok_value = WANT[np.maximum(key_code, 0) * 8 + value_kind] & (key_code >= 0)
    top = ctx[key_tok] == 1
    rel = np.flatnonzero(top & (key_code == _K_RELS))  # relations: only an empty list takes this lane
    ok_value[rel] &= kind[np.minimum(value_tok[rel] + 1, n_tok - 1)] == RK
    ok_value &= (key_code < _K_ID) == top
    bad[line[key_tok[~ok_value]]] = True
    top_counts = np.bincount(line[key_tok[top]] * 3 + np.clip(key_code[top], 0, 2), minlength=3 * n_lines).reshape(n_lines, 3)
    bad[:n_lines] |= (top_counts[:, :2] != 1).any(axis=1) | (top_counts[:, 2] > 1)

    # spans: one per object opened at depth 3
    span_tok = np.flatnonzero((kind == LB) & (ctx == 2))
    n_span = len(span_tok)
    span_line = line[span_tok]
    in_span = ~top & (key_code >= _K_ID)
    k_tok, k_code, k_value = key_tok[in_span], key_code[in_span], value_tok[in_span]
    span_of = np.cumsum((kind == LB) & (ctx == 2), dtype=np.int32) - 1  # the span object a token is in (or after)
    k_span = span_of[k_tok]
    fine = k_span >= 0  # always, in a line that is still good
    k_code, k_value, k_span = k_code[fine], k_value[fine], k_span[fine]
    counts = np.bincount(k_span * _N_KEYS + k_code, minlength=n_span * _N_KEYS).reshape(n_span, _N_KEYS)
    span_bad = (counts[:, _K_LAYER:_K_END + 1] != 1).any(axis=1) | (counts > 1).any(axis=1)

    def value_of(key: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The spans that have `key` (a string): span index, content start and length."""
        sel = np.flatnonzero(k_code == key)
        v = k_value[sel]
        return k_span[sel], pos[v] + 1, tok_end[v] - pos[v] - 2

    label = np.full(n_span, -1, np.int64)
    s, b, m = value_of(_K_LABEL)
    label[s] = t.labels.lookup(buf, b, m)
    layer = np.full(n_span, -1, np.int64)
    s, b, m = value_of(_K_LAYER)
    layer[s] = t.layers.lookup(buf, b, m)
    span_bad |= (label < 0) | (layer != t.layer_of_label[label])
    value = np.empty(n_tok, np.int64)
    value[num_tok] = num_value
    start = np.zeros(n_span, np.int64)
    end = np.zeros(n_span, np.int64)
    for key, out in ((_K_START, start), (_K_END, end)):
        sel = np.flatnonzero(k_code == key)
        out[k_span[sel]] = value[k_value[sel]]
    span_bad |= start >= end
    s, b, m = value_of(_K_TEXT)
    span_bad[s[m < 1]] = True
    if text_len is not None:
        span_bad[s] = True  # a text must equal the document's slice: the per-line gates compare it
    s, b, m = value_of(_K_ID)
    span_bad[s[(m < 1) | (m > MAX_ID)]] = True
    bad[span_line[span_bad]] = True
    bad[_duplicate_id_lines(buf, span_line[s], b, m)] = True
    _check_attributes(buf, pos, tok_end, kind, ctx, line, span_of, label, t, bad)

    # document ids, one per line left
    doc_tok = value_tok[top & (key_code == _K_DOC)]
    doc_tok = doc_tok[~bad[line[doc_tok]]]
    doc_start, doc_len = pos[doc_tok] + 1, tok_end[doc_tok] - pos[doc_tok] - 2
    bad[line[doc_tok[~_doc_ids_ok(buf, doc_start, doc_len)]]] = True
    doc_tok = doc_tok[~bad[line[doc_tok]]]  # one per good line, in line order
    doc_ids = _strings(buf, pos[doc_tok] + 1, tok_end[doc_tok] - pos[doc_tok] - 2)
    if text_len is not None and doc_ids:  # offsets inside the document's text, when it is known
        limit = np.full(n_lines, -1, np.int64)
        limit[line[doc_tok]] = [text_len.get(doc_id, -1) for doc_id in doc_ids]
        span_limit = limit[span_line]
        bad[span_line[(span_limit >= 0) & (end > span_limit)]] = True
        doc_ids = [doc_id for doc_id, ok in zip(doc_ids, ~bad[line[doc_tok]], strict=True) if ok]
    accepted = ~bad[:n_lines]
    keep = accepted[span_line]
    return Parsed(starts, ends, accepted, doc_ids,
                  np.bincount(span_line[keep], minlength=n_lines)[accepted], label[keep].astype(np.int16), start[keep], end[keep])


def _strings(buf: np.ndarray, offs: np.ndarray, lens: np.ndarray) -> list[str]:
    """The ASCII strings buf[off:off+len] (no newline in any), gathered and decoded at once."""
    if not len(offs):
        return []
    total = int(lens.sum())
    first = np.cumsum(lens) - lens  # where each string starts among the gathered bytes
    owner = np.repeat(np.arange(len(lens)), lens)
    out = np.full(total + len(lens) - 1, ord("\n"), np.uint8)
    if total:
        out[np.arange(total) + owner] = buf[np.arange(total) - first[owner] + offs[owner]]  # a newline between strings
    return out.tobytes().decode("ascii").split("\n")


def _empty(starts: np.ndarray, ends: np.ndarray) -> Parsed:
    e = np.empty(0, np.int64)
    return Parsed(starts, ends, np.zeros(len(starts), bool), [], e, e.astype(np.int16), e, e)


def _numbers(buf: np.ndarray, offs: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Value and length of the run of digits starting at each offset (at most MAX_DIGITS + 1 digits are read)."""
    value = np.zeros(len(offs), np.int64)
    length = np.zeros(len(offs), np.int64)
    live = np.ones(len(offs), bool)
    for k in range(MAX_DIGITS + 1):
        digit = buf[offs + k].astype(np.int64) - 48
        live &= (digit >= 0) & (digit <= 9)
        if not live.any():
            break
        value = np.where(live, value * 10 + digit, value)
        length += live
    return value, length


def _duplicate_id_lines(buf: np.ndarray, line: np.ndarray, offs: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """Lines that may hold two equal span ids: equal ids always hash alike; a rare collision of different
    ones only sends a good line to the gates. Ids longer than MAX_ID are already bad."""
    fine = lens <= MAX_ID
    line, offs, lens = line[fine], offs[fine], lens[fine]
    if len(line) < 2:
        return np.empty(0, np.int64)
    width = max(8, -(-int(lens.max()) // 8) * 8)
    key = _hash(_words(buf, offs, lens, width)) + line.astype(np.uint64) * _MIX[7]
    ordered = np.sort(key)
    same = ordered[1:][ordered[1:] == ordered[:-1]]
    return line[np.isin(key, same)] if len(same) else np.empty(0, np.int64)


def _doc_ids_ok(buf: np.ndarray, offs: np.ndarray, lens: np.ndarray) -> np.ndarray:
    """ids.DOC_ID_RE and no "..", for each string buf[off:off+len] (a JSON string without escapes)."""
    ok = (lens >= 1) & (lens <= 128)
    total = int(lens.sum())
    if not total:
        return ok
    owner = np.repeat(np.arange(len(lens)), lens)
    at = np.arange(total) - np.repeat(np.cumsum(lens) - lens, lens) + offs[owner]
    b = buf[at]
    allowed = DOC_ID_BYTES[b]
    firsts = (np.cumsum(lens) - lens)[lens > 0]
    allowed[firsts] &= DOC_ID_FIRST[b[firsts]]
    dots = np.flatnonzero((b[1:] == 46) & (b[:-1] == 46) & (owner[1:] == owner[:-1]))
    ok &= np.bincount(owner[~allowed], minlength=len(lens)) == 0
    ok[owner[dots]] = False
    return ok


def _check_attributes(buf: np.ndarray, pos: np.ndarray, tok_end: np.ndarray, kind: np.ndarray, ctx: np.ndarray, line: np.ndarray,
                      span_of: np.ndarray, label: np.ndarray, t: Tables, bad: np.ndarray) -> None:
    """Mark the lines where an attribute (a key at depth 4, its string value after it) is not allowed for
    its span's label, or is repeated in one object (json would keep the last one: the gates decide)."""
    keys = np.flatnonzero((kind == KEY) & (ctx == 4))
    if not len(keys):
        return
    if t.attribute_names is None or t.attribute_values is None or not len(label):
        bad[line[keys]] = True
        return
    values = np.minimum(keys + 1, len(kind) - 1)
    name = t.attribute_names.lookup(buf, pos[keys] + 1, tok_end[keys] - pos[keys] - 2)
    value = t.attribute_values.lookup(buf, pos[values] + 1, tok_end[values] - pos[values] - 2)
    span = span_of[keys]
    lab = label[np.maximum(span, 0)]
    ok = (name >= 0) & (value >= 0) & (span >= 0) & (lab >= 0) & (kind[values] == STR)
    ok[ok] = t.allowed[lab[ok], name[ok], value[ok]]
    bad[line[keys[~ok]]] = True
    pairs = span[ok].astype(np.int64) * t.allowed.shape[1] + name[ok]
    repeated = np.flatnonzero(np.bincount(pairs, minlength=1) > 1) if len(pairs) else pairs
    if len(repeated):
        bad[line[keys[ok][np.isin(pairs, repeated)]]] = True

