"""/language: the user picks the language every reply is written in; it is stored."""

from __future__ import annotations

import asyncio
import dataclasses
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.i18n import translations
from bot.languages import SUPPORTED
from handlers.commands import show_staff_menu
from handlers.render import language_keyboard, menu_keyboard
from handlers.send import patiently, send_html
from handlers.services import remember_user, services, user_lang


async def language(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Offer the languages as buttons."""
    _ = translations(await user_lang(update, context)).gettext
    await send_html(
        context,
        update.effective_chat.id,
        escape(_("Choose the language I should answer in:")),
        InlineKeyboardMarkup(language_keyboard()),
    )


async def choose(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A language button (lang:<tag>): store the choice and confirm in the new language."""
    query = update.callback_query
    tag = query.data.split(":", 1)[1]
    if tag not in SUPPORTED:
        await patiently(query.answer)
        return
    person = await remember_user(update, context)  # the choice needs a stored user
    svc = services(context)
    user_id = update.effective_user.id
    await asyncio.to_thread(svc.users.choose_language, user_id, tag)
    if await asyncio.to_thread(svc.staff.is_staff, user_id):  # their menu follows
        chosen = dataclasses.replace(person, lang=tag) if person else None
        await show_staff_menu(context.bot, chosen, user_id, tag)
    _ = translations(tag).gettext
    await patiently(query.answer)
    await send_html(
        context,
        update.effective_chat.id,
        escape(_("From now on I will answer in English.")),
        InlineKeyboardMarkup(menu_keyboard(tag)),
    )
