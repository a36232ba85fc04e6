"""Reply languages: gettext catalogs and Babel locales for every supported language tag.

Catalogs are the ``.po`` files under ``locales/``; they are compiled in memory when first
used, so there is no build step and no compiled ``.mo`` file to keep in sync with its source.
"""

from __future__ import annotations

import gettext
from functools import cache
from io import BytesIO
from pathlib import Path

from babel import Locale
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po

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
# Uzbek apps do not say which script; Latin is the official one.
_FROM_TELEGRAM = {"en": "en", "ka": "ka", "el": "el", "ru": "ru", "uz": "uz-Latn"}
TELEGRAM_CODES = tuple(_FROM_TELEGRAM)


def N_(message: str) -> str:
    """Marks a message for extraction where it is defined; it is translated where it is shown,
    in the reader's language (labels, headings, errors explained later)."""
    return message


def from_language_code(code: str | None) -> str | None:
    """The reply language for a Telegram ``language_code``, or None if we do not speak it."""
    if not code:
        return None
    tag = code.replace("_", "-").lower()
    if tag in ("uz-cyrl", "uz-cyrl-uz"):
        return "uz-Cyrl"
    return _FROM_TELEGRAM.get(tag.split("-")[0])


def telegram_code(lang: str) -> str:
    """The ``language_code`` whose users get ``lang``'s command menu (inverse of the above)."""
    return lang.split("-")[0]
