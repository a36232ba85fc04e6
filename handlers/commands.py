"""The command menu Telegram shows next to the text field, in each user's app language."""

from __future__ import annotations

from telegram import BotCommand
from telegram.ext import Application

from bot.i18n import TELEGRAM_CODES, from_language_code, translations
from handlers.send import patiently


def command_menu(lang: str) -> list[BotCommand]:
    _ = translations(lang).gettext
    return [
        BotCommand("start", _("welcome and main menu")),
        BotCommand("events", _("upcoming workshops and sessions")),
        BotCommand("trainings", _("trainings held so far")),
        BotCommand("partners", _("partner organisations")),
        BotCommand("subscribe", _("announcements and reminders to receive")),
        BotCommand("unsubscribe", _("stop all announcements")),
        BotCommand("language", _("change the language I answer in")),
        BotCommand("mydata", _("what I keep about you")),
        BotCommand("help", _("what I can do")),
    ]


async def publish_command_menus(application: Application, default_lang: str) -> None:
    """One menu per language Telegram reports (``uz`` gets Latin Uzbek), and a default one."""
    bot = application.bot
    await patiently(lambda: bot.set_my_commands(command_menu(default_lang)))
    for code in TELEGRAM_CODES:
        menu = command_menu(from_language_code(code) or default_lang)
        await patiently(lambda m=menu, c=code: bot.set_my_commands(m, language_code=c))
