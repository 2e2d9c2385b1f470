"""CoNLL token columns (BIO/IOB2, IOB1, BIOES/BILOU, IO tags), aligned back to character offsets.

One token per line: the token in the first column, its tag in the last (tab-separated when the
line has a tab, else whitespace-separated); a blank line ends a sentence. A document starts at a
``-DOCSTART- <doc_id>`` line or a ``# doc_id = <id>`` (also ``# newdoc id = <id>``) comment; a file
without either is one document named by the file stem. Other ``#`` comment lines are skipped.

Tags are ``O`` or a prefix B-, I-, E-, S- (L- and U- read as E- and S-) followed by a label.
Chunks follow the conlleval rule, as seqeval's default mode does: an I-X (or E-X) that does not
continue an X chunk starts a new chunk, an O, a B- or an S- ends the open chunk, and a chunk never
crosses a sentence. Transitions the tag scheme does not allow are repaired that way and reported
as notices; with option ``repair=discard`` such chunks are dropped instead (seqeval's strict mode).
A tag of any other form (``X-PER``, ``B_PER``, ``b-PER``) is rejected with a reason and the token
counts as O.

Tokens are found in the document text in order, skipping whitespace (and accepting PTB escapes
such as ``-LRB-``, curly for straight quotes and NFC-equivalent spellings). Text that holds no
letter or digit and is covered by no token (an emoji the tokeniser dropped) is skipped with a
notice. A token that is not at the expected place is rejected with a reason, together with the
chunk it belongs to, and the alignment picks up again at the next token found nearby. Without a
document text (gold read from a file) offsets count the tokens joined by single spaces, sentences
by newlines.

Options: ``scheme`` (auto, BIO, IOB2, IOB1, BIOES, IOBES, BILOU, IO; default auto), ``repair``
(conlleval, discard; default conlleval). Layer: ``ctx.layer``.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ...ids import is_valid_doc_id
from ..adapters import FormatContext, Records, register
from . import choice, loose_pattern, notice, read_bytes, short, text_lines, where

SCHEMES = ("auto", "BIO", "IOB2", "IOB1", "BIOES", "IOBES", "BILOU", "IO")
CANONICAL = {"BIO": "IOB2", "IOB2": "IOB2", "IOB1": "IOB1", "BIOES": "BIOES", "IOBES": "BIOES", "BILOU": "BIOES", "IO": "IO"}
PREFIXES = {"IOB2": "BI", "IOB1": "BI", "BIOES": "BIES", "IO": "I"}
REPAIRS = ("conlleval", "discard")

DOCSTART = "-DOCSTART-"
TAG_RE = re.compile(r"^([BIESLU])-(\S+)$")
ALIAS = {"L": "E", "U": "S"}
ID_COMMENT = re.compile(r"^#\s*(?:newdoc\s+id|doc_id|doc-id|docid|document_id)\s*[=:]\s*(\S+)\s*$", re.IGNORECASE)
KEY_COMMENT = re.compile(r"^#\s*[\w. -]*\s[=:]|^#\s*[\w.-]+[=:]")
PTB = {"-LRB-": "(", "-RRB-": ")", "-LSB-": "[", "-RSB-": "]", "-LCB-": "{", "-RCB-": "}", "``": '"', "''": '"', "`": "'"}
RESYNC_WINDOW = 32


@dataclass(frozen=True, slots=True)
class Token:
    """One token line: its text, its raw tag, and the tag read as (prefix, label); prefix None is O."""

    line: int
    text: str
    tag: str
    prefix: str | None
    label: str | None


@dataclass(frozen=True, slots=True)
class Document:
    """Tokens of one document by sentence, with the line that opened it."""

    doc_id: str | None
    line: int
    sentences: tuple[tuple[Token, ...], ...]

    @property
    def tokens(self) -> list[Token]:
        return [t for sentence in self.sentences for t in sentence]


@dataclass(frozen=True, slots=True)
class Chunk:
    """Tokens ``[first, last)`` of a document (indices into `Document.tokens`) labelled `label`."""

    first: int
    last: int
    label: str


# ------------------------------------------------------------------ parsing
def read_tag(tag: str) -> tuple[str | None, str | None] | None:
    """(prefix, label) of a well-formed tag, (None, None) for O, None for anything else."""
    if tag == "O":
        return None, None
    m = TAG_RE.match(tag)
    if m is None:
        return None
    return ALIAS.get(m.group(1), m.group(1)), m.group(2)


def split_columns(line: str) -> list[str]:
    """Columns of a token line: tab-separated when there is a tab, else whitespace-separated."""
    if "\t" in line:
        return [c.strip() for c in line.split("\t")]
    return line.split()


def token_and_tag(line: str) -> tuple[str, str] | None:
    """The first and the last column of a token line, or None when it has fewer than two non-empty ones."""
    if "\t" in line:
        head, _, rest = line.partition("\t")
        token, tag = head.strip(), rest.rpartition("\t")[2].strip()
    else:
        parts = line.split()
        if len(parts) < 2:
            return None
        token, tag = parts[0], parts[-1]
    return (token, tag) if token and tag else None


def parse(path: Path, reasons: list[tuple[int, str]]) -> list[Document]:
    """The documents of a CoNLL file; problems with single lines go to `reasons`."""
    docs: list[Document] = []
    doc_id: str | None = None
    doc_line = 1
    sentences: list[tuple[Token, ...]] = []
    sentence: list[Token] = []
    headers = 0
    started = False  # the current document has a header or tokens

    def end_sentence() -> None:
        nonlocal sentence
        if sentence:
            sentences.append(tuple(sentence))
            sentence = []

    def end_document() -> None:
        nonlocal sentences
        end_sentence()
        if started:
            docs.append(Document(doc_id, doc_line, tuple(sentences)))
        sentences = []

    for number, line in text_lines(read_bytes(path)):
        if line is None:
            reasons.append((number, "line is not valid UTF-8; skipped"))
            continue
        if not line or line.isspace():
            end_sentence()
            continue
        if line.lstrip().startswith(DOCSTART) and split_columns(line)[0] == DOCSTART:
            end_document()
            headers += 1
            doc_id, doc_line, started = next((c for c in split_columns(line)[1:] if is_valid_doc_id(c)), None), number, True
            continue
        pair = token_and_tag(line)
        if line.startswith("#"):
            m = ID_COMMENT.match(line)
            if m:
                headers += 1
                if started and doc_id is None and not sentences and not sentence:
                    doc_id = m.group(1)
                    continue
                end_document()
                doc_id, doc_line, started = m.group(1), number, True
                continue
            if KEY_COMMENT.match(line) or pair is None:
                continue
        if pair is None:
            reasons.append((number, f"expected a token and a tag separated by a tab or spaces, got {short(line)}; skipped"))
            continue
        if not started:
            doc_line, started = number, True
        token, tag = pair
        read = read_tag(tag)
        if read is None:
            reasons.append((number, f"tag {tag!r} of token {short(token)} is not O or B-/I-/E-/S-/L-/U- followed by a label; "
                                    "the token counts as O"))
            read = (None, None)
        sentence.append(Token(number, token, tag, *read))
    end_document()
    if headers == 0 and len(docs) == 1 and docs[0].doc_id is None and is_valid_doc_id(path.stem):
        docs[0] = Document(path.stem, docs[0].line, docs[0].sentences)
    return docs


# ------------------------------------------------------------------ chunks
def detect_scheme(docs: Sequence[Document]) -> str:
    """BIOES if any E-/S- tag, else IOB1 if every B-X follows an X token, else IOB2 if any B-, else IO."""
    prefixes: set[str] = set()
    b_after_same = True
    for doc in docs:
        for sentence in doc.sentences:
            for i, tok in enumerate(sentence):
                if tok.prefix is None:
                    continue
                prefixes.add(tok.prefix)
                if tok.prefix == "B" and (i == 0 or sentence[i - 1].label != tok.label):
                    b_after_same = False
    if prefixes & {"E", "S"}:
        return "BIOES"
    if "B" in prefixes:
        return "IOB1" if b_after_same else "IOB2"
    return "IO" if prefixes else "IOB2"


def decode(tags: Sequence[tuple[str | None, str | None]]) -> list[tuple[int, int, str]]:
    """Chunks ``(first, last, label)`` of one sentence under the conlleval rule (seqeval's default mode)."""
    chunks: list[tuple[int, int, str]] = []
    open_start: int | None = None
    open_label: str | None = None
    for i, (prefix, label) in enumerate(tags):
        continues = open_start is not None and label == open_label and prefix in ("I", "E")
        if not continues and open_start is not None:
            chunks.append((open_start, i, open_label))  # type: ignore[arg-type]
            open_start = open_label = None
        if prefix is None or label is None:
            continue
        if prefix == "S":
            chunks.append((i, i + 1, label))
        elif prefix == "E":
            chunks.append((open_start if continues else i, i + 1, label))  # type: ignore[arg-type]
            open_start = open_label = None
        elif not continues:
            open_start, open_label = i, label
    if open_start is not None:
        chunks.append((open_start, len(tags), open_label))  # type: ignore[arg-type]
    return chunks


def chunk_problem(sentence: Sequence[Token], first: int, last: int, label: str, scheme: str) -> tuple[int, str] | None:
    """(line, description) when the chunk's tags are not a valid chunk of `scheme`; None when valid."""
    prefixes = [t.prefix for t in sentence[first:last]]
    prev = f"{sentence[first - 1].tag} (line {sentence[first - 1].line})" if first else "the sentence start"
    line = sentence[first].line
    head = prefixes[0]
    if scheme == "IOB2" and head != "B":
        return line, f"{head}-{label} after {prev}"
    if scheme == "IOB1" and head == "B" and (not first or sentence[first - 1].label != label):
        return line, f"B-{label} after {prev} (IOB1 uses B- only right after a {label} chunk)"
    if scheme == "BIOES":
        if head in ("I", "E"):
            return line, f"{head}-{label} after {prev} without B-{label}"
        if head == "B" and prefixes[-1] != "E":
            end = sentence[last].tag + f" (line {sentence[last].line})" if last < len(sentence) else "the sentence end"
            return sentence[last - 1].line, f"B-{label} chunk not closed by E-{label} before {end}"
    return None


def chunks_of(doc: Document, scheme: str, repair: str, path: Path, ctx: FormatContext) -> tuple[list[Chunk], int]:
    """The document's chunks (token indices over the whole document) and how many were invalid for `scheme`."""
    allowed = PREFIXES[scheme]
    out: list[Chunk] = []
    invalid = 0
    base = 0
    for sentence in doc.sentences:
        tags: list[tuple[str | None, str | None]] = []
        for tok in sentence:
            if tok.prefix is not None and tok.prefix not in allowed:
                invalid += 1
                action = "read by the conlleval rule" if repair == "conlleval" else "the token counts as O (repair=discard)"
                notice(ctx, f"{where(path, tok.line)}: tag {tok.tag} is not a tag of scheme {scheme}; {action}")
                tags.append((None, None) if repair == "discard" else (tok.prefix, tok.label))
            else:
                tags.append((tok.prefix, tok.label))
        for first, last, label in decode(tags):
            if all(p in allowed for p, _ in tags[first:last]):
                problem = chunk_problem(sentence, first, last, label, scheme)
                if problem is not None:
                    invalid += 1
                    line, what = problem
                    if repair == "discard":
                        notice(ctx, f"{where(path, line)}: {what}: the {label} chunk is dropped (repair=discard)")
                        continue
                    notice(ctx, f"{where(path, line)}: {what}: read as one {label} chunk, lines "
                                f"{sentence[first].line}-{sentence[last - 1].line} (conlleval rule)")
            out.append(Chunk(base + first, base + last, label))
        base += len(sentence)
    return out, invalid


# ------------------------------------------------------------------ alignment
def _candidates(token: str) -> list[str]:
    out = [token]
    for alt in (unicodedata.normalize("NFC", token), PTB.get(token)):
        if alt and alt not in out:
            out.append(alt)
    return out


def match_at(text: str, pos: int, token: str) -> int | None:
    """End offset when `token` (or an accepted spelling of it) starts at `pos`."""
    if text.startswith(token, pos):
        return pos + len(token)
    candidates = _candidates(token)
    for cand in candidates:
        if text.startswith(cand, pos):
            return pos + len(cand)
    for cand in candidates:
        m = loose_pattern(cand).match(text, pos)
        if m and m.end() > pos:
            return m.end()
    return None


def search(text: str, pos: int, stop: int, token: str) -> tuple[int, int] | None:
    """The nearest place in ``text[pos:stop]`` where `token` starts, not inside a word (start may not exceed `stop`)."""
    best: tuple[int, int] | None = None
    for cand in _candidates(token):
        for m in loose_pattern(cand).finditer(text, pos, min(len(text), stop + len(cand) * 2)):
            s = m.start()
            if s > stop or (best is not None and s >= best[0]):
                break
            if m.end() > s and (s == 0 or not (text[s - 1].isalnum() and text[s].isalnum())):
                best = (s, m.end())
                break
    return best


def align(text: str, tokens: Sequence[Token]) -> tuple[list[tuple[int, int] | None], list[tuple[int, str]]]:
    """Offsets of each token in `text`, in order (None for a token not where it should be), and text no token covers.

    A token is expected right after the previous one, past whitespace. When it is not there but
    follows within a few characters that hold no letter or digit (an emoji or a symbol the
    tokeniser dropped), it is taken there and the skipped text is returned as ``(token index,
    text)``. Otherwise the token fails; the next tokens are then searched for a little further on
    (a window growing with the length of the tokens that failed), so one bad token does not lose
    the rest of the document.
    """
    out: list[tuple[int, int] | None] = []
    skipped: list[tuple[int, str]] = []
    pos = 0
    lost = 0  # characters of tokens not found since the last success
    for i, tok in enumerate(tokens):
        start = pos
        while start < len(text) and text[start].isspace():
            start += 1
        end = match_at(text, start, tok.text)
        if end is not None:
            out.append((start, end))
            pos, lost = end, 0
            continue
        if lost:
            found = search(text, pos, pos + 2 * lost + RESYNC_WINDOW, tok.text)
        else:
            found = search(text, start, start + RESYNC_WINDOW, tok.text)
            if found is not None and any(ch.isalnum() for ch in text[start:found[0]]):
                found = None
            elif found is not None:
                skipped.append((i, text[start:found[0]].strip()))
        if found is not None:
            out.append(found)
            pos, lost = found[1], 0
            continue
        out.append(None)
        lost += len(tok.text) + 1
    return out, skipped


def synthetic_text(doc: Document) -> tuple[str, list[tuple[int, int] | None]]:
    """Tokens joined by single spaces, sentences by newlines, with each token's offsets."""
    parts: list[str] = []
    offsets: list[tuple[int, int] | None] = []
    pos = 0
    for s, sentence in enumerate(doc.sentences):
        if s:
            parts.append("\n")
            pos += 1
        for t, tok in enumerate(sentence):
            if t:
                parts.append(" ")
                pos += 1
            parts.append(tok.text)
            offsets.append((pos, pos + len(tok.text)))
            pos += len(tok.text)
    return "".join(parts), offsets


# ------------------------------------------------------------------ reader
def records(doc: Document, chunks: Sequence[Chunk], text: str, offsets: Sequence[tuple[int, int] | None],
            ctx: FormatContext) -> Iterator[tuple[int, Any]]:
    """Reasons for tokens not found (and the chunks they drop), then the document's record."""
    tokens = doc.tokens
    chunk_of = {i: c for c in chunks for i in range(c.first, c.last)}
    reported: set[Chunk] = set()
    for i, tok in enumerate(tokens):
        if offsets[i] is not None:
            continue
        prev_end = next((o[1] for o in reversed(offsets[:i]) if o is not None), 0)
        there = text[prev_end:prev_end + 24].lstrip()
        message = f"token {short(tok.text)} is not in the document text where expected (after offset {prev_end}; the text there is {short(there)})"
        chunk = chunk_of.get(i)
        if chunk is not None and chunk not in reported:
            reported.add(chunk)
            message += f"; its {chunk.label} chunk (lines {tokens[chunk.first].line}-{tokens[chunk.last - 1].line}) is not scored"
        elif chunk is not None:
            message += f"; its {chunk.label} chunk is not scored"
        else:
            message += "; skipped"
        yield tok.line, message
    spans = []
    for chunk in chunks:
        first, last = offsets[chunk.first], offsets[chunk.last - 1]
        if chunk in reported or first is None or last is None:
            continue
        spans.append({"layer": ctx.layer, "label": chunk.label, "start": first[0], "end": last[1], "text": text[first[0]:last[1]]})
    yield doc.line, {"doc_id": doc.doc_id, "spans": spans}


def read_conll(path: Path, ctx: FormatContext) -> Records:
    """Exchange records from a CoNLL file (see the module docstring for the format and options).

    Args:
        path: the CoNLL file.
        ctx: document texts (doc id -> stored text), the default layer, and options (scheme, repair, notices).

    Returns:
        An iterator of ``(line, record)`` with exchange-format records, or ``(line, reason)`` for input
        that is not scored.

    Raises:
        InputError: the path cannot be read, or an option has a value that is not allowed.
    """
    scheme_option = choice(ctx, "scheme", SCHEMES, "auto")
    repair = choice(ctx, "repair", REPAIRS, "conlleval")
    reasons: list[tuple[int, str]] = []
    docs = parse(path, reasons)
    scheme = detect_scheme(docs) if scheme_option == "auto" else CANONICAL[scheme_option]
    if scheme_option == "auto" and docs:
        notice(ctx, f"{where(path)}: tag scheme {scheme} (detected; set option scheme to override)")
    out: list[tuple[int, Any]] = list(reasons)
    invalid = 0
    synthetic = 0
    for doc in docs:
        if doc.doc_id is None:
            out.append((doc.line, f"document without an id ({len(doc.tokens)} tokens from line {doc.line}): start it with "
                                  "'-DOCSTART- <doc_id>' or '# doc_id = <doc_id>'; not scored"))
            continue
        chunks, bad = chunks_of(doc, scheme, repair, path, ctx)
        invalid += bad
        text = ctx.texts.get(doc.doc_id)
        if text is None:
            synthetic += 1
            text, offsets = synthetic_text(doc)
        else:
            offsets, skipped = align(text, doc.tokens)
            for index, piece in skipped:
                notice(ctx, f"{where(path, doc.tokens[index].line)}: text {short(piece)} before token {short(doc.tokens[index].text)} "
                            "is not covered by any token")
        out.extend(records(doc, chunks, text, offsets, ctx))
    if invalid:
        done = "repaired by the conlleval rule" if repair == "conlleval" else "dropped (repair=discard)"
        notice(ctx, f"{where(path)}: {invalid} tag sequence(s) not valid under {scheme} {done}")
    if synthetic and not ctx.texts:
        notice(ctx, f"{where(path)}: no document texts given; offsets count tokens joined by single spaces, sentences by newlines")
    out.sort(key=lambda item: item[0])
    return iter(out)


register("conll", read_conll)
