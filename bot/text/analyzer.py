"""Text → index tokens, the one analysis shared by ingestion and questions.

Each word is analysed by the rules of its own script and the text's language (a Latin acronym
inside a Georgian article is not Georgian), and yields up to three tokens:

* its stem, which matches the same word in other inflections within one language;
* ``~key``, a short romanised key (bot.text.translit), which matches names across scripts;
* ``@concept`` for glossary terms (bot.text.glossary), which matches across languages.
"""

from __future__ import annotations

import hashlib
import re
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from babel import Locale
from babel.dates import get_day_names, get_month_names

from bot.languages import BY_TAG, LANGUAGES, LEXICON_LANG, script_reader
from bot.text.glossary import LEXICON_FILES, Glossary, load_glossary
from bot.text.scripts import Script, word_script
from bot.text.tokenize import normalize, words
from bot.text.translit import name_key

# Bump when a change to analysis or to passage cutting changes what is stored for unchanged
# files: every file is then re-read on the next ingest. The glossary's hash is part of it.
_LEXICON_HASH = hashlib.sha256(b"".join(p.read_bytes() for p in LEXICON_FILES)).hexdigest()
ANALYSIS_VERSION = "15+glossary:" + _LEXICON_HASH[:12]


@dataclass(frozen=True, slots=True)
class Word:
    """One content word of a text and the tokens it contributes."""

    surface: str
    stem: str
    tokens: tuple[str, ...]


def rules_for(script: Script, lang: str) -> ModuleType | None:
    """The language module that analyses a word of this script in a text of this language."""
    language = BY_TAG.get(lang)
    if language is not None and script in language.scripts:
        return language.rules
    reader = script_reader(script)
    return reader.rules if reader is not None else None


# An acronym with a case suffix written on ("DXMga", "GIZning", "ДХМда"): Uzbek, Russian
# and Greek writers attach endings to acronyms, and the acronym is what matters.
_SUFFIXED_ACRONYM = re.compile(r"^([^\W\d_a-zа-яёўқғҳα-ωά-ώ]{2,})([a-zа-яёўқғҳα-ωά-ώʻ']{1,6})$")


@lru_cache(maxsize=65536)
def analyze_word(surface: str, lang: str) -> Word | None:
    """Stem and key of one word, or None for stop words; cached because vocabularies are small."""
    if (acronym := _SUFFIXED_ACRONYM.match(surface)) and acronym[1].isupper():
        surface = acronym[1]
    script = word_script(surface)
    if script is Script.DIGIT:
        number = surface.lstrip("0") or "0"
        return Word(surface, number, (number,))
    rules = rules_for(script, lang)
    if rules is None:
        return None
    folded = rules.fold(surface)
    if folded in rules.STOP_WORDS or len(folded) < 2:
        return None
    stem = rules.stem(folded)
    key = name_key(getattr(rules, "key_base", rules.stem)(folded))
    return Word(surface, stem, (stem, key) if key else (stem,))


@lru_cache(maxsize=65536)
def fold_word(word: str, lang: str) -> str:
    """A word as its script's rules fold it before stemming (case, Uzbek script, accents)."""
    word = normalize(word)
    rules = rules_for(word_script(word), lang)
    return rules.fold(word) if rules else word


def content_words(text: str, lang: str) -> list[Word]:
    """The analysed content words of a text, in order."""
    return [w for s in words(text) if (w := analyze_word(s, lang)) is not None]


def concept_spans(stems: list[str]) -> list[tuple[int, int, str]]:
    """Glossary concepts found in a stem sequence, as (start, end, concept) spans."""
    return default_glossary().find(stems)


def analyze(text: str, lang: str) -> list[str]:
    """All index tokens of a text: every word's tokens followed by its concept tokens."""
    found = content_words(text, lang)
    tokens = [t for w in found for t in w.tokens]
    tokens.extend(concept for _, _, concept in concept_spans([w.stem for w in found]))
    return tokens


def phrase_stems(phrase: str, lexicon_lang: str) -> tuple[str, ...]:
    """The stems of a lexicon term, analysed like any text of its language.

    A term of several words must keep at least two of them: "sign up" or "work with" would
    otherwise become the single common word "sign" or "work" once stop words are dropped, and
    every question using that word would carry the term's meaning. Such a term is refused when
    the lexicon is loaded, not found wrong later in a conversation."""
    stems = tuple(w.stem for w in content_words(phrase, LEXICON_LANG[lexicon_lang]))
    if len(stems) == 1 and len(phrase.split()) > 1:
        raise ValueError(
            f"lexicon term {phrase!r} ({lexicon_lang}) collapses to the one word {stems[0]!r}"
        )
    return stems


# Day names that are common words too: Greek Monday to Thursday are the ordinals "second" to
# "fifth", Russian Wednesday is "environment". As concepts they would tie unrelated texts.
_NOT_ONLY_DAYS = frozenset({"δευτέρα", "τρίτη", "τετάρτη", "πέμπτη", "среда"})


def calendar_concepts() -> dict[str, dict[str, list[str]]]:
    """``month_1`` … ``month_12`` and ``weekday_0`` (Monday) … ``weekday_6`` in every lexicon
    language, from CLDR: "December", "დეკემბერი", "декабря" and "Δεκεμβρίου" are one concept,
    and so are "Saturday", "შაბათი", "shanba" and "Σάββατο", so dates and opening days match
    across languages."""
    concepts: dict[str, dict[str, list[str]]] = {}
    for lang, tag in LEXICON_LANG.items():
        locale = Locale.parse(tag, sep="-")
        for context in ("format", "stand-alone"):
            names = [
                (f"month_{number}", name)
                for number, name in get_month_names("wide", context, locale).items()
            ] + [
                (f"weekday_{number}", name)
                for number, name in get_day_names("wide", context, locale).items()
            ]
            for concept, name in names:
                if name.lower() in _NOT_ONLY_DAYS:
                    continue
                terms = concepts.setdefault(concept, {}).setdefault(lang, [])
                if name.lower() not in terms:
                    terms.append(name.lower())
    return concepts


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    endings = {
        language.lexicon: getattr(language.rules, "NAME_ENDINGS", ())
        for language in LANGUAGES
        if language.lexicon
    }
    return load_glossary(phrase_stems, extra=calendar_concepts(), name_endings=endings)
