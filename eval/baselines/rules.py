"""The `rules` baseline: regular expressions and heuristics written from GUIDELINES.md and labels.json.

- structure: page furniture by line (boilerplate.py);
- entities: TIMEX (days, dates, months, years, clock times, relative expressions; 3.9) and WEA
  (acronyms with digits or hyphens, a short list of well-known system names, class acronyms; 3.10);
- attribution: cues of saying from a fixed lexicon with "according to", their SOURCE and CONTENT
  from the clause around the cue, and the cue->source / cue->content relations (section 5);
- events: triggers from the words of each PLOVER label's definition in labels.json, with inflected
  forms; `context` from modal and negation cues to the left of the trigger (4.3).
Nothing here was derived from the test split; nothing is learned.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from dataclasses import dataclass

from newsspans.corpus import Corpus
from newsspans.labels import LabelSet
from newsspans.model import Document

from .base import FitInfo, Prediction, PredRelation, PredSpan, longest_first, outside_blocks
from .boilerplate import MONTHS, TIMESTAMP, WEEKDAYS, boilerplate_spans
from .text import lines, sentences, tokenize, trim

NUMBER_WORDS = r"(?:one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fifteen|twenty|thirty|forty|fifty|hundred|dozens?|several|a few)"
UNIT = r"(?:minutes?|hours?|days?|nights?|weeks?|weekends?|months?|years?|decades?|centuries)"
PART = r"(?:morning|afternoon|evening|night)"
TIMEX_PATTERNS = (
    r"\d{1,2}:\d{2}(?:\s?(?:a\.m\.|p\.m\.|am|pm))?(?:\s(?:GMT|UTC|EST|CET|local time))?",
    rf"(?:(?:early|mid|late)[- ](?:on\s)?)?(?:{WEEKDAYS}(?:,?\s{MONTHS}\s\d{{1,2}},?\s\d{{4}}|,?\s\d{{1,2}}\s{MONTHS}(?:\s\d{{4}})?)?(?:\s{PART})?)",
    rf"(?:(?:early|mid|late)[- ])?(?:\d{{1,2}}\s{MONTHS}(?:,?\s\d{{4}})?|{MONTHS}\s\d{{1,2}}(?:,\s\d{{4}})?|{MONTHS}\s\d{{4}})",
    rf"(?:(?:early|mid|late)[- ]|(?:the\s)?(?:end|start|beginning|middle) of\s)?(?:(?!May\b){MONTHS}|(?:19|20)\d{{2}}s?)",
    rf"(?:\d+|{NUMBER_WORDS})[- ]{UNIT}",
    rf"(?:this|last|next|the coming|the past|the previous|the following|recent|earlier this|later this|the same|the next|the first|a)"
    rf"(?:\s(?:few|{NUMBER_WORDS}|\d+))?\s(?:{UNIT}|{PART}|weekend|spring|summer|autumn|fall|winter)",
    r"today|yesterday|tomorrow|tonight|overnight|now|the future|the past|recently",
)
TIMEX_RE = re.compile(r"(?<![\w-])(?:" + "|".join(TIMEX_PATTERNS) + r")(?![\w-])")
TIMEX_NAM_RE = re.compile(rf"\d|{MONTHS}|{WEEKDAYS}|\b{NUMBER_WORDS}\b", re.I)

KNOWN_WEAPONS = (
    "ATACMS", "HIMARS", "GMLRS", "JDAM", "JASSM", "NASAMS", "IRIS-T", "THAAD", "Patriot", "Iron Dome", "David’s Sling", "David's Sling",
    "Arrow 2", "Arrow 3", "Storm Shadow", "SCALP", "SCALP-EG", "Taurus", "Tomahawk", "Harpoon", "Javelin", "Stinger", "NLAW", "Leopard 2",
    "Abrams", "Bradley", "Challenger 2", "Kalibr", "Iskander", "Iskander-M", "Kinzhal", "Zircon", "Oniks", "Shahed", "Shaheds", "Geran",
    "Lancet", "Bayraktar TB2", "Bayraktar", "BrahMos", "Rafale", "Reaper", "Hellfire", "Tamir", "Aegis", "Sea Baby", "Magura", "Hwasong",
    "Pantsir", "Tor", "Buk", "Gripen", "Typhoon", "Eurofighter", "Starlink",
)
WEAPON_CLASS = r"(?:UAV|UCAV|USV|UUV|ICBM|IRBM|SRBM|ASBM|ASCM|SAM|MANPADS|TLAM|MLRS|SLBM|APC|IFV)s?"
WEAPON_CODE = r"[A-Z][A-Za-z]{0,9}(?:-\d{1,4}[A-Za-z]{0,3}|\d{1,3}[A-Z]{0,2})(?:[-/][A-Z0-9]{1,4})?"
WEA_RE = re.compile(r"(?<![\w-])(?:" + "|".join(re.escape(w) for w in sorted(KNOWN_WEAPONS, key=len, reverse=True))
                    + rf"(?:-\d+[A-Z]?)?|{WEAPON_CLASS}|{WEAPON_CODE})(?![\w-])")
NOT_WEAPONS = re.compile(r"^(?:COVID-19|G-?\d+|P5|M23|Article|Resolution|Operation|Route|Highway|Unit|Block|Section|Chapter|Day|Phase|Level|Area|"
                         r"Zone|Sector|Tor|Typhoon)\b")

CUE_RE = re.compile(
    r"(?<![\w-])(?:[Aa]ccording to|said|says|say|saying|told|tells|tell|telling|added|adding|stated|announced|announcing|claimed|claims|"
    r"claiming|denied|denies|deny|denying|warned|warns|warn|reported|reports|insisted|insists|argued|argues|argue|arguing|noted|stressed|"
    r"confirmed|confirms|acknowledged|believe|believes|believed|accused|accuses|urged|urges|estimated|estimates|wrote|writes|posted)(?![\w-])")
DETERMINERS = re.compile(r"(?:(?:but|and|while|as|so|then|the|a|an|this|these|those|its|their|his|her|some of the|one of the)\s+)+", re.I)
AUXILIARIES = re.compile(r"(?:\s+(?:has|have|had|is|was|were|are|will|would|could|also|again|repeatedly|previously|publicly|privately|never|not|"
                         r"earlier|later|reportedly|already|had|been|widely))+\s*$")
INVERTED_SOURCE = re.compile(r"\s*(?:the|a|an|he|she|they|it|we|I|[A-Z])")
CLAUSE_BREAK = re.compile(r"[,;:“”\"—–(]|\b(?:that|and|but|while|as|when|after|before|because|which|who)\s*$")
TIME_ADVERBIAL = re.compile(rf"^\s*(?:(?:late |early )?on\s{WEEKDAYS}|earlier|later|in a statement|on social media|in an interview)?,?\s*")
OBJECT_THEN_THAT = re.compile(r"\s*(?:[\w’'.-]+\s+){0,6}?that\s+")

EVENT_IRREGULAR = {"strike": ("struck",), "meet": ("met",), "fight": ("fought",), "hold": ("held",), "shoot": ("shot",), "seize": ("seized",),
                   "withdraw": ("withdrew", "withdrawn"), "give": ("gave", "given"), "send": ("sent",), "break": ("broke", "broken")}
EVENT_STOPWORDS = frozenset({"also", "another", "other", "party", "parties", "someone", "forces", "force", "levels", "people", "armed", "military",
                             "economic", "humanitarian", "political", "diplomatic", "relations", "restrictions", "action", "including", "abroad",
                             "troops", "down", "about", "against", "with", "from", "into", "agreement", "deal", "ceasefire", "sanctions", "aid",
                             "wrongdoing", "general", "kind", "what", "that", "this", "use"})
FUTURE_CUES = re.compile(r"\b(?:will|shall|plans?|planned|planning|expected|expects|set|due|intends?|going|authori[sz]ed|approved|allow|allowed|to)"
                         r"\s*(?:\w+\s+)?$")
HYPOTHETICAL_CUES = re.compile(r"\b(?:would|could|may|might|possible|potential|if|whether|proposed|unless|risk)\b[^.]*$")
NEGATED_CUES = re.compile(r"\b(?:not|no|never|n’t|n't|denied|without)\s+(?:\w+\s+){0,2}$")


def timex_spans(text: str, start: int, end: int) -> list[PredSpan]:
    found = []
    for m in TIMEX_RE.finditer(text, start, end):
        mention = "NAM" if TIMEX_NAM_RE.search(m.group()) else "NOM"
        found.append(PredSpan("entities", "TIMEX", m.start(), m.end(), (("mention", mention),)))
    return found


def weapon_spans(text: str, start: int, end: int) -> list[PredSpan]:
    found = []
    for m in WEA_RE.finditer(text, start, end):
        if NOT_WEAPONS.match(m.group()) and m.group() not in KNOWN_WEAPONS:
            continue
        if re.fullmatch(r"[A-Z]\d{1,2}", m.group()):
            continue  # "A4", "M1": too ambiguous without a list
        found.append(PredSpan("entities", "WEA", m.start(), m.end(), (("mention", "NAM"),)))
    return found


@dataclass(frozen=True, slots=True)
class Attribution:
    cue: PredSpan
    source: PredSpan | None
    content: PredSpan | None


def _span(text: str, label: str, start: int, end: int, min_tokens: int = 1) -> PredSpan | None:
    extent = trim(text, start, end)
    if extent is None:
        return None
    s, e = extent
    if label == "SOURCE":
        det = DETERMINERS.match(text, s, e)
        s = det.end() if det else s
        aux = AUXILIARIES.search(text, s, e)
        e = aux.start() if aux else e
    if label == "CONTENT" and text.startswith("that ", s):
        s += 5
    extent = trim(text, s, e)
    if extent is None or len(tokenize(text, *extent)) < min_tokens:
        return None
    return PredSpan("attribution", label, extent[0], extent[1])


def attributions(text: str, start: int, end: int) -> Iterator[Attribution]:
    """Cue, source and content of each cue in the sentence `[start, end)`."""
    for m in CUE_RE.finditer(text, start, end):
        cue = PredSpan("attribution", "CUE", m.start(), m.end())
        left = text[start:m.start()]
        if m.group().lower() == "according to":
            stop = re.search(r"[,;.]|$", text[m.end():end])
            src_end = m.end() + (stop.start() if stop else 0)
            source = _span(text, "SOURCE", m.end(), src_end)
            if left.strip():
                content = _span(text, "CONTENT", start, m.start(), 2)
            else:
                content = _span(text, "CONTENT", src_end, end, 2)
            yield Attribution(cue, source, content)
            continue
        boundary = max((b.end() for b in CLAUSE_BREAK.finditer(left)), default=0)
        subject = left[boundary:]
        right_start = m.end()
        rest = text[right_start:end]
        ends_sentence = not re.search(r"[^\W\d_]", re.sub(rf"^\s*(?:on\s{WEEKDAYS}|in a statement|on \w+)?", "", rest))
        if subject.strip():
            source = _span(text, "SOURCE", start + boundary, m.start())
            if source is not None and len(tokenize(text, source.start, source.end)) > 10:
                source = None
        else:
            inverted = re.match(r"^\s*([^,.;]{1,80})", rest) if INVERTED_SOURCE.match(rest) else None
            source = _span(text, "SOURCE", right_start, right_start + inverted.end()) if inverted else None
            if source is not None:
                right_start = source.end
                rest = text[right_start:end]
                ends_sentence = True
        if ends_sentence or (not subject.strip() and boundary > 0):
            content_end = start + boundary
            while content_end > start and text[content_end - 1] in ",“”\"— ":
                content_end -= 1
            content = _span(text, "CONTENT", start, content_end, 2) if boundary > 0 else None
        else:
            skip = TIME_ADVERBIAL.match(rest)
            offset = right_start + (skip.end() if skip else 0)
            if m.group() in {"told", "tells", "tell", "telling"}:
                obj = OBJECT_THEN_THAT.match(text, offset, end)
                offset = obj.end() if obj else offset
            following = re.search(r",\s+(?=" + CUE_RE.pattern + ")", text[offset:end])
            content = _span(text, "CONTENT", offset, offset + following.start() if following else end, 2)
        yield Attribution(cue, source, content)


def event_lexicon(labels: LabelSet) -> dict[str, str]:
    """Trigger word -> PLOVER label, from the words of each label's definition (with inflections)."""
    out: dict[str, str] = {}
    for spec in labels.layer("events").labels:
        for word in re.findall(r"[a-z]+", spec.definition.lower()):
            if len(word) < 4 or word in EVENT_STOPWORDS:
                continue
            for form in _inflections(word):
                out.setdefault(form, spec.name)
    return out


def _inflections(word: str) -> tuple[str, ...]:
    stem = word[:-1] if word.endswith("e") else word
    forms = {word, word + "s", stem + "ed", stem + "ing", stem + "ion", *EVENT_IRREGULAR.get(word, ())}
    if word.endswith(("ing", "ed", "s")):
        forms = {word}
    return tuple(sorted(forms))


def event_context(text: str, sentence_start: int, trigger_start: int) -> str:
    left = text[sentence_start:trigger_start]
    window = " ".join(left.split()[-5:])
    if NEGATED_CUES.search(window + " "):
        return "negated"
    if FUTURE_CUES.search(window + " "):
        return "future"
    if HYPOTHETICAL_CUES.search(window):
        return "hypothetical"
    return "asserted"


class RulesBaseline:
    """Hand-written rules over all four layers (see the module docstring)."""

    name = "rules"

    def __init__(self) -> None:
        self._events: dict[str, str] = {}

    def fit(self, corpus: Corpus, log: Callable[[str], None]) -> FitInfo:
        self._events = event_lexicon(corpus.labels)
        return FitInfo("regular expressions and heuristics from the guidelines; event triggers from labels.json definitions",
                       notes=(f"{len(self._events)} event trigger forms from labels.json",))

    def predict(self, doc: Document) -> Prediction:
        text = doc.text
        blocks = boilerplate_spans(text)
        extents = [(b.start, b.end) for b in blocks]
        spans: list[PredSpan] = list(blocks)
        relations: list[PredRelation] = []
        entities: list[PredSpan] = []
        for start, end in lines(text):
            entities += timex_spans(text, start, end) + weapon_spans(text, start, end)
            stamp = TIMESTAMP.match(text[start:end])
            for s_start, s_end in sentences(text, start + (stamp.end() if stamp else 0), end):
                for att in attributions(text, s_start, s_end):
                    if att.content is None:
                        continue
                    spans.append(att.cue)
                    spans.append(att.content)
                    relations.append(PredRelation("content", att.cue, att.content))
                    if att.source is not None:
                        spans.append(att.source)
                        relations.append(PredRelation("source", att.cue, att.source))
                for tok in tokenize(text, s_start, s_end):
                    label = self._events.get(tok.text.lower())
                    if label and not (tok.end < len(text) and text[tok.end] == "-"):
                        context = event_context(text, s_start, tok.start)
                        spans.append(PredSpan("events", label, tok.start, tok.end, (("context", context),)))
        spans += longest_first(entities)
        body = [s for s in spans if s.layer == "structure"] + outside_blocks([s for s in spans if s.layer != "structure"], extents)
        kept = set(body)
        return Prediction(tuple(body), tuple(r for r in relations if r.head in kept and r.tail in kept))
