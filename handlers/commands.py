"""The command menu Telegram shows next to the text field, in each user's app language; staff
get their own commands too, in a menu scoped to their private chat with the bot."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot.i18n import TELEGRAM_CODES, from_language_code, translations
from bot.users import Person, reply_lang
from handlers.send import patiently

log = logging.getLogger(__name__)


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


def staff_menu(lang: str) -> list[BotCommand]:
    _ = translations(lang).gettext
    return [
        *command_menu(lang),
        BotCommand("announce", _("send an announcement to subscribers")),
        BotCommand("newevent", _("publish an event")),
        BotCommand("cancel", _("stop what you are writing")),
        BotCommand("staff", _("programme staff (admins)")),
    ]


async def show_staff_menu(bot: Bot, person: Person | None, user_id: int, default: str) -> None:
    """The staff menu in the member's private chat (whose id is theirs), in their language.
    Telegram keeps one menu per chat scope, whatever the app language, so the one set is the
    language they chose, else their app's. Someone who never wrote to the bot has no chat
    with it yet: their menu is set at their first /start."""
    if person is None:
        return
    lang = reply_lang(person.lang, person.language_code, default)
    scope = BotCommandScopeChat(user_id)
    try:
        await patiently(lambda: bot.set_my_commands(staff_menu(lang), scope=scope))
    except TelegramError as exc:  # never wrote to the bot: no chat to scope the menu to
        log.info("staff menu for %s not shown: %s", user_id, exc.message)


async def hide_staff_menu(bot: Bot, user_id: int) -> None:
    """Back to everyone's menu, for someone no longer staff."""
    try:
        await patiently(lambda: bot.delete_my_commands(scope=BotCommandScopeChat(user_id)))
    except TelegramError as exc:
        log.info("staff menu for %s not removed: %s", user_id, exc.message)
