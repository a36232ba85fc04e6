"""/stats (staff): a picture of what people asked and how the bot did over the last 7 or 30
days, with the figures as its caption; the same figures as ``reformbot stats``."""

from __future__ import annotations

import asyncio
from html import escape

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, InputFile, Update
from telegram.constants import ParseMode
from telegram.error import Forbidden
from telegram.ext import ContextTypes

from bot import stats
from bot.i18n import translations
from bot.i18n.formatting import format_number
from bot.stats_chart import png
from handlers.permissions import allowed
from handlers.send import patiently
from handlers.services import services, user_lang

PREFIX = "stats:"


async def show(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/stats, or a period's button under the picture (stats:<days>)."""
    query = update.callback_query
    if not await allowed(update, context):
        return
    if query is not None:
        await patiently(query.answer)
    days = int(query.data.removeprefix(PREFIX)) if query else stats.PERIODS[0]
    lang = await user_lang(update, context)
    svc = services(context)
    settings = svc.settings

    def draw() -> tuple[stats.Stats, bytes]:
        figures = stats.compute(
            svc.assistant.sessions, svc.clock(), days, settings.zone, settings.default_lang
        )
        return figures, png(figures, lang)

    figures, picture = await asyncio.to_thread(draw)
    _ = translations(lang).gettext
    periods = [
        InlineKeyboardButton(
            _("{days} days").format(days=format_number(d, lang)), callback_data=f"{PREFIX}{d}"
        )
        for d in stats.PERIODS
        if d != days
    ]
    try:
        await patiently(
            lambda: context.bot.send_photo(
                update.effective_chat.id,
                InputFile(picture, filename="stats.png"),
                caption=escape(stats.summary(figures, lang)),
                parse_mode=ParseMode.HTML,
                reply_markup=InlineKeyboardMarkup([periods]),
            ),
            repeatable=False,
        )
    except Forbidden:
        await asyncio.to_thread(svc.users.mark_blocked, update.effective_chat.id)
