"""Text → index tokens, the one analysis shared by ingestion and questions.

Each word is analysed by the rules of its own script and the text's language (a Latin acronym
inside a Georgian article is not Georgian), and yields up to three tokens:

* its stem, which matches the same word in other inflections within one language;
* ``~key``, a short romanised key (bot.text.translit), which matches names across scripts;
* ``@concept`` for glossary terms (bot.text.glossary), which matches across languages.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from functools import lru_cache
from types import ModuleType

from bot.text import el, en, ka, ru, uz
from bot.text.glossary import GLOSSARY_FILE, Glossary, load_glossary
from bot.text.scripts import Script, word_script
from bot.text.tokenize import normalize, words
from bot.text.translit import name_key

# Bump when a change to analysis or to passage cutting changes what is stored for unchanged
# files: every file is then re-read on the next ingest. The glossary's hash is part of it.
ANALYSIS_VERSION = "4+glossary:" + hashlib.sha256(GLOSSARY_FILE.read_bytes()).hexdigest()[:12]


@dataclass(frozen=True, slots=True)
class Word:
    """One content word of a text and the tokens it contributes."""

    surface: str
    stem: str
    tokens: tuple[str, ...]


def rules_for(script: Script, lang: str) -> ModuleType | None:
    """The language module that analyses a word of this script in a text of this language."""
    uzbek = lang.split("-")[0] == "uz"
    match script:
        case Script.GEORGIAN:
            return ka
        case Script.GREEK:
            return el
        case Script.CYRILLIC:
            return uz if uzbek else ru
        case Script.LATIN:
            return uz if uzbek else en
    return None


@lru_cache(maxsize=65536)
def analyze_word(surface: str, lang: str) -> Word | None:
    """Stem and key of one word, or None for stop words; cached because vocabularies are small."""
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


# Lexicon files (glossary.yaml, intents.yaml) list terms by language, not by script: Uzbek terms
# are written in Latin, and Cyrillic text folds to the same stems.
LEXICON_LANG = {"en": "en", "ka": "ka", "ru": "ru", "uz": "uz-Latn", "el": "el"}


def phrase_stems(phrase: str, lexicon_lang: str) -> tuple[str, ...]:
    """The stems of a lexicon term, analysed like any text of its language."""
    return tuple(w.stem for w in content_words(phrase, LEXICON_LANG[lexicon_lang]))


@lru_cache(maxsize=1)
def default_glossary() -> Glossary:
    return load_glossary(phrase_stems)
