"""What a question asks for, and for when: the answer type and the time window.

Question words are stop words, so they are matched as written, folded like every word of their
script (asks.yaml). The answer type decides which sentence is quoted: a question asking "how
many" is answered by a sentence with a number, "when" by one with a date, "where do I register"
by one with a link. A time window ("in December", "next week") narrows an events list; month
names come from CLDR through Babel for every reply language, analysed like any word, so
"декабре", "დეკემბერში" and "dekabrda" all name December.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import datetime, timedelta
from functools import cache, lru_cache
from pathlib import Path

from babel.dates import get_month_names

from bot.i18n import babel_locale
from bot.languages import LEXICON_LANG
from bot.text.analyzer import Word, analyze_word, concept_spans, fold_word
from bot.text.tokenize import words
from bot.yamlfiles import read_yaml

ASKS_FILE = Path(__file__).with_name("asks.yaml")
ANSWER_TYPES = ("person", "date", "time", "place", "number", "money", "link", "list")
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class Window:
    """A span of time a question is about: ``start`` inclusive, ``end`` exclusive."""

    start: datetime
    end: datetime
    name: str  # "month", "this_week", ...: what the question said, for the reply
    # A month named without its year ("in July") is taken to be the coming one; the question
    # may well be about the last one, which is what the knowledge has.
    year_guessed: bool = False


@lru_cache(maxsize=65536)
def _key(word: str, lang: str) -> str:
    """A word as phrases are compared: its stem, so "τι ώρες" is "τι ώρα"; a stop word (most
    question words are) as folded."""
    found = analyze_word(word, lang)
    return found.stem if found is not None else fold_word(word, lang)


class Phrases:
    """Phrases (sequences of word keys), found in a question by their first word."""

    def __contains__(self, phrase: tuple[str, ...]) -> bool:
        return phrase in self._by_first.get(phrase[0], ())

    def __init__(self, phrases: set[tuple[str, ...]]) -> None:
        self._by_first: dict[str, list[tuple[str, ...]]] = {}
        for phrase in sorted(phrases, key=len, reverse=True):
            self._by_first.setdefault(phrase[0], []).append(phrase)

    def __or__(self, other: Phrases) -> Phrases:
        joined = Phrases(set())
        for source in (self, other):
            for first, phrases in source._by_first.items():
                joined._by_first.setdefault(first, []).extend(phrases)
        return joined

    def spans(self, keys: list[str]) -> list[tuple[int, int]]:
        """(start, length) of every occurrence."""
        return [
            (i, len(phrase))
            for i, key in enumerate(keys)
            for phrase in self._by_first.get(key, ())
            if tuple(keys[i : i + len(phrase)]) == phrase
        ]


def _phrases(by_lang: dict[str, list[str]]) -> Phrases:
    return Phrases(
        {
            tuple(_key(w, LEXICON_LANG[lang]) for w in words(phrase))
            for lang, phrases in by_lang.items()
            for phrase in phrases
        }
        - {()}
    )


@cache
def _lexicon() -> tuple[dict[str, Phrases], dict[str, Phrases]]:
    data = read_yaml(ASKS_FILE)
    types = {t: _phrases(data[t]) for t in ANSWER_TYPES}
    windows = {name: _phrases(by_lang) for name, by_lang in data["window"].items()}
    types["filler"] = _phrases(data["filler"])
    types["which_or_who"] = _phrases(data["which_or_who"])
    types["where_opening_only"] = _phrases(data["where_opening_only"])
    types["which_before_plural"] = _phrases(data["which_before_plural"])
    return types, windows


@cache
def _forms() -> dict[str, frozenset[str]]:
    """The one-word terms of each kind of answer, as written in the lexicon (folded)."""
    data = read_yaml(ASKS_FILE)
    return {
        kind: frozenset(
            fold_word(term, LEXICON_LANG[lang])
            for lang, terms in data[kind].items()
            for term in terms
            if " " not in term
        )
        for kind in ANSWER_TYPES
    }


@cache
def _plural_endings() -> dict[str, re.Pattern[str]]:
    data = read_yaml(ASKS_FILE)
    return {lang: re.compile(pattern) for lang, pattern in data["plural_ending"].items()}


def _asks_which_things(typed: list[str], keys: list[str], lang: str, taken: set[int]) -> bool:
    """Whether a "which" word, not part of a phrase asking something else (``taken``: "რა
    საათებში", at what hours), is followed within two words by a plural noun ("which
    countries", "qaysi xalqaro tashkilotlar"): the question wants every one of them."""
    return bool(_which_plurals(typed, keys, lang, taken))


def listed_words(text: str, lang: str) -> tuple[str, ...]:
    """The plural nouns, as written, that a "which" word asks for ("which *modules*"): the
    sentence that introduces a list of them starts the answer."""
    return _which_plurals(*_keys(text, lang), lang, set())


def _which_plurals(
    typed: list[str], keys: list[str], lang: str, taken: set[int]
) -> tuple[str, ...]:
    which = _lexicon()[0]["which_before_plural"]
    return tuple(
        typed[j]
        for i, key in enumerate(keys)
        if i not in taken and (key,) in which
        # Within two words: an adjective may come before the noun ("qaysi xalqaro
        # tashkilotlar"), a second noun after it ("რომელი ქალაქების მერიებიდან").
        for j in (i + 1, i + 2)
        if _plural_noun(typed, j, lang)
    )


@cache
def month_stems() -> dict[str, int]:
    """Stem of every month name (wide and abbreviated, both grammatical contexts) → month."""
    found: dict[str, int] = {}
    for lang in LEXICON_LANG.values():
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                names = get_month_names(width, context, babel_locale(lang))
                for number, name in names.items():
                    word = analyze_word(name.strip("."), lang)
                    if word is not None and len(word.stem) >= 3 and not word.stem.isdigit():
                        found.setdefault(word.stem, number)
    return found


def _plural_noun(typed: list[str], at: int, lang: str) -> bool:
    """Whether the word at ``at`` is a plural noun: "ποιες κατηγορίες" is which categories,
    not who."""
    ending = _plural_endings().get(lang.split("-")[0])
    return (
        ending is not None
        and at < len(typed)
        and analyze_word(typed[at], lang) is not None
        and bool(ending.search(fold_word(typed[at], lang)))
    )


def _names_a_thing(typed: list[str], at: int, lang: str) -> bool:
    """Whether the word at ``at`` is a term of the glossary: then the question word before it
    is a determiner ("ποια εργαστήρια", which workshops), not "who" (Greek ποιος is both)."""
    if at >= len(typed):
        return False
    word = analyze_word(typed[at], lang)
    return word is not None and bool(concept_spans([word.stem]))


def _keys(text: str, lang: str) -> tuple[list[str], list[str]]:
    typed = list(words(text))
    return typed, [_key(w, lang) for w in typed]


def answer_types(text: str, lang: str) -> frozenset[str]:
    """The kinds of answer the question's words ask for (person, date, place, number, link).
    Longer phrases first, and a word counts once: in "soat nechada" ("at what hour") the
    word for "how many" belongs to the question about time."""
    typed, keys = _keys(text, lang)
    types, _windows = _lexicon()
    found = [
        (size, i, kind)
        for kind in ANSWER_TYPES
        for i, size in types[kind].spans(keys)
        if not (
            kind == "person"
            and (keys[i],) in types["which_or_who"]
            and (_names_a_thing(typed, i + size, lang) or _plural_noun(typed, i + size, lang))
        )
        and not (kind == "place" and i > 0 and (keys[i],) in types["where_opening_only"])
    ]
    # "How many registered": the words right after "how many" say what is counted, even when
    # they could ask for something else (a link, here); "how much does it cost" asks a price.
    counted = {i + size + k for size, i, kind in found if kind == "number" for k in (0, 1)}
    found = [f for f in found if f[2] in ("number", "money") or f[1] not in counted]
    taken: set[int] = set()
    asked = set()
    # Of two kinds a word's stem asks for, the one listing the word as written wins: "necha
    # kishi" counts people, while "nechada" (the same stem) asks the time.
    written = [fold_word(word, lang) for word in typed]
    by_form = _forms()
    for size, start, kind in sorted(
        found, key=lambda f: (-f[0], written[f[1]] not in by_form.get(f[2], ()))
    ):
        span = set(range(start, start + size))
        if not span & taken:
            taken |= span
            asked.add(kind)
    if _asks_which_things(typed, keys, lang, taken):
        asked.add("list")
    if "money" in asked:
        asked.discard("number")  # "how much does it cost": a sum, not any number
    if "list" in asked:
        # "Which citizens pay no fee?" asks for the citizens: the fee is what they concern.
        asked.discard("money")
    if "time" in asked:
        asked.add("date")  # a question about the time is one about when: the same refusals
    return frozenset(asked)


def asking_words(text: str, lang: str) -> frozenset[str]:
    """Words that only ask (fillers such as "tell me about", and question phrases such as "what
    time", "which city"), as written: they say what kind of answer is wanted, not about what.
    Words asking for a link ("register", "website") stay: the passage with the link has them.
    Words naming a relative time ("next week") go too: the time window says when."""
    typed, keys = _keys(text, lang)
    return frozenset(typed[j] for i, size in _asking().spans(keys) for j in range(i, i + size))


def counted_words(text: str, lang: str) -> tuple[str, ...]:
    """The words, as written, next to "how many": what is counted ("how many *employees*",
    "сколько *сёл*", and before it where the language puts it there: "*нархи* қанча"). A
    number in the answer must be a number of that."""
    typed, keys = _keys(text, lang)
    types, _windows_by_name = _lexicon()
    found = []
    for i, size in types["number"].spans(keys):
        # Two words after, as an adjective may come first ("сколько узбекских госслужащих").
        found += [typed[j] for j in (i + size, i + size + 1, i - 1) if 0 <= j < len(typed)]
    return tuple(found)


@cache
def _number_words() -> frozenset[str]:
    data = read_yaml(ASKS_FILE)["number_words"]
    return frozenset(
        fold_word(word, LEXICON_LANG[lang]) for lang, found in data.items() for word in found
    )


def has_number(text: str, lang: str) -> bool:
    """Whether the text gives a number: digits, or a number word of its language."""
    if any(ch.isdigit() for ch in text):
        return True
    return any(fold_word(word, lang) in _number_words() for word in words(text))


def time_words(text: str, lang: str) -> frozenset[str]:
    """The words, as written, of the relative times the question names ("next week")."""
    typed, keys = _keys(text, lang)
    return frozenset(typed[j] for i, size in _windows().spans(keys) for j in range(i, i + size))


@cache
def _windows() -> Phrases:
    found = Phrases(set())
    for phrases in _lexicon()[1].values():
        found = found | phrases
    return found


@cache
def _asking() -> Phrases:
    types, _windows_by_name = _lexicon()
    found = _windows()
    for phrases in [*(types[t] for t in ("filler", "person", "date", "time", "place", "number"))]:
        found = found | phrases
    return found


def _month_window(month: int, year: int | None, now: datetime) -> Window:
    guessed = year is None
    if year is None:
        year = now.year if month >= now.month else now.year + 1
    return month_of(year, month, now, guessed=guessed)


def month_of(year: int, month: int, now: datetime, *, guessed: bool = False) -> Window:
    """The window of one month (in ``now``'s zone)."""
    start = now.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
    days = calendar.monthrange(year, month)[1]
    return Window(start, start + timedelta(days=days), "month", guessed)


# How far ahead "the next one" is looked for.
NEXT_DAYS = 366


def time_window(text: str, lang: str, found: list[Word], now: datetime) -> Window | None:
    """The span the question is about, relative to ``now``; None when it names none."""
    years = [int(w.surface) for w in found if _YEAR.match(w.surface)]
    year = years[0] if len(years) == 1 else None
    months = [m for w in found if (m := month_stems().get(w.stem))]
    if months:
        return _month_window(months[0], year, now)
    _typed, keys = _keys(text, lang)
    _types, windows = _lexicon()
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = day - timedelta(days=day.weekday())
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    spans = {
        "now": (now, now + timedelta(minutes=1)),
        "today": (day, day + timedelta(days=1)),
        "tomorrow": (day + timedelta(days=1), day + timedelta(days=2)),
        "this_week": (now, week + timedelta(days=7)),
        "next_week": (week + timedelta(days=7), week + timedelta(days=14)),
        "this_month": (now, next_month),
        "next_month": (next_month, (next_month + timedelta(days=32)).replace(day=1)),
        "this_year": (now, day.replace(year=day.year + 1, month=1, day=1)),
        "next": (now, now + timedelta(days=NEXT_DAYS)),
    }
    for name, phrases in windows.items():
        if phrases.spans(keys):
            return Window(*spans[name], name)
    if year is not None:
        start = day.replace(year=year, month=1, day=1)
        return Window(start, start.replace(year=year + 1), "year")
    return None


def window_words(found: list[Word]) -> frozenset[int]:
    """Positions of the words that name a month or a year: they say when, not which."""
    return frozenset(
        i for i, w in enumerate(found) if w.stem in month_stems() or _YEAR.match(w.surface)
    )
