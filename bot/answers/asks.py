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
from functools import cache
from pathlib import Path

import yaml
from babel.dates import get_month_names

from bot.i18n import babel_locale
from bot.text.analyzer import LEXICON_LANG, Word, analyze_word, fold_word
from bot.text.tokenize import words

ASKS_FILE = Path(__file__).with_name("asks.yaml")
ANSWER_TYPES = ("person", "date", "place", "number", "link")
# The languages whose month names are read (CLDR locales of the reply languages).
_MONTH_LOCALES = {"en": "en", "ka": "ka", "ru": "ru", "uz-Latn": "uz-Latn", "el": "el"}
_YEAR = re.compile(r"^(19|20)\d\d$")


@dataclass(frozen=True)
class Window:
    """A span of time a question is about: ``start`` inclusive, ``end`` exclusive."""

    start: datetime
    end: datetime
    name: str  # "month", "this_week", ...: what the question said, for the reply


def _key(word: str, lang: str) -> str:
    """A word as phrases are compared: its stem, so "τι ώρες" is "τι ώρα"; a stop word (most
    question words are) as folded."""
    found = analyze_word(word, lang)
    return found.stem if found is not None else fold_word(word, lang)


def _phrases(by_lang: dict[str, list[str]]) -> set[tuple[str, ...]]:
    return {
        tuple(_key(w, LEXICON_LANG[lang]) for w in words(phrase))
        for lang, phrases in by_lang.items()
        for phrase in phrases
    }


@cache
def _lexicon() -> tuple[dict[str, set[tuple[str, ...]]], dict[str, set[tuple[str, ...]]]]:
    data = yaml.safe_load(ASKS_FILE.read_text(encoding="utf-8"))
    types = {t: _phrases(data[t]) for t in ANSWER_TYPES}
    windows = {name: _phrases(by_lang) for name, by_lang in data["window"].items()}
    types["filler"] = _phrases(data["filler"])
    return types, windows


@cache
def month_stems() -> dict[str, int]:
    """Stem of every month name (wide and abbreviated, both grammatical contexts) → month."""
    found: dict[str, int] = {}
    for lang, locale in _MONTH_LOCALES.items():
        for width in ("wide", "abbreviated"):
            for context in ("format", "stand-alone"):
                names = get_month_names(width, context, babel_locale(locale))
                for number, name in names.items():
                    word = analyze_word(name.strip("."), lang)
                    if word is not None and len(word.stem) >= 3 and not word.stem.isdigit():
                        found.setdefault(word.stem, number)
    return found


def _contains(folded: list[str], phrases: set[tuple[str, ...]]) -> bool:
    return any(
        tuple(folded[i : i + len(p)]) == p
        for p in phrases
        for i in range(len(folded) - len(p) + 1)
    )


def _phrase_words(text: str, lang: str, phrases: set[tuple[str, ...]]) -> frozenset[str]:
    """The words of ``text``, as written, inside any of the phrases."""
    typed = list(words(text))
    folded = [_key(w, lang) for w in typed]
    found: set[str] = set()
    for phrase in phrases:
        for i in range(len(folded) - len(phrase) + 1):
            if tuple(folded[i : i + len(phrase)]) == phrase:
                found.update(typed[i : i + len(phrase)])
    return frozenset(found)


def answer_types(text: str, lang: str) -> frozenset[str]:
    """The kinds of answer the question's words ask for (person, date, place, number, link).
    Longer phrases first, and a word counts once: in "soat nechada" ("at what hour") the
    word for "how many" belongs to the question about time."""
    folded = [_key(w, lang) for w in words(text)]
    types, _windows = _lexicon()
    found = [
        (len(phrase), i, kind)
        for kind in ANSWER_TYPES
        for phrase in types[kind]
        for i in range(len(folded) - len(phrase) + 1)
        if tuple(folded[i : i + len(phrase)]) == phrase
    ]
    taken: set[int] = set()
    asked = set()
    for size, start, kind in sorted(found, key=lambda f: -f[0]):
        span = set(range(start, start + size))
        if not span & taken:
            taken |= span
            asked.add(kind)
    return frozenset(asked)


def asking_words(text: str, lang: str) -> frozenset[str]:
    """Words that only ask (fillers such as "tell me about", and question phrases such as "what
    time", "which city"), as written: they say what kind of answer is wanted, not about what.
    Words asking for a link ("register", "website") stay: the passage with the link has them.
    Words naming a relative time ("next week") go too: the time window says when."""
    types, windows = _lexicon()
    asking = set().union(*(types[t] for t in ("filler", "person", "date", "place", "number")))
    return _phrase_words(text, lang, asking.union(*windows.values()))


def _month_window(month: int, year: int | None, now: datetime) -> Window:
    if year is None:
        year = now.year if month >= now.month else now.year + 1
    start = now.replace(year=year, month=month, day=1, hour=0, minute=0, second=0, microsecond=0)
    days = calendar.monthrange(year, month)[1]
    return Window(start, start + timedelta(days=days), "month")


def time_window(text: str, lang: str, found: list[Word], now: datetime) -> Window | None:
    """The span the question is about, relative to ``now``; None when it names none."""
    years = [int(w.surface) for w in found if _YEAR.match(w.surface)]
    year = years[0] if len(years) == 1 else None
    months = [m for w in found if (m := month_stems().get(w.stem))]
    if months:
        return _month_window(months[0], year, now)
    folded = [_key(w, lang) for w in words(text)]
    _types, windows = _lexicon()
    day = now.replace(hour=0, minute=0, second=0, microsecond=0)
    week = day - timedelta(days=day.weekday())
    month = day.replace(day=1)
    next_month = (month + timedelta(days=32)).replace(day=1)
    spans = {
        "today": (day, day + timedelta(days=1)),
        "tomorrow": (day + timedelta(days=1), day + timedelta(days=2)),
        "this_week": (now, week + timedelta(days=7)),
        "next_week": (week + timedelta(days=7), week + timedelta(days=14)),
        "this_month": (now, next_month),
        "next_month": (next_month, (next_month + timedelta(days=32)).replace(day=1)),
        "this_year": (now, day.replace(year=day.year + 1, month=1, day=1)),
    }
    for name, phrases in windows.items():
        if _contains(folded, phrases):
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
