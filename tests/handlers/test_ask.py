"""A free-text question is answered in Telegram HTML with its citation and feedback buttons."""

from __future__ import annotations

import asyncio
from pathlib import Path

from sqlalchemy import select

from bot.assistant import Assistant
from bot.models import Exchange
from tests.conftest import MakeSettings
from tests.core.test_background import ARTICLE, QUESTION
from tests.fakegram.client import TelegramUser
from tests.fakegram.server import SentMessage
from tests.handlers.conftest import Bot, Clock, running_bot


async def test_question_is_answered_with_a_citation(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("Who supported the study visit to France?")
    reply = await user.reply()
    assert "Source: სერვისების განვითარების სააგენტოს" in reply.text  # the article's title
    assert "knowledge/articles/" not in reply.text  # a file name says nothing to a reader
    assert "<blockquote>" in reply.html  # the quote, marked up as Telegram shows quotes
    labels = [b["text"] for b in reply.buttons]
    assert "👍" in labels and "👎" in labels


async def test_full_passage_button_sends_the_passage_unabridged(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("How many employees of Khobi municipality were trained?")
    answer = await user.reply()
    await user.press(answer, "Read the full passage")
    passage = await user.reply()
    assert "Source:" in passage.text
    quoted = answer.text.split("“")[1].split("”")[0] if "“" in answer.text else ""
    assert len(passage.text) > len(quoted)
    assert "30" in passage.text


async def test_a_question_in_russian_is_answered_in_russian(bot: Bot) -> None:
    user = bot.user("en")  # the app's language does not override the question's
    await user.send("Кто поддержал учебный визит во Францию?")
    reply = await user.reply()
    assert "Источник:" in reply.text


async def test_georgian_typed_in_latin_letters_is_answered_in_georgian(bot: Bot) -> None:
    user = bot.user("ka")
    await user.send("ra treningebi chatarda xobshi?")
    reply = await user.reply()
    assert "ხობ" in reply.text
    assert "წყარო:" in reply.text  # "Source:" in Georgian


async def test_a_question_too_short_to_tell_takes_the_app_language(bot: Bot) -> None:
    user = bot.user("ru")
    await user.send("GIZ?")
    reply = await user.reply()
    assert "Источник:" in reply.text


async def test_a_greeting_gets_a_greeting_and_a_hint(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("gamarjoba!")
    reply = await user.reply()
    assert reply.text.startswith("გამარჯობა!")
    assert "Which workshops are coming up?" not in reply.text  # the hint is in Georgian


async def test_a_place_the_knowledge_never_mentions_is_named(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("Which trainings were held in Kutaisi?")
    reply = await user.reply()
    assert reply.text.startswith("I have nothing about Kutaisi.")


async def test_off_topic_question_gets_i_dont_know_with_examples(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("What will the weather be in Paris tomorrow?")
    reply = await user.reply()
    assert reply.text.startswith("Sorry, I don't know the answer to that.")
    assert "Which workshops are coming up?" in reply.text


async def test_markup_in_a_question_cannot_break_the_reply(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("<b>trainings</b> & <script>alert(1)</script> in Khobi?")
    reply = await user.reply()
    assert reply.text
    assert not bot.server.rejected


async def test_five_thousand_character_question_gets_a_reply_within_limits(bot: Bot) -> None:
    user = bot.user("en")
    question = ("Which trainings were held for municipal employees in Khobi? " * 90)[:5000]
    assert len(question) == 5000
    await user.send(question)
    replies = [await user.reply()]
    replies += user.unread()
    assert all(len(r.text) <= 4096 for r in replies)
    assert "Khobi" in replies[0].text
    assert not bot.server.rejected


async def test_the_question_is_stored_with_the_vote(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("Who supported the study visit to France?")
    answer = await user.reply()
    query_id = await user.press(answer, "👍")
    toast = await user.callback_answer(query_id)
    assert toast["text"] == "Thank you! Your feedback helps us improve."
    await user.edited(answer)
    assert "👍 ✓" in [b["text"] for b in answer.buttons]
    with bot.assistant.sessions() as session:
        row = session.scalars(select(Exchange).where(Exchange.user_id == user.id)).one()
    assert (row.question, row.vote) == ("Who supported the study visit to France?", 1)


async def test_changing_a_vote_replaces_it(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("Which international organisations are partners?")
    answer = await user.reply()
    await user.callback_answer(await user.press(answer, "👍"))
    await user.edited(answer, 1)
    await user.callback_answer(await user.press(answer, "👎"))
    await user.edited(answer, 2)
    labels = [b["text"] for b in answer.buttons]
    assert "👎 ✓" in labels and "👍" in labels
    with bot.assistant.sessions() as session:
        votes = session.scalars(select(Exchange.vote).where(Exchange.user_id == user.id)).all()
    assert votes == [-1]


async def test_forged_vote_data_is_refused_politely(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("Which international organisations are partners?")
    answer = await user.reply()
    query = await user.press_data(answer, "vote:99999999999999999999999:1")
    assert (await user.callback_answer(query))["text"] == "That entry is no longer available."
    assert not user.unread()


async def test_an_article_dropped_in_is_answered_without_a_restart(
    tmp_path: Path, make_settings: MakeSettings, knowledge_copy: Path
) -> None:
    """Staff add a file while the bot runs: it is ingested away from the questions, which go
    on being answered meanwhile, and is then answered from."""
    assistant = Assistant(make_settings(tmp_path / "data", knowledge_copy), background=True)
    async with running_bot(assistant.settings, assistant, Clock()) as bot:
        first = bot.user("en")
        await first.send(QUESTION)
        assert "Zestaponi" not in (await first.reply()).text
        (knowledge_copy / "articles" / "zestaponi.md").write_text(ARTICLE, encoding="utf-8")
        deadline = asyncio.get_running_loop().time() + 90
        while True:  # a new user each time: no rate limit is met
            user = bot.user("en")
            await user.send(QUESTION)
            reply = await user.reply()
            if "Zestaponi" in reply.text:
                break
            assert asyncio.get_running_loop().time() < deadline, "not answered within 90 s"
            await asyncio.sleep(0.2)
        assert "Source: Public procurement training in Zestaponi" in reply.text


async def test_in_a_group_the_bot_answers_when_named_or_replied_to(bot: Bot) -> None:
    """A group hears the bot only when it is named (@bot) or answered: then it replies to the
    asker in the group, in the question's language; other talk in the group is not for it."""
    server = bot.server
    group = server.group_chat(-100_555, "Reform colleagues")
    member = TelegramUser(server, 5_500_001, "Irakli", "ru")

    def in_group() -> list[SentMessage]:
        return server.messages_to(group["id"])

    asked = await member.send_in_group(group, "@reformbot_test_bot какие тренинги прошли в Хоби?")
    [answer] = await server.wait_for(lambda: in_group() or None, 10)
    assert answer.reply_to == asked
    assert "Хоби" in answer.text or "ხობ" in answer.text
    assert "👍" not in str(answer.buttons)  # votes are for the private chat

    await member.send_in_group(group, "Коллеги, обед в час.")
    follow_up = await member.send_in_group(group, "А в Мцхете?", reply_to=answer)
    [_, second] = await server.wait_for(lambda: in_group()[1:] and in_group(), 10)
    assert second.reply_to == follow_up
    assert "Мцхет" in second.text or "მცხეთ" in second.text
    await member.send_in_group(group, "@reformbot_test_bot")
    [*_, hint] = await server.wait_for(lambda: in_group()[2:] and in_group(), 10)
    assert hint.text.startswith("Задайте вопрос после моего имени")
    assert len(in_group()) == 3  # the lunch remark got no reply
