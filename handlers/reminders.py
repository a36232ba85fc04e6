"""/reminders: the events a person asked to be reminded of, each with a button to cancel.

Reached from /subscribe (a button under the topics), /help and the command menu. Cancelling
redraws the list in place, so the message always shows what is still coming.
"""

from __future__ import annotations

import asyncio
from html import escape

from telegram import InlineKeyboardMarkup, Update
from telegram.ext import ContextTypes

from bot.catalog import find_record, reminded
from bot.i18n import translations
from bot.i18n.formatting import format_durations, format_when
from bot.records import ProjectRecord
from bot.subscriptions import REMINDERS
from handlers.render import reminders_keyboard
from handlers.send import patiently, redraw, send_html
from handlers.services import Services, services, user_lang

PREFIX = "unremind:"


def _reminders_html(
    records: list[ProjectRecord], topic_reminders: bool, svc: Services, lang: str
) -> str:
    _ = translations(lang).gettext
    if records:
        before = format_durations([d.total_seconds() for d in svc.settings.reminders], lang)
        lines = [
            escape(
                _("Your reminders (I write {before} before each starts):").format(before=before)
            )
        ]
        for record in records:
            when = format_when(record.start, record.end, lang, record.zone)
            lines.append(f"• <b>{escape(record.name[lang])}</b> — {escape(when)}")
        lines += ["", escape(_("Tap 🔕 beside an event to cancel its reminder."))]
    else:
        lines = [
            escape(_("You have no reminders. Open an event in /events and tap 🔔 Remind me."))
        ]
    if topic_reminders:
        lines += [
            "",
            escape(_("You also get reminders before the sessions of your /subscribe topics.")),
        ]
    return "\n".join(lines)


async def _current(
    update: Update, context: ContextTypes.DEFAULT_TYPE, lang: str
) -> tuple[str, InlineKeyboardMarkup]:
    svc = services(context)
    user_id = update.effective_user.id

    def read() -> tuple[list[str], set[str]]:
        return svc.users.reminded_events(user_id), svc.subscriptions.options(user_id)

    keys, options = await asyncio.to_thread(read)
    records = reminded(svc.assistant.knowledge(), keys, svc.clock())
    text = _reminders_html(records, REMINDERS in options, svc, lang)
    return text, reminders_keyboard(records, lang, PREFIX)


async def my_reminders(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """/reminders, or the My reminders button under /subscribe."""
    lang = await user_lang(update, context)
    if update.callback_query:
        await patiently(update.callback_query.answer)
    text, markup = await _current(update, context, lang)
    await send_html(context, update.effective_chat.id, text, markup)


async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """🔕 beside an event (unremind:<id>): forget the reminder, redraw the list in place."""
    query = update.callback_query
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    svc = services(context)
    key = query.data.removeprefix(PREFIX)
    await asyncio.to_thread(svc.users.cancel_reminder, update.effective_user.id, key)
    record = find_record(svc.assistant.knowledge(), key)
    name = record.name[lang] if record else key
    await patiently(lambda: query.answer(_("Reminder cancelled: {event}").format(event=name)))
    text, markup = await _current(update, context, lang)
    await redraw(query, text, markup)
