"""Staff announcements end to end: the /announce conversation, subscriptions, roles, and a
broadcast to a thousand subscribers, each getting exactly one copy in their language."""

from __future__ import annotations

from collections import Counter
from collections.abc import AsyncIterator
from datetime import timedelta

import pytest
from sqlalchemy import select

from bot.assistant import Assistant
from bot.models import User
from bot.settings import Settings
from tests.fakegram.client import TelegramUser
from tests.handlers.conftest import Bot, Clock, delivery_rounds, running_bot, store_subscribers

STAFF_ID = 4_200_001
TEXTS = {
    "en": "Registration for the spring workshops is open.",
    "ka": "საგაზაფხულო სემინარებზე რეგისტრაცია გახსნილია.",
    "ru": "Открыта регистрация на весенние семинары.",
}


@pytest.fixture
async def newsroom(settings: Settings, clock: Clock) -> AsyncIterator[Bot]:
    """A bot with its own database (subscribers must not leak between tests), one admin, and
    a broadcast rate high enough to send a thousand messages in a test's time."""
    settings = settings.model_copy(update={"admins": [STAFF_ID], "broadcast_rate": 2000.0})
    async with running_bot(settings, Assistant(settings), clock) as bot:
        yield bot


def add_subscribers(bot: Bot, codes: list[str], first_id: int, topic: str = "all") -> list[int]:
    return store_subscribers(
        bot.assistant.sessions, bot.server, codes, first_id, topic=topic, now=bot.clock()
    )


async def compose(staff: TelegramUser, texts: dict[str, str], audience: str) -> None:
    """Write one version per language, English first (and the fallback), pick the audience."""
    names = {"en": "English", "ka": "ქართული", "ru": "Русский", "el": "Ελληνικά"}
    await staff.send("/announce")
    step = await staff.reply()
    for number, (lang, text) in enumerate(texts.items()):
        await staff.press(step, names[lang] if number == 0 else f"➕ {names[lang]}")
        assert names[lang] in (await staff.reply()).text
        await staff.send(text)
        step = await staff.reply()
        assert step.text.startswith("Saved the")
    await staff.press(step, "Continue")
    if len(texts) > 1:
        fallback = await staff.reply()
        assert "no version of its own" in fallback.text
        await staff.press(fallback, "English")
    await staff.press(await staff.reply(), audience)
    await staff.press(await staff.reply(), "Continue")


async def test_a_thousand_subscribers_each_get_one_copy_in_their_language(
    newsroom: Bot,
) -> None:
    codes = ["en", "ka", "ru"] * 330 + ["uz"] * 5 + ["el"] * 5  # 1,000 subscribers
    ids = add_subscribers(newsroom, codes, 600_000)
    staff = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    await compose(staff, TEXTS, "Everyone subscribed")
    *preview, summary = await staff.replies(len(TEXTS) + 2)
    assert preview[0].text == "Preview, each version as its readers will get it:"
    assert [m.text for m in preview[1:]] == list(TEXTS.values())
    assert summary.text.splitlines() == [
        "Recipients: 1,000",
        "• English: 330, their own version",
        "• ქართული: 330, their own version",
        "• Oʻzbekcha: 5, the English version (none of their own)",
        "• Ελληνικά: 5, the English version (none of their own)",
        "• Русский: 330, their own version",
        "⚠️ 10 of them get a version not in their language.",
    ]
    await staff.press(summary, "Send now")
    queued = await staff.reply()
    assert "is on its way" in queued.text

    server = newsroom.server
    await server.wait_for(lambda: len({m.chat_id for m in server.sent} & set(ids)) == 1000, 60)
    # The progress message is edited into the report; one line then notifies the writer.
    notice = await server.wait_for(
        lambda: [m for m in server.messages_to(STAFF_ID) if m.text.endswith("is delivered.")], 30
    )
    assert len(notice) == 1
    report = [m for m in server.messages_to(STAFF_ID) if "Sent: 1,000" in m.text]
    assert len(report) == 1 and report[0].message_id < notice[0].message_id
    per_chat = Counter(m.chat_id for m in server.sent if m.chat_id in set(ids))
    assert set(per_chat.values()) == {1}
    expected = {"en": TEXTS["en"], "ka": TEXTS["ka"], "ru": TEXTS["ru"], "uz": TEXTS["en"]}
    expected["el"] = TEXTS["en"]  # no Greek version: the chosen fallback
    for message in server.sent:
        if message.chat_id in per_chat:
            assert message.text == expected[codes[message.chat_id - 600_000]]
    assert (
        report[0].text.startswith("✅ Announcement #") and "Blocked the bot: 0" in report[0].text
    )


async def test_audience_by_topic_and_language(newsroom: Bot) -> None:
    trainings = add_subscribers(newsroom, ["en", "ru"], 610_000, topic="trainings")
    partners = add_subscribers(newsroom, ["en"], 610_010, topic="partners")
    everything = add_subscribers(newsroom, ["en"], 610_020, topic="all")
    staff = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    await staff.send("/announce")
    await staff.press(await staff.reply(), "English")
    await staff.reply()
    await staff.send("New trainings for Russian readers are coming.")
    await staff.press(await staff.reply(), "Continue")
    await staff.press(await staff.reply(), "Trainings")
    readers = await staff.reply()
    await staff.press(readers, "English")  # leave English readers out
    readers = await staff.edited(readers)
    assert readers.button("English")["text"].startswith("▫️")
    await staff.press(readers, "Continue")
    summary = (await staff.replies(3))[2]
    assert summary.text.splitlines()[0] == "Recipients: 1"
    await staff.press(summary, "Send now")
    await staff.reply()
    server = newsroom.server
    await server.wait_for(lambda: server.messages_to(trainings[1]), 20)
    await server.wait_for(
        lambda: [m for m in server.messages_to(STAFF_ID) if "is delivered" in m.text], 20
    )
    for other in (trainings[0], *partners, *everything):
        assert server.messages_to(other) == []


async def test_the_preview_in_russian_says_who_gets_another_language(newsroom: Bot) -> None:
    """A Russian-only announcement: the Russian-speaking writer sees it as readers will, and
    that the Georgian and English readers get the Russian version."""
    add_subscribers(newsroom, ["ru", "ru", "ka", "en"], 650_000)
    staff = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "ru")
    await staff.send("/announce")
    await staff.press(await staff.reply(), "Русский")
    await staff.reply()
    await staff.send(TEXTS["ru"])
    await staff.press(await staff.reply(), "Продолжить")
    await staff.press(await staff.reply(), "Всем подписчикам")
    await staff.press(await staff.reply(), "Продолжить")
    heading, version, summary = await staff.replies(3)
    assert heading.text == "Предпросмотр: каждая версия так, как её получат читатели:"
    assert version.text == TEXTS["ru"]
    assert summary.text.splitlines()[1:] == [
        "• English: 1, версия на языке Русский (своей нет)",
        "• ქართული: 1, версия на языке Русский (своей нет)",
        "• Русский: 2, своя версия",
        "⚠️ 2 из них получат версию не на своём языке.",
    ]


async def test_a_scheduled_announcement_goes_at_its_time(newsroom: Bot) -> None:
    (reader,) = add_subscribers(newsroom, ["en"], 620_000)
    staff = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    await compose(staff, {"en": "Tomorrow's session moves to room 5."}, "Everyone subscribed")
    summary = (await staff.replies(3))[2]
    await staff.press(summary, "Schedule")
    assert "When should it go?" in (await staff.reply()).text
    await staff.send("tomorrow at nine")
    assert "could not read" in (await staff.reply()).text
    await staff.send("2020-01-01 09:00")
    assert "has passed" in (await staff.reply()).text
    due = newsroom.clock.now + timedelta(hours=2)
    await staff.send(f"{due:%Y-%m-%d %H:%M}")
    scheduled = await staff.reply()
    assert "is scheduled for" in scheduled.text
    # Read back in the staff member's locale; UTC, as no REFORMBOT_TIMEZONE is set here.
    assert f"{due:%b} {due.day}, {due.year}, {due:%-I:%M}\u202f{due:%p}" in scheduled.text

    await staff.send("/help")  # time passes; the bot keeps answering
    await staff.reply()
    assert newsroom.server.messages_to(reader) == []
    newsroom.clock.now = due
    message = await newsroom.server.wait_for(lambda: newsroom.server.messages_to(reader), 20)
    assert message[0].text == "Tomorrow's session moves to room 5."


async def test_staff_see_and_cancel_scheduled_announcements_in_the_bot(newsroom: Bot) -> None:
    """/scheduled lists what waits, with its time in the bot's zone and its audience; Cancel
    stops it (nobody gets it at its time) and redraws the list; someone removed from staff
    meanwhile cannot cancel from a list they were shown, and a reader cannot list."""
    (reader,) = add_subscribers(newsroom, ["en"], 640_000)
    writer = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    await compose(writer, {"en": "The budget session moves to room 5."}, "Everyone subscribed")
    await writer.press((await writer.replies(3))[2], "Schedule")
    await writer.reply()
    due = newsroom.clock.now + timedelta(hours=2)
    await writer.send(f"{due:%Y-%m-%d %H:%M}")
    assert "#1" in (await writer.reply()).text

    staff = writer
    staff.language_code = "ru"  # their app in Russian from now on
    await staff.send("/scheduled")
    listing = await staff.reply()
    assert listing.text.startswith("Запланированные объявления (время по UTC):")
    assert "#1 · " in listing.text and "Всем подписчикам" in listing.text
    assert "The budget session moves to room 5." in listing.text
    outsider = newsroom.user("en")
    await outsider.send("/scheduled")
    assert (await outsider.reply()).text == "Only programme staff can do that."
    refused = await outsider.callback_answer(await outsider.press(listing, "#1"))
    assert refused["text"] == "Only programme staff can do that."

    done = await staff.callback_answer(await staff.press(listing, "✖"))
    assert done["text"] == "Объявление #1 отменено: его никто не получит."
    await staff.edited(listing)
    assert listing.text == "Нет объявлений, ожидающих отправки." and listing.buttons == []
    newsroom.clock.now = due + timedelta(minutes=1)
    await delivery_rounds(newsroom)
    assert newsroom.server.messages_to(reader) == []


async def test_cancel_stops_the_draft(newsroom: Bot) -> None:
    (reader,) = add_subscribers(newsroom, ["en"], 630_000)
    staff = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    await staff.send("/announce")
    await staff.press(await staff.reply(), "English")
    await staff.reply()
    await staff.send("/cancel")
    assert (await staff.reply()).text == "Cancelled. Nothing was sent."
    await staff.send("This is a question again, not an announcement")
    answer = await staff.reply()
    assert "Saved the" not in answer.text
    await staff.send("/cancel")
    assert (await staff.reply()).text == "There is nothing to cancel."
    assert newsroom.server.messages_to(reader) == []


async def test_staff_only_commands_refuse_others_in_their_language(newsroom: Bot) -> None:
    citizen = newsroom.user("ru")
    for command in ("/announce", "/addstaff 5", "/staff"):
        await citizen.send(command)
        refusal = await citizen.reply()
        assert refusal.text.startswith("Только"), refusal.text


async def test_admins_appoint_staff_who_can_then_announce(newsroom: Bot) -> None:
    admin = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    colleague = newsroom.user("en", "Levan")
    await colleague.send("/myid")
    assert str(colleague.id) in (await colleague.reply()).text
    await colleague.send("/announce")
    assert (await colleague.reply()).text == "Only programme staff can do that."
    await admin.send(f"/addstaff {colleague.id}")
    assert (await admin.reply()).text == f"{colleague.id} is now programme staff."
    await admin.send("/staff")
    listing = (await admin.reply()).text
    assert f"{STAFF_ID} (admin)" in listing and f"{colleague.id} (staff)" in listing
    await colleague.send("/announce")
    assert "Which language will you write in?" in (await colleague.reply()).text
    await colleague.send("/cancel")
    await colleague.reply()
    await admin.send(f"/removestaff {colleague.id}")
    assert (await admin.reply()).text == f"{colleague.id} is no longer staff."
    await admin.send(f"/removestaff {STAFF_ID}")
    assert "REFORMBOT_ADMINS" in (await admin.reply()).text
    await colleague.send("/addstaff 5")
    assert (await colleague.reply()).text == "Only admins can do that."


async def test_staff_removed_during_announce_cannot_send_it(newsroom: Bot) -> None:
    """The role is checked when the announcement would go out, not only at /announce."""
    ids = add_subscribers(newsroom, ["en", "en"], 620_000)
    admin = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    colleague = newsroom.user("en", "Levan")
    await admin.send(f"/addstaff {colleague.id}")
    await admin.reply()
    await compose(colleague, {"en": TEXTS["en"]}, "Everyone subscribed")
    preview = await colleague.replies(3)
    await admin.send(f"/removestaff {colleague.id}")
    assert (await admin.reply()).text == f"{colleague.id} is no longer staff."
    query = await colleague.press(preview[2], "Send now")
    assert (await colleague.callback_answer(query))["text"] == "Only programme staff can do that."
    await colleague.send("Is anything on next week?")
    assert "is on its way" not in (await colleague.reply()).text  # a question, not a step
    await delivery_rounds(newsroom)
    assert not any(m.chat_id in ids for m in newsroom.server.sent)


@pytest.mark.parametrize("digits", ["٣", "１２３", "²", "12a", "-5", "0"])
async def test_staff_ids_are_ascii_digits_only(newsroom: Bot, digits: str) -> None:
    """Arabic-Indic and full-width digits name nobody the admin meant; "²" crashed."""
    admin = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    await admin.send(f"/addstaff {digits}")
    assert (await admin.reply()).text.startswith("Send /addstaff followed by")
    await admin.send("/staff")
    listing = (await admin.reply()).text
    assert not any(f"• {n} (staff)" in listing for n in (2, 3, 5, 12, 123))


async def test_help_lists_the_staff_commands_to_staff_only(newsroom: Bot) -> None:
    admin = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    citizen = newsroom.user("en")
    for user in (admin, citizen):
        await user.send("/help")
    help_for_staff = (await admin.reply()).text
    assert "/announce" in help_for_staff and "/newevent" in help_for_staff
    help_for_citizen = (await citizen.reply()).text
    assert "/subscribe" in help_for_citizen and "/announce" not in help_for_citizen


async def test_subscribe_toggles_and_unsubscribe(newsroom: Bot) -> None:
    user = newsroom.user("ka")
    await user.send("/subscribe")
    menu = await user.reply()
    *topics, reminders = menu.buttons
    assert all(b["text"].startswith("▫️") for b in topics)
    assert reminders["text"] == "🔔 ჩემი შეხსენებები"
    query = await user.press(menu, "ტრენინგ")
    assert (await user.callback_answer(query))["text"].startswith("გამოწერილია")
    menu = await user.edited(menu)
    ticked = [b["text"] for b in menu.buttons if b["text"].startswith("✅")]
    assert len(ticked) == 1 and "ტრენინგ" in ticked[0]
    subscriptions = newsroom.application.bot_data["services"].subscriptions
    assert subscriptions.options(user.id) == {"trainings"}
    await user.send("/unsubscribe")
    await user.reply()
    assert subscriptions.options(user.id) == set()


async def test_blocking_the_bot_marks_the_user_inactive_and_unblocking_returns_them(
    newsroom: Bot,
) -> None:
    user = newsroom.user("en")
    await user.send("/subscribe")
    await user.press(await user.reply(), "All announcements")
    users = newsroom.application.bot_data["services"].users
    subscriptions = newsroom.application.bot_data["services"].subscriptions

    def active() -> bool:
        return user.id in {r.user_id for r in subscriptions.audience("any")}

    await newsroom.server.wait_for(active, 10)
    await user.block_bot()
    await newsroom.server.wait_for(lambda: users.is_blocked(user.id), 10)
    assert not active()
    await user.block_bot(False)
    await newsroom.server.wait_for(lambda: not users.is_blocked(user.id), 10)
    assert active()
    with newsroom.assistant.sessions() as session:
        assert session.scalar(select(User.blocked).where(User.id == user.id)) is False


async def test_an_edited_message_during_a_dialogue_breaks_nothing(newsroom: Bot) -> None:
    """Editing an earlier message sends an update with no ``message``; /announce crashed on it."""
    user = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    await user.send("/announce")
    await user.press(await user.reply(), "English")
    assert "English" in (await user.reply()).text  # now waiting for the text
    await user.edit_sent("an edited question")
    await user.send("/cancel")
    assert not (await user.reply()).text.startswith("Sorry, something went wrong")


async def test_questions_sent_right_after_a_refused_announce_are_all_answered(
    newsroom: Bot,
) -> None:
    """They waited for the /announce step, which then ended: they were dropped."""
    citizen = newsroom.user("en")
    await citizen.send("/announce")
    for _ in range(3):
        await citizen.send("Which workshops are coming up?")
    replies = await citizen.replies(4)
    assert sum(r.text == "Only programme staff can do that." for r in replies) == 1
    assert sum(r.text != "Only programme staff can do that." for r in replies) == 3


async def test_staff_see_their_commands_in_a_menu_of_their_own(newsroom: Bot) -> None:
    """Scoped to the private chat of each member, in their language, from their first /start
    (an admin named in the settings) or their appointment, and gone when they leave."""
    admin = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "ru")
    await admin.send("/start")
    await admin.reply()
    menus = newsroom.server.commands
    own = await newsroom.server.wait_for(lambda: menus.get((f"chat:{STAFF_ID}", "")), 10)
    staff_commands = [
        "announce", "scheduled", "newevent", "translate", "gaps", "addarticle", "articles",
        "stats", "cancel", "staff",
    ]  # fmt: skip
    assert [c["command"] for c in own][-len(staff_commands) :] == staff_commands
    assert {c["command"]: c["description"] for c in own}["announce"] == (
        "отправить объявление подписчикам"
    )
    assert "announce" not in [c["command"] for c in menus[("default", "ru")]]

    colleague = newsroom.user("ka")
    await colleague.send("/start")
    await colleague.reply()
    await admin.send(f"/addstaff {colleague.id}")
    await admin.reply()
    theirs = await newsroom.server.wait_for(lambda: menus.get((f"chat:{colleague.id}", "")), 10)
    assert {c["command"]: c["description"] for c in theirs}["announce"] == (
        "განცხადების გაგზავნა გამომწერებისთვის"
    )
    await admin.send(f"/removestaff {colleague.id}")
    await admin.reply()
    assert (f"chat:{colleague.id}", "") not in menus


async def test_private_commands_in_a_group_point_to_the_private_chat(newsroom: Bot) -> None:
    group = newsroom.server.group_chat(-100_777, "Reform team")
    admin = TelegramUser(newsroom.server, STAFF_ID, "Tamar", "en")
    server = newsroom.server
    for command in ("/announce", "/subscribe@reformbot_test_bot"):
        before = len(server.messages_to(group["id"]))
        await admin.send_in_group(group, command)
        replies = await server.wait_for(
            lambda n=before: server.messages_to(group["id"])[n:] or None, 10
        )
        assert [r.text for r in replies] == [
            "This works in a private chat with me: https://t.me/reformbot_test_bot"
        ]
    assert newsroom.server.messages_to(STAFF_ID) == []  # no dialogue began anywhere
