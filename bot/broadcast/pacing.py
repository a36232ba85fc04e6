"""The pace Telegram allows a broadcast: a global rate, a gap between messages to one chat,
and a pause when Telegram answers 429 ``retry_after``.

Slots are handed out on a schedule (one every ``1/rate`` seconds) rather than from a bucket
with a burst, because Telegram counts messages per second and punishes bursts with flood
waits. Only the broadcast waits here: the bot's replies to users do not go through it, so a
flood wait on a broadcast does not freeze the conversation (python-telegram-bot's
AIORateLimiter would hold every request of the bot).

The rate is the bot's, not a process's: with several senders (bot replicas, workers) the
schedule is booked in the database (bot.broadcast.schedule), a few slots at a time, so all of
them together keep it. Times are wall-clock seconds, the one clock processes share.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable
from typing import Protocol


class Schedule(Protocol):
    """Where slots are booked: for every sender of the bot (bot.broadcast.schedule), or a
    test's stand-in."""

    async def book(self, count: int, gap: float, now: float) -> float:
        """Book ``count`` slots ``gap`` apart, none before ``now``; the first one's time."""
        ...

    async def pause(self, until: float) -> None:
        """No slot before ``until`` (Telegram asked for quiet)."""
        ...


class Pacer:
    def __init__(
        self,
        rate: float,
        chat_interval: float,
        schedule: Schedule,
        *,
        clock: Callable[[], float] = time.time,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.gap = 1.0 / rate
        self.chat_interval = chat_interval
        self.schedule = schedule
        self.clock = clock
        self.sleep = sleep
        self._slots: deque[float] = deque()  # booked, not yet used
        self._paused_until = 0.0
        self._chat_ready: dict[int, float] = {}

    def pause(self, seconds: float) -> float:
        """Telegram asked for ``seconds`` of quiet: no slot here before then. Returns when
        the pause ends, for the caller to tell the schedule (and so the other senders)."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)
        self._slots.clear()  # booked before the flood wait: not to be used
        return self._paused_until

    async def quiet(self) -> None:
        """Wait out a flood pause, if one is on."""
        while (left := self._paused_until - self.clock()) > 0:
            await self.sleep(left)

    async def reserve(self, count: int) -> float:
        """Book ``count`` slots for messages about to go; the time of the first. Booking a
        batch at once keeps the shared schedule's traffic to one request per batch."""
        not_before = max(self.clock(), self._paused_until)
        first = await self.schedule.book(count, self.gap, not_before)
        self._slots.extend(first + i * self.gap for i in range(count))
        return first

    async def turn(self, chat_id: int) -> None:
        """Wait until a message to ``chat_id`` may go out, and take that slot."""
        while True:
            now = self.clock()
            ready = self._chat_ready.get(chat_id, 0.0)
            if ready > now:
                await self.sleep(ready - now)
                continue
            if not self._slots:
                await self.reserve(1)
            slot = max(self._slots.popleft(), self._paused_until)
            if slot > now:
                await self.sleep(slot - now)
            if self._paused_until > self.clock():  # a flood wait began while we slept
                continue
            self._chat_ready[chat_id] = self.clock() + self.chat_interval
            if len(self._chat_ready) > 10_000:
                self._forget(self.clock())
            return

    def _forget(self, now: float) -> None:
        self._chat_ready = {c: t for c, t in self._chat_ready.items() if t > now}
