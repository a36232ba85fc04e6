"""Bot API calls survive timeouts and flood waits, a bounded number of times."""

from __future__ import annotations

import pytest
from telegram.error import NetworkError, RetryAfter, TelegramError, TimedOut

from handlers import send


async def test_timeouts_are_retried_with_back_off(monkeypatch: pytest.MonkeyPatch) -> None:
    waits: list[float] = []

    async def no_sleep(seconds: float) -> None:
        waits.append(seconds)

    monkeypatch.setattr(send.asyncio, "sleep", no_sleep)
    outcomes = [TimedOut(), TimedOut(), "sent"]

    async def call() -> str:
        outcome = outcomes.pop(0)
        if isinstance(outcome, Exception):
            raise outcome
        return outcome

    assert await send.patiently(call) == "sent"
    assert waits == [send.BACKOFF, send.BACKOFF * 2]


async def test_a_flood_wait_longer_than_a_reply_can_wait_is_raised() -> None:
    async def flooded() -> None:
        raise RetryAfter(int(send.MAX_WAIT) + 1)

    with pytest.raises(RetryAfter):
        await send.patiently(flooded)


async def test_timeouts_give_up_after_the_last_attempt(monkeypatch: pytest.MonkeyPatch) -> None:
    async def no_sleep(_seconds: float) -> None:
        return None

    monkeypatch.setattr(send.asyncio, "sleep", no_sleep)
    calls = 0

    async def always_times_out() -> None:
        nonlocal calls
        calls += 1
        raise TimedOut()

    with pytest.raises(TimedOut):
        await send.patiently(always_times_out)
    assert calls == send.ATTEMPTS


async def test_what_may_have_taken_effect_is_repeated_only_when_repeatable(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A server error is retried for any call; a timeout or an unreadable answer only for a
    call that may be repeated (not sending a message, which would then arrive twice)."""

    async def no_sleep(_seconds: float) -> None:
        return None

    monkeypatch.setattr(send.asyncio, "sleep", no_sleep)
    for error, repeated_when_not_repeatable in (
        (NetworkError("Internal Server Error (500)"), True),
        (TimedOut(), False),
        (TelegramError("Invalid server response"), False),
    ):
        for repeatable in (True, False):
            calls = 0

            async def flaky(error: Exception = error) -> str:
                nonlocal calls
                calls += 1
                if calls == 1:
                    raise error
                return "done"

            if repeatable or repeated_when_not_repeatable:
                assert await send.patiently(flaky, repeatable=repeatable) == "done"
                assert calls == 2
            else:
                with pytest.raises(type(error)):
                    await send.patiently(flaky, repeatable=repeatable)
                assert calls == 1
