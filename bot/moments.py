"""Dates and times a staff member types, read in the zone they work in and read back to them.

A bad answer raises :class:`InvalidInput`, whose message is explained in the reader's language,
so each conversation step can say what is wrong and ask again.
"""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta, tzinfo
from typing import Any
from zoneinfo import ZoneInfo

from babel.dates import format_date, format_time, get_datetime_format

from bot.i18n import N_, babel_locale, translations
from bot.records import FIRST_YEAR, LAST_YEAR


class InvalidInput(ValueError):
    """One answer of the conversation cannot be used; ``explain`` says why, for the reader.

    ``message`` is an English msgid with ``{placeholders}``; datetime parameters are shown in
    the reader's locale and the given zone."""

    def __init__(self, message: str, **params: Any) -> None:
        super().__init__(message.format(**params))
        self.message = message
        self.params = params

    def explain(self, lang: str, tz: tzinfo | None = None) -> str:
        shown = {
            key: format_moment(value, lang, tz) if isinstance(value, datetime) else value
            for key, value in self.params.items()
        }
        return translations(lang).gettext(self.message).format(**shown)


def format_moment(value: datetime, lang: str, tz: tzinfo | None = None) -> str:
    """ "Dec 1, 2026, 10:00": a moment read back to the staff member who typed it (in the zone
    they chose, so without naming it)."""
    tz = tz or value.tzinfo or UTC
    local, locale = value.astimezone(tz), babel_locale(lang)
    day = format_date(local, "medium", locale=locale)
    hour = format_time(local, "short", tzinfo=tz, locale=locale)
    return get_datetime_format("medium", locale=locale).format(hour, day)


_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:\s*[T\s,]\s*)(\d{1,2})[:.](\d{2})$")
_DOTTED = re.compile(r"^(\d{1,2})\.(\d{1,2})\.(\d{4})(?:\s*,?\s*)(\d{1,2})[:.](\d{2})$")
EXAMPLE_FORMAT = "%Y-%m-%d %H:%M"


def parse_moment(text: str, zone: str) -> datetime:
    """``2026-12-01 10:00`` (or ``01.12.2026 10:00``) as a moment in ``zone``."""
    raw = text.strip()
    if m := _ISO.match(raw):
        year, month, day, hour, minute = (int(m[i]) for i in range(1, 6))
    elif m := _DOTTED.match(raw):
        day, month, year, hour, minute = (int(m[i]) for i in range(1, 6))
    else:
        raise _unreadable(raw)
    if not FIRST_YEAR <= year <= LAST_YEAR:
        raise InvalidInput(
            N_("The year must be between {first} and {last}."), first=FIRST_YEAR, last=LAST_YEAR
        )
    tz = ZoneInfo(zone)
    try:
        moment = datetime(year, month, day, hour, minute, tzinfo=tz)
    except ValueError:
        raise _unreadable(raw) from None
    # A time the clocks skip when summer time starts does not exist; zoneinfo would quietly
    # move it by an hour.
    if moment.astimezone(UTC).astimezone(tz).replace(tzinfo=None) != moment.replace(tzinfo=None):
        raise InvalidInput(
            N_("{text} does not exist in {zone}: the clocks change then. Choose another time."),
            text=raw,
            zone=zone,
        )
    return moment


def _unreadable(text: str) -> InvalidInput:
    return InvalidInput(
        N_("I could not read “{text}” as a date and time. Write it like 2026-12-01 10:00."),
        text=text[:64],
    )


def require_future(start: datetime, now: datetime) -> datetime:
    if start <= now:
        raise InvalidInput(
            N_("{start} has already passed. The event must start in the future."), start=start
        )
    return start


def example_moment(now: datetime, zone: str, days: int = 7) -> str:
    """A plausible answer to show: a week from now at 10:00 in ``zone``."""
    day = (now.astimezone(ZoneInfo(zone)) + timedelta(days=days)).date()
    return f"{day.isoformat()} 10:00"
