"""Dates, times and numbers in the reader's locale, at the precision the record knows."""

from __future__ import annotations

from datetime import datetime, tzinfo

from babel import Locale
from babel.dates import (
    format_date,
    format_interval,
    format_skeleton,
    format_time,
    format_timedelta,
    get_timezone_name,
)
from babel.lists import format_list
from babel.numbers import format_decimal, format_percent

from bot.i18n import babel_locale
from bot.records import Precision, When

# Babel skeletons for dates known only to the year, the month or the day.
_SKELETONS = {Precision.YEAR: "y", Precision.MONTH: "yMMMM", Precision.DAY: "yMMMMEEEEd"}


def format_when(start: When, end: When | None, lang: str, tz: tzinfo) -> str:
    """ "Tuesday, July 13, 2021, 10:00 – 12:00, Greece Time", "May 2016", "2023 – 2026" ..."""
    locale = babel_locale(lang)
    value = start.value.astimezone(tz)
    if start.precision is not Precision.MINUTE:
        skeleton = _SKELETONS[start.precision]
        if end is None or end.precision is Precision.MINUTE or end.value <= start.value:
            if start.precision is Precision.DAY:
                return format_date(value, _full_date(locale), locale=locale)
            return format_skeleton(skeleton, value, locale=locale)
        until = end.value.astimezone(tz)
        return format_interval(value, until, _SKELETONS[end.precision], tzinfo=tz, locale=locale)
    day = format_date(value, _full_date(locale), locale=locale)
    if end is not None and end.precision is Precision.MINUTE:
        hours = format_interval(value, end.value.astimezone(tz), "Hm", tzinfo=tz, locale=locale)
    else:
        hours = format_time(value, "short", tzinfo=tz, locale=locale)
    # The zone's name on that day ("Georgia Standard Time", "Грузия, стандартное время",
    # "Χειμερινή ώρα Γεωργίας"): CLDR's location format ("{0} Time") comes out wrong in
    # several locales (Russian "Грузия, летнее время" all year, Greek "Ώρα ([…])", UTC as an
    # "Unknown Region", Uzbek Cyrillic with Latin city names).
    zone = get_timezone_name(value, "long", locale=locale)
    return f"{day}, {hours}, {zone}"


def _full_date(locale: Locale) -> str:
    """The locale's full date pattern with the day of the month unpadded: Georgian and Uzbek
    Cyrillic write "dd" there ("ხუთშაბათი, 03 დეკემბერი"), where readers write the 3rd as 3
    (their long format does)."""
    return locale.date_formats["full"].pattern.replace("dd", "d")


def format_day(value: datetime, lang: str) -> str:
    return format_date(value, "long", locale=babel_locale(lang))


def format_number(value: float, lang: str) -> str:
    return format_decimal(value, locale=babel_locale(lang))


def format_share(share: float, lang: str) -> str:
    """0.62 → "62%", "62 %", "%62" as the reader's locale writes a percentage."""
    return format_percent(share, locale=babel_locale(lang))


def format_durations(seconds: list[float], lang: str) -> str:
    """ "24 hours and 1 hour": how long before an event its reminders go."""
    locale = babel_locale(lang)
    parts = [format_timedelta(s, threshold=1, locale=locale, format="long") for s in seconds]
    return format_list(parts, locale=locale)
