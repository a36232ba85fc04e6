"""REFORMBOT_OFFICE_HOURS: when staff answer, and when a person asking outside them may
expect an answer."""

from __future__ import annotations

from datetime import UTC, datetime
from zoneinfo import ZoneInfo

import pytest
from pydantic import ValidationError

from bot.office_hours import parse_office_hours
from bot.settings import Settings

TBILISI = ZoneInfo("Asia/Tbilisi")


def test_open_on_weekdays_in_the_bots_zone() -> None:
    hours = parse_office_hours("Mon-Fri 09:00-18:00", TBILISI)
    assert hours.is_open(datetime(2026, 12, 7, 5, 0, tzinfo=UTC))  # Monday 09:00 in Tbilisi
    assert not hours.is_open(datetime(2026, 12, 7, 4, 59, tzinfo=UTC))
    assert not hours.is_open(datetime(2026, 12, 7, 14, 0, tzinfo=UTC))  # 18:00: closed
    friday_night = datetime(2026, 12, 11, 16, 0, tzinfo=UTC)
    assert hours.next_opening(friday_night) == datetime(2026, 12, 14, 9, 0, tzinfo=TBILISI)


def test_several_spans_and_a_week_that_wraps() -> None:
    hours = parse_office_hours("Mon-Thu 09:00-18:00, Fri 9:00-16:00, Sat-Mon 20:00-22:00", UTC)
    friday_late = datetime(2026, 12, 11, 17, 0, tzinfo=UTC)
    assert not hours.is_open(friday_late)
    assert hours.next_opening(friday_late) == datetime(2026, 12, 12, 20, 0, tzinfo=UTC)
    assert hours.is_open(datetime(2026, 12, 14, 21, 0, tzinfo=UTC))  # Monday evening too


def test_never_open_has_no_next_opening() -> None:
    hours = parse_office_hours("Sun 10:00-10:30", UTC)
    assert hours.next_opening(datetime(2026, 12, 13, 10, 10, tzinfo=UTC)) is None  # open now
    assert hours.next_opening(datetime(2026, 12, 13, 11, 0, tzinfo=UTC)) == datetime(
        2026, 12, 20, 10, 0, tzinfo=UTC
    )


@pytest.mark.parametrize(
    ("text", "says"),
    [
        ("weekdays 9-5", "is not like 'Mon-Fri 09:00-18:00'"),
        ("Mon-Fry 09:00-18:00", "unknown day"),
        ("Mon 18:00-09:00", "closes before it opens"),
    ],
)
def test_a_wrong_setting_says_what_is_wrong(text: str, says: str) -> None:
    with pytest.raises(ValidationError) as caught:
        Settings(office_hours=text)
    assert says in str(caught.value)
