"""/help: what the bot can do, with questions to copy."""

from __future__ import annotations

import asyncio
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.catalog import LISTS
from bot.i18n import translations
from handlers.render import menu_keyboard
from handlers.send import patiently, send_html
from handlers.services import services, user_lang


def help_text(lang: str, bot_username: str, *, staff: bool = False, contact: bool = False) -> str:
    _ = translations(lang).gettext
    examples = (
        _("Which workshops are coming up?"),
        _("What trainings were held for municipal employees?"),
        _("Which international organisations are partners?"),
    )
    commands = (
        *((f"/{kind.name}", _(kind.description)) for kind in LISTS),
        ("/subscribe", _("announcements and reminders to receive")),
        ("/reminders", _("your reminders: see or cancel them")),
        ("/language", _("change the language I answer in")),
        ("/mydata", _("what I keep about you (/forget deletes it)")),
    )
    if contact:  # staff take questions (REFORMBOT_STAFF_CHAT)
        commands += (("/contact", _("ask a person from the programme team")),)
    if staff:  # not in the public command menu, so they are listed here for staff
        commands += (
            ("/announce", _("send an announcement to subscribers")),
            ("/scheduled", _("announcements waiting to be sent, to cancel")),
            ("/newevent", _("publish an event")),
            ("/translate", _("an event's title and place in another language")),
            ("/gaps", _("questions the bot could not answer, to answer")),
            ("/addarticle", _("add an article: paste it, or send a document")),
            ("/articles", _("articles added from Telegram, to remove")),
            ("/stats", _("what people asked and how the bot did")),
            ("/staff", _("programme staff (admins: /addstaff, /removestaff)")),
        )
    title = _("What I can do")
    lines = [
        f"<b>{escape(title)}</b>",
        escape(_("Ask a question in your own words, in any of my languages. For example:")),
        *(f"• <i>{escape(example)}</i>" for example in examples),
        "",
        *(f"{command} — {escape(description)}" for command, description in commands),
        "",
        escape(_("Under each answer, tap 👍 or 👎 to tell us whether it helped.")),
        escape(
            _("In any chat, type @{bot} and a question to share an answer.").format(
                bot=bot_username
            )
        ),
    ]
    return "\n".join(lines)


async def show_help(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/help, or the Help button of the welcome message."""
    lang = await user_lang(update, context)
    if update.callback_query:
        await patiently(update.callback_query.answer)
    markup = InlineKeyboardMarkup(menu_keyboard(lang))
    svc = services(context)
    staff = await asyncio.to_thread(svc.staff.is_staff, update.effective_user.id)
    contact = svc.settings.staff_chat is not None
    text = help_text(lang, context.bot.username, staff=staff, contact=contact)
    await send_html(context, update.effective_chat.id, text, markup)


async def unknown_command(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A command the bot does not have: point to /help rather than stay silent."""
    _ = translations(await user_lang(update, context)).gettext
    text = _("I don't know that command. Send /help to see what I can do.")
    await send_html(context, update.effective_chat.id, escape(text))


# Commands that belong to a person's private chat with the bot: subscriptions and personal
# data are someone's own, and staff work is not done in front of a group.
PRIVATE_ONLY = (
    "subscribe", "unsubscribe", "reminders", "mydata", "forget", "contact", "announce",
    "scheduled", "newevent", "translate", "gaps", "addarticle", "articles", "stats", "staff",
    "addstaff", "removestaff",
)  # fmt: skip


async def in_private_only(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Such a command sent in a group: say where it works, with a link to that chat."""
    _ = translations(await user_lang(update, context)).gettext
    text = _("This works in a private chat with me: {link}").format(
        link=f"https://t.me/{context.bot.username}"
    )
    await send_html(context, update.effective_chat.id, escape(text))
