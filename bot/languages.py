"""The reply languages: one entry each, read by everything that differs by language.

Adding a language is an entry here, its analysis module in ``bot.text``, its catalog under
``bot/i18n/locales`` and its terms in the lexicon files (README, "Adding a language"). What is
derived from CLDR through Babel needs no entry: month and day names, the names of languages in
each other (quote labels), plural rules, date and number formats.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import ModuleType

from bot.text import az, el, en, hy, ka, ru, uz
from bot.text.scripts import Script


@dataclass(frozen=True)
class Language:
    tag: str  # BCP 47: the /lang code, the Babel locale and (with "_") the catalog directory
    name: str  # its own name, on the language menus whatever the reader's language
    scripts: tuple[Script, ...]  # the script it is written in first, then others its rules read
    rules: ModuleType  # fold, stem and stop words of its words (bot.text.<code>)
    # Its key in the lexicon files (glossary.yaml, asks.yaml, ...), whose terms are analysed as
    # this language; None for Uzbek Cyrillic, which folds to the Latin of the "uz" terms.
    lexicon: str | None
    # Telegram ``language_code`` values (lower case) whose users get it; a bare code also
    # covers its regional variants ("en" covers "en-gb").
    telegram: tuple[str, ...]

    @property
    def script(self) -> Script:
        return self.scripts[0]


LANGUAGES = (
    Language("en", "English", (Script.LATIN,), en, "en", ("en",)),
    Language("ka", "ქართული", (Script.GEORGIAN,), ka, "ka", ("ka",)),
    # Uzbek apps do not say which script; Latin is the official one, so "uz" is Latin.
    Language("uz-Cyrl", "Ўзбекча", (Script.CYRILLIC, Script.LATIN), uz, None, ("uz-cyrl",)),
    Language("uz-Latn", "Oʻzbekcha", (Script.LATIN, Script.CYRILLIC), uz, "uz", ("uz",)),
    Language("el", "Ελληνικά", (Script.GREEK,), el, "el", ("el",)),
    Language("ru", "Русский", (Script.CYRILLIC,), ru, "ru", ("ru",)),
    Language("az", "Azərbaycanca", (Script.LATIN,), az, "az", ("az",)),
    Language("hy", "Հայերեն", (Script.ARMENIAN,), hy, "hy", ("hy",)),
)
BY_TAG = {language.tag: language for language in LANGUAGES}
SUPPORTED = tuple(BY_TAG)

# The language whose rules read a word of a script foreign to its text's language (an English
# acronym in a Georgian article, a Russian name in a Greek one): the script's widest reader.
_SCRIPT_READERS = {Script.LATIN: "en", Script.CYRILLIC: "ru"}


def script_reader(script: Script) -> Language | None:
    tag = _SCRIPT_READERS.get(script) or next(
        (language.tag for language in LANGUAGES if language.script is script), None
    )
    return BY_TAG[tag] if tag else None


def written_in(script: Script) -> tuple[Language, ...]:
    """The languages written first in ``script``: one alone decides a text's language."""
    return tuple(language for language in LANGUAGES if language.script is script)


LEXICON_LANG = {language.lexicon: language.tag for language in LANGUAGES if language.lexicon}
