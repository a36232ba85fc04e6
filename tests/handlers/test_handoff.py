"""Ask a person: a question the bot could not answer goes to the staff chat (a forum topic per
person, or a thread of replies in a group without topics), staff replies come back from the
bot, the person's follow-ups land in the same place, and nothing is lost to a restart."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import UTC, datetime, timedelta

from bot.assistant import Assistant
from bot.handoffs import HandoffStore
from bot.models import Handoff
from bot.settings import Settings
from tests.fakegram.client import TelegramUser
from tests.fakegram.server import FakeTelegram, SentMessage
from tests.handlers.conftest import TOKEN, Bot, Clock, delivery_rounds, eventually, running_bot

# Each test has a staff group of its own: the fake server numbers messages from 1 again, and
# the database outlives a test.
_groups = itertools.count(-100_777_000, -1)
STAFF_ID = 990_001
# The database outlives a test: each person is new, so no one has a hand-off open already.
_people = itertools.count(990_101)
# "How much does renting a helicopter cost in Kutaisi?": nothing in the knowledge says.
UNANSWERABLE = "რა ღირს ვერტმფრენის ქირაობა ქუთაისში?"


def _staffed(settings: Settings, chat: dict, **more: object) -> Settings:
    return settings.model_copy(update={"admins": [STAFF_ID], "staff_chat": chat["id"], **more})


def _staff_chat(server: FakeTelegram, chat: dict) -> list[SentMessage]:
    """What the bot posted there about hand-offs (on a Monday the weekly figures come too)."""
    return [m for m in server.messages_to(chat["id"]) if not m.text.startswith("📊")]


@asynccontextmanager
async def _desk(
    settings: Settings, assistant: Assistant, clock: Clock, *, forum: bool = False, **more: object
) -> AsyncIterator[tuple[FakeTelegram, dict, Bot]]:
    """The bot with a staff group of its own (a forum, or a group without topics)."""
    server = FakeTelegram(TOKEN)
    await server.start()
    make = server.forum_chat if forum else server.group_chat
    chat = make(next(_groups), "Programme team")
    try:
        async with running_bot(_staffed(settings, chat, **more), assistant, clock, server) as bot:
            yield server, chat, bot
    finally:
        await server.stop()


async def _ask_a_person(person: TelegramUser, question: str) -> SentMessage:
    """Ask the bot, get "I don't know", press Ask a person; the receipt."""
    await person.send(question)
    answer = await person.reply()
    [button] = [b for b in answer.buttons if b["callback_data"].startswith("person:")]
    await person.press_data(answer, button["callback_data"])
    return await person.reply()


async def test_a_question_goes_to_a_staff_topic_and_the_answer_comes_back(
    settings: Settings, assistant: Assistant, clock: Clock
) -> None:
    server = FakeTelegram(TOKEN)
    await server.start()
    forum = server.forum_chat(next(_groups), "Programme team")
    staffed = _staffed(settings, forum)
    try:
        async with running_bot(staffed, assistant, clock, server):
            person = TelegramUser(server, next(_people), "Nino", "ka")
            receipt = await _ask_a_person(person, UNANSWERABLE)
            assert receipt.text.startswith("✅")  # in Georgian: passed on, the answer comes here
            assert "გუნდ" in receipt.text
            [topic] = server.topics[forum["id"]]
            assert "Nino" in server.topics[forum["id"]][topic]
            [header] = _staff_chat(server, forum)
            assert header.thread == topic
            assert UNANSWERABLE in header.text and "ქართული" in header.text
            assert "Nino asks" in header.text and "The bot answered:" in header.text
        # A restart between the question and the staff's answer loses nothing.
        async with running_bot(staffed, assistant, clock, server):
            staff = TelegramUser(server, STAFF_ID, "Tamar", "en")
            await staff.send_in_group(
                forum, "ქუთაისში ვერტმფრენს არ ვაქირავებთ, ბოდიში.", topic=topic
            )
            answer = await person.reply()
            assert "ქუთაისში ვერტმფრენს არ ვაქირავებთ" in answer.text
            assert "Tamar" not in answer.text and str(STAFF_ID) not in answer.text
            # The unanswered question is also among the knowledge's gaps, to be answered.
            await staff.send("/gaps")
            assert UNANSWERABLE in (await staff.reply()).text
            await person.send("გასაგებია, მადლობა! და თბილისში?")
            assert (await person.reply()).text.startswith("✉️")
            follow_up = _staff_chat(server, forum)[-1]
            assert follow_up.thread == topic and "და თბილისში?" in follow_up.text
            await staff.send_in_group(forum, "/close", topic=topic)
            closed = await person.reply()
            assert closed.text != answer.text and "?" not in closed.text
            await eventually(lambda: "Closed" in _staff_chat(server, forum)[-1].text)
            # The conversation is over: the next question is the bot's again.
            staff_said = len(_staff_chat(server, forum))
            await person.send("ტრენინგები")
            assert "ტრენინგ" in (await person.reply()).text
            assert len(_staff_chat(server, forum)) == staff_said
    finally:
        await server.stop()


async def test_in_a_group_without_topics_staff_answer_by_replying(
    settings: Settings, assistant: Assistant, clock: Clock
) -> None:
    """Without topics the hand-off is a thread of replies: the person's follow-up replies to
    the first message, and a staff member's reply to any message of it reaches the person.
    Someone in the group who is not staff reaches no one."""
    async with _desk(settings, assistant, clock) as (server, group, _bot):
        person = TelegramUser(server, next(_people), "Giorgi", "en")
        await _ask_a_person(person, "How much does a helicopter rental cost in Kutaisi?")
        [header] = _staff_chat(server, group)
        assert header.thread is None and "Giorgi asks (English)" in header.text
        await person.send("Also: is there one in Batumi?")
        await person.reply()
        follow_up = _staff_chat(server, group)[-1]
        assert follow_up.reply_to == header.message_id
        stranger = TelegramUser(server, 990_555, "Eve", "en")
        await stranger.send_in_group(group, "I can tell you!", reply_to=follow_up)
        staff = TelegramUser(server, STAFF_ID, "Tamar", "en")
        await staff.send_in_group(group, "Neither city has one, sorry.", reply_to=follow_up)
        answer = await person.reply()
        assert "Neither city has one" in answer.text
        assert "I can tell you" not in answer.text and not person.unread()


async def test_a_thumbs_down_and_contact_offer_a_person_and_office_hours_are_said(
    settings: Settings, assistant: Assistant, clock: Clock
) -> None:
    """👎 under an answer offers Ask a person; /contact passes on the next message. On a
    Saturday, with the office open on weekdays, the person is told when to expect an answer."""
    clock.now = datetime(2026, 12, 5, 12, 0, tzinfo=UTC)  # Saturday
    hours = {"office_hours": "Mon-Fri 09:00-18:00", "timezone": "Asia/Tbilisi"}
    async with _desk(settings, assistant, clock, **hours) as (server, group, _bot):
        person = TelegramUser(server, next(_people), "Nino", "en")
        await person.send("Who supported the study visit to France?")
        answer = await person.reply()
        assert not any(b["callback_data"].startswith("person:") for b in answer.buttons)
        await person.press(answer, "👎")
        await person.edited(answer)
        assert "🙋 Ask a person" in [b["text"] for b in answer.buttons]
        other = TelegramUser(server, next(_people), "Levan", "en")
        await other.send("/help")
        assert "/contact — ask a person from the programme team" in (await other.reply()).text
        await other.send("/contact")
        assert "Write your message" in (await other.reply()).text
        assert not _staff_chat(server, group)
        await other.send("Can someone call me about the summer school?")
        receipt = await other.reply()
        assert "Monday, December 7, 2026, 9:00\u202fAM, Georgia Standard Time" in receipt.text
        [header] = _staff_chat(server, group)
        assert "Can someone call me about the summer school?" in header.text
        assert "The bot answered" not in header.text


async def test_a_person_waiting_a_day_is_told_once(
    settings: Settings, assistant: Assistant, clock: Clock
) -> None:
    async with _desk(settings, assistant, clock) as (server, _group, running):
        person = TelegramUser(server, next(_people), "Nino", "en")
        await _ask_a_person(person, "How much does a helicopter rental cost in Kutaisi?")
        clock.now += timedelta(hours=25)
        note = await person.reply()
        assert note.text.startswith("Nobody from the programme team has answered yet")
        clock.now += timedelta(hours=5)
        await delivery_rounds(running)
        assert not person.unread()


async def test_a_reply_to_a_person_who_blocked_the_bot_says_so(
    settings: Settings, assistant: Assistant, clock: Clock
) -> None:
    async with _desk(settings, assistant, clock, forum=True) as (server, forum, _bot):
        person = TelegramUser(server, next(_people), "Nino", "en")
        await _ask_a_person(person, "How much does a helicopter rental cost in Kutaisi?")
        [topic] = server.topics[forum["id"]]
        await person.block_bot()
        staff = TelegramUser(server, STAFF_ID, "Tamar", "en")
        await staff.send_in_group(forum, "It costs nothing.", topic=topic)
        await eventually(lambda: "Not delivered" in _staff_chat(server, forum)[-1].text)
        assert _staff_chat(server, forum)[-1].thread == topic


async def test_forget_deletes_a_persons_hand_offs(
    settings: Settings, assistant: Assistant, clock: Clock
) -> None:
    async with _desk(settings, assistant, clock) as (server, _group, _bot):
        person = TelegramUser(server, next(_people), "Nino", "en")
        await _ask_a_person(person, "How much does a helicopter rental cost in Kutaisi?")
        handoffs = HandoffStore(assistant.sessions)
        opened = handoffs.current(person.id, clock())
        assert opened is not None and handoffs.messages(opened.id)
        await person.send("/mydata")
        assert "Conversations with the programme team: 1" in (await person.reply()).text
        await person.send("/forget")
        await person.press(await person.reply(), "Delete my data")
        await person.reply()
        with assistant.sessions() as session:
            assert session.get(Handoff, opened.id) is None
        assert not handoffs.messages(opened.id)


async def test_a_persons_later_question_reuses_their_topic_or_opens_a_new_one(
    settings: Settings, assistant: Assistant, clock: Clock
) -> None:
    """One topic per person: their next hand-off goes to it; if staff deleted it, to a new
    one."""
    async with _desk(settings, assistant, clock, forum=True) as (server, forum, _bot):
        person = TelegramUser(server, next(_people), "Nino", "en")
        await _ask_a_person(person, "How much does a helicopter rental cost in Kutaisi?")
        [topic] = server.topics[forum["id"]]
        staff = TelegramUser(server, STAFF_ID, "Tamar", "en")
        await staff.send_in_group(forum, "/close", topic=topic)
        await person.reply()  # closed
        await _ask_a_person(person, "Is there a helicopter in Batumi?")
        assert list(server.topics[forum["id"]]) == [topic]
        assert _staff_chat(server, forum)[-1].thread == topic
        await staff.send_in_group(forum, "/close", topic=topic)
        await person.reply()
        del server.topics[forum["id"]][topic]  # staff deleted the topic
        receipt = await _ask_a_person(person, "And a helicopter in Gori?")
        assert receipt.text.startswith("✅")
        [new] = server.topics[forum["id"]]
        assert new != topic and _staff_chat(server, forum)[-1].thread == new


async def test_contact_in_a_group_points_to_the_private_chat(
    settings: Settings, assistant: Assistant, clock: Clock
) -> None:
    """A question for the team is someone's own: /contact works in the private chat only."""
    async with _desk(settings, assistant, clock) as (server, _staff_group, _bot):
        group = server.group_chat(next(_groups), "Neighbours")
        person = TelegramUser(server, next(_people), "Nino", "en")
        await person.send_in_group(group, "/contact")
        said = await server.wait_for(lambda: server.messages_to(group["id"]) or None, 20)
        assert said[0].text.startswith("This works in a private chat with me")
