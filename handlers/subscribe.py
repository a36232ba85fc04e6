"""/subscribe with topic toggles, /unsubscribe, and following the user's block/unblock.

Subscribing keeps the user's chat; the language they get announcements in is the one they
read replies in (see ``bot.users.reply_lang``).
"""

from __future__ import annotations

import asyncio
import logging
from html import escape

from telegram import ChatMember, InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.i18n import translations
from bot.subscriptions import OPTIONS, topic_label
from handlers.send import patiently, send_html
from handlers.services import remember_user, services, user_lang

log = logging.getLogger(__name__)


def toggles(chosen: set[str], lang: str) -> InlineKeyboardMarkup:
    rows = [
        [
            InlineKeyboardButton(
                f"{'✅' if option in chosen else '▫️'} {topic_label(option, lang)}",
                callback_data=f"sub:{option}",
            )
        ]
        for option in OPTIONS
    ]
    _ = translations(lang).gettext
    rows.append([InlineKeyboardButton(_("🔔 My reminders"), callback_data="myreminders")])
    return InlineKeyboardMarkup(rows)


async def subscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    chosen = await asyncio.to_thread(
        services(context).subscriptions.options, update.effective_user.id
    )
    text = _("What would you like to hear about? Tap to switch a topic on or off.")
    await send_html(context, update.effective_chat.id, escape(text), toggles(chosen, lang))


async def toggle(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A topic button (sub:<option>): switch it and redraw the ticks in place."""
    query = update.callback_query
    option = query.data.split(":", 1)[1]
    if option not in OPTIONS:
        await patiently(query.answer)
        return
    lang = await user_lang(update, context)  # also stores the user, whom the subscription needs
    _ = translations(lang).gettext
    svc = services(context)
    on = await asyncio.to_thread(
        svc.subscriptions.toggle, update.effective_user.id, option, svc.clock()
    )
    label = topic_label(option, lang)
    note = _("Subscribed: {topic}") if on else _("Unsubscribed: {topic}")
    await patiently(lambda: query.answer(note.format(topic=label)))
    chosen = await asyncio.to_thread(svc.subscriptions.options, update.effective_user.id)
    await patiently(lambda: query.edit_message_reply_markup(toggles(chosen, lang)))


async def unsubscribe(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translations(await user_lang(update, context)).gettext
    dropped = await asyncio.to_thread(
        services(context).subscriptions.unsubscribe, update.effective_user.id
    )
    text = (
        _("Done: you will get no more announcements. /subscribe brings them back.")
        if dropped
        else _("You were not subscribed to anything. /subscribe shows the topics.")
    )
    await send_html(context, update.effective_chat.id, escape(text))


async def membership(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """The user blocked the bot (kicked) or unblocked it (member): broadcasts follow suit."""
    change = update.my_chat_member
    if change is None or change.chat.type != "private":
        return
    status = change.new_chat_member.status
    blocked = status in (ChatMember.BANNED, ChatMember.LEFT)
    if not blocked:
        await remember_user(update, context)
    await asyncio.to_thread(services(context).users.mark_blocked, change.chat.id, blocked)
    log.info("chat %s %s the bot", change.chat.id, "blocked" if blocked else "unblocked")
