"""👍/👎 under answers: the vote is stored with the question for staff to review; after a 👎
the answer offers **Ask a person** (handlers.handoff)."""

from __future__ import annotations

import asyncio

from telegram import Update
from telegram.error import BadRequest
from telegram.ext import ContextTypes

from bot.i18n import translations
from handlers.render import voted_keyboard
from handlers.send import patiently
from handlers.services import services, user_lang


async def vote(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A vote button (vote:<exchange>:<±1>): store it, thank the user, tick the button."""
    query = update.callback_query
    svc = services(context)
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    _prefix, exchange, value = query.data.split(":")
    stored = await asyncio.to_thread(
        svc.users.vote, int(exchange), update.effective_user.id, int(value), svc.clock()
    )
    if not stored:
        await patiently(lambda: query.answer(_("That entry is no longer available.")))
        return
    await patiently(lambda: query.answer(_("Thank you! Your feedback helps us improve.")))
    person = lang if svc.settings.staff_chat is not None else None
    markup = voted_keyboard(query.message.reply_markup, int(exchange), int(value), person)
    try:
        await patiently(lambda: query.edit_message_reply_markup(markup))
    except BadRequest as exc:
        if "not modified" not in exc.message:  # the same vote twice: already ticked
            raise
