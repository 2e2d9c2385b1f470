"""The ner_tokens tokeniser: offsets, cuts at entity boundaries, BIO tags that decode back exactly."""

from __future__ import annotations

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from newsspans.errors import IntegrityError
from newsspans.hub.tokenize import bio_tags, decode_bio, ner_tokens, split_at, tokenize

from .conftest import REPO, SEED_ID

ALPHABET = "ab É.’'-,:1 \n🚀👉\u0303“”"


def surfaces(text: str) -> list[str]:
    return [text[s:e] for s, e in tokenize(text)]


@pytest.mark.parametrize(("text", "expected"), [
    ("U.S.-supplied ATACMS", ["U.S.", "-", "supplied", "ATACMS"]),
    ("North Korea’s troops", ["North", "Korea", "’s", "troops"]),
    ("don’t stop", ["don’t", "stop"]),
    ("1,200-tonne ship at 14:05.", ["1,200", "-", "tonne", "ship", "at", "14:05", "."]),
    ("“Peace” talks 📲👉 now", ["“", "Peace", "”", "talks", "📲", "👉", "now"]),
    ("Sq\u0303ana café", ["Sq\u0303ana", "café"]),
])
def test_tokens_on_hard_cases(text: str, expected: list[str]) -> None:
    assert surfaces(text) == expected


@settings(max_examples=300, deadline=None)
@given(st.text(alphabet=ALPHABET, max_size=60))
def test_tokens_cover_every_non_space_character_once(text: str) -> None:
    tokens = tokenize(text)
    covered = [i for s, e in tokens for i in range(s, e)]
    assert covered == sorted(set(covered))
    assert set(covered) == {i for i, ch in enumerate(text) if not ch.isspace()}
    assert all(not text[s:e].isspace() and s < e for s, e in tokens)


def test_split_at_cuts_inside_tokens_only() -> None:
    assert split_at([(0, 7), (8, 10)], [0, 6, 8, 9, 10]) == [(0, 6), (6, 7), (8, 9), (9, 10)]


def test_entity_inside_a_token_is_cut_out_exactly() -> None:
    text = "Houthis fired at U.S.-flagged ships"
    spans = [(0, 6, "NORP"), (17, 21, "GPE")]
    tokens, tags = ner_tokens(text, spans)
    assert [text[s:e] for s, e in tokens] == ["Houthi", "s", "fired", "at", "U.S.", "-", "flagged", "ships"]
    assert tags == ["B-NORP", "O", "O", "O", "B-GPE", "O", "O", "O"]
    assert decode_bio(tokens, tags) == spans


def test_adjacent_names_of_one_type_stay_apart() -> None:
    text = "SCALP Storm Shadow"
    tokens, tags = ner_tokens(text, [(0, 5, "WEA"), (6, 18, "WEA")])
    assert len(tokens) == 3 and tags == ["B-WEA", "B-WEA", "I-WEA"]


def test_overlapping_names_are_refused() -> None:
    with pytest.raises(IntegrityError, match="overlap"):
        ner_tokens("Kursk Oblast", [(0, 12, "GPE"), (0, 5, "GPE")])


def test_span_with_an_edge_on_whitespace_is_refused() -> None:
    with pytest.raises(IntegrityError):
        ner_tokens("in Kursk now", [(2, 8, "GPE")])


def test_bio_tags_need_token_boundaries() -> None:
    with pytest.raises(IntegrityError, match="token boundaries"):
        bio_tags([(0, 5)], [(0, 3, "GPE")])


def test_decode_treats_a_stray_inside_tag_as_a_start() -> None:
    assert decode_bio([(0, 1), (2, 3), (4, 5)], ["O", "I-PER", "I-ORG"]) == [(2, 3, "PER"), (4, 5, "ORG")]


@st.composite
def text_and_names(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, str]]]:
    text = draw(st.text(alphabet=ALPHABET, min_size=1, max_size=50))
    cuts = sorted(draw(st.sets(st.integers(0, len(text)), max_size=8)))
    spans = []
    for start, end in zip(cuts[::2], cuts[1::2], strict=False):
        if start < end and not text[start].isspace() and not text[end - 1].isspace():
            spans.append((start, end, draw(st.sampled_from(["PER", "GPE"]))))
    return text, spans


@settings(max_examples=400, deadline=None)
@given(text_and_names())
def test_tags_decode_back_to_the_names(case: tuple[str, list[tuple[int, int, str]]]) -> None:
    text, spans = case
    tokens, tags = ner_tokens(text, spans)
    assert decode_bio(tokens, tags) == sorted(spans)


def test_seed_named_mentions_round_trip() -> None:
    text = json.loads((REPO / "corpus" / f"{SEED_ID}.json").read_text(encoding="utf-8"))["text"]
    gold = json.loads((REPO / "annotations" / "gold" / f"{SEED_ID}.json").read_text(encoding="utf-8"))
    named = sorted((s["start"], s["end"], s["label"]) for s in gold["spans"]
                   if s["layer"] == "entities" and s["attributes"]["mention"] == "NAM")
    tokens, tags = ner_tokens(text, named)
    assert decode_bio(tokens, tags) == named
    assert "U.S." in [text[s:e] for s, e in tokens]
