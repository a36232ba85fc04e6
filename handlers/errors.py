"""The last line of defence: any failure is logged with its context and the user gets a
localized apology instead of silence; the bot goes on with the next update."""

from __future__ import annotations

import logging
from html import escape

from telegram import Update
from telegram.error import TelegramError
from telegram.ext import ContextTypes

from bot.i18n import from_language_code, translations
from handlers.services import services

log = logging.getLogger(__name__)


def _describe(update: object) -> str:
    if not isinstance(update, Update):
        return repr(update)[:200]
    user = update.effective_user
    kind = next(
        (k for k in ("message", "callback_query", "inline_query") if getattr(update, k)), "other"
    )
    return f"update {update.update_id} ({kind}) from user {user.id if user else '-'}"


def _lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The user's language without trusting the database, which may be what failed."""
    default = services(context).settings.default_lang
    user = update.effective_user
    try:
        person = services(context).users.get(user.id) if user else None
    except Exception:  # the apology must not fail on the same fault
        person = None
    if person and person.lang:
        return person.lang
    return from_language_code(user.language_code if user else None) or default


async def on_error(update: object, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Log the failure with what caused it; apologise to the user in their language."""
    log.error("%s failed", _describe(update), exc_info=context.error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    _ = translations(_lang(update, context)).gettext
    try:
        if update.callback_query:
            await update.callback_query.answer()
        await context.bot.send_message(
            update.effective_chat.id,
            escape(_("Sorry, something went wrong on my side. Please try again in a moment.")),
            parse_mode="HTML",
        )
    except TelegramError as exc:
        log.warning("could not apologise for %s: %s", _describe(update), exc)
