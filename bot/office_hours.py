"""When programme staff answer people: ``REFORMBOT_OFFICE_HOURS``, read in the bot's zone.

A person who asks for a person outside these hours is told when to expect an answer, rather
than left waiting without knowing why. The format is what a notice on an office door says,
in English day names: ``Mon-Fri 09:00-18:00`` or ``Mon-Thu 09:00-18:00, Fri 09:00-16:00``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from zoneinfo import ZoneInfo

_DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_SPAN = re.compile(
    r"^\s*(?P<first>[a-z]{3})(?:\s*-\s*(?P<last>[a-z]{3}))?\s+"
    r"(?P<opens>\d{1,2}:\d{2})\s*-\s*(?P<closes>\d{1,2}:\d{2})\s*$"
)


@dataclass(frozen=True)
class OfficeHours:
    """Opening times per weekday (Monday is 0); a day without any is closed."""

    days: tuple[tuple[tuple[time, time], ...], ...]
    zone: ZoneInfo

    def is_open(self, moment: datetime) -> bool:
        local = moment.astimezone(self.zone)
        return any(opens <= local.time() < closes for opens, closes in self.days[local.weekday()])

    def next_opening(self, moment: datetime) -> datetime | None:
        """When the office next opens after ``moment`` (None if it is open now, or never)."""
        if self.is_open(moment):
            return None
        local = moment.astimezone(self.zone)
        for ahead in range(8):
            day = local.date() + timedelta(days=ahead)
            for opens, _closes in sorted(self.days[day.weekday()]):
                start = datetime.combine(day, opens, self.zone)
                if start > local:
                    return start
        return None


def parse_office_hours(text: str, zone: ZoneInfo) -> OfficeHours:
    """``Mon-Fri 09:00-18:00, Sat 10:00-13:00``; a ValueError says what is wrong."""
    days: list[list[tuple[time, time]]] = [[] for _ in _DAYS]
    for part in text.lower().split(","):
        match = _SPAN.match(part)
        if not match:
            raise ValueError(f"{part.strip()!r} is not like 'Mon-Fri 09:00-18:00'")
        first, last = match["first"], match["last"] or match["first"]
        if first not in _DAYS or last not in _DAYS:
            raise ValueError(f"unknown day in {part.strip()!r}: use Mon, Tue, … Sun")
        opens, closes = (
            time.fromisoformat(_padded(match["opens"])),
            time.fromisoformat(_padded(match["closes"])),
        )
        if opens >= closes:
            raise ValueError(f"{part.strip()!r} closes before it opens")
        start, end = _DAYS.index(first), _DAYS.index(last)
        for day in range(start, end + 1) if start <= end else (*range(start, 7), *range(end + 1)):
            days[day].append((opens, closes))
    return OfficeHours(tuple(tuple(d) for d in days), zone)


def _padded(hhmm: str) -> str:
    return hhmm.zfill(5)
