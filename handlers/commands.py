"""The command menu Telegram shows next to the text field, in each user's app language; staff
get their own commands too, in a menu scoped to their private chat with the bot."""

from __future__ import annotations

import logging

from telegram import Bot, BotCommand, BotCommandScopeChat
from telegram.error import TelegramError
from telegram.ext import Application

from bot.catalog import LISTS
from bot.i18n import N_, TELEGRAM_CODES, from_language_code, translations
from bot.users import Person, reply_lang
from handlers.send import patiently

log = logging.getLogger(__name__)


# (command, what it does): everyone's menu, and what staff see besides.
COMMANDS = (
    ("start", N_("welcome and main menu")),
    *((kind.name, kind.description) for kind in LISTS),
    ("subscribe", N_("announcements and reminders to receive")),
    ("unsubscribe", N_("stop all announcements")),
    ("reminders", N_("your reminders: see or cancel them")),
    ("language", N_("change the language I answer in")),
    ("mydata", N_("what I keep about you")),
    ("help", N_("what I can do")),
)
# Where staff take questions (REFORMBOT_STAFF_CHAT), everyone may also ask for a person.
CONTACT = ("contact", N_("ask a person from the programme team"))
STAFF_COMMANDS = (
    ("announce", N_("send an announcement to subscribers")),
    ("scheduled", N_("announcements waiting to be sent, to cancel")),
    ("newevent", N_("publish an event")),
    ("translate", N_("an event's title and place in another language")),
    ("gaps", N_("questions the bot could not answer, to answer")),
    ("addarticle", N_("add an article: paste it, or send a document")),
    ("articles", N_("articles added from Telegram, to remove")),
    ("stats", N_("what people asked and how the bot did")),
    ("cancel", N_("stop what you are writing")),
    ("staff", N_("programme staff (admins)")),
)


def command_menu(lang: str, *, staff: bool = False, contact: bool = False) -> list[BotCommand]:
    _ = translations(lang).gettext
    commands = (*COMMANDS[:-1], CONTACT, *COMMANDS[-1:]) if contact else COMMANDS
    commands += STAFF_COMMANDS if staff else ()
    return [BotCommand(command, _(description)) for command, description in commands]


async def publish_command_menus(
    application: Application, default_lang: str, *, contact: bool = False
) -> None:
    """One menu per language Telegram reports (``uz`` gets Latin Uzbek), and a default one;
    with /contact where staff take questions."""
    bot = application.bot
    await patiently(lambda: bot.set_my_commands(command_menu(default_lang, contact=contact)))
    for code in TELEGRAM_CODES:
        menu = command_menu(from_language_code(code) or default_lang, contact=contact)
        await patiently(lambda m=menu, c=code: bot.set_my_commands(m, language_code=c))


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
        await patiently(lambda: bot.set_my_commands(command_menu(lang, staff=True), scope=scope))
    except TelegramError as exc:  # never wrote to the bot: no chat to scope the menu to
        log.info("staff menu for %s not shown: %s", user_id, exc.message)


async def hide_staff_menu(bot: Bot, user_id: int) -> None:
    """Back to everyone's menu, for someone no longer staff."""
    try:
        await patiently(lambda: bot.delete_my_commands(scope=BotCommandScopeChat(user_id)))
    except TelegramError as exc:
        log.info("staff menu for %s not removed: %s", user_id, exc.message)
