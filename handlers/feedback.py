"""👍/👎 under answers: the vote is stored with the question for staff to review."""

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
    _ = translations(await user_lang(update, context)).gettext
    _prefix, exchange, value = query.data.split(":")
    stored = await asyncio.to_thread(
        svc.users.vote, int(exchange), update.effective_user.id, int(value), svc.clock()
    )
    if not stored:
        await patiently(lambda: query.answer(_("That entry is no longer available.")))
        return
    await patiently(lambda: query.answer(_("Thank you! Your feedback helps us improve.")))
    markup = voted_keyboard(query.message.reply_markup, int(exchange), int(value))
    try:
        await patiently(lambda: query.edit_message_reply_markup(markup))
    except BadRequest as exc:
        if "not modified" not in exc.message:  # the same vote twice: already ticked
            raise
