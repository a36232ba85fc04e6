"""The pace Telegram allows a broadcast: a global rate, a gap between messages to one chat,
and a pause when Telegram answers 429 ``retry_after``.

Slots are handed out on a schedule (one every ``1/rate`` seconds) rather than from a bucket
with a burst, because Telegram counts messages per second and punishes bursts with flood
waits. Only the broadcast waits here: the bot's replies to users do not go through it, so a
flood wait on a broadcast does not freeze the conversation (python-telegram-bot's
AIORateLimiter would hold every request of the bot).
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable


class Pacer:
    def __init__(
        self,
        rate: float,
        chat_interval: float,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[None]] = asyncio.sleep,
    ) -> None:
        if rate <= 0:
            raise ValueError("the rate must be positive")
        self.gap = 1.0 / rate
        self.chat_interval = chat_interval
        self.clock = clock
        self.sleep = sleep
        self._next = 0.0  # the next free slot
        self._paused_until = 0.0
        self._chat_ready: dict[int, float] = {}

    def pause(self, seconds: float) -> None:
        """Telegram asked for ``seconds`` of quiet: no slot before then."""
        self._paused_until = max(self._paused_until, self.clock() + seconds)

    async def quiet(self) -> None:
        """Wait out a flood pause, if one is on."""
        while (left := self._paused_until - self.clock()) > 0:
            await self.sleep(left)

    async def turn(self, chat_id: int) -> None:
        """Wait until a message to ``chat_id`` may go out, and take that slot."""
        while True:
            now = self.clock()
            ready = self._chat_ready.get(chat_id, 0.0)
            if ready > now:
                await self.sleep(ready - now)
                continue
            slot = max(now, self._next, self._paused_until)
            self._next = slot + self.gap
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
