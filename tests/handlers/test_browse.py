"""/events, /trainings and /partners: paged lists, detail cards, calendar files, reminders."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from sqlalchemy import select

from bot.models import ReminderRequest
from bot.settings import Settings
from tests.conftest import MakeSettings
from tests.handlers.conftest import Bot, Clock, bot_with, in_every_language


async def test_events_are_paged_soonest_first(planned: Bot) -> None:
    user = planned.user("en")
    await user.send("/events")
    listing = await user.reply()
    assert listing.text.startswith("Upcoming events")
    names = [b["text"] for b in listing.buttons if b["callback_data"].startswith("c:")]
    assert names == [f"Mar {d}, 2027 · Planned workshop on day {d} (en)" for d in range(10, 15)]
    assert "1/2" in [b["text"] for b in listing.buttons]
    await user.press(listing, "▶")
    await user.edited(listing)
    names = [b["text"] for b in listing.buttons if b["callback_data"].startswith("c:")]
    # Then what is planned without a date (the shipped knowledge has three), undated.
    assert names[:2] == [
        "Mar 15, 2027 · Planned workshop on day 15 (en)",
        "Mar 16, 2027 · Planned workshop on day 16 (en)",
    ]
    assert len(names) == 5 and all(" · " not in name for name in names[2:])
    ids = [b["callback_data"] for b in listing.buttons if b["callback_data"].startswith("c:")]
    assert all(data.endswith("-planned") for data in ids[2:])
    assert "▶" not in [b["text"] for b in listing.buttons]
    await user.press(listing, "◀")
    await user.edited(listing, 2)
    assert "Mar 10, 2027 · Planned workshop on day 10 (en)" in [b["text"] for b in listing.buttons]


async def test_event_card_shows_local_time_and_offers_calendar_and_reminder(planned: Bot) -> None:
    user = planned.user("ru")
    await user.send("/events")
    listing = await user.reply()
    await user.press(listing, "day 12")
    card = await user.edited(listing)  # the card replaces the list, which stays one message
    assert card.text.startswith("Planned workshop on day 12 (ru)")
    assert "12 марта 2027" in card.text and "10:00" in card.text and "13:00" in card.text
    assert "Tbilisi City Hall (ru)" in card.text
    assert card.button("✍️")["url"] == "https://example.org/register"
    await user.press(card, "📆")
    ics = await user.reply()
    assert ics.document["file_name"] == "planned-workshop-12.ics"
    content = ics.document["content"].decode()
    assert "DTSTART:20270312T060000Z" in content and "DTEND:20270312T090000Z" in content
    assert "SUMMARY:Planned workshop on day 12 (ru)" in content
    query = await user.press(card, "🔔")
    assert (await user.callback_answer(query))["show_alert"] is True
    with planned.assistant.sessions() as session:
        asked = session.scalars(
            select(ReminderRequest.event_key).where(ReminderRequest.user_id == user.id)
        ).all()
    assert asked == ["planned-workshop-12"]
    await user.press(card, "◀ Назад")  # back to the page the card was opened from
    listing = await user.edited(card, 2)
    assert listing.text.startswith("Предстоящие мероприятия")
    assert "c:e0:planned-workshop-12" in [b["callback_data"] for b in listing.buttons]
    assert not [m for m in user.unread() if not m.document]  # the card was no new message


async def test_deep_link_opens_an_event_card(planned: Bot) -> None:
    user = planned.user("en")
    await user.send("/start event_planned-workshop-13")
    card = await user.reply()
    assert card.text.startswith("Planned workshop on day 13 (en)")


@pytest.fixture
async def nothing_planned(
    knowledge_copy: Path,
    tmp_path: Path,
    settings: Settings,
    clock: Clock,
    make_settings: MakeSettings,
) -> AsyncIterator[Bot]:
    """The shipped knowledge with nothing to come: its planned trainings taken as held."""
    events = knowledge_copy / "records" / "events.yaml"
    text = events.read_text(encoding="utf-8")
    events.write_text(text.replace("  planned: true\n", ""), encoding="utf-8")
    files = (knowledge_copy, tmp_path, make_settings)
    async with bot_with([], "none", files, settings, clock) as running:
        yield running


async def test_nothing_upcoming_shows_the_most_recent_events(nothing_planned: Bot) -> None:
    user = nothing_planned.user("en")
    await user.send("/events")
    listing = await user.reply()
    assert listing.text.startswith("Nothing is scheduled at the moment.")
    assert "The most recent ones were:" in listing.text
    first = listing.buttons[0]
    assert first["callback_data"] == "c:e0:gr-innovation-workshop-2021-07-27"
    assert first["text"].startswith("Jul 27, 2021 · ")
    await user.press(listing, first["text"])
    card = await user.edited(listing)
    assert "July 27, 2021" in card.text
    assert "🔔" not in str(card.buttons)  # no reminder can come for a past event
    assert "📆" not in str(card.buttons)  # nor is it worth a calendar entry
    query = await user.press_data(card, "remind:gr-innovation-workshop-2021-07-27")  # old card
    assert (await user.callback_answer(query))["text"] == "This event has already taken place."
    await user.press_data(listing, "list:events:1")  # all of them, a page at a time
    older = await user.edited(listing, 2)
    assert older.buttons[0]["callback_data"] not in (first["callback_data"], "list:events:0")
    assert any(b["callback_data"] == "list:events:0" for b in older.buttons)  # ◀ back


async def test_planned_without_a_date_is_to_come_not_held(bot: Bot) -> None:
    """Trainings a project announced without a date are listed with the events to come, say
    so on their card, and are not among the trainings held so far."""
    bot.clock.now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    user = bot.user("ru")
    await user.send("/events")
    listing = await user.reply()
    assert listing.text.startswith("Предстоящие мероприятия")
    names = [b["text"] for b in listing.buttons if b["callback_data"].startswith("c:")]
    assert names and all(" · " not in name for name in names)  # no date to show
    await user.press(listing, names[0])
    card = await user.edited(listing)
    assert "Когда: запланировано, дата пока не назначена" in card.text
    assert "📆" not in str(card.buttons) and "🔔" not in str(card.buttons)

    reader = bot.user("uz-Latn")
    await reader.send("/trainings")
    held = [b["callback_data"] for b in (await reader.reply()).buttons]
    assert held and not any(data.endswith("-planned") for data in held)
    await reader.send("Qanday treninglar rejalashtirilgan?")
    answer = await reader.reply()
    assert "Qachon: rejalashtirilgan, sanasi hali belgilanmagan" in answer.text


async def test_partners_list_and_card(bot: Bot) -> None:
    user = bot.user("en")
    await user.send("/partners")
    listing = await user.reply()
    assert listing.text.startswith("Partner organisations")
    names = [b["text"] for b in listing.buttons if b["callback_data"].startswith("c:")]
    assert names == sorted(names, key=str.casefold) and len(names) == 5
    await user.press(listing, names[0])
    card = await user.edited(listing)
    assert card.text.startswith(names[0].rstrip("…"))
    assert "📆" not in str(card.buttons) and "🔔" not in str(card.buttons)


async def test_trainings_in_georgian(bot: Bot) -> None:
    user = bot.user("ka")
    await user.send("/trainings")
    listing = await user.reply()
    assert listing.text.startswith("ტრენინგები")
    first = listing.buttons[0]
    await user.press(listing, first["text"])
    card = await user.edited(listing)
    assert first["text"].rstrip("…").split(" · ")[-1] in card.text.splitlines()[0]
    await user.press(card, "◀ უკან")
    assert (await user.edited(card, 2)).text.startswith("ტრენინგები")


async def test_deep_link_opens_a_list(bot: Bot) -> None:
    user = bot.user("el")
    await user.send("/start partners")
    listing = await user.reply()
    assert listing.buttons[0]["callback_data"].startswith("c:p0:")
    assert not listing.text.startswith("Γεια σας")


async def test_list_buttons_show_a_date_only_as_precisely_as_the_source(bot: Bot) -> None:
    """A training known only to the year showed as "Jan 1, 2013"."""
    user = bot.user("en")
    await user.send("/trainings")
    labels = [b["text"] for b in (await user.reply()).buttons]
    assert any(label.startswith("2013 · ") for label in labels), labels
    assert not any(label.startswith("Jan 1, ") for label in labels), labels


@pytest.fixture
async def abroad(
    knowledge_copy: Path,
    tmp_path: Path,
    settings: Settings,
    clock: Clock,
    make_settings: MakeSettings,
) -> AsyncIterator[Bot]:
    """The shipped knowledge plus four workshops to come, in three countries and three months,
    and a training held in Athens."""
    planned = [("tbilisi", "GE", "03-10"), ("batumi", "GE", "04-14"), ("athens", "GR", "04-20")]
    planned.append(("tashkent", "UZ", "05-05"))
    events = [
        {
            "id": f"{town}-workshop",
            "kind": "event",
            "type": "workshop",
            "name": in_every_language(f"Workshop in {town.title()}"),
            "summary": in_every_language("Service design for municipal staff"),
            "timezone": "UTC",
            "start": f"2027-{day}T10:00:00+00:00",
            "place": in_every_language(town.title()),
            "country": country,
            "source": "002_3054af4f405343fe.txt",
        }
        for town, country, day in planned
    ]
    held = dict(
        events[2], id="athens-training", type="training", start="2026-05-20T10:00:00+00:00"
    )
    held["name"] = in_every_language("Training in Athens")
    files = (knowledge_copy, tmp_path, make_settings)
    async with bot_with([*events, held], "abroad", files, settings, clock) as running:
        yield running


async def test_events_and_trainings_narrow_by_country_and_month(abroad: Bot) -> None:
    """🌍 and 🗓 under a list offer the countries and months its entries have, named in the
    reader's locale; the choice narrows the list in place, and a card's Back keeps it."""
    user = abroad.user("ru")
    await user.send("/events")
    listing = await user.reply()
    await user.press(listing, "🌍 Страна")
    choices = await user.edited(listing)
    labels = [b["text"] for b in choices.buttons]
    assert labels == ["Грузия", "Греция", "Узбекистан", "Все страны"]
    await user.press(choices, "Грузия")
    georgian = await user.edited(listing, 2)
    assert georgian.text.splitlines()[1] == "Только: Грузия"
    entries = [b["callback_data"] for b in georgian.buttons if b["callback_data"].startswith("c:")]
    assert entries == ["c:e0.GE:tbilisi-workshop", "c:e0.GE:batumi-workshop"]

    await user.press(georgian, "🗓 Месяц")
    months = await user.edited(listing, 3)
    labels = [b["text"].replace("\u202f", " ") for b in months.buttons]
    assert labels == ["март 2027 г.", "апрель 2027 г.", "Все месяцы"]
    await user.press(months, "апрель")
    april = await user.edited(listing, 4)
    assert april.text.splitlines()[1] == "Только: Грузия, апрель 2027\u202fг."
    [entry] = [b for b in april.buttons if b["callback_data"].startswith("c:")]
    await user.press(april, entry["text"])
    card = await user.edited(listing, 5)
    assert card.text.startswith("Workshop in Batumi (ru)")
    await user.press(card, "◀ Назад")
    back = await user.edited(listing, 6)
    assert back.text.splitlines()[1] == "Только: Грузия, апрель 2027\u202fг."

    reader = abroad.user("en")
    await reader.send("/trainings")
    trainings = await reader.reply()
    await reader.press(trainings, "🌍 Country")
    await reader.press(await reader.edited(trainings), "Greece")
    greek = await reader.edited(trainings, 2)
    assert greek.text.splitlines()[1] == "Only: Greece"
    assert greek.buttons[0]["text"] == "May 20, 2026 · Training in Athens (en)"
    await reader.press(greek, "🌍 Country")
    await reader.press(await reader.edited(trainings, 3), "All countries")
    assert "Only:" not in (await reader.edited(trainings, 4)).text
