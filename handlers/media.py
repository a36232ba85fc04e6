"""Stickers, photos, voice notes and other messages without text get a friendly hint."""

from __future__ import annotations

from html import escape

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import translations
from handlers.send import send_html
from handlers.services import user_lang


async def not_text(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Explain that questions are read as text."""
    _ = translations(await user_lang(update, context)).gettext
    hint = _("I can only read text. Please type your question, or send /help to see examples.")
    await send_html(context, update.effective_chat.id, escape(hint))
