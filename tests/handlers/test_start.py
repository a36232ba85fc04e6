"""/start greets each user in their language, with languages and main actions as buttons."""

from __future__ import annotations

import pytest

from tests.handlers.conftest import Bot


@pytest.mark.parametrize(
    ("language_code", "greeting", "events_button"),
    [
        ("en", "Hello, Nino!", "Events"),
        ("ka", "გამარჯობა, Nino!", "ღონისძიებები"),
        ("ru", "Здравствуйте, Nino!", "Мероприятия"),
        ("el", "Γεια σας, Nino!", "Εκδηλώσεις"),
        ("uz", "Assalomu alaykum, Nino!", "Tadbirlar"),
    ],
)
async def test_start_greets_in_the_app_language(
    bot: Bot, language_code: str, greeting: str, events_button: str
) -> None:
    user = bot.user(language_code)
    await user.send("/start")
    reply = await user.reply()
    assert reply.text.startswith(greeting)
    labels = [b["text"] for b in reply.buttons]
    assert "ქართული" in labels and "Ўзбекча" in labels and "Oʻzbekcha" in labels
    assert any(events_button in label for label in labels)


async def test_unknown_app_language_falls_back_to_the_default(bot: Bot) -> None:
    user = bot.user("pt-br")
    await user.send("/start")
    assert (await user.reply()).text.startswith("Hello, Nino!")


async def test_a_name_with_markup_is_shown_as_typed(bot: Bot) -> None:
    user = bot.user("en", first_name="<b>Ana & Co</b>")
    await user.send("/start")
    assert (await user.reply()).text.startswith("Hello, <b>Ana & Co</b>!")
