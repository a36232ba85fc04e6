"""/stats sends staff a picture of what people asked, with the figures as its caption, the
same as ``reformbot stats`` and the database say; the staff chat gets them weekly, once."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from bot.assistant import Assistant
from bot.models import Exchange
from bot.settings import Settings
from bot.stats import compute
from tests.fakegram.client import TelegramUser
from tests.handlers.conftest import Bot, Clock, delivery_rounds, running_bot

STAFF_ID = 770_001
STAFF_CHAT = -100_770_001
# A Monday, 09:30 in Tbilisi: the weekly digest is due.
MONDAY = datetime(2026, 12, 7, 5, 30, tzinfo=UTC)


@pytest.fixture
async def desk(settings: Settings, clock: Clock) -> AsyncIterator[Bot]:
    staffed = settings.model_copy(
        update={"admins": [STAFF_ID], "staff_chat": STAFF_CHAT, "timezone": "Asia/Tbilisi"}
    )
    clock.now = MONDAY - timedelta(hours=1)  # 08:30: the digest is not due yet
    async with running_bot(staffed, Assistant(staffed), clock) as running:
        running.server.group_chat(STAFF_CHAT, "Programme team")
        yield running


async def test_stats_picture_and_figures_match_the_database(desk: Bot) -> None:
    people = [desk.user(code) for code in ("ka", "ru", "en")]
    for person, question in zip(
        people,
        ["რა ტრენინგები ჩატარდა ხობში?", "Какие партнёры у программы?", "Helicopters in Kutaisi?"],
        strict=True,
    ):
        await person.send(question)
        await person.reply()
    staff = TelegramUser(desk.server, STAFF_ID, "Tamar", "en")
    await staff.send("/stats")
    picture = await staff.reply()
    assert picture.photo is not None and picture.photo.startswith(b"\x89PNG")
    sessions = desk.assistant.sessions
    with sessions() as session:
        asked = session.scalar(select(func.count()).select_from(Exchange))
        answered = session.scalar(
            select(func.count()).select_from(Exchange).where(Exchange.answered.is_(True))
        )
    assert asked == 3
    assert f"Questions: {asked}, answered: {round(100 * answered / asked)}%" in picture.text
    figures = compute(sessions, desk.clock(), 7, None, "en")
    assert figures.questions == asked and figures.answered == answered
    assert sum(figures.by_language().values()) == asked
    await staff.press(picture, "30 days")
    month = await staff.reply()
    assert month.photo is not None and "Questions: 3" in month.text
    outsider = desk.user("en")
    await outsider.send("/stats")
    assert (await outsider.reply()).text == "Only programme staff can do that."


async def test_the_week_in_figures_goes_to_the_staff_chat_once(desk: Bot) -> None:
    def digests() -> list:
        return [m for m in desk.server.messages_to(STAFF_CHAT) if "week in figures" in m.text]

    await delivery_rounds(desk)
    assert not digests()
    desk.clock.now = MONDAY
    await desk.server.wait_for(lambda: digests() or None, 20)
    desk.clock.now = MONDAY + timedelta(hours=3)
    await delivery_rounds(desk)
    [digest] = digests()
    assert "Questions:" in digest.text
