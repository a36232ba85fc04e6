"""The .ics file a calendar app imports for an event."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.calendar import event_ics
from bot.languages import SUPPORTED
from bot.records import ProjectRecord


def _record(**fields: object) -> ProjectRecord:
    six = {lang: f"Workshop; part 1, Tbilisi ({lang})" for lang in SUPPORTED}
    return ProjectRecord.model_validate(
        {
            "id": "w1",
            "kind": "event",
            "type": "workshop",
            "name": six,
            "summary": {lang: "Ā" * 80 for lang in SUPPORTED},
            "source": "a.txt",
            **fields,
        }
    )


NOW = datetime(2027, 1, 1, tzinfo=UTC)


def test_timed_event_in_utc_with_escaped_text_and_folded_lines() -> None:
    record = _record(start="2027-03-12T10:00:00+04:00", place={k: "Hall" for k in SUPPORTED})
    text = event_ics(record, "ka", NOW).decode()
    lines = text.split("\r\n")
    assert "DTSTART:20270312T060000Z" in lines and "DTEND:20270312T080000Z" in lines
    assert "SUMMARY:Workshop\\; part 1\\, Tbilisi (ka)" in lines
    assert all(len(line.encode()) <= 75 for line in lines)
    unfolded = text.replace("\r\n ", "")
    assert "DESCRIPTION:" + "Ā" * 80 in unfolded


def test_day_event_is_an_all_day_entry() -> None:
    text = event_ics(_record(start="2027-03-12"), "en", NOW).decode()
    assert "DTSTART;VALUE=DATE:20270312" in text and "DTEND;VALUE=DATE:20270313" in text


def test_a_month_is_not_a_calendar_entry() -> None:
    with pytest.raises(ValueError, match="no day"):
        event_ics(_record(start="2027-03"), "en", NOW)


def test_an_online_event_is_located_at_its_link() -> None:
    record = _record(
        start="2027-03-12T10:00:00+04:00",
        online=True,
        link="https://meet.example.org/open-data",
        registration="https://example.org/register",
    )
    unfolded = event_ics(record, "en", NOW).decode().replace("\r\n ", "")
    assert "LOCATION:https://meet.example.org/open-data" in unfolded
    assert "URL:https://meet.example.org/open-data" in unfolded
    assert "https://example.org/register" in unfolded  # in the description
