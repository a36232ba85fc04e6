"""Azerbaijani and Armenian, the two languages added through the language registry, work end
to end like the first six: the greeting, the command menu, a question answered from the
knowledge in the asker's language, and the events list with dates in their locale."""

from __future__ import annotations

import pytest

from tests.handlers.conftest import Bot

CASES = {
    "az": {
        "greeting": "Salam, Nino!",
        "events_button": "📅 Tədbirlər",
        "events_command": "qarşıdakı praktiki seminarlar və məşğələlər",
        # "How many employees took part in the training in Khobi?"
        "question": "Xobidə təlimdə neçə işçi iştirak edib?",
        "source": "Mənbə:",
        "label": "gürcü dilində məqalədən:",
        "listing": "Qarşıdakı tədbirlər",
        "first_event": "10 mar 2027 · Planned workshop on day 10 (az)",
    },
    "hy": {
        "greeting": "Բարև ձեզ, Nino։",
        "events_button": "📅 Միջոցառումներ",
        "events_command": "առաջիկա աշխատաժողովներ և հանդիպումներ",
        "question": "Քանի՞ աշխատակից է մասնակցել Խոբիում անցկացված դասընթացին",
        "source": "Աղբյուր:",
        "label": "վրացերեն հոդվածից:",
        "listing": "Առաջիկա միջոցառումներ",
        "first_event": "10 մրտ, 2027 թ. · Planned workshop on day 10…",
    },
}


@pytest.mark.parametrize("lang", CASES)
async def test_start_greets_and_lists_every_language(bot: Bot, lang: str) -> None:
    case = CASES[lang]
    user = bot.user(lang)
    await user.send("/start")
    reply = await user.reply()
    assert reply.text.startswith(case["greeting"])
    labels = [b["text"] for b in reply.buttons]
    assert {"Azərbaycanca", "Հայերեն", "ქართული", "Oʻzbekcha"} <= set(labels)
    assert case["events_button"] in labels
    menu = {c["command"]: c["description"] for c in bot.server.commands[("default", lang)]}
    assert menu["events"] == case["events_command"]


@pytest.mark.parametrize("lang", CASES)
async def test_a_question_is_answered_in_the_askers_language(bot: Bot, lang: str) -> None:
    """Asked in Azerbaijani or Armenian about a Georgian article: the record's summary in the
    asker's language, the article's sentence with the number, labelled and cited in it."""
    case = CASES[lang]
    user = bot.user(lang)
    await user.send(case["question"])
    text = (await user.reply()).text
    assert "30" in text
    assert case["label"] in text and case["source"] in text


@pytest.mark.parametrize("lang", CASES)
async def test_events_list_dates_in_the_readers_locale(planned: Bot, lang: str) -> None:
    case = CASES[lang]
    user = planned.user(lang)
    await user.send("/events")
    listing = await user.reply()
    assert listing.text.startswith(case["listing"])
    names = [b["text"] for b in listing.buttons if b["callback_data"].startswith("c:")]
    assert names[0] == case["first_event"]


async def test_a_language_picked_from_the_menu_is_kept(bot: Bot) -> None:
    """A Russian app, Armenian chosen from the language buttons: replies follow the choice."""
    user = bot.user("ru")
    await user.send("/start")
    welcome = await user.reply()
    await user.press(welcome, "Հայերեն")
    assert (await user.reply()).text == "Այսուհետ կպատասխանեմ հայերենով։"
    await user.send("/start")
    assert (await user.reply()).text.startswith(CASES["hy"]["greeting"])
