"""/gaps: staff see what people asked that the bot could not answer, dismiss a question, or
answer it, which makes it answerable at once."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest

from bot.assistant import Assistant
from bot.settings import Settings
from tests.fakegram.client import TelegramUser
from tests.fakegram.server import SentMessage
from tests.handlers.conftest import Bot, Clock, running_bot

STAFF_ID = 4_400_001
LAB = "Кто руководит лабораторией сервис-дизайна в Рустави?"
POOL = "Где в Рустави бассейн?"


@pytest.fixture
async def desk(settings: Settings, clock: Clock) -> AsyncIterator[Bot]:
    staffed = settings.model_copy(update={"admins": [STAFF_ID]})
    async with running_bot(staffed, Assistant(staffed), clock) as bot:
        yield bot


async def say(user: TelegramUser, text: str) -> SentMessage:
    await user.send(text)
    return await user.reply()


async def test_staff_answer_and_dismiss_what_the_bot_could_not_answer(desk: Bot) -> None:
    readers = [desk.user("ru") for _ in range(3)]
    for reader, question in zip(readers, [LAB, LAB.lower().rstrip("?"), POOL], strict=True):
        assert (await say(reader, question)).text.lower().startswith("у меня нет ничего о рустави")

    outsider = desk.user("en")
    assert (await say(outsider, "/gaps")).text == "Only programme staff can do that."

    staff = TelegramUser(desk.server, STAFF_ID, "Tamar", "en")
    listing = await say(staff, "/gaps")
    lines = listing.text.splitlines()
    assert lines[0] == "Questions the bot could not answer, the most asked first:"
    assert lines[2].startswith("1. кто руководит лабораторией") and "asked 2×" in lines[3]
    assert lines[5].startswith(f"2. {POOL}") and "asked 1×" in lines[6]

    dismissed = await staff.callback_answer(await staff.press(listing, "✖ Dismiss 2"))
    assert dismissed["text"] == "Dismissed."
    await staff.edited(listing)
    assert POOL not in listing.text and "asked 2×" in listing.text

    await staff.press(listing, "✍️ Answer 1")
    asked = await staff.reply()
    assert asked.text.startswith("Write the answer to “кто руководит лабораторией")
    assert "in Русский" in asked.text
    done = await say(staff, "Лабораторией сервис-дизайна в Рустави руководит Нино Беридзе.")
    assert done.text.startswith("Published: the bot answers")
    assert done.text.endswith("(2 askings settled, 2 people told).")
    # Both who asked are offered the answer; the dismissed question's asker gets nothing.
    for reader in readers[:2]:
        offered = await reader.reply()
        assert "Нино Беридзе" in offered.text and "руководит лабораторией" in offered.text
    assert not readers[2].unread()
    assert (await say(staff, "/gaps")).text == "No open questions: everything asked was answered."

    answer = await say(readers[0], LAB)
    assert "Нино Беридзе" in answer.text
