"""Stickers, the localized command menu, inline mode and errors, as a user meets them."""

from __future__ import annotations

from datetime import UTC, datetime

from sqlalchemy import create_engine
from telegram import Update
from telegram.ext import CommandHandler, ContextTypes

from bot.assistant import Assistant
from bot.settings import Settings
from handlers.services import KEY
from tests.fakegram.server import FakeTelegram
from tests.handlers.conftest import TOKEN, Bot, Clock, running_bot


async def test_sticker_gets_a_friendly_hint(bot: Bot) -> None:
    user = bot.user("en")
    await user.send_sticker()
    reply = await user.reply()
    assert reply.text.startswith("I can only read text.")


async def test_unknown_command_points_to_help(bot: Bot) -> None:
    user = bot.user("el")
    await user.send("/weather")
    assert "/help" in (await user.reply()).text


async def test_command_menu_is_published_for_every_language(bot: Bot) -> None:
    menus = bot.server.commands
    assert set(menus) == {
        ("default", ""),
        *(("default", c) for c in ("en", "ka", "uz", "el", "ru", "az", "hy")),
    }
    assert [c["command"] for c in menus[("default", "ru")]] == [
        "start", "events", "trainings", "partners", "subscribe", "unsubscribe", "reminders",
        "language", "mydata", "help",
    ]  # fmt: skip
    descriptions = {code: menus[("default", code)][1]["description"] for code in ("en", "ru")}
    assert descriptions["en"] == "upcoming workshops and sessions"
    assert descriptions["ru"] != descriptions["en"]


async def test_before_start_telegram_shows_the_bot_in_each_language(
    settings: Settings, assistant: Assistant, clock: Clock
) -> None:
    """The name, the "What can this bot do?" text of an empty chat and the short description,
    per app language; set again only where Telegram holds another (setting a name is limited
    to a few times a day)."""
    server = FakeTelegram(TOKEN)
    await server.start()
    try:
        async with running_bot(settings, assistant, clock, server):
            profile = dict(server.profile)
        codes = ("", "en", "ka", "uz", "el", "ru", "az", "hy")
        fields = ("name", "description", "short_description")
        assert set(profile) == {(f, c) for f in fields for c in codes}
        assert profile[("name", "en")] == "Reform programmes assistant"
        assert profile[("name", "")] == profile[("name", "en")]  # the default language
        assert "ტრენინგ" in profile[("description", "ka")]
        assert "тренинг" in profile[("description", "ru")]
        assert "εκπαιδεύσεις" in profile[("short_description", "el")].lower()
        assert "trening" in profile[("short_description", "uz")]  # Uzbek in Latin letters
        # The languages it answers in, each named in the reader's language.
        assert "Azerbaijani, and Armenian" in profile[("description", "en")]
        assert "ադրբեջաներեն և հայերեն" in profile[("description", "hy")]
        sets = len(server.profile_sets)
        server.profile[("name", "ru")] = "Старое имя"  # changed elsewhere (in @BotFather)
        async with running_bot(settings, assistant, clock, server):
            pass
        assert server.profile_sets[sets:] == [("name", "ru")]
        assert server.profile[("name", "ru")] == "Помощник по программам реформ"
    finally:
        await server.stop()


async def test_inline_query_offers_an_answer_to_share(bot: Bot) -> None:
    user = bot.user("en")
    results = await user.inline("Who supported the study visit to France?")
    assert results[0]["id"] == "answer"
    assert "Source:" in results[0]["shown_text"]


async def test_empty_inline_query_offers_events(bot: Bot) -> None:
    bot.clock.now = datetime(2021, 7, 15, 9, 0, tzinfo=UTC)
    user = bot.user("en")
    results = await user.inline("")
    ids = [r["id"] for r in results]
    assert ids[:2] == [
        "e:gr-innovation-workshop-2021-07-19",
        "e:gr-innovation-workshop-2021-07-27",
    ]
    assert ids[2:] and all(i.endswith("-planned") for i in ids[2:])  # then those with no date


async def test_a_failing_handler_gets_an_apology_and_the_bot_goes_on(bot: Bot) -> None:
    async def explode(_update: Update, _context: ContextTypes.DEFAULT_TYPE) -> None:
        raise RuntimeError("a bug in some handler")

    # Before the bot's own handlers, which also answer /boom, as an unknown command.
    bot.application.add_handler(CommandHandler("boom", explode), group=-1)
    user = bot.user("ka")
    await user.send("/boom")
    replies = [m.text for m in await user.replies(2)]
    assert any(r.startswith("სამწუხაროდ, რაღაც შეცდომა მოხდა.") for r in replies)
    await user.send("/help")
    assert "/events" in (await user.reply()).text


async def test_blocked_user_is_marked_and_others_are_still_served(bot: Bot) -> None:
    blocked, other = bot.user("en"), bot.user("en")
    bot.server.blocked.add(blocked.id)
    await blocked.send("/start")
    await bot.server.wait_for(lambda: _is_blocked(bot, blocked.id), 10)
    await other.send("/start")
    assert (await other.reply()).text.startswith("Hello")
    assert ("sendMessage", "Forbidden: bot was blocked by the user") in bot.server.rejected


def _is_blocked(bot: Bot, user_id: int) -> bool:
    return bot.application.bot_data[KEY].users.is_blocked(user_id)


async def test_flood_wait_is_honoured_and_the_reply_still_arrives(bot: Bot) -> None:
    user = bot.user("en")
    bot.server.flood(retry_after=1, times=1, chat_id=user.id)
    await user.send("/start")
    reply = await user.reply()
    assert reply.text.startswith("Hello")
    assert ("sendMessage", "Too Many Requests: retry after 1") in bot.server.rejected


APOLOGY = "Sorry, something went wrong on my side."


async def test_a_server_error_is_retried_and_an_unreadable_answer_is_not_sent_twice(
    bot: Bot,
) -> None:
    """A 500 means nothing was sent: the answer is sent again. A 200 with a body that is not
    JSON means it was sent: sending again would show it twice."""
    user = bot.user("en")
    bot.server.fail("500")
    await user.send("/start")
    assert (await user.reply()).text.startswith("Hello")
    bot.server.fail("junk")
    await user.send("/help")
    assert (await user.reply()).text.startswith("What I can do")
    await user.send("/language")
    assert "language" in (await user.reply()).text.lower()
    assert not [m for m in user.unread() if m.text.startswith(APOLOGY)]
    assert len([m for m in bot.server.messages_to(user.id) if m.text.startswith("Hello")]) == 1
    assert len([m for m in bot.server.messages_to(user.id) if "What I can do" in m.text]) == 1


async def test_buttons_with_no_data_or_no_chat_are_only_acknowledged(bot: Bot) -> None:
    """Empty callback data matches every pattern in python-telegram-bot and crashed the
    subscription toggle; a button on an inline message has no chat to answer in."""
    user = bot.user("en")
    await user.send("/subscribe")
    menu = await user.reply()
    for query in (await user.press_data(menu, ""), await user.press_on_inline_message("sub:all")):
        assert (await user.callback_answer(query)) == {"callback_query_id": query}
    await user.send("/help")
    assert not (await user.reply()).text.startswith(APOLOGY)
    assert not [m for m in user.unread() if m.text.startswith(APOLOGY)]


async def test_lone_surrogates_in_a_question_get_an_answer(bot: Bot) -> None:
    """Telegram's JSON may carry a lone UTF-16 surrogate; storing the question choked on it."""
    user = bot.user("en")
    await user.send("Which workshops are coming up? \ud83d")
    reply = await user.reply()
    assert not reply.text.startswith(APOLOGY)


async def test_a_database_locked_by_another_process_still_answers(bot: Bot) -> None:
    """`reformbot ingest` or a migration holding the write lock made every user wait 40 s:
    the writes that can be dropped (who wrote, what they asked) now wait briefly, and the
    answer goes out without them."""
    user = bot.user("en")
    await user.send("/start")
    await user.reply()
    engine = create_engine(bot.assistant.settings.effective_database_url)
    with engine.connect() as other:
        if engine.dialect.name == "sqlite":
            other.exec_driver_sql("BEGIN IMMEDIATE")
        else:
            other.exec_driver_sql("BEGIN")
            other.exec_driver_sql("LOCK TABLE users, exchanges IN EXCLUSIVE MODE")
        await user.send("Which workshops are coming up?")
        answer = await user.reply(timeout=15)
        other.exec_driver_sql("ROLLBACK")
    engine.dispose()
    assert not answer.text.startswith(APOLOGY)
    assert "Upcoming" in answer.text or "Nothing is scheduled" in answer.text
