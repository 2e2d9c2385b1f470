"""The CoNLL reader: round trips in every tag scheme, alignment to the text, repairs, and parity with seqeval."""

from __future__ import annotations

import random
import re
from collections.abc import Mapping, Sequence
from itertools import pairwise
from pathlib import Path
from typing import Any

import pytest

from newsspans.model import AnnotationSet
from newsspans.project import Project
from newsspans.scoring.adapters import FormatContext, reader_for
from newsspans.scoring.api import ScoreConfig, load_gold, load_predictions, score
from newsspans.scoring.formats.conll import decode, read_tag
from newsspans.scoring.inputs import DocRecord, GoldSet

from ..conftest import REPO
from .helpers import LABELS
from .test_formats_common import DOCS, check, gold_record, micro, read, score_reader, seed_gold, span_keys

seqeval_metrics = pytest.importorskip("seqeval.metrics")

SCHEMES = ("IOB2", "IOB1", "BIOES", "BILOU", "IO")


# ------------------------------------------------------------------ writing CoNLL from gold spans
def tokenize(text: str, spans: Sequence[Mapping[str, Any]]) -> list[tuple[int, int, int]]:
    """(start, end, sentence) of whitespace tokens, split further at span boundaries; a sentence per text line."""
    cuts = {s["start"] for s in spans} | {s["end"] for s in spans}
    out = []
    for m in re.finditer(r"\S+", text):
        edges = sorted({m.start(), m.end()} | {c for c in cuts if m.start() < c < m.end()})
        sentence = text.count("\n", 0, m.start())
        out += [(a, b, sentence) for a, b in pairwise(edges)]
    return out


def tags_for(tokens: Sequence[tuple[int, int, int]], spans: Sequence[Mapping[str, Any]], scheme: str) -> list[str]:
    owner: list[Mapping[str, Any] | None] = []
    for a, b, _ in tokens:
        owner.append(next((s for s in spans if s["start"] <= a and b <= s["end"]), None))
    tags = []
    for i, span in enumerate(owner):
        if span is None:
            tags.append("O")
            continue
        first = i == 0 or owner[i - 1] is not span
        last = i == len(owner) - 1 or owner[i + 1] is not span
        label = span["label"]
        if scheme == "IO":
            prefix = "I"
        elif scheme == "IOB1":
            prefix = "B" if first and i and owner[i - 1] is not None and owner[i - 1]["label"] == label else "I"
        elif scheme == "IOB2":
            prefix = "B" if first else "I"
        else:
            single, begin, end = ("U", "B", "L") if scheme == "BILOU" else ("S", "B", "E")
            prefix = single if first and last else begin if first else end if last else "I"
        tags.append(f"{prefix}-{label}")
    return tags


def conll_text(docs: Mapping[str, Sequence[Mapping[str, Any]]], scheme: str = "IOB2", *, header: str = "docstart", sep: str = "\t",
               texts: Mapping[str, str] = DOCS) -> str:
    """A CoNLL file holding `docs` (doc id -> flat gold spans) tagged in `scheme`."""
    lines: list[str] = []
    for doc_id, spans in docs.items():
        text = texts[doc_id]
        lines.append(f"-DOCSTART- {doc_id}" if header == "docstart" else f"# doc_id = {doc_id}")
        lines.append("")
        tokens = tokenize(text, spans)
        sentence = 0
        for (a, b, s), tag in zip(tokens, tags_for(tokens, spans, scheme), strict=True):
            if s != sentence:
                lines.append("")
                sentence = s
            lines.append(f"{text[a:b]}{sep}{tag}")
        lines.append("")
    return "\n".join(lines) + "\n"


def flat_gold(doc_id: str) -> list[dict[str, Any]]:
    return [s for s in gold_record(doc_id, nested=False, events=False)["spans"]]


def write(tmp_path: Path, content: str, name: str = "pred.conll", *, crlf: bool = False, bom: bool = False) -> Path:
    path = tmp_path / name
    data = content.replace("\n", "\r\n") if crlf else content
    path.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data.encode("utf-8"))
    return path


def without_ids(spans: Sequence[Mapping[str, Any]]) -> list[tuple]:
    return sorted(((s["layer"], s["label"], s["start"], s["end"], s["text"]) for s in spans), key=repr)


GOLD = {d: flat_gold(d) for d in DOCS}


# ------------------------------------------------------------------ round trips
@pytest.mark.parametrize("scheme", SCHEMES)
@pytest.mark.parametrize(("header", "sep"), [("docstart", "\t"), ("comment", " ")])
def test_round_trip_gives_the_gold_spans(tmp_path, scheme, header, sep):
    path = write(tmp_path, conll_text(GOLD, scheme, header=header, sep=sep))
    out = read("conll", path)
    assert out.reasons == []
    assert set(out.records) == set(DOCS)
    for doc_id in DOCS:
        assert without_ids(out.records[doc_id]["spans"]) == without_ids(GOLD[doc_id]), doc_id
    expected = {"BILOU": "BIOES", "IOB1": "IO"}.get(scheme, scheme)  # IOB1 without adjacent chunks of one type is IO
    assert any(f"tag scheme {expected} (detected" in n for n in out.notices), out.notices
    assert not any("not valid under" in n for n in out.notices)


def test_round_trip_with_crlf_line_ends_and_bom(tmp_path):
    path = write(tmp_path, conll_text(GOLD), crlf=True, bom=True)
    out = read("conll", path)
    assert out.reasons == []
    assert all(without_ids(out.records[d]["spans"]) == without_ids(GOLD[d]) for d in DOCS)


def test_entity_inside_a_token_and_non_bmp_offsets(tmp_path):
    out = read("conll", write(tmp_path, conll_text(GOLD)))
    quotes = {s["text"]: s for s in out.records["fmt-quotes"]["spans"]}
    text = DOCS["fmt-quotes"]
    assert quotes["U.S."]["start"] == text.index("U.S.-supplied")  # a GPE inside "U.S.-supplied"
    emoji = {s["text"]: s["start"] for s in out.records["fmt-emoji"]["spans"]}
    assert emoji["Kyiv"] == DOCS["fmt-emoji"].index("Kyiv")  # code points, after three emoji (five code points)
    marks = {s["text"] for s in out.records["fmt-marks"]["spans"]}
    assert {"नरेन्द्र मोदी", "Q̇uxville"} <= marks


def test_scored_end_to_end_is_perfect(tmp_path):
    path = write(tmp_path, conll_text(GOLD, "BIOES"))
    report, pred, _ = score_reader("conll", path, [{"doc_id": d, "spans": s} for d, s in GOLD.items()], modes=("strict", "string"))
    assert pred.rejected == ()
    assert micro(report)["f1"] == 1.0
    assert micro(report, mode="string")["f1"] == 1.0


def test_iob1_is_detected_from_b_between_chunks_of_one_type(tmp_path):
    text = {"t-adj": "Presidents Biden Zelensky met in Kyiv."}
    rows = [("Presidents", "O"), ("Biden", "I-PER"), ("Zelensky", "B-PER"), ("met", "O"), ("in", "O"), ("Kyiv", "I-GPE"), (".", "O")]
    out = read("conll", write(tmp_path, "# doc_id = t-adj\n" + "".join(f"{t} {g}\n" for t, g in rows)), texts=text)
    assert any("tag scheme IOB1 (detected" in n for n in out.notices)
    assert not any("not valid" in n for n in out.notices)
    assert span_keys(out.records["t-adj"]) == [("entities", "GPE", 33, 37, "Kyiv"), ("entities", "PER", 11, 16, "Biden"),
                                               ("entities", "PER", 17, 25, "Zelensky")]


def test_seed_article_round_trip(seed_project, tmp_path):
    doc_id, text, record = seed_gold(seed_project)
    flat, last_end = [], -1
    for span in sorted((s for s in record["spans"] if s["layer"] == "entities"), key=lambda s: (s["start"], -s["end"])):
        if span["start"] >= last_end:  # outermost spans only: token tags cannot nest
            flat.append(span)
            last_end = span["end"]
    assert len(flat) > 10
    for scheme in ("IOB2", "BIOES"):
        out = read("conll", write(tmp_path, conll_text({doc_id: flat}, scheme, texts={doc_id: text})), texts={doc_id: text})
        assert out.reasons == []
        assert without_ids(out.records[doc_id]["spans"]) == without_ids(flat)


def test_scheme_option_overrides_detection(tmp_path):
    path = write(tmp_path, conll_text(GOLD, "IOB2"))
    out = read("conll", path, scheme="bio")
    assert not any("detected" in n for n in out.notices)
    assert all(without_ids(out.records[d]["spans"]) == without_ids(GOLD[d]) for d in DOCS)


def test_empty_document_gives_an_empty_record(tmp_path):
    out = read("conll", write(tmp_path, "-DOCSTART- fmt-empty\n\nNothing O\nto O\nsee O\nhere O\n. O\n"))
    assert out.records["fmt-empty"] == {"doc_id": "fmt-empty", "spans": []}


# ------------------------------------------------------------------ documents
def test_a_file_without_headers_is_named_by_its_stem(tmp_path):
    body = conll_text({"fmt-emoji": GOLD["fmt-emoji"]}).split("\n", 2)[2]
    out = read("conll", write(tmp_path, body, name="fmt-emoji.conll"))
    assert without_ids(out.records["fmt-emoji"]["spans"]) == without_ids(GOLD["fmt-emoji"])


def test_docstart_without_id_takes_the_id_comment_that_follows(tmp_path):
    body = "-DOCSTART- -X- -X- O\n# doc_id = fmt-marks\n\nNarendra B-PER\nModi I-PER\n"
    out = read("conll", write(tmp_path, body))
    assert span_keys(out.records["fmt-marks"]) == [("entities", "PER", 0, 13, "Narendra Modi")]


def test_a_document_without_id_is_rejected_with_its_line(tmp_path):
    out = read("conll", write(tmp_path, "-DOCSTART- -X- -X- O\n\nNarendra B-PER\n", name="Bad Name.conll"))
    assert out.records == {}
    assert [line for line, _ in out.reasons] == [1]
    assert "without an id" in out.reasons[0][1]


def test_comment_lines_are_skipped_but_a_hash_token_is_read(tmp_path):
    body = "# doc_id = fmt-empty\n# sent_id = 1\n# text = Nothing to see here.\nNothing O\nto O\nsee O\nhere O\n. O\n"
    out = read("conll", write(tmp_path, body))
    assert out.reasons == [] and out.records["fmt-empty"]["spans"] == []
    text = {"t-hash": "We #StandWithUkraine today."}
    out = read("conll", write(tmp_path, "# doc_id = t-hash\nWe O\n# O\nStandWithUkraine B-GPE\ntoday O\n. O\n"), texts=text)
    assert span_keys(out.records["t-hash"]) == [("entities", "GPE", 4, 20, "StandWithUkraine")]


# ------------------------------------------------------------------ invalid tags and transitions
@pytest.mark.parametrize("bad", ["X-PER", "B_PER", "b-PER", "B-", "PER", "I-PER-", "o"])
def test_malformed_tag_is_rejected_and_counts_as_o(tmp_path, bad):
    body = f"# doc_id = fmt-emoji\n🇺🇦 O\nUkraine B-GPE\n🚀 O\nupdate: O\nU.S. B-GPE\nPresident O\nJoe {bad}\nBiden I-PER\n"
    out = read("conll", write(tmp_path, body))
    assert len(out.reasons) == 1 - (bad == "I-PER-")  # "I-PER-" is well formed: label "PER-", left to the validator
    if bad != "I-PER-":
        line, reason = out.reasons[0]
        assert line == 8 and repr(bad) in reason and "counts as O" in reason
        labels = {(s["label"], s["text"]) for s in out.records["fmt-emoji"]["spans"]}
        assert ("PER", "Biden") in labels  # I-PER after a token that counts as O starts a new chunk
        assert ("PER", "Joe Biden") not in labels


def test_x_tag_is_not_scored_as_correct_although_seqeval_accepts_it(tmp_path):
    gold_tags, pred_tags = ["O", "B-PER", "I-PER", "O"], ["O", "X-PER", "X-PER", "O"]
    with pytest.warns(UserWarning, match="X-PER"):  # seqeval's default mode warns, then reads X- as a chunk prefix
        assert seqeval_metrics.f1_score([gold_tags], [pred_tags]) == 1.0
    text = {"t-x": "He Joe Biden left"}
    tokens = text["t-x"].split()
    gold_path = write(tmp_path, "# doc_id = t-x\n" + "".join(f"{t} {g}\n" for t, g in zip(tokens, gold_tags, strict=True)), "gold.conll")
    pred_path = write(tmp_path, "# doc_id = t-x\n" + "".join(f"{t} {p}\n" for t, p in zip(tokens, pred_tags, strict=True)))
    gold = read("conll", gold_path, texts=text)
    pred = read("conll", pred_path, texts=text)
    assert [line for line, _ in pred.reasons] == [3, 4] and all("'X-PER'" in r for _, r in pred.reasons)
    assert pred.records["t-x"]["spans"] == []
    scores = prf_through_scorer({"t-x": text["t-x"]}, [gold.records["t-x"]], [(1, pred.records["t-x"])])
    assert scores == (0.0, 0.0, 0.0)


def test_invalid_transition_is_repaired_by_the_conlleval_rule_and_noticed(tmp_path):
    body = "# doc_id = fmt-marks\nNarendra O\nModi I-PER\n( O\n"
    out = read("conll", write(tmp_path, body), scheme="BIO")
    assert out.reasons == []
    assert span_keys(out.records["fmt-marks"]) == [("entities", "PER", 9, 13, "Modi")]
    assert any(":3: I-PER after O (line 2)" in n and "conlleval rule" in n for n in out.notices), out.notices
    assert any("1 tag sequence(s) not valid under IOB2" in n for n in out.notices)
    discarded = read("conll", write(tmp_path, body), scheme="BIO", repair="discard")
    assert discarded.records["fmt-marks"]["spans"] == []
    assert any("dropped (repair=discard)" in n for n in discarded.notices)


def test_bioes_chunk_without_end_is_noticed(tmp_path):
    body = "# doc_id = fmt-marks\nNarendra B-PER\nModi I-PER\n( O\n"
    out = read("conll", write(tmp_path, body), scheme="BIOES")
    assert span_keys(out.records["fmt-marks"]) == [("entities", "PER", 0, 13, "Narendra Modi")]
    assert any("not closed by E-PER" in n for n in out.notices)
    assert read("conll", write(tmp_path, body), scheme="BIOES", repair="discard").records["fmt-marks"]["spans"] == []


def test_prefix_outside_the_scheme_is_noticed(tmp_path):
    body = "# doc_id = fmt-marks\nNarendra B-PER\nModi E-PER\n"
    out = read("conll", write(tmp_path, body), scheme="IOB2")
    assert any("E-PER is not a tag of scheme IOB2" in n for n in out.notices)
    assert span_keys(out.records["fmt-marks"]) == [("entities", "PER", 0, 13, "Narendra Modi")]


def test_chunks_never_cross_a_sentence_boundary(tmp_path):
    text = {"t-two": "Joe\nBiden"}
    out = read("conll", write(tmp_path, "# doc_id = t-two\nJoe B-PER\n\nBiden I-PER\n"), texts=text)
    assert span_keys(out.records["t-two"]) == [("entities", "PER", 0, 3, "Joe"), ("entities", "PER", 4, 9, "Biden")]


def test_label_outside_the_layer_is_left_to_the_validator(tmp_path):
    body = "# doc_id = fmt-marks\nNarendra B-PERSON\nModi I-PERSON\n"
    out = read("conll", write(tmp_path, body))
    assert out.reasons == [] and out.records["fmt-marks"]["spans"][0]["label"] == "PERSON"
    _, pred, _ = score_reader("conll", write(tmp_path, body), [{"doc_id": "fmt-marks", "spans": GOLD["fmt-marks"]}])
    assert len(pred.rejected) == 1 and "PERSON" in pred.rejected[0].reason


def test_layer_comes_from_the_context(tmp_path):
    text = {"t-ev": "Troops retreated yesterday."}
    out = read("conll", write(tmp_path, "# doc_id = t-ev\nTroops O\nretreated S-RETREAT\nyesterday O\n. O\n"), texts=text, layer="events")
    assert span_keys(out.records["t-ev"]) == [("events", "RETREAT", 7, 16, "retreated")]


# ------------------------------------------------------------------ alignment
def test_token_not_in_the_text_is_rejected_and_alignment_resynchronises(tmp_path):
    content = conll_text(GOLD).replace("Zelensky\tI-PER", "Zelenskyy\tI-PER")
    out = read("conll", write(tmp_path, content))
    line = content.split("\n").index("Zelenskyy\tI-PER") + 1
    assert len(out.reasons) == 1
    assert out.reasons[0][0] == line
    assert "'Zelenskyy'" in out.reasons[0][1] and "PER chunk" in out.reasons[0][1] and "not scored" in out.reasons[0][1]
    got = without_ids(out.records["fmt-emoji"]["spans"])
    expected = [k for k in without_ids(GOLD["fmt-emoji"]) if k[4] != "Volodymyr Zelensky"]
    assert got == expected  # every later span is still found


def test_several_bad_tokens_in_a_row_then_recovery(tmp_path):
    text = {"t-re": "Officials in Kyiv said Biden met Zelensky."}
    tokens = [("Officials", "O"), ("in", "O"), ("Kiev", "B-GPE"), ("sayd", "O"), ("Biden", "B-PER"), ("met", "O"), ("Zelensky", "B-PER"), (".", "O")]
    out = read("conll", write(tmp_path, "# doc_id = t-re\n" + "".join(f"{t} {g}\n" for t, g in tokens)), texts=text)
    assert [line for line, _ in out.reasons] == [4, 5]
    assert span_keys(out.records["t-re"]) == [("entities", "PER", 23, 28, "Biden"), ("entities", "PER", 33, 41, "Zelensky")]


def test_untokenised_emoji_are_skipped_with_a_notice(tmp_path):
    content = "\n".join(line for line in conll_text(GOLD).split("\n") if not re.match(r"^[🇺🇦🚀😀🛰️]+\t", line))
    out = read("conll", write(tmp_path, content))
    assert out.reasons == []
    assert without_ids(out.records["fmt-emoji"]["spans"]) == without_ids(GOLD["fmt-emoji"])
    assert any("'😀'" in n and "not covered by any token" in n for n in out.notices)


def test_ptb_escapes_quotes_and_decomposed_tokens_align(tmp_path):
    text = {"t-ptb": "He said “Storm Shadow” (the missile) hit Zürich."}
    rows = [("He", "O"), ("said", "O"), ("``", "O"), ("Storm", "B-WEA"), ("Shadow", "I-WEA"), ("''", "O"), ("-LRB-", "O"), ("the", "O"),
            ("missile", "O"), ("-RRB-", "O"), ("hit", "O"), ("Zu\u0308rich", "B-GPE"), (".", "O")]
    out = read("conll", write(tmp_path, "# doc_id = t-ptb\n" + "".join(f"{t}\t{g}\n" for t, g in rows)), texts=text)
    assert out.reasons == []
    assert span_keys(out.records["t-ptb"]) == [("entities", "GPE", 41, 47, "Zürich"), ("entities", "WEA", 9, 21, "Storm Shadow")]


def test_without_texts_offsets_count_tokens_joined_by_spaces(tmp_path):
    gold_path = write(tmp_path, conll_text(GOLD), "gold.conll")
    pred_content = conll_text(GOLD).replace("Kyiv\tB-GPE", "Kyiv\tB-LOC")
    pred_path = write(tmp_path, pred_content)
    project = Project(REPO)
    gold, _ = load_gold(project, str(gold_path), None, LABELS, "conll")
    assert gold.texts == {}
    first = gold.docs["fmt-marks"].layers["entities"][0]
    assert first[:4] == (0, 13, "PER", "Narendra Modi")
    pred = load_predictions(pred_path, gold, LABELS, project, "conll")
    report = score(gold, pred, LABELS, ScoreConfig(layers=("entities",), modes=("strict",), bootstrap=0))
    n = sum(len(v) for v in GOLD.values())
    assert micro(report)["correct"] == n - 1 and micro(report)["incorrect"] == 1


def test_malformed_lines_give_reasons_with_their_line(tmp_path):
    path = tmp_path / "bad.conll"
    path.write_bytes(b"# doc_id = fmt-marks\nNarendra B-PER\nModi I-PER\nstray\n\xff\xfe O\n( O\n")
    out = read("conll", path)
    assert [line for line, _ in out.reasons] == [4, 5]
    assert "expected a token and a tag" in out.reasons[0][1] and "UTF-8" in out.reasons[1][1]
    assert span_keys(out.records["fmt-marks"]) == [("entities", "PER", 0, 13, "Narendra Modi")]


# ------------------------------------------------------------------ parity with seqeval
def random_tags(rng: random.Random, n: int, prefixes: str, types: Sequence[str] = ("PER", "ORG", "GPE")) -> list[str]:
    return [rng.choice(["O", "O", *(f"{p}-{t}" for p in prefixes for t in types)]) for _ in range(n)]


def valid_bio(rng: random.Random, n: int) -> list[str]:
    tags, i = ["O"] * n, 0
    while i < n:
        if rng.random() < 0.35:
            length, label = rng.randint(1, 3), rng.choice(("PER", "ORG", "GPE"))
            for j in range(i, min(n, i + length)):
                tags[j] = ("B-" if j == i else "I-") + label
            i += length + rng.randint(0, 1)
        else:
            i += 1
    return tags


VOCAB = ("Kyiv", "😀", "naïve", "Q̇x", "U.S.", "a", "b", "“q”", "नमस्ते")


def make_corpus(rng: random.Random, tagger) -> tuple[dict[str, str], dict[str, list[list[str]]], dict[str, list[list[str]]], list[list[str]], list[list[str]]]:
    """Random documents of random sentences; gold and pred tags from `tagger(rng, n) -> (gold, pred)`."""
    texts, words, gold_tags, pred_tags = {}, {}, {}, {}
    all_gold, all_pred = [], []
    for d in range(rng.randint(1, 3)):
        doc_id = f"t-{d}"
        sentences = [[rng.choice(VOCAB) for _ in range(rng.randint(1, 12))] for _ in range(rng.randint(1, 3))]
        texts[doc_id] = "\n".join(" ".join(s) for s in sentences)
        words[doc_id] = sentences
        gold_tags[doc_id], pred_tags[doc_id] = [], []
        for s in sentences:
            g, p = tagger(rng, len(s))
            gold_tags[doc_id].append(g)
            pred_tags[doc_id].append(p)
            all_gold.append(g)
            all_pred.append(p)
    return texts, {"words": words, "gold": gold_tags}, {"words": words, "pred": pred_tags}, all_gold, all_pred


def write_tagged(path: Path, words: Mapping[str, list[list[str]]], tags: Mapping[str, list[list[str]]]) -> Path:
    lines = []
    for doc_id, sentences in words.items():
        lines.append(f"-DOCSTART- {doc_id}")
        for s, sentence in enumerate(sentences):
            lines.append("")
            lines += [f"{w}\t{t}" for w, t in zip(sentence, tags[doc_id][s], strict=True)]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def prf_through_scorer(texts: Mapping[str, str], gold_recs: Sequence[Mapping[str, Any]], pred_lines: Sequence[tuple[int, Any]]) -> tuple[float, float, float]:
    docs = {r["doc_id"]: DocRecord.from_annotation(AnnotationSet.from_dict(r)) for r in gold_recs}
    gold = GoldSet("t", "0" * 64, "all", tuple(texts), docs, dict(texts))
    pred = check(pred_lines, gold)
    assert pred.rejected == ()
    m = micro(score(gold, pred, LABELS, ScoreConfig(layers=("entities",), modes=("strict",), bootstrap=0)))
    p = m["correct"] / m["actual"] if m["actual"] else 0.0
    r = m["correct"] / m["possible"] if m["possible"] else 0.0
    return p, r, (2 * p * r / (p + r) if p + r else 0.0)


def ours(tmp_path: Path, texts, gold_words, pred_words, **options) -> tuple[float, float, float]:
    ctx = FormatContext(texts=texts, options={"labels": LABELS, **options})
    reader = reader_for("conll")
    gold_recs = [r for _, r in reader(write_tagged(tmp_path / "gold.conll", gold_words["words"], gold_words["gold"]), ctx)]
    assert all(isinstance(r, dict) for r in gold_recs)
    pred_lines = list(reader(write_tagged(tmp_path / "pred.conll", pred_words["words"], pred_words["pred"]), ctx))
    return prf_through_scorer(texts, gold_recs, pred_lines)


def seqeval_prf(gold: list[list[str]], pred: list[list[str]], **kwargs) -> tuple[float, float, float]:
    kwargs = {"zero_division": 0, **kwargs}
    return (seqeval_metrics.precision_score(gold, pred, **kwargs), seqeval_metrics.recall_score(gold, pred, **kwargs),
            seqeval_metrics.f1_score(gold, pred, **kwargs))


@pytest.mark.parametrize("seed", range(60))
def test_valid_bio_equals_seqeval_strict_iob2(tmp_path, seed):
    from seqeval.scheme import IOB2

    def tagger(rng, n):
        return valid_bio(rng, n), valid_bio(rng, n)

    texts, g, p, all_gold, all_pred = make_corpus(random.Random(seed), tagger)
    expected = seqeval_prf(all_gold, all_pred, mode="strict", scheme=IOB2)
    assert ours(tmp_path, texts, g, p) == pytest.approx(expected)
    assert ours(tmp_path, texts, g, p, scheme="BIO", repair="discard") == pytest.approx(expected)


@pytest.mark.parametrize("seed", range(60))
def test_any_bio_equals_seqeval_default_and_discard_equals_strict(tmp_path, seed):
    from seqeval.scheme import IOB2

    def tagger(rng, n):
        gold = valid_bio(rng, n)
        return gold, [t if rng.random() < 0.7 else rng.choice(["O", "B-PER", "I-PER", "I-ORG", "B-GPE", "I-GPE"]) for t in gold]

    texts, g, p, all_gold, all_pred = make_corpus(random.Random(1000 + seed), tagger)
    assert ours(tmp_path, texts, g, p, scheme="BIO") == pytest.approx(seqeval_prf(all_gold, all_pred))
    assert ours(tmp_path, texts, g, p, scheme="BIO", repair="discard") == pytest.approx(seqeval_prf(all_gold, all_pred, mode="strict", scheme=IOB2))


@pytest.mark.parametrize("seed", range(40))
def test_bioes_equals_seqeval_default_and_strict_iobes(tmp_path, seed):
    from seqeval.scheme import IOBES

    def tagger(rng, n):
        return random_tags(rng, n, "BIES"), random_tags(rng, n, "BIES")

    texts, g, p, all_gold, all_pred = make_corpus(random.Random(2000 + seed), tagger)
    # gold is as random as pred: both sides are read the same way (conlleval rule, or strict with repair=discard)
    assert ours(tmp_path, texts, g, p, scheme="BIOES") == pytest.approx(seqeval_prf(all_gold, all_pred))
    assert ours(tmp_path, texts, g, p, scheme="BIOES", repair="discard") == pytest.approx(
        seqeval_prf(all_gold, all_pred, mode="strict", scheme=IOBES))


def test_decoder_equals_seqeval_get_entities_on_every_short_sequence():
    """Exhaustive over all sequences of up to 4 tags from B/I/E/S/O and two types (conlleval rule)."""
    from itertools import product

    from seqeval.metrics.sequence_labeling import get_entities

    alphabet = ["O", *(f"{p}-{t}" for p in "BIES" for t in "AB")]
    for n in range(1, 5):
        for tags in product(alphabet, repeat=n):
            got = sorted((label, s, e - 1) for s, e, label in decode([read_tag(t) for t in tags]))  # type: ignore[misc]
            assert got == sorted(get_entities(list(tags))), tags
