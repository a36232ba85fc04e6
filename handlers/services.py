"""What every handler needs from the core, kept in ``application.bot_data``.

The composition root (:mod:`handlers.app`) builds one :class:`Services` per process; handlers
reach it through :func:`services`, so tests can hand the bot an injected clock or a prepared
knowledge base without patching anything.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import from_language_code
from bot.service import Assistant
from bot.settings import Settings
from bot.users import UserStore

KEY = "services"


@dataclass
class Services:
    settings: Settings
    assistant: Assistant
    users: UserStore
    clock: Callable[[], datetime]

    @property
    def zone(self) -> ZoneInfo | None:
        """The time zone event times are shown in; None: each event's own zone."""
        return ZoneInfo(self.settings.timezone) if self.settings.timezone else None


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[KEY]


def user_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The user's language: chosen with /language, else their Telegram app's, else the default.

    Also records that the user was seen, so their chat and language survive a restart.
    """
    svc = services(context)
    user = update.effective_user
    if user is None:
        return svc.settings.default_lang
    chat = update.effective_chat
    if chat is not None and chat.type == "private":
        person = svc.users.seen(
            user.id,
            chat.id,
            first_name=user.first_name,
            language_code=user.language_code,
            now=svc.clock(),
        )
        chosen = person.lang
    else:
        stored = svc.users.get(user.id)
        chosen = stored.lang if stored else None
    return chosen or from_language_code(user.language_code) or svc.settings.default_lang


def chosen_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str | None:
    """The language the user picked with /language, if any: it overrides detection."""
    user = update.effective_user
    person = services(context).users.get(user.id) if user else None
    return person.lang if person else None
