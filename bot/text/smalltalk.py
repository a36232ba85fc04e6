"""Greetings and thanks: messages that are not questions (bot.text.smalltalk.yaml).

A message made only of such words, stop words and punctuation ("hi!", "спасибо большое",
"gamarjoba") is answered with a greeting and a hint, not searched for: a search would either
find nothing and apologise, or match a stray word of some article. One with other words too
is searched, and greeted back only when none of them is of the domain.
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.text.analyzer import fold_word, rules_for
from bot.text.romanized import LATIN_WORD, ROMANIZED_LANGS, sound_key, to_native
from bot.text.scripts import word_script
from bot.text.tokenize import words
from bot.yamlfiles import read_yaml

SMALLTALK_FILE = Path(__file__).with_name("smalltalk.yaml")


@cache
def _lexicon() -> dict[str, dict[str, frozenset[str]]]:
    """kind → language → the folded words of its phrases."""
    data = read_yaml(SMALLTALK_FILE)
    return {
        kind: {
            lang: frozenset(fold_word(w, lang) for p in phrases for w in words(p))
            for lang, phrases in by_lang.items()
        }
        for kind, by_lang in data.items()
    }


@cache
def smalltalk_words(lang: str, *, romanized: bool = False) -> frozenset[str]:
    """The folded words of every greeting and thanks in ``lang``; with ``romanized``, their
    sound keys, to compare with a Latin-typed word spelt back (bot.text.romanized)."""
    found = frozenset().union(*(by_lang.get(lang, frozenset()) for by_lang in _lexicon().values()))
    return frozenset(sound_key(w, lang) for w in found) if romanized else found


def _kind_of(word: str, lang: str, romanized: bool) -> str | None:
    for kind, by_lang in _lexicon().items():
        if romanized:
            keys = {sound_key(w, lang) for w in by_lang.get(lang, ())}
            if sound_key(fold_word(to_native(word, lang), lang), lang) in keys:
                return kind
        elif fold_word(word, lang) in by_lang.get(lang, ()):
            return kind
    return None


def smalltalk_kind(text: str, lang: str, *, romanized: bool = False) -> str | None:
    """``"greeting"`` or ``"thanks"`` when the message is nothing else; None for a question.
    Stop words may surround the phrase ("thank you so much", "hi there")."""
    typed = LATIN_WORD.findall(text) if romanized else list(words(text))
    kinds = []
    for word in typed:
        if word.isdigit():
            return None
        kind = _kind_of(word, lang, romanized and lang in ROMANIZED_LANGS)
        if kind:
            if kind != "beside":  # "help" in "thanks for the help" is neither
                kinds.append(kind)
            continue
        native = to_native(word, lang) if romanized and lang in ROMANIZED_LANGS else word
        rules = rules_for(word_script(native), lang)
        if rules is None or fold_word(native, lang) not in rules.STOP_WORDS:
            return None
    if not kinds:
        return None
    return "greeting" if "greeting" in kinds else "thanks"


def greeting_in(text: str, lang: str, *, romanized: bool = False) -> str | None:
    """``"greeting"`` or ``"thanks"`` when the message has one among other words ("thanks a
    lot, that's all I needed", "გამარჯობა, წინასწარ მადლობა"); for a message with nothing
    of the domain, which is no question the knowledge could answer, but is still polite."""
    typed = LATIN_WORD.findall(text) if romanized else list(words(text))
    kinds = {_kind_of(word, lang, romanized and lang in ROMANIZED_LANGS) for word in typed}
    return "greeting" if "greeting" in kinds else "thanks" if "thanks" in kinds else None
