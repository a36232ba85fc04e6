"""Which kind of answer a question wants: a list from records, or a search of articles.

The lexicon (intents.yaml) is analysed with the same rules as everything else, so "trainings",
"ტრენინგები", "тренинглар" and "εκπαίδευση" all trigger the same intent, and the words that
triggered it are known: they say *what* is asked for, the remaining words say *which*.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

import yaml

from bot.text.analyzer import LEXICON_LANG, Word, concept_spans, phrase_stems, rules_for
from bot.text.glossary import CONCEPT_PREFIX
from bot.text.scripts import word_script
from bot.text.tokenize import words

LEXICON_FILE = Path(__file__).with_name("intents.yaml")
STRUCTURED = ("trainings", "partners", "events")
Span = tuple[int, int]


@dataclass(frozen=True)
class Intent:
    name: str  # one of STRUCTURED, or "search"
    event_types: frozenset[str]  # event types the question names (workshop, seminar, ...)
    trigger_words: frozenset[int]  # positions of the words that signalled intent or type


@dataclass(frozen=True)
class _Lexicon:
    concepts: dict[str, set[str]]  # intent → concept tokens
    terms: dict[str, set[tuple[str, ...]]]  # intent → stem sequences
    upcoming: set[tuple[str, ...]]  # "upcoming", "next": ask for events on their own
    when: set[tuple[str, ...]]  # question words are stop words: matched on the words as written
    how_many: set[tuple[str, ...]]
    event_types: dict[str, set[str]]  # event type → concept tokens


def _stem_terms(by_lang: dict[str, list[str]] | None) -> set[tuple[str, ...]]:
    found = {phrase_stems(p, lang) for lang, phrases in (by_lang or {}).items() for p in phrases}
    return found - {()}


def _fold(word: str, lang: str) -> str:
    rules = rules_for(word_script(word), lang)
    return rules.fold(word) if rules else word


@cache
def _lexicon() -> _Lexicon:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    concepts = {n: {CONCEPT_PREFIX + c for c in data[n].get("concepts", [])} for n in STRUCTURED}
    terms = {n: _stem_terms(data[n].get("terms")) for n in STRUCTURED}
    when = _surface_phrases(data["events"]["when"])
    types = {t: {CONCEPT_PREFIX + c for c in cs} for t, cs in data["event_types"].items()}
    upcoming = _stem_terms(data["events"]["upcoming"])
    return _Lexicon(concepts, terms, upcoming, when, _surface_phrases(data["how_many"]), types)


def _surface_phrases(by_lang: dict[str, list[str]]) -> set[tuple[str, ...]]:
    return {
        tuple(_fold(w, LEXICON_LANG[lang]) for w in words(phrase))
        for lang, phrases in by_lang.items()
        for phrase in phrases
    }


def _says(question: str, lang: str, phrases: set[tuple[str, ...]]) -> bool:
    """Whether the question contains one of the phrases, compared word by word as folded."""
    folded = [_fold(w, lang) for w in words(question)]
    return any(tuple(folded[i : i + len(p)]) == p for p in phrases for i in range(len(folded)))


def asks_how_many(question: str, lang: str) -> bool:
    """Whether the question asks for a number ("how many", "сколько", "რამდენი", ...)."""
    return _says(question, lang, _lexicon().how_many)


def _term_spans(stems: list[str], terms: set[tuple[str, ...]]) -> list[Span]:
    return [
        (i, i + len(term))
        for i in range(len(stems))
        for term in terms
        if tuple(stems[i : i + len(term)]) == term
    ]


def detect_intent(question: str, lang: str, found: list[Word]) -> Intent:
    """The intent of a question, given its text, language and analysed content words."""
    lexicon = _lexicon()
    stems = [w.stem for w in found]
    concepts = concept_spans(stems)
    signals: dict[str, list[Span]] = {}
    for name in STRUCTURED:
        spans = [(s, e) for s, e, c in concepts if c in lexicon.concepts[name]]
        spans += _term_spans(stems, lexicon.terms[name])
        if spans:
            signals[name] = spans
    type_spans = [
        (s, e) for s, e, c in concepts if any(c in cs for cs in lexicon.event_types.values())
    ]
    types = {t for t, cs in lexicon.event_types.items() for _, _, c in concepts if c in cs}
    upcoming = _term_spans(stems, lexicon.upcoming)
    if "events" in signals or upcoming:
        triggers = {
            i for s, e in signals.get("events", []) + type_spans + upcoming for i in range(s, e)
        }
        asks_when = _says(question, lang, lexicon.when)
        if upcoming or asks_when or len(triggers) == len(found):
            signals["events"] = signals.get("events", []) + upcoming
        else:
            signals.pop("events", None)
    if not signals:
        return Intent("search", frozenset(types), frozenset())
    name = max(STRUCTURED, key=lambda n: (len(signals.get(n, ())), -STRUCTURED.index(n)))
    spans = signals[name] + type_spans + upcoming
    return Intent(name, frozenset(types), frozenset(i for s, e in spans for i in range(s, e)))
