"""Reminders before an event: at the configured times by the bot's clock, to those who
pressed Remind me and to opted-in subscribers, once each, across restarts; and the notice of
a newly published event to its topic's subscribers."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot.assistant import Assistant
from bot.languages import SUPPORTED
from bot.settings import Settings
from tests.fakegram.client import TelegramUser
from tests.handlers.conftest import Bot, Clock, delivery_rounds, eventually, running_bot

START = datetime(2027, 3, 10, 6, 0, tzinfo=UTC)  # 10:00 in Tbilisi


def _six(text: str) -> dict[str, str]:
    return {lang: f"{text} ({lang})" for lang in SUPPORTED}


@pytest.fixture
def workshop_settings(knowledge_copy: Path, tmp_path: Path, settings: Settings) -> Settings:
    """The shipped knowledge plus one workshop on 10 March 2027 at 10:00 Tbilisi time."""
    event = {
        "id": "budget-workshop",
        "kind": "event",
        "type": "workshop",
        "name": _six("Budget workshop"),
        "summary": _six("Programme budgeting for municipal staff"),
        "timezone": "Asia/Tbilisi",
        "start": "2027-03-10T10:00:00+04:00",
        "place": _six("Tbilisi City Hall"),
        "source": "002_3054af4f405343fe.txt",
    }
    (knowledge_copy / "records" / "budget.yaml").write_text(
        yaml.safe_dump([event], allow_unicode=True), encoding="utf-8"
    )
    return settings.model_copy(
        update={"data_dir": tmp_path / "reminders", "knowledge_dir": knowledge_copy}
    )


async def quiet_for(bot: Bot, user: TelegramUser) -> None:
    """Let the dispatcher run a few rounds, then check the user got nothing new."""
    await delivery_rounds(bot)
    assert user.unread() == []


async def test_reminders_fire_on_time_once_even_across_restarts(
    workshop_settings: Settings, clock: Clock
) -> None:
    clock.now = datetime(2027, 3, 8, 12, 0, tzinfo=UTC)
    async with running_bot(workshop_settings, Assistant(workshop_settings), clock) as bot:
        user = bot.user("en")
        bystander = bot.user("en")
        await bystander.send("/start")
        await bystander.reply()
        await user.send("/start event_budget-workshop")
        card = await user.reply()
        query = await user.press(card, "Remind me")
        answer = await user.callback_answer(query)
        assert answer["text"] == "Done: I will remind you 1 day and 1 hour before it starts."
        await quiet_for(bot, user)

        clock.now = datetime(2027, 3, 9, 5, 59, tzinfo=UTC)  # a minute early
        await quiet_for(bot, user)
        clock.now = datetime(2027, 3, 9, 6, 0, 5, tzinfo=UTC)
        reminder = await user.reply()
        assert reminder.text.startswith("⏰ Reminder: Budget workshop (en) is coming up.")
        assert "10:00" in reminder.text and "Tbilisi City Hall (en)" in reminder.text
        await user.press(reminder, "Details")
        assert (await user.reply()).text.startswith("Budget workshop (en)")
        assert bystander.unread() == []

    # A restart: the day-before reminder is not sent again, the hour-before one still comes.
    async with running_bot(workshop_settings, Assistant(workshop_settings), clock) as bot:
        user = TelegramUser(bot.server, user.id, user.first_name, "en")  # same person
        await quiet_for(bot, user)
        clock.now = datetime(2027, 3, 10, 5, 0, 1, tzinfo=UTC)
        reminder = await user.reply()
        assert reminder.text.startswith("⏰ Reminder: Budget workshop (en)")

    async with running_bot(workshop_settings, Assistant(workshop_settings), clock) as bot:
        user = TelegramUser(bot.server, user.id, user.first_name, "en")
        await quiet_for(bot, user)


async def test_remind_me_promises_only_the_reminders_still_to_come(
    workshop_settings: Settings, clock: Clock
) -> None:
    clock.now = datetime(2027, 3, 9, 12, 0, tzinfo=UTC)  # 18 hours before the start
    async with running_bot(workshop_settings, Assistant(workshop_settings), clock) as bot:
        user = bot.user("en")
        await user.send("/start event_budget-workshop")
        card = await user.reply()
        answer = await user.callback_answer(await user.press(card, "Remind me"))
        assert answer["text"] == "Done: I will remind you 1 hour before it starts."

        clock.now = datetime(2027, 3, 10, 5, 30, tzinfo=UTC)  # half an hour before
        late = bot.user("en")
        await late.send("/start event_budget-workshop")
        card = await late.reply()
        assert "Remind me" not in str(card.buttons)
        query = await late.press_data(card, "remind:budget-workshop")  # an older card's button
        assert (await late.callback_answer(query))["text"].startswith("No reminder can come")


async def test_opted_in_subscribers_get_reminders_and_new_event_notices(
    workshop_settings: Settings, clock: Clock, knowledge_copy: Path
) -> None:
    clock.now = datetime(2027, 3, 1, 12, 0, tzinfo=UTC)
    async with running_bot(workshop_settings, Assistant(workshop_settings), clock) as bot:
        # The budget workshop is announced at start-up, before anyone here subscribed.
        outbox = bot.application.bot_data["services"].outbox
        await eventually(lambda: outbox.summaries(status="done"))
        follower = bot.user("ka")
        await follower.send("/subscribe")
        menu = await follower.reply()
        for option in ("sub:events", "sub:reminders"):
            query = await follower.press_data(menu, option)
            await follower.callback_answer(query)
            menu = await follower.edited(menu, menu.edits + 1)
        topic_only = bot.user("en")
        await topic_only.send("/subscribe")
        await topic_only.press(await topic_only.reply(), "Workshops")

        # Staff add a second workshop as a record file and it is ingested: subscribers of
        # the topic hear about it once.
        second = yaml.safe_load((knowledge_copy / "records" / "budget.yaml").read_text())[0]
        second |= {"id": "audit-workshop", "name": _six("Audit workshop")}
        second["start"] = "2027-03-20T10:00:00+04:00"
        (knowledge_copy / "records" / "audit.yaml").write_text(
            yaml.safe_dump([second], allow_unicode=True), encoding="utf-8"
        )
        bot.assistant.ingest()
        notice = await follower.reply()
        assert "Audit workshop (ka)" in notice.text and notice.text.startswith("🆕")
        assert "Audit workshop (en)" in (await topic_only.reply()).text

        clock.now = datetime(2027, 3, 9, 6, 0, 5, tzinfo=UTC)
        reminder = await follower.reply()
        assert "Budget workshop (ka)" in reminder.text and reminder.text.startswith("⏰")
        await quiet_for(bot, topic_only)  # subscribed, but did not opt into reminders
        await quiet_for(bot, follower)


async def test_my_reminders_lists_them_and_a_cancelled_one_never_comes(
    workshop_settings: Settings, clock: Clock
) -> None:
    """A reader sees the events they asked to be reminded of (/reminders, or from
    /subscribe), cancels one with 🔕, the list is redrawn in place, and no reminder comes."""
    clock.now = datetime(2027, 3, 8, 12, 0, tzinfo=UTC)
    async with running_bot(workshop_settings, Assistant(workshop_settings), clock) as bot:
        user = bot.user("ru")
        await user.send("/reminders")
        empty = await user.reply()
        assert empty.text.startswith("У вас нет напоминаний.")
        await user.send("/start event_budget-workshop")
        card = await user.reply()
        await user.callback_answer(await user.press(card, "🔔 Напомнить"))

        await user.send("/subscribe")
        topics = await user.reply()
        await user.callback_answer(await user.press(topics, "🔔 Мои напоминания"))
        listing = await user.reply()
        assert listing.text.startswith("Ваши напоминания")
        assert "Budget workshop (ru) — среда, 10 марта 2027\u202fг., 10:00, Грузия" in listing.text
        [event, bell] = listing.buttons
        assert event["callback_data"] == "card:budget-workshop" and bell["text"] == "🔕"

        answer = await user.callback_answer(await user.press(listing, "🔕"))
        assert answer["text"] == "Напоминание отменено: Budget workshop (ru)"
        await user.edited(listing)
        assert listing.text.startswith("У вас нет напоминаний.") and listing.buttons == []

        clock.now = datetime(2027, 3, 9, 6, 0, 5, tzinfo=UTC)  # when the first would come
        await quiet_for(bot, user)
