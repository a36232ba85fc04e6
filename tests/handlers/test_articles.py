"""Knowledge from Telegram: staff send a .docx or a .pdf, forward a channel post or paste text
after /addarticle; the bot shows what it read and publishes it on request, answerable at once;
/articles lists what was added and removes it. Files it cannot read are refused with the
reason, and nothing is half-published."""

from __future__ import annotations

import itertools
from collections.abc import AsyncIterator

import pytest
from sqlalchemy import select

from bot.assistant import Assistant
from bot.models import UploadedFile
from bot.settings import Settings
from tests.documents import docx, pdf
from tests.fakegram.client import TelegramUser
from tests.fakegram.server import SentMessage
from tests.handlers.conftest import Bot, Clock, running_bot

STAFF_ID = 880_001
_people = itertools.count(880_101)
RUSTAVI = [
    "Service design workshop in Rustavi",
    "On 12 March 2027 the Rustavi City Hall held a service design workshop.",
    "Twenty-five employees of Rustavi Municipality took part; the trainer was Ana Kapanadze.",
]
# The same facts in Georgian, as a Word document.
RUSTAVI_KA = [
    "სერვისის დიზაინის ვორქშოპი რუსთავში",
    "2027 წლის 12 მარტს რუსთავის მერიაში სერვისის დიზაინის ვორქშოპი ჩატარდა.",
    "ვორქშოპში რუსთავის მუნიციპალიტეტის 25 თანამშრომელი მონაწილეობდა.",
]


@pytest.fixture
async def desk(settings: Settings, clock: Clock) -> AsyncIterator[Bot]:
    """The bot over a database of its own: what these tests publish must not reach others."""
    staffed = settings.model_copy(update={"admins": [STAFF_ID], "upload_limit_mb": 1.0})
    async with running_bot(staffed, Assistant(staffed), clock) as running:
        yield running


async def _preview(staff: TelegramUser) -> SentMessage:
    preview = await staff.reply()
    assert preview.text.startswith("This is what I read:"), preview.text
    return preview


async def test_a_word_document_is_shown_published_and_answered(desk: Bot) -> None:
    staff = TelegramUser(desk.server, STAFF_ID, "Tamar", "en")
    reader = desk.user("ka")
    await reader.send("რამდენი თანამშრომელი მონაწილეობდა რუსთავის ვორქშოპში?")
    assert "25" not in (await reader.reply()).text  # nobody wrote it yet
    data = docx(RUSTAVI_KA)
    await staff.send_document("rustavi.docx", data)
    preview = await _preview(staff)
    assert "Title: სერვისის დიზაინის ვორქშოპი რუსთავში" in preview.text
    assert "Language: ქართული" in preview.text and "Passages: 1" in preview.text
    assert "12 მარტს" in preview.text and "რუსთავის" in preview.text  # a date, a place
    await staff.press(preview, "✅ Publish")
    assert (await staff.reply()).text.startswith("Published:")
    await reader.send("რამდენი თანამშრომელი მონაწილეობდა რუსთავის ვორქშოპში?")
    answer = await reader.reply()
    assert "25" in answer.text and "სერვისის დიზაინის ვორქშოპი რუსთავში" in answer.text
    with desk.assistant.sessions() as session:
        kept = session.scalars(select(UploadedFile.data)).all()
    assert data in kept  # the file it came from, beside the article


async def test_a_pdf_is_published_listed_and_removed(desk: Bot) -> None:
    staff = TelegramUser(desk.server, STAFF_ID, "Tamar", "en")
    reader = desk.user("en")
    await staff.send_document("rustavi.pdf", pdf(RUSTAVI))
    preview = await _preview(staff)
    assert "Language: English" in preview.text and "12 March 2027" in preview.text
    assert "Rustavi City Hall" in preview.text and "Ana Kapanadze" in preview.text
    await staff.press(preview, "✅ Publish")
    await staff.reply()
    await reader.send("Who was the trainer of the service design workshop in Rustavi?")
    assert "Kapanadze" in (await reader.reply()).text
    await staff.send("/articles")
    listing = await staff.reply()
    assert "Service design workshop in Rustavi" in listing.text
    await staff.press(listing, "🗑 Remove 1")
    await staff.edited(listing)
    assert listing.text == "No articles were added from Telegram yet."
    await reader.send("Who was the trainer of the service design workshop in Rustavi?")
    assert "Kapanadze" not in (await reader.reply()).text


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("scan.pdf", pdf([]), "The PDF has no text to read"),
        ("broken.pdf", b"%PDF-1.4 nothing else", "The file is not a PDF I can read."),
        ("broken.docx", b"PK\x03\x04 not a zip", "The file is not a Word document I can read."),
        ("setup.exe", b"MZ", "I can read .md, .txt, .docx and .pdf files, not “setup.exe”."),
        ("big.txt", b"x" * 1_100_000, "The file is larger than 1 MB."),
    ],
)
async def test_a_file_that_cannot_be_read_is_refused_with_the_reason(
    desk: Bot, name: str, data: bytes, reason: str
) -> None:
    staff = TelegramUser(desk.server, STAFF_ID, "Tamar", "en")
    await staff.send_document(name, data)
    said = (await staff.reply()).text
    assert reason in said and not staff.unread()
    await staff.send("/articles")
    assert (await staff.reply()).text == "No articles were added from Telegram yet."


@pytest.mark.parametrize(
    ("lang", "reason"),
    [
        (
            "ru",
            "Статью не удаётся прочитать, строка 2: заголовок (front matter) — не корректный YAML",
        ),
        ("ka", "სტატიის წაკითხვა ვერ ხერხდება, სტრიქონი 2: სათაურის ბლოკი (front matter) არ არის"),
    ],
)
async def test_a_malformed_article_file_is_refused_in_the_senders_language(
    desk: Bot, lang: str, reason: str
) -> None:
    """The reason comes from ingestion's own check, told in the staff member's language."""
    staff = TelegramUser(desk.server, STAFF_ID, "Tamar", lang)
    await staff.send_document("broken.md", b"---\ntitle: [unclosed\n---\nText.\n")
    said = (await staff.reply()).text
    assert reason in said and "not valid" not in said


async def test_pasted_text_can_be_cancelled_and_a_forwarded_post_published(desk: Bot) -> None:
    staff = TelegramUser(desk.server, STAFF_ID, "Tamar", "en")
    await staff.send("/addarticle")
    assert "Paste the article's text" in (await staff.reply()).text
    await staff.send("\n".join(RUSTAVI))
    preview = await _preview(staff)
    await staff.press(preview, "✖ Cancel")
    assert (await staff.reply()).text == "Cancelled: nothing was changed."
    await staff.forward_post("Civil Service Bureau", "\n".join(RUSTAVI))
    await staff.press(await _preview(staff), "✅ Publish")
    assert (await staff.reply()).text.startswith("Published: “Service design workshop")


async def test_people_who_are_not_staff_cannot_add_or_remove(desk: Bot) -> None:
    """A document from anyone else gets the hint to type; a post they forward is a question;
    the commands and a forged Remove button are refused."""
    person = TelegramUser(desk.server, next(_people), "Nino", "en")
    await person.send_document("rustavi.pdf", pdf(RUSTAVI))
    assert (await person.reply()).text.startswith("I can only read text.")
    await person.forward_post("Civil Service Bureau", "Which trainings were held?")
    assert "Trainings" in (await person.reply()).text
    for command in ("/addarticle", "/articles"):
        await person.send(command)
        refusal = await person.reply()
        assert refusal.text == "Only programme staff can do that."
    forged = await person.press_data(refusal, "article:rm:1")
    assert (await person.callback_answer(forged))["text"] == "Only programme staff can do that."
