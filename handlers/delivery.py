"""The broadcast's way out to Telegram: one send per outbox job, with Telegram's answers
mapped to what the outbox records (sent, blocked, failed, or retry after a wait)."""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden, NetworkError, RetryAfter, TelegramError, TimedOut

from bot.broadcast.outbox import Blocked, Failed, Job, Outcome, Retry, Sent
from bot.i18n import translations
from handlers.send import BACKOFF, NO_PREVIEW, retry_seconds, unreadable

log = logging.getLogger(__name__)


def _event_buttons(job: Job) -> InlineKeyboardMarkup | None:
    """Under an event notice or reminder: open the event's card (Remind me, calendar)."""
    if job.event_key is None:
        return None
    _ = translations(job.lang).gettext
    return InlineKeyboardMarkup(
        [[InlineKeyboardButton(_("Details"), callback_data=f"card:{job.event_key}")]]
    )


class TelegramTransport:
    def __init__(self, bot: Bot) -> None:
        self.bot = bot

    async def deliver(self, job: Job) -> Outcome:
        try:
            message = await self.bot.send_message(
                job.chat_id,
                job.text,
                parse_mode=ParseMode.HTML,
                reply_markup=_event_buttons(job),
                link_preview_options=NO_PREVIEW,
            )
        except RetryAfter as exc:
            return Retry(retry_seconds(exc), flood=True)
        except Forbidden:
            return Blocked()
        except TimedOut:
            return Retry(BACKOFF * 2**job.attempts)
        except BadRequest as exc:  # chat not found, text refused: sending again cannot help
            return Failed(exc.message)
        except NetworkError as exc:  # the connection, not the message: try again later
            log.warning("broadcast to %s: %s; will retry", job.chat_id, exc.message)
            return Retry(BACKOFF * 2**job.attempts)
        except TelegramError as exc:
            if unreadable(exc):  # accepted (HTTP 200), its answer garbled: it was sent
                log.warning("broadcast to %s: unreadable answer; counted as sent", job.chat_id)
                return Sent(None)
            return Failed(exc.message)
        return Sent(message.message_id)

    async def show(self, chat_id: int, message_id: int | None, text: str) -> int | None:
        try:
            if message_id is not None:
                await self.bot.edit_message_text(text, chat_id, message_id)
                return message_id
            return (await self.bot.send_message(chat_id, text)).message_id
        except BadRequest as exc:
            if "not modified" in exc.message:
                return message_id
            log.warning("progress for chat %s not shown: %s", chat_id, exc.message)
        except TelegramError as exc:
            log.warning("progress for chat %s not shown: %s", chat_id, exc.message)
        return None
