"""/language stores the reply language per user; it survives a restart of the bot."""

from __future__ import annotations

from bot.assistant import Assistant
from bot.settings import Settings
from tests.fakegram.server import FakeTelegram
from tests.handlers.conftest import TOKEN, Bot, Clock, running_bot


async def test_switching_language_changes_replies_and_survives_a_restart(
    settings: Settings, assistant: Assistant, clock: Clock
) -> None:
    server = FakeTelegram(TOKEN)
    await server.start()
    try:
        async with running_bot(settings, assistant, clock, server) as first:
            user = first.user("en")
            await user.send("/language")
            menu = await user.reply()
            await user.press(menu, "Русский")
            confirmation = await user.reply()
            assert confirmation.text == "Теперь я буду отвечать на русском языке."
            await user.send("Who supported the study visit to France?")
            assert "Источник:" in (await user.reply()).text
        async with running_bot(settings, assistant, clock, server):
            await user.send("/start")
            assert (await user.reply()).text.startswith("Здравствуйте")
    finally:
        await server.stop()


async def test_deep_link_sets_the_language(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("/start lang_el")
    assert (await user.reply()).text.startswith("Γεια σας")
    await user.send("/help")
    assert "/events" in (await user.reply()).text
