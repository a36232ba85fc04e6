"""Fairness between people: one person's flood, or Telegram's flood wait for their chat,
never keeps another person waiting, and past a rate a person is told once to slow down."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.assistant import Assistant
from bot.settings import Settings
from tests.handlers.conftest import Bot, Clock, running_bot

SLOW_DOWN = "You are writing faster than I can answer. Please wait a minute."


@pytest.fixture
async def paced(settings: Settings, assistant: Assistant, clock: Clock) -> AsyncIterator[Bot]:
    async with running_bot(
        settings.model_copy(update={"user_messages_per_minute": 3}), assistant, clock
    ) as running:
        yield running


async def test_past_the_rate_a_person_is_told_once_and_others_are_still_answered(
    paced: Bot,
) -> None:
    flooder, other = paced.user("en"), paced.user("en")
    for _ in range(8):
        await flooder.send("Which workshops are coming up?")
    replies = await flooder.replies(4)
    assert [r.text == SLOW_DOWN for r in replies].count(True) == 1
    await other.send("Which workshops are coming up?")
    assert (await other.reply()).text != SLOW_DOWN
    assert not flooder.unread()  # the rest of the burst is not answered


async def test_a_flood_wait_for_one_chat_does_not_hold_another_chat(bot: Bot) -> None:
    """Telegram makes the bot wait 12 s before writing to one person again; the bot handles a
    few updates at once, and that person's nine messages used to take every slot, each sitting
    out the wait, so everyone else waited too."""
    flooded, other = bot.user("en"), bot.user("en")
    bot.server.flood(retry_after=12, times=100, chat_id=flooded.id)
    for _ in range(9):
        await flooded.send("/help")
    await other.send("/start")
    assert (await other.reply(timeout=8)).text.startswith("Hello")
    assert len(flooded.unread()) < 9  # still sitting out the wait
    bot.server.floods.clear()  # let the waiting ones finish before the bot stops
