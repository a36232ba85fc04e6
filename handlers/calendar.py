"""An event card's buttons: Add to calendar (an .ics file) and Remind me."""

from __future__ import annotations

import asyncio

from telegram import InputFile, Update
from telegram.ext import ContextTypes

from bot.calendar import event_ics
from bot.catalog import can_add_to_calendar, find_record, reminders_left, upcoming_events
from bot.i18n import translations
from bot.i18n.formatting import format_durations
from handlers.send import patiently
from handlers.services import services, user_lang


async def add_to_calendar(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Send the event as an .ics file the phone's calendar opens."""
    query = update.callback_query
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    svc = services(context)
    record = find_record(svc.assistant.knowledge(), query.data.split(":", 1)[1])
    if record is None or not can_add_to_calendar(record, svc.clock()):
        await patiently(lambda: query.answer(_("That entry is no longer available.")))
        return
    await patiently(query.answer)
    document = InputFile(event_ics(record, lang, svc.clock()), filename=f"{record.id}.ics")
    await patiently(
        lambda: context.bot.send_document(
            update.effective_chat.id,
            document,
            caption=_("Open the file to add the event to your calendar."),
        )
    )


async def remind_me(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Remember the user wants a reminder before the event starts."""
    query = update.callback_query
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    svc = services(context)
    kb = svc.assistant.knowledge()
    record = find_record(kb, query.data.split(":", 1)[1])
    if record is None:
        text = _("That entry is no longer available.")
    elif record not in upcoming_events(kb, svc.clock()):
        text = _("This event has already taken place.")
    elif not svc.settings.reminders:
        text = _("Reminders are switched off on this bot.")
    elif not (left := reminders_left(record, svc.clock(), svc.settings.reminders)):
        text = _("No reminder can come for this event: it has no start time, or starts too soon.")
    elif await asyncio.to_thread(
        svc.users.request_reminder, update.effective_user.id, record.id, svc.clock()
    ):
        text = _("Done: I will remind you {before} before it starts.").format(
            before=format_durations([d.total_seconds() for d in left], lang)
        )
    else:
        text = _("You already asked me to remind you about this event.")
    await patiently(lambda: query.answer(text, show_alert=True))
