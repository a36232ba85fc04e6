"""Calls to Telegram that survive what Telegram does under load.

A reply must not be lost to a flood wait or a server error, nor sent twice, and a user who
blocked the bot must not make a handler fail: ``RetryAfter`` is waited out, server errors and
lost connections are retried with back-off, both a bounded number of times; a timeout or an
unreadable answer is retried only for calls that may be repeated (a message is not sent
again); ``Forbidden`` marks the user blocked and gives up quietly.
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram import (
    CallbackQuery,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
)
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut
from telegram.ext import ContextTypes
from telegram.warnings import PTBDeprecationWarning

from handlers.services import services

log = logging.getLogger(__name__)

ATTEMPTS = 4
# A flood wait longer than this is not waited out inside a reply: the user would be better
# served by the error apology than by an answer minutes later.
MAX_WAIT = 60.0
BACKOFF = 0.5
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)

T = TypeVar("T")


def retry_seconds(exc: RetryAfter) -> float:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


def unreadable(exc: TelegramError) -> bool:
    """Telegram answered 200 with a body that is not JSON: the call took effect (a message was
    sent), only its result is unknown."""
    return type(exc) is TelegramError and exc.message == "Invalid server response"


async def patiently(call: Callable[[], Awaitable[T]], *, repeatable: bool = True) -> T:
    """Run one Bot API call, waiting out flood control and retrying what failed on the way:
    a server error (5xx) or a lost connection, with back-off. A timeout or an unreadable
    answer may hide a call that took effect; only a ``repeatable`` one (answering a button,
    editing, a chat action) is made again: sending a message twice would show it twice."""
    for attempt in range(1, ATTEMPTS + 1):
        try:
            return await call()
        except RetryAfter as exc:
            wait = retry_seconds(exc)
            if attempt == ATTEMPTS or wait > MAX_WAIT:
                raise
            log.warning("flood control: waiting %.0f s before retrying", wait)
            await asyncio.sleep(wait)
        except TimedOut:
            if attempt == ATTEMPTS or not repeatable:
                raise
            await asyncio.sleep(BACKOFF * 2 ** (attempt - 1))
        except (
            BadRequest
        ):  # refused as asked (PTB counts it a NetworkError): asking again won't do
            raise
        except NetworkError as exc:  # 5xx, or no connection: the call did not take effect
            if attempt == ATTEMPTS:
                raise
            log.warning("Bot API call failed (%s); retrying", exc.message)
            await asyncio.sleep(BACKOFF * 2 ** (attempt - 1))
        except TelegramError as exc:
            if not unreadable(exc) or attempt == ATTEMPTS or not repeatable:
                raise
            await asyncio.sleep(BACKOFF * 2 ** (attempt - 1))
    raise AssertionError("unreachable")


async def send_html(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    text: str,
    markup: InlineKeyboardMarkup | None = None,
    *,
    reply_to: Message | int | None = None,
    thread: int | None = None,
) -> Message | None:
    """Send one HTML message (in reply to ``reply_to``, a message or its id, in a group: who
    asked is then plain; in the forum topic ``thread``); None if the user has blocked the bot
    (now marked as such), or if Telegram's answer was lost (a timeout, an unreadable answer):
    the message may well have arrived, and is not sent again."""
    replied = reply_to.message_id if isinstance(reply_to, Message) else reply_to
    replying = ReplyParameters(replied, allow_sending_without_reply=True) if replied else None
    try:
        return await patiently(
            lambda: context.bot.send_message(
                chat_id,
                text,
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
                reply_parameters=replying,
                message_thread_id=thread,
            ),
            repeatable=False,
        )
    except Forbidden:
        log.info("chat %s has blocked the bot; marked inactive", chat_id)
        await asyncio.to_thread(services(context).users.mark_blocked, chat_id)
        return None
    except TimedOut:
        log.warning("sending to chat %s timed out; it may have arrived, not sent again", chat_id)
        return None
    except TelegramError as exc:
        if not unreadable(exc):
            raise
        log.warning("sending to chat %s: unreadable answer; it arrived, not sent again", chat_id)
        return None


async def send_chunks(
    context: ContextTypes.DEFAULT_TYPE,
    chat_id: int,
    chunks: list[str],
    markup: InlineKeyboardMarkup | None = None,
    *,
    reply_to: Message | None = None,
) -> Message | None:
    """Send a long reply in order (its first part in reply to ``reply_to``); the buttons go
    under its last part."""
    last = None
    for number, chunk in enumerate(chunks, 1):
        buttons = markup if number == len(chunks) else None
        replying = reply_to if number == 1 else None
        last = await send_html(context, chat_id, chunk, buttons, reply_to=replying)
        if last is None:
            return None
    return last


async def redraw(query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None) -> None:
    """Redraw, as HTML, the message a tapped button is under (lists, cards, reminders and
    the staff lists change in place); a double tap, with nothing to change, is fine."""
    try:
        await patiently(
            lambda: query.edit_message_text(text, parse_mode=ParseMode.HTML, reply_markup=markup)
        )
    except BadRequest as exc:
        if "not modified" not in exc.message:
            raise
