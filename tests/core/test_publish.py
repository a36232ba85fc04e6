"""bot.publish: answers read and checked one by one, ids, the two files kept in the database,
ingestion or nothing; and what it relies on: subfolders of the knowledge directory, the
record's ``link``."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError
from sqlalchemy import select

import bot.publish
from bot import content
from bot.answers.items import record_details
from bot.assistant import Assistant
from bot.catalog import upcoming_events
from bot.ingest.articles import read_markdown
from bot.ingest.loader import knowledge_files
from bot.ingest.readable import StoredText
from bot.ingest.record_files import read_records
from bot.languages import SUPPORTED
from bot.models import Content
from bot.moments import InvalidInput, example_moment, parse_moment
from bot.publish import (
    EventDraft,
    PublishFailed,
    build_record,
    new_id,
    parse_end,
    parse_place,
    parse_start,
    parse_title,
    parse_url,
    parse_zone,
    publish,
    slug,
    store_event,
    zone_choices,
)
from bot.records import ProjectRecord
from tests.conftest import MakeSettings

NOW = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
TBILISI = ZoneInfo("Asia/Tbilisi")
ID = re.compile(r"^[a-z0-9][a-z0-9-]*$")


def draft(**changes: object) -> EventDraft:
    values: dict[str, object] = {
        "title": "ციფრული სერვისები მუნიციპალიტეტებისთვის",
        "type": "workshop",
        "timezone": "Asia/Tbilisi",
        "start": datetime(2027, 3, 1, 10, 0, tzinfo=TBILISI),
        "end": datetime(2027, 3, 1, 13, 0, tzinfo=TBILISI),
        "place": "რუსთავის მერია",
        "registration": "https://example.org/register",
        "lang": "ka",
    }
    values.update(changes)
    return EventDraft(**values)  # type: ignore[arg-type]


@pytest.fixture
def assistant_over(tmp_path: Path, make_settings: MakeSettings) -> Callable[[Path], Assistant]:
    """An assistant over ``knowledge`` on this test's database."""
    return lambda knowledge: Assistant(make_settings(tmp_path / "data", knowledge))


# -- answers ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "typed",
    [
        "2027-03-01 10:00",
        "2027-03-01T10:00",
        "2027-3-1 10:00",
        " 01.03.2027 10:00 ",
        "1.3.2027, 10.00",
    ],
)
def test_a_moment_is_read_in_the_chosen_zone(typed: str) -> None:
    assert parse_moment(typed, "Asia/Tbilisi") == datetime(2027, 3, 1, 10, 0, tzinfo=TBILISI)


@pytest.mark.parametrize(
    "typed", ["tomorrow at ten", "2027-03-01", "10:00", "2027-02-30 10:00", "2027-03-01 25:00"]
)
def test_what_is_not_a_moment_says_how_to_write_one(typed: str) -> None:
    with pytest.raises(InvalidInput) as caught:
        parse_moment(typed, "UTC")
    assert caught.value.explain("en") == (
        f"I could not read “{typed}” as a date and time. Write it like 2026-12-01 10:00."
    )


def test_a_time_the_clocks_skip_does_not_exist() -> None:
    with pytest.raises(InvalidInput, match="does not exist in Europe/Athens"):
        parse_moment("2027-03-28 03:30", "Europe/Athens")
    assert (
        parse_moment("2027-03-28 04:30", "Europe/Athens").utcoffset().total_seconds() == 3 * 3600
    )


def test_the_start_must_be_in_the_future_and_the_end_after_it() -> None:
    start = parse_start("2027-01-15 13:01", "Asia/Tbilisi", NOW)  # 09:01 UTC
    assert start == datetime(2027, 1, 15, 13, 1, tzinfo=TBILISI)
    with pytest.raises(InvalidInput) as caught:
        parse_start("2027-01-15 13:00", "Asia/Tbilisi", NOW)  # exactly now
    assert "has already passed" in caught.value.explain("en")
    assert caught.value.explain("ru").startswith("15 янв. 2027")
    with pytest.raises(InvalidInput, match="end must be after the start"):
        parse_end("2027-01-15 13:01", "Asia/Tbilisi", start)
    assert parse_end("2027-01-15 13:02", "Asia/Tbilisi", start) > start


@pytest.mark.parametrize(
    "url",
    ["https://example.org", "http://example.org/a?b=c&d=e#f", "https://meet.example.org/x-y"],
)
def test_web_links_are_accepted(url: str) -> None:
    assert parse_url(f"  {url} ") == url


@pytest.mark.parametrize(
    "text",
    [
        "register at the door",
        "example.org/register",
        "ftp://example.org/file",
        "https://localhost",
        "https://exa mple.org",
        "https://",
        "https://[::1",
        "https://example.org/" + "x" * 1000,
    ],
)
def test_what_is_not_a_web_link_is_refused(text: str) -> None:
    with pytest.raises(InvalidInput, match="not a web link"):
        parse_url(text)


def test_zones_are_iana_names_in_any_case() -> None:
    assert parse_zone(" asia/TASHKENT ") == "Asia/Tashkent"
    assert parse_zone("UTC") == "UTC"
    for name in ("Europe/Tbilisi", "Georgia Time", "../../etc/passwd", ""):
        with pytest.raises(InvalidInput, match="is not a time zone I know"):
            parse_zone(name)
    assert zone_choices(None) == ["Asia/Tbilisi", "Asia/Tashkent", "Europe/Athens", "UTC"]
    assert zone_choices("Europe/Athens") == [
        "Europe/Athens",
        "Asia/Tbilisi",
        "Asia/Tashkent",
        "UTC",
    ]
    assert example_moment(NOW, "Asia/Tashkent") == "2027-01-22 10:00"


def test_titles_and_places_are_one_line_of_bounded_length() -> None:
    assert parse_title("  Budget\n  workshop ") == "Budget workshop"
    assert parse_place("Tbilisi,\nCity Hall") == "Tbilisi, City Hall"
    for bad in ("", "   ", "x" * 201):
        with pytest.raises(InvalidInput, match="title must be between 1 and 200"):
            parse_title(bad)
    with pytest.raises(InvalidInput, match="place must be between 1 and 300"):
        parse_place("y" * 301)


# -- ids and records --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("title", "expected"),
    [
        ("ციფრული სერვისები", "tsipruli-servisebi"),
        ("Εργαστήριο καινοτομίας", "ergastirio-kainotomias"),
        ("Семинар по этике", "seminar-po-etike"),
        ("Oʻquv seminari 2027", "oquv-seminari-2027"),
        ("Digital services & <e-government>", "digital-services-e"),
        ("🎉🎉", ""),
    ],
)
def test_titles_in_every_script_romanise(title: str, expected: str) -> None:
    assert slug(title) == expected


def test_ids_are_valid_unique_and_readable() -> None:
    ids = {new_id(draft(title=title)) for title in ("ციფრული სერვისები " * 9, "🎉", "x")}
    for record_id in ids:
        assert ID.match(record_id) and len(record_id) <= 48, record_id
        assert record_id.startswith("2027-03-01-")
    assert len(ids) == 3
    assert re.fullmatch(r"2027-03-01-[0-9a-f]{6}", new_id(draft(title="🎉")))


def test_an_id_already_taken_is_drawn_again(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    drawn = iter(["aaaaaa", "bbbbbb", "cccccc"])
    monkeypatch.setattr(bot.publish.secrets, "token_hex", lambda _n: next(drawn))
    used = {"records/published/2027-03-01-x-bbbbbb.yaml"}
    record_id = new_id(draft(title="x"), {"2027-03-01-x-aaaaaa"}, used.__contains__)
    assert record_id == "2027-03-01-x-cccccc"


def test_the_record_repeats_what_was_typed_in_every_language() -> None:
    record = build_record(draft(), "an-id")
    assert record.kind == "event" and record.type == "workshop"
    assert record.name == dict.fromkeys(SUPPORTED, "ციფრული სერვისები მუნიციპალიტეტებისთვის")
    assert record.place == dict.fromkeys(SUPPORTED, "რუსთავის მერია")
    assert record.summary["en"] == "Workshop · რუსთავის მერია"
    assert record.start.value == datetime(2027, 3, 1, 6, 0, tzinfo=UTC)
    assert record.timezone == "Asia/Tbilisi" and record.source == ["published/an-id.md"]
    assert not record.online and record.link is None


def test_an_online_event_has_a_link_and_no_place() -> None:
    record = build_record(draft(place=None, online=True, link="https://meet.example.org/x"))
    assert record.online and record.place is None
    assert record.summary["en"] == "Workshop · Online"
    assert "Where: online, https://meet.example.org/x" in record_details(record, "en")
    assert "Where: online" in record_details(record.model_copy(update={"link": None}), "en")


def test_a_link_is_a_web_address_of_an_online_event() -> None:
    base = build_record(draft()).model_dump(mode="json")
    with pytest.raises(ValidationError, match="set online: true"):
        ProjectRecord.model_validate(base | {"link": "https://meet.example.org/x"})
    with pytest.raises(ValidationError, match="link"):
        ProjectRecord.model_validate(base | {"online": True, "link": "meet.example.org"})


# -- files and ingestion ----------------------------------------------------------------------


def test_the_files_read_back_as_written(
    assistant_over: Callable[[Path], Assistant], knowledge_copy: Path
) -> None:
    """Both files are stored as a first version, with who published them beside the text,
    not in it; withdrawn, nothing is left."""
    sessions = assistant_over(knowledge_copy).sessions
    published = store_event(sessions, draft(), now=NOW, taken=set(), author=42)
    record_id = published.record.id
    assert (published.article_path, published.record_path) == (
        f"articles/published/{record_id}.md",
        f"records/published/{record_id}.yaml",
    )
    with sessions() as session:
        stored = content.current(session)
        rows = session.scalars(select(Content)).all()
    assert sorted(stored) == sorted([published.article_path, published.record_path])
    assert {(r.version, r.author) for r in rows} == {(1, 42)}
    article = read_markdown(
        StoredText("articles/published/x.md", stored[published.article_path]), "x"
    )
    assert article.title == "ციფრული სერვისები მუნიციპალიტეტებისთვის"
    assert (article.lang, str(article.date)) == ("ka", "2027-01-15")
    assert "რუსთავის მერია" in article.text and "https://example.org/register" in article.text
    assert "2027" in article.text  # the date, in Georgian
    text = stored[published.record_path]
    assert text.startswith("# Published from the bot (/newevent) on 2027-01-15.")
    assert "42" not in text.splitlines()[0] and "translate them here" in text
    records, problems = read_records(StoredText(published.record_path, text), "x.yaml")
    assert problems == [] and [r for r, _line in records] == [published.record]
    published.withdraw()
    with sessions() as session:
        assert content.current(session) == {}


async def test_publishing_stores_both_files_and_ingests_them(
    assistant_over: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    assistant = assistant_over(knowledge_copy)
    before = {r.id for r in assistant.knowledge().records}
    published = await publish(assistant, draft(), now=NOW, taken=before, author=7)
    record_id = published.record.id
    kb = assistant.knowledge()
    assert [r.id for r in upcoming_events(kb, NOW)] == [record_id]
    assert [a.title for a in kb.articles_of(published.record)] == [
        "ციფრული სერვისები მუნიციპალიტეტებისთვის"
    ]
    assert not (knowledge_copy / "records" / "published").exists()  # not on this disk
    answer = assistant.ask("Which workshops are coming up?", now=NOW)
    assert [e.id for e in answer.events] == [record_id]
    assert answer.sources[0].path.endswith(f"articles/published/{record_id}.md")


async def test_a_failed_ingestion_leaves_nothing_behind(
    assistant_over: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    assistant = assistant_over(knowledge_copy)
    before = assistant.knowledge().version
    (knowledge_copy / "records" / "broken.yaml").write_text("- id: X\n", encoding="utf-8")
    with pytest.raises(PublishFailed) as caught:
        await publish(assistant, draft(), now=NOW)
    assert any(p.startswith("records/broken.yaml:1: ") for p in caught.value.problems)
    with assistant.sessions() as session:
        assert content.current(session) == {}
    (knowledge_copy / "records" / "broken.yaml").unlink()
    assert assistant.knowledge().version == before


async def test_two_ingestions_at_once_both_succeed(
    assistant_over: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    """The event loop may notice a published event while the worker thread ingests it."""
    assistant = assistant_over(knowledge_copy)
    assistant.ingest()
    store_event(assistant.sessions, draft(), now=NOW)
    store_event(assistant.sessions, draft(title="Second"), now=NOW)
    reports = await asyncio.gather(*(asyncio.to_thread(assistant.ingest) for _ in range(3)))
    assert sum(len(r.changed) for r in reports) == 4
    assert len(upcoming_events(assistant.knowledge(), NOW)) == 2


def test_subfolders_are_read_and_hidden_ones_are_not(knowledge_copy: Path) -> None:
    nested = knowledge_copy / "articles" / "2027" / "spring"
    nested.mkdir(parents=True)
    (nested / "note.md").write_text("---\ntitle: Note\n---\nA note.\n", encoding="utf-8")
    hidden = knowledge_copy / "records" / ".git"
    hidden.mkdir()
    (hidden / "config.yaml").write_text("not: [a record\n", encoding="utf-8")
    (knowledge_copy / "records" / "published").mkdir()
    (knowledge_copy / "records" / "published" / ".x.yaml.abc.tmp").write_text("", "utf-8")
    files = knowledge_files(knowledge_copy)
    assert files["articles/2027/spring/note.md"] == nested / "note.md"
    assert not [rel for rel in files if ".git" in rel or rel.endswith(".tmp")]
    top = [rel for rel in files if rel.count("/") == 1]
    assert top == sorted(top) and "records/events.yaml" in top
