"""Reply languages: gettext catalogs and Babel locales for every supported language tag.

Catalogs are the ``.po`` files under ``locales/``; they are compiled in memory when first
used, so there is no build step and no compiled ``.mo`` file to keep in sync with its source.
"""

from __future__ import annotations

import gettext
from collections.abc import Callable
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

from bot.languages import LANGUAGES

LOCALES_DIR = Path(__file__).with_name("locales")
DOMAIN = "messages"


def locale_name(lang: str) -> str:
    """``uz-Cyrl`` → ``uz_Cyrl``: the catalog directory and Babel locale of a language tag."""
    return lang.replace("-", "_")


@cache
def babel_locale(lang: str) -> Locale:
    return Locale.parse(lang, sep="-")


@cache
def translations(lang: str) -> gettext.NullTranslations:
    """The catalog for a reply language; English text is the msgid itself."""
    po_path = LOCALES_DIR / locale_name(lang) / "LC_MESSAGES" / f"{DOMAIN}.po"
    if not po_path.exists():
        return gettext.NullTranslations()
    with po_path.open("rb") as po:
        catalog = read_po(po, locale=locale_name(lang))
    buffer = BytesIO()
    write_mo(buffer, catalog)
    buffer.seek(0)
    return gettext.GNUTranslations(buffer)


# Telegram sends the app's interface language as an IETF tag ("ka", "ru", "uz", "pt-br").
_FROM_TELEGRAM = {code: language.tag for language in LANGUAGES for code in language.telegram}
# Command menus are kept per two-letter code: the bare codes.
TELEGRAM_CODES = tuple(code for code in _FROM_TELEGRAM if "-" not in code)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown,
    in the reader's language (labels, headings, errors explained later)."""
    return message


class Explained(Exception):
    """An error told in a message id marked with ``N_`` and its parameters: printed in
    English (logs, ``reformbot ingest``), shown to a person in their language
    (``in_language``), a parameter that is itself explained included."""

    def __init__(self, message: str, **params: object) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params

    def in_language(self, gettext: Callable[[str], str]) -> str:
        params = {
            key: value.in_language(gettext) if isinstance(value, Explained) else value
            for key, value in self.params.items()
        }
        return gettext(self.message).format(**params)


def from_language_code(code: str | None) -> str | None:
    """The reply language for a Telegram ``language_code``, or None if we do not speak it."""
    if not code:
        return None
    parts = code.replace("_", "-").lower().split("-")
    # The most specific code we know: "uz-cyrl-uz" is uz-cyrl, "en-gb" is en.
    for size in range(len(parts), 0, -1):
        if (tag := "-".join(parts[:size])) in _FROM_TELEGRAM:
            return _FROM_TELEGRAM[tag]
    return None


def telegram_code(lang: str) -> str:
    """The ``language_code`` whose users get ``lang``'s command menu (inverse of the above)."""
    return lang.split("-")[0]
