"""/start: a welcome in the user's language, with languages and main actions as buttons.

Deep links open the right place directly: ``t.me/<bot>?start=event_<id>`` shows an event's
card, ``?start=lang_ka`` switches the language, ``?start=events`` (trainings, partners) a list.
"""

from __future__ import annotations

import asyncio
from html import escape

from telegram import Update
from telegram.ext import ContextTypes

from bot.catalog import LIST_OF
from bot.i18n import translations
from bot.languages import SUPPORTED
from handlers.browse import show_card, show_listing
from handlers.commands import show_staff_menu
from handlers.render import welcome_keyboard
from handlers.send import send_html
from handlers.services import services, user_lang

LISTINGS = tuple(LIST_OF)


async def start(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Greet the user, or follow the deep link they came with."""
    lang = await user_lang(update, context)
    payload = context.args[0] if context.args else ""
    chat_id = update.effective_chat.id
    if payload.startswith("event_"):
        await show_card(context, chat_id, payload.removeprefix("event_"), lang)
        return
    if payload in LISTINGS:
        await show_listing(context, chat_id, payload, 0, lang)
        return
    if payload.startswith("lang_"):
        chosen = next((tag for tag in SUPPORTED if tag.lower() == payload[5:].lower()), None)
        if chosen:
            await asyncio.to_thread(
                services(context).users.choose_language, update.effective_user.id, chosen
            )
            lang = chosen
    await send_welcome(context, chat_id, lang, update.effective_user.first_name)
    svc = services(context)
    user_id = update.effective_user.id
    if update.effective_chat.type == "private" and await asyncio.to_thread(
        svc.staff.is_staff, user_id
    ):  # a chat to scope it to exists once they wrote: an admin named in the settings
        person = await asyncio.to_thread(svc.users.get, user_id)
        await show_staff_menu(context.bot, person, user_id, svc.settings.default_lang)


async def send_welcome(
    context: ContextTypes.DEFAULT_TYPE, chat_id: int, lang: str, first_name: str
) -> None:
    _ = translations(lang).gettext
    text = "\n\n".join(
        [
            _("Hello, {name}!").format(name=escape(first_name)),
            _(
                "I answer questions about public-sector reform programmes: trainings, "
                "workshops, partner organisations and upcoming events."
            ),
            _("Ask me anything in your own words, or choose below."),
        ]
    )
    await send_html(context, chat_id, text, welcome_keyboard(lang))
