"""What every handler needs from the core, kept in ``application.bot_data``.

The composition root (:mod:`handlers.app`) builds one :class:`Services` per process; handlers
reach it through :func:`services`, so tests can hand the bot an injected clock or a prepared
knowledge base without patching anything.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from sqlalchemy.exc import SQLAlchemyError
from telegram import Update
from telegram.ext import ContextTypes

from bot.assistant import Assistant
from bot.broadcast.dispatcher import Dispatcher
from bot.broadcast.outbox import Outbox
from bot.db import reason
from bot.handoffs import HandoffStore
from bot.settings import Settings
from bot.staff import StaffStore
from bot.subscriptions import SubscriptionStore
from bot.text.scripts import well_formed
from bot.users import Person, UserStore, reply_lang

log = logging.getLogger(__name__)

KEY = "services"


@dataclass
class Services:
    settings: Settings
    assistant: Assistant
    users: UserStore
    clock: Callable[[], datetime]
    staff: StaffStore
    subscriptions: SubscriptionStore
    dispatcher: Dispatcher
    handoffs: HandoffStore

    @property
    def outbox(self) -> Outbox:
        return self.dispatcher.outbox

    @property
    def zone(self) -> ZoneInfo | None:
        """The time zone event times are shown in; None: each event's own zone."""
        return self.settings.zone


def services(context: ContextTypes.DEFAULT_TYPE) -> Services:
    return context.application.bot_data[KEY]


async def remember_user(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Person | None:
    """Record that the user wrote (their private chat and app language survive a restart);
    returns what is stored about them, including the language they chose. The database is
    called on a worker thread, so other people's updates go on meanwhile."""
    return await asyncio.to_thread(remember_now, update, context)


def remember_now(update: Update, context: ContextTypes.DEFAULT_TYPE) -> Person | None:
    """:func:`remember_user` on the caller's thread (one already off the event loop)."""
    svc = services(context)
    user, chat = update.effective_user, update.effective_chat
    if user is None:
        return None
    try:
        if chat is not None and chat.type == "private":
            return svc.users.seen(
                user.id,
                chat.id,
                first_name=well_formed(user.first_name),
                language_code=user.language_code,
                now=svc.clock(),
            )
        return svc.users.get(user.id)
    except SQLAlchemyError as exc:
        # Locked by another process, or a full disk: answering matters more than noting who
        # wrote; the person's app language stands in for what is stored.
        log.warning("user %s not stored: %s", user.id, reason(exc))
        return None


async def user_languages(
    update: Update, context: ContextTypes.DEFAULT_TYPE
) -> tuple[str, str | None]:
    """The language to reply in, and the one the user chose with /language (None if they did
    not: then a question is answered in its own language)."""
    return languages_of(update, context, await remember_user(update, context))


def languages_of(
    update: Update, context: ContextTypes.DEFAULT_TYPE, person: Person | None
) -> tuple[str, str | None]:
    """:func:`user_languages` for what is stored about the user (None: nothing)."""
    chosen = person.lang if person else None
    user = update.effective_user
    code = user.language_code if user else None
    return reply_lang(chosen, code, services(context).settings.default_lang), chosen


async def user_lang(update: Update, context: ContextTypes.DEFAULT_TYPE) -> str:
    """The user's language: chosen with /language, else their Telegram app's, else the default."""
    return (await user_languages(update, context))[0]
