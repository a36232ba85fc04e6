"""Which kind of answer a question wants: a list from records, or a search of articles.

The lexicon (intents.yaml) is analysed with the same rules as everything else, so "trainings",
"ტრენინგები", "тренинглар" and "εκπαίδευση" all trigger the same intent, and the words that
triggered it are known: they say *what* is asked for, the remaining words say *which*.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from bot.text.analyzer import Word, concept_spans, content_words
from bot.text.glossary import CONCEPT_PREFIX

LEXICON_FILE = Path(__file__).with_name("intents.yaml")
STRUCTURED = ("trainings", "partners", "events")
_ANALYSER_LANG = {"en": "en", "ka": "ka", "ru": "ru", "uz": "uz-Latn", "el": "el"}


@dataclass(frozen=True)
class Intent:
    name: str  # one of STRUCTURED, or "search"
    event_types: frozenset[str]  # event types the question names (workshop, seminar, ...)
    trigger_words: frozenset[int]  # positions of the words that signalled intent or type


@dataclass(frozen=True)
class _Lexicon:
    concepts: dict[str, set[str]]  # intent → concept tokens
    terms: dict[str, set[tuple[str, ...]]]  # intent → stem sequences
    event_types: dict[str, set[str]]  # event type → concept tokens


@lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    data = yaml.safe_load(LEXICON_FILE.read_text(encoding="utf-8"))
    concepts: dict[str, set[str]] = {}
    terms: dict[str, set[tuple[str, ...]]] = {}
    for name in STRUCTURED:
        entry = data[name]
        concepts[name] = {CONCEPT_PREFIX + c for c in entry.get("concepts", [])}
        terms[name] = set()
        for lang, phrases in (entry.get("terms") or {}).items():
            for phrase in phrases:
                stems = tuple(w.stem for w in content_words(phrase, _ANALYSER_LANG[lang]))
                if stems:
                    terms[name].add(stems)
    types = {t: {CONCEPT_PREFIX + c for c in cs} for t, cs in data["event_types"].items()}
    return _Lexicon(concepts, terms, types)


def _term_spans(stems: list[str], terms: set[tuple[str, ...]]) -> list[tuple[int, int]]:
    return [
        (i, i + len(term))
        for i in range(len(stems))
        for term in terms
        if tuple(stems[i : i + len(term)]) == term
    ]


def detect_intent(words: list[Word]) -> Intent:
    """The intent of a question given its analysed content words."""
    lexicon = _lexicon()
    stems = [w.stem for w in words]
    concepts = concept_spans(stems)
    signals: dict[str, list[tuple[int, int]]] = {}
    for name in STRUCTURED:
        spans = [(s, e) for s, e, c in concepts if c in lexicon.concepts[name]]
        spans += _term_spans(stems, lexicon.terms[name])
        if spans:
            signals[name] = spans
    types = {t for t, cs in lexicon.event_types.items() for _, _, c in concepts if c in cs}
    type_spans = [
        (s, e) for s, e, c in concepts if any(c in cs for cs in lexicon.event_types.values())
    ]
    if not signals:
        return Intent("search", frozenset(types), frozenset())
    name = max(STRUCTURED, key=lambda n: (len(signals.get(n, ())), -STRUCTURED.index(n)))
    spans = signals[name] + type_spans
    return Intent(name, frozenset(types), frozenset(i for s, e in spans for i in range(s, e)))
