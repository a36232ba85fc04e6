"""/scheduled (staff): announcements waiting for their time, each with a button to cancel it.

Until now only ``reformbot announcements --cancel`` could stop one; staff without a server
login need it in the bot. The role is checked again when Cancel is tapped: a list shown to
someone since removed from staff must not still work.
"""

from __future__ import annotations

import asyncio
from html import escape
from zoneinfo import ZoneInfo

from telegram import InlineKeyboardButton, InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.broadcast.outbox import Summary
from bot.i18n import translations
from bot.moments import format_moment
from bot.subscriptions import EVERYONE, topic_label
from handlers.permissions import allowed
from handlers.send import patiently, redraw, send_html
from handlers.services import services, user_lang

PREFIX = "unsched:"
PREVIEW_CHARS = 80


def _audience(topic: str, lang: str) -> str:
    _ = translations(lang).gettext
    return _("Everyone subscribed") if topic == EVERYONE else topic_label(topic, lang)


def _listing(
    waiting: list[Summary], lang: str, zone: ZoneInfo
) -> tuple[str, InlineKeyboardMarkup]:
    _ = translations(lang).gettext
    if not waiting:
        return escape(_("No announcement is waiting to be sent.")), InlineKeyboardMarkup([])
    lines = [escape(_("Scheduled announcements (times in {zone}):").format(zone=zone.key))]
    for s in waiting:
        due = format_moment(s.due_at.replace(tzinfo=ZoneInfo("UTC")), lang, zone)
        preview = " ".join(s.preview.split())
        if len(preview) > PREVIEW_CHARS:
            preview = preview[: PREVIEW_CHARS - 1].rsplit(" ", 1)[0] + "…"
        head = f"#{s.id} · {due} · {_audience(s.topic, lang)}"
        lines.append(f"\n<b>{escape(head)}</b>\n{escape(preview)}")
    rows = [
        [
            InlineKeyboardButton(
                _("✖ Cancel #{id}").format(id=s.id), callback_data=f"{PREFIX}{s.id}"
            )
        ]
        for s in waiting
    ]
    return "\n".join(lines), InlineKeyboardMarkup(rows)


async def _current(
    context: ContextTypes.DEFAULT_TYPE, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    svc = services(context)
    summaries = await asyncio.to_thread(svc.outbox.summaries, status="scheduled")
    waiting = sorted((s for s in summaries if s.kind == "announcement"), key=lambda s: s.due_at)
    return _listing(waiting, lang, svc.zone or ZoneInfo("UTC"))


async def scheduled(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await allowed(update, context):
        return
    lang = await user_lang(update, context)
    await send_html(context, update.effective_chat.id, *await _current(context, lang))


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """✖ Cancel #n (unsched:<n>): stop it, if it still waits, and redraw the list in place."""
    if not await allowed(update, context):
        return
    query = update.callback_query
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    svc = services(context)
    number = int(query.data.removeprefix(PREFIX))
    if await asyncio.to_thread(svc.outbox.cancel, number, svc.clock()):
        note = _("Announcement #{id} is cancelled: nobody will get it.")
    else:
        note = _("Announcement #{id} is no longer waiting: it was sent or cancelled already.")
    await patiently(lambda: query.answer(note.format(id=number), show_alert=True))
    text, markup = await _current(context, lang)
    await redraw(query, text, markup)
