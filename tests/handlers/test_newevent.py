"""/newevent: staff publish an event by answering questions; it is listed, shown in every
reader's locale and announced to subscribers; bad answers are explained and asked again."""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml

from bot import content
from bot.assistant import Assistant
from bot.ingest.readable import StoredText
from bot.ingest.record_files import read_records
from bot.publish import EventDraft, store_event
from bot.settings import Settings
from handlers.services import KEY, Services
from tests.conftest import KNOWLEDGE, MakeSettings
from tests.fakegram.client import TelegramUser
from tests.fakegram.server import SentMessage
from tests.handlers.conftest import Bot, Clock, delivery_rounds, running_bot

STAFF_ID = 990_001
NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
TITLE = "Digital services & <e-government> workshop"
NOTICE_WAIT = 10.0  # the dispatcher looks every half second; this is a generous bound


@pytest.fixture
async def newsroom(
    knowledge_copy: Path,
    tmp_path: Path,
    settings: Settings,
    clock: Clock,
    make_settings: MakeSettings,
) -> AsyncIterator[Bot]:
    """The bot over a copy of the knowledge, with STAFF_ID an admin (REFORMBOT_ADMINS)."""
    own = make_settings(tmp_path / "newsroom", knowledge_copy)
    staffed = settings.model_copy(update={"admins": [STAFF_ID], "knowledge_dir": knowledge_copy})
    clock.now = NOW
    async with running_bot(staffed, Assistant(own), clock) as running:
        yield running


def staff_member(bot: Bot, language_code: str = "en") -> TelegramUser:
    return TelegramUser(bot.server, STAFF_ID, "Tamar", language_code)


def svc(bot: Bot) -> Services:
    return bot.application.bot_data[KEY]


def listed_on(listing: SentMessage, day: str) -> list[str]:
    """The ids of the events a list shows that were published for ``day``."""
    return [b["callback_data"] for b in listing.buttons if f":{day}-" in b["callback_data"]]


def published_files(bot: Bot) -> list[StoredText]:
    """What was published through the bot: kept in the database, not in any directory."""
    with bot.assistant.sessions() as session:
        return [StoredText(rel, text) for rel, text in sorted(content.current(session).items())]


def flat(message: SentMessage) -> str:
    """The text with Babel's thin and narrow no-break spaces as plain ones."""
    return message.text.replace("\u2009", " ").replace("\u202f", " ")


async def say(user: TelegramUser, text: str) -> SentMessage:
    await user.send(text)
    return await user.reply()


async def tap(user: TelegramUser, message: SentMessage, label: str) -> SentMessage:
    await user.press(message, label)
    return await user.reply()


async def up_to_the_start(staff: TelegramUser, title: str = TITLE) -> SentMessage:
    """/newevent, title, Workshop, Asia/Tbilisi: returns the question for the start."""
    question = await say(staff, "/newevent")
    assert "What is the event called?" in question.text
    assert "/cancel" in question.text
    question = await say(staff, title)
    assert question.text == "What kind of event is it?"
    question = await tap(staff, question, "Workshop")
    assert "Which time zone" in question.text
    assert [b["text"] for b in question.buttons] == [
        "Asia/Tbilisi",
        "Asia/Tashkent",
        "Europe/Athens",
        "UTC",
    ]
    question = await tap(staff, question, "Asia/Tbilisi")
    assert question.text.startswith("When does it start?")
    assert "Asia/Tbilisi" in question.text and "2027-01-22 10:00" in question.text
    return question


async def test_staff_publish_an_event_that_everyone_then_finds(newsroom: Bot) -> None:
    staff = staff_member(newsroom)
    await up_to_the_start(staff)
    question = await say(staff, "2027-03-01 10:00")
    assert question.text.startswith("When does it end?") and "/skip" in question.text
    question = await say(staff, "2027-03-01 13:30")
    assert question.text.startswith("Where does it take place?")
    question = await say(staff, "Rustavi City Hall, 2 Kostava St")
    assert question.text.startswith("Send the registration link")
    preview = await say(staff, "https://example.org/register?event=1")
    assert preview.text.startswith("This is how the event will be shown:")
    assert TITLE in preview.text and "&lt;e-government&gt;" in preview.html
    assert "Monday, March 1, 2027, 10:00 – 13:30, Georgia Standard Time" in flat(preview)
    assert "Where: Rustavi City Hall, 2 Kostava St" in preview.text
    assert "Registration: https://example.org/register?event=1" in preview.text
    assert preview.text.endswith("Publish it?")
    assert published_files(newsroom) == []  # nothing is written before Publish
    done = await tap(staff, preview, "Publish")
    assert done.text.startswith(f"Published: {TITLE}.")
    assert preview.buttons == []  # the preview's buttons are taken off

    article, record_file = published_files(newsroom)
    assert article.suffix == ".md" and record_file.suffix == ".yaml"
    assert article.rel.startswith("articles/published/")
    assert record_file.rel.startswith("records/published/")
    assert article.stem == record_file.stem
    front = yaml.safe_load(article.read_text(encoding="utf-8").split("---")[1])
    assert front == {"title": TITLE, "date": "2027-01-15", "lang": "en"}
    records, problems = read_records(record_file, "records/published/x.yaml")
    assert problems == []
    ((record, _line),) = records
    assert record.id == article.stem and record.source == [f"published/{article.stem}.md"]
    assert set(record.name.values()) == {TITLE}
    knowledge_dir = newsroom.assistant.settings.knowledge_dir
    assert not (knowledge_dir / "articles" / "published").exists()  # no replica's disk
    assert not (KNOWLEDGE / "articles" / "published").exists()  # the repository is untouched

    reader = newsroom.user("ru")
    listing = await say(reader, "/events")
    first = listing.buttons[0]
    assert first["callback_data"] == f"c:e0:{record.id}"
    assert listed_on(listing, "2027-03-01") == [first["callback_data"]]
    label = first["text"]
    assert label.replace("\u202f", " ").startswith("1 мар. 2027 г. · Digital services")
    await reader.press(listing, label)
    card = await reader.edited(listing)
    assert card.text.startswith(TITLE)
    assert "1 марта 2027" in card.text and "10:00" in card.text and "13:30" in card.text
    assert "Rustavi City Hall, 2 Kostava St" in card.text
    assert card.button("✍️")["url"] == "https://example.org/register?event=1"


async def test_an_online_event_shows_its_link(newsroom: Bot) -> None:
    staff = staff_member(newsroom)
    await up_to_the_start(staff, "Open data webinar")
    await say(staff, "01.03.2027 15:00")
    question = await say(staff, "/skip")
    assert question.text.startswith("Where does it take place?")
    question = await tap(staff, question, "Online")
    assert question.text.startswith("Send the link participants join with")
    question = await say(staff, "https://meet.example.org/open-data")
    assert question.text.startswith("Send the registration link")
    preview = await say(staff, "/skip")
    assert "Where: online, https://meet.example.org/open-data" in preview.text
    assert "Registration" not in preview.text
    done = await tap(staff, preview, "Publish")
    assert done.text.startswith("Published: Open data webinar.")

    reader = newsroom.user("en")
    listing = await say(reader, "/events")
    await reader.press(listing, "Open data webinar")
    card = await reader.edited(listing)
    assert "Monday, March 1, 2027, 3:00 PM, Georgia Standard Time" in flat(card)
    assert "Where: online, https://meet.example.org/open-data" in card.text
    await reader.press(card, "📆")
    ics = (await reader.reply()).document["content"].decode().replace("\r\n ", "")
    assert "LOCATION:https://meet.example.org/open-data" in ics
    assert "URL:https://meet.example.org/open-data" in ics
    # The zone as each reader's locale names it on that day (Georgia keeps no summer time).
    for code, when in (
        ("ru", "понедельник, 1 марта 2027 г., 15:00, Грузия, стандартное время"),
        ("el", "Δευτέρα 1 Μαρτίου 2027, 3:00 μ.μ., Χειμερινή ώρα Γεωργίας"),
        ("ka", "ორშაბათი, 1 მარტი, 2027, 15:00, საქართველოს სტანდარტული დრო"),
    ):
        reader = newsroom.user(code)
        listing = await say(reader, "/events")
        await reader.press(listing, "Open data webinar")
        assert when in flat(await reader.edited(listing))


async def test_bad_answers_are_explained_and_asked_again(newsroom: Bot) -> None:
    staff = staff_member(newsroom)
    question = await say(staff, "/newevent")
    again = await say(staff, "x" * 201)
    assert again.text.startswith("The title must be between 1 and 200 characters long.")
    assert again.text.endswith("What is the event called? Type its title.")
    question = await say(staff, "Budget workshop")
    again = await say(staff, "a workshop")  # a button is wanted
    assert again.text.startswith("Please choose with the buttons below.")
    assert again.text.endswith("What kind of event is it?") and again.buttons
    question = await tap(staff, again, "Seminar")
    again = await say(staff, "Mars/Olympus_Mons")
    assert again.text.startswith("“Mars/Olympus_Mons” is not a time zone I know.")
    assert "Which time zone" in again.text
    question = await say(staff, "europe/athens")  # typed, in any case
    assert question.text.startswith("When does it start?") and "Europe/Athens" in question.text

    again = await say(staff, "next Tuesday at ten")
    assert again.text.startswith("I could not read “next Tuesday at ten” as a date and time.")
    assert "When does it start?" in again.text
    again = await say(staff, "2027-02-30 10:00")
    assert again.text.startswith("I could not read “2027-02-30 10:00”")
    again = await say(staff, "2026-12-01 10:00")
    assert flat(again).startswith("Dec 1, 2026, 10:00 AM has already passed.")
    assert "When does it start?" in again.text
    again = await say(staff, "9999-12-31 23:59")  # past datetime's range in UTC-12
    assert again.text.startswith("The year must be between 1900 and 2100.")
    again = await say(staff, "2027-03-28 03:30")  # the clocks go forward in Athens
    assert again.text.startswith("2027-03-28 03:30 does not exist in Europe/Athens")
    again = await say(staff, "/skip")
    assert again.text.startswith("This question cannot be skipped.")
    assert "When does it start?" in again.text
    question = await say(staff, "2027-03-02 10:00")
    assert question.text.startswith("When does it end?")

    again = await say(staff, "2027-03-02 09:00")
    assert flat(again).startswith("The end must be after the start (Mar 2, 2027, 10:00 AM).")
    assert "When does it end?" in again.text
    question = await say(staff, "2027-03-02 12:00")
    question = await say(staff, "Athens, Ministry of Interior")
    again = await say(staff, "register at the door")
    assert again.text.startswith("That is not a web link.")
    assert "Send the registration link" in again.text
    again = await say(staff, "https://localhost")  # Telegram would refuse it on a button
    assert again.text.startswith("That is not a web link.")
    await staff.send_sticker()
    again = await staff.reply()
    assert again.text.startswith("Please answer with text.")
    preview = await say(staff, "https://example.org/budget")
    assert preview.text.startswith("This is how the event will be shown:")
    assert newsroom.server.rejected == []


async def test_cancel_at_any_step_publishes_nothing(newsroom: Bot) -> None:
    staff = staff_member(newsroom)
    await up_to_the_start(staff)
    await say(staff, "2027-03-01 10:00")
    done = await say(staff, "/cancel")
    assert done.text == "Cancelled: nothing was published."
    answer = await say(staff, "2027-03-01 13:00")  # no longer an answer: a question
    assert not answer.text.startswith("Where does it take place?")

    await up_to_the_start(staff)
    await say(staff, "2027-03-01 10:00")
    await say(staff, "/skip")
    await say(staff, "Tbilisi")
    preview = await say(staff, "/skip")
    done = await tap(staff, preview, "Cancel")
    assert done.text == "Cancelled: nothing was published."
    assert published_files(newsroom) == []
    listing = await say(newsroom.user("en"), "/events")
    assert not listed_on(listing, "2027-03-01")  # only what was planned before


async def test_others_are_refused_and_the_attempt_is_logged(
    newsroom: Bot, caplog: pytest.LogCaptureFixture
) -> None:
    user = newsroom.user("en")
    with caplog.at_level(logging.WARNING, logger="handlers.permissions"):
        refusal = await say(user, "/newevent")
    assert refusal.text == "Only programme staff can do that."
    assert any(
        r.levelno == logging.WARNING and str(user.id) in r.getMessage() for r in caplog.records
    )
    answer = await say(user, "Which workshops are coming up?")  # no conversation started
    assert "What kind of event" not in answer.text


async def test_subscribers_are_told_once(newsroom: Bot) -> None:
    follower = newsroom.user("en", first_name="Giorgi")
    await say(follower, "/start")
    svc(newsroom).subscriptions.toggle(follower.id, "events", NOW)
    staff = staff_member(newsroom)
    await up_to_the_start(staff, "Service design clinic")
    await say(staff, "2027-03-05 11:00")
    await say(staff, "/skip")
    await say(staff, "Kutaisi Public Service Hall")
    preview = await say(staff, "/skip")
    await tap(staff, preview, "Publish")

    notice = await follower.reply(timeout=NOTICE_WAIT)
    assert notice.text.startswith("🆕 New on the programme: Service design clinic")
    assert "Friday, March 5, 2027, 11:00 AM" in flat(notice)
    assert "Kutaisi Public Service Hall" in notice.text
    await delivery_rounds(newsroom)  # time for a duplicate to have come, were there one
    assert follower.unread() == []
    assert staff.unread() == []  # the author does not follow events


async def test_a_failed_ingestion_removes_the_files(newsroom: Bot) -> None:
    staff = staff_member(newsroom)
    await up_to_the_start(staff)
    await say(staff, "2027-03-01 10:00")
    await say(staff, "/skip")
    await say(staff, "Tbilisi")
    preview = await say(staff, "/skip")
    broken = newsroom.assistant.settings.knowledge_dir / "records" / "broken.yaml"
    broken.write_text("- id: Not An Id\n  kind: event\n", encoding="utf-8")
    done = await tap(staff, preview, "Publish")
    assert done.text.startswith("The event could not be published, so nothing has changed")
    assert "records/broken.yaml" in done.text
    assert published_files(newsroom) == []
    broken.unlink()
    listing = await say(newsroom.user("en"), "/events")
    assert not listed_on(listing, "2027-03-01")  # only what was planned before


async def test_staff_translate_a_published_event_for_readers_of_another_language(
    newsroom: Bot,
) -> None:
    """/newevent repeats the staff member's words in every language; /translate gives an
    event its title and place in another one, which its readers then see, while the others
    keep theirs. Someone who is not staff cannot."""
    start = datetime(2027, 3, 1, 10, 0, tzinfo=UTC)
    draft = EventDraft(
        "Open data for municipalities", "workshop", "UTC", start, "en", place="Rustavi City Hall"
    )
    assistant = newsroom.assistant
    store_event(assistant.sessions, draft, now=NOW, author=STAFF_ID)
    await asyncio.to_thread(assistant.ingest)

    outsider = newsroom.user("en")
    await outsider.send("/translate")
    assert (await outsider.reply()).text == "Only programme staff can do that."

    staff = staff_member(newsroom)
    events = await say(staff, "/translate")
    assert events.text == "Which event? /cancel stops."
    languages = await tap(staff, events, "Open data for municipalities")
    assert languages.text == "Into which language?"
    asked = await tap(staff, languages, "Русский")
    assert asked.text == "Send the event's title in Русский."
    too_long = await say(staff, "Открытые данные " * 20)
    assert too_long.text == "The title must be between 1 and 200 characters long."
    place = await say(staff, "Открытые данные для муниципалитетов")
    assert place.text.startswith("Send the place in Русский, or /skip")
    done = await say(staff, "Мэрия Рустави")
    assert done.text == "Saved: readers in Русский now see “Открытые данные для муниципалитетов”."

    russian = newsroom.user("ru")
    listing = await say(russian, "/events")
    await russian.press(listing, "Открытые данные для")
    card = await russian.edited(listing)
    assert card.text.startswith("Открытые данные для муниципалитетов")
    assert "Мэрия Рустави" in card.text
    english = newsroom.user("en")
    assert "Open data for municipalities" in str((await say(english, "/events")).buttons)
