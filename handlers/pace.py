"""One person at a time, and not too fast: fairness between the people writing to the bot.

Updates are handled concurrently, a few at once. Without care, one person sending hundreds of
messages (or sitting out Telegram's flood wait for their chat) takes every slot and everyone
else waits. Here each person's updates are handled in order, one at a time, and a person
waiting for their previous update holds no slot; past a rate, a person (programme staff
excepted) is told once to slow down and the rest of the burst is not answered.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from contextlib import AbstractAsyncContextManager
from html import escape

from telegram import Update
from telegram.ext import ApplicationHandlerStop, BaseUpdateProcessor, ContextTypes

from bot.i18n import translations
from handlers.send import send_html
from handlers.services import services, user_lang

WINDOW_SECONDS = 60.0
MAX_PEOPLE = 10_000  # remembered at once; past that, the quiet ones are forgotten


class OnePerPerson(BaseUpdateProcessor):
    """At most ``max_concurrent_updates`` updates at once, and one per person: the next update
    of someone already being answered waits for them without holding a slot."""

    def __init__(
        self,
        max_concurrent_updates: int,
        prepare: Callable[[object], AbstractAsyncContextManager[None]] | None = None,
    ) -> None:
        super().__init__(max_concurrent_updates)
        self.prepare = prepare  # what an update needs read before handlers are matched to it
        self._queues: dict[int, asyncio.Lock] = {}
        self._waiting: dict[int, int] = {}

    async def process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        person = _person(update)
        if person is None:
            await super().process_update(update, coroutine)
            return
        lock = self._queues.setdefault(person, asyncio.Lock())
        self._waiting[person] = self._waiting.get(person, 0) + 1
        try:
            async with lock:  # FIFO: a person's updates in the order they came
                await super().process_update(update, coroutine)
        finally:
            self._waiting[person] -= 1
            if not self._waiting[person]:
                del self._waiting[person], self._queues[person]

    async def do_process_update(self, update: object, coroutine: Awaitable[object]) -> None:
        if self.prepare is None:
            await coroutine
            return
        async with self.prepare(update):
            await coroutine

    async def initialize(self) -> None:
        return None

    async def shutdown(self) -> None:
        return None


def _person(update: object) -> int | None:
    if isinstance(update, Update) and update.effective_user is not None:
        return update.effective_user.id
    return None


class Pace:
    """How often each person wrote in the last minute, and who has been told to slow down."""

    def __init__(self, per_minute: int) -> None:
        self.per_minute = per_minute
        self._times: dict[int, deque[float]] = {}
        self._told: set[int] = set()

    def allow(self, person: int, now: float) -> tuple[bool, bool]:
        """Whether to handle this update, and (when not) whether to say so: once a burst."""
        if len(self._times) > MAX_PEOPLE:  # forget those who have been quiet a minute
            self._times = {p: t for p, t in self._times.items() if t[-1] > now - WINDOW_SECONDS}
        times = self._times.setdefault(person, deque())
        while times and times[0] <= now - WINDOW_SECONDS:
            times.popleft()
        if len(times) < self.per_minute:
            times.append(now)
            self._told.discard(person)
            return True, False
        tell = person not in self._told
        self._told.add(person)
        return False, tell


async def slow_down(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """Runs before every other handler: past the rate, stop here."""
    person = _person(update)
    if person is None:
        return
    pace: Pace = context.application.bot_data.setdefault(
        Pace, Pace(services(context).settings.user_messages_per_minute)
    )
    allowed, tell = pace.allow(person, time.monotonic())
    if allowed or await asyncio.to_thread(
        services(context).staff.is_staff, person
    ):  # staff filling a dialogue fast
        return
    if update.callback_query:
        await update.callback_query.answer()
    if tell and update.effective_chat is not None:
        _ = translations(await user_lang(update, context)).gettext
        text = _("You are writing faster than I can answer. Please wait a minute.")
        await send_html(context, update.effective_chat.id, escape(text))
    raise ApplicationHandlerStop
