"""Staff-only commands: one check, one localized refusal, one log line for every attempt; and
the /cancel and the stale buttons of the staff dialogues."""

from __future__ import annotations

import asyncio
import functools
import logging
from collections.abc import Awaitable, Callable
from html import escape

from telegram import Update
from telegram.ext import ContextTypes, ConversationHandler

from bot.i18n import N_, translations
from handlers.send import patiently, send_html
from handlers.services import services, user_lang

log = logging.getLogger(__name__)


Step = Callable[[Update, ContextTypes.DEFAULT_TYPE], Awaitable[int]]


def staff_step(step: Step) -> Step:
    """A dialogue step that runs only while its sender is still staff. A dialogue lives a day:
    someone removed from staff after /announce must not go on to send it to every subscriber,
    so the role is checked again at every step, and the dialogue ends (its draft dropped) at
    the first one they no longer hold."""

    @functools.wraps(step)
    async def checked(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        if not await allowed(update, context):
            return ConversationHandler.END
        return await step(update, context)

    return checked


async def allowed(
    update: Update, context: ContextTypes.DEFAULT_TYPE, *, admin: bool = False
) -> bool:
    """Whether the sender is staff (or admin); if not, tell them so and log the attempt."""
    user = update.effective_user
    staff = services(context).staff
    check = staff.is_admin if admin else staff.is_staff
    if user is not None and await asyncio.to_thread(check, user.id):
        return True
    what = update.effective_message.text if update.effective_message else "a button"
    log.warning(
        "refused %s to user %s (not %s)", what, user and user.id, "admin" if admin else "staff"
    )
    _ = translations(await user_lang(update, context)).gettext
    text = _("Only admins can do that.") if admin else _("Only programme staff can do that.")
    if update.callback_query:
        await patiently(lambda: update.callback_query.answer(text, show_alert=True))
    else:
        await send_html(context, update.effective_chat.id, escape(text))
    return False


def cancel_step(draft_key: str, said: str = N_("Cancelled: nothing was changed.")) -> Step:
    """/cancel in a staff dialogue: its draft dropped, and ``said`` (a message id) said."""

    async def cancel(update: Update, context: ContextTypes.DEFAULT_TYPE) -> int:
        context.user_data.pop(draft_key, None)
        _ = translations(await user_lang(update, context)).gettext
        await send_html(context, update.effective_chat.id, escape(_(said)))
        return ConversationHandler.END

    return cancel


async def stale_button(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """A button of an earlier question of a staff dialogue: it no longer applies."""
    _ = translations(await user_lang(update, context)).gettext
    await patiently(lambda: update.callback_query.answer(_("This button is no longer active.")))
