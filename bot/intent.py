"""Which kind of answer a question wants: a list from records, or a search of articles.

The lexicon (intents.yaml) is analysed with the same rules as everything else, so "trainings",
"ტრენინგები", "тренинглар" and "εκπαίδευση" all trigger the same intent, and the words that
triggered it are known: they say *what* is asked for, the remaining words say *which*.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache
from pathlib import Path

from bot.catalog import LIST_OF
from bot.text.analyzer import Word, concept_spans, phrase_stems
from bot.text.glossary import CONCEPT_PREFIX
from bot.yamlfiles import read_yaml

LEXICON_FILE = Path(__file__).with_name("intents.yaml")
# The kinds a question may ask to have listed (bot.catalog.LISTS), in the lexicon's order:
# when two fire equally, the earlier one in intents.yaml wins.
STRUCTURED = tuple(name for name in read_yaml(LEXICON_FILE) if name in LIST_OF)
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
    event_types: dict[str, set[str]]  # event type → concept tokens
    # Concepts that say a listed thing happened ("held", "took place"), not which one.
    happening: set[str]


def _stem_terms(by_lang: dict[str, list[str]] | None) -> set[tuple[str, ...]]:
    found = {phrase_stems(p, lang) for lang, phrases in (by_lang or {}).items() for p in phrases}
    return found - {()}


@cache
def _lexicon() -> _Lexicon:
    data = read_yaml(LEXICON_FILE)
    concepts = {n: {CONCEPT_PREFIX + c for c in data[n].get("concepts", [])} for n in STRUCTURED}
    terms = {n: _stem_terms(data[n].get("terms")) for n in STRUCTURED}
    types = {t: {CONCEPT_PREFIX + c for c in cs} for t, cs in data["event_types"].items()}
    upcoming = _stem_terms(data["events"]["upcoming"])
    happening = {CONCEPT_PREFIX + c for c in data["happening"]}
    return _Lexicon(concepts, terms, upcoming, types, happening)


def _term_spans(stems: list[str], terms: set[tuple[str, ...]]) -> list[Span]:
    firsts = {term[0] for term in terms}
    return [
        (i, i + len(term))
        for i in range(len(stems))
        if stems[i] in firsts
        for term in terms
        if tuple(stems[i : i + len(term)]) == term
    ]


def detect_intent(
    found: list[Word], *, asks_when: bool = False, window_words: frozenset[int] = frozenset()
) -> Intent:
    """The intent of a question, given its analysed content words, whether it asks when (a
    question word or a time window), and which words name that window (a month, a year)."""
    lexicon = _lexicon()
    stems = [w.stem for w in found]
    concepts = concept_spans(stems)
    happening = {i for s, e, c in concepts if c in lexicon.happening for i in range(s, e)}
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
        triggers |= happening | window_words
        if upcoming or asks_when or len(triggers) == len(found):
            signals["events"] = signals.get("events", []) + upcoming
        else:
            signals.pop("events", None)
    if not signals:
        return Intent("search", frozenset(types), frozenset())
    name = max(STRUCTURED, key=lambda n: (len(signals.get(n, ())), -STRUCTURED.index(n)))
    # An events concept that is no event type ("summer school") says which events, not that
    # events are asked for: it stays a content word and narrows the list.
    typed = set().union(*lexicon.event_types.values())
    named = {
        (s, e)
        for s, e, c in concepts
        if name == "events" and c in lexicon.concepts[name] and c not in typed
    }
    spans = [span for span in signals[name] if span not in named] + type_spans + upcoming
    triggers = {i for s, e in spans for i in range(s, e)} | happening | window_words
    return Intent(name, frozenset(types), frozenset(triggers))
