"""What Telegram shows about the bot before anyone writes to it: its name, the "What can this
bot do?" description of an empty chat, and the short description of its profile and of links
to it, in each language Telegram reports, from the catalogs like the command menus."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable

from babel.lists import format_list
from telegram import Bot
from telegram.error import TelegramError
from telegram.ext import Application

from bot.i18n import TELEGRAM_CODES, babel_locale, from_language_code, translations
from bot.languages import SUPPORTED
from handlers.send import patiently

log = logging.getLogger(__name__)


def profile_texts(lang: str) -> dict[str, str]:
    """The name (at most 64 characters), description (512) and short description (120)."""
    _ = translations(lang).gettext
    return {
        "name": _("Reform programmes assistant"),
        "description": _(
            "Ask me about public-sector reform programmes: which trainings were held and "
            "where, who the partner organisations are, and which workshops are coming up. "
            "I answer in {languages}. Subscribe to get announcements and reminders of the "
            "sessions you choose."
        ).format(languages=_spoken(lang)),
        "short_description": _(
            "Trainings, partners and upcoming workshops of public-sector reform programmes."
        ),
    }


def _spoken(lang: str) -> str:
    """Our languages as the reader's locale names and lists them (CLDR): a language added to
    the registry is announced without a new sentence to translate."""
    locale = babel_locale(lang)
    bases = dict.fromkeys(tag.split("-")[0] for tag in SUPPORTED)
    return format_list([locale.languages[base] for base in bases], locale=locale)


async def publish_profile(application: Application, default_lang: str) -> None:
    """Set each text where Telegram holds another: setting the name is limited to a few
    times a day, and a bot restarted often would meet flood control. A refusal is logged and
    the bot starts all the same; the texts are set again at the next start."""
    bot = application.bot
    for code in ("", *TELEGRAM_CODES):
        texts = profile_texts(from_language_code(code) or default_lang)
        for field, (get, put) in _calls(bot).items():
            try:
                if await patiently(lambda g=get, c=code: g(c)) != texts[field]:
                    await patiently(lambda p=put, t=texts[field], c=code: p(t, c))
            except TelegramError as exc:
                log.warning("bot %s for %r not set: %s", field, code or "default", exc)


Getter = Callable[[str], Awaitable[str]]
Setter = Callable[[str, str], Awaitable[bool]]


def _calls(bot: Bot) -> dict[str, tuple[Getter, Setter]]:
    async def name(code: str) -> str:
        return (await bot.get_my_name(language_code=code or None)).name

    async def description(code: str) -> str:
        return (await bot.get_my_description(language_code=code or None)).description

    async def short(code: str) -> str:
        found = await bot.get_my_short_description(language_code=code or None)
        return found.short_description

    return {
        "name": (name, lambda text, code: bot.set_my_name(text, code or None)),
        "description": (
            description,
            lambda text, code: bot.set_my_description(text, code or None),
        ),
        "short_description": (
            short,
            lambda text, code: bot.set_my_short_description(text, code or None),
        ),
    }
