"""An event as an iCalendar (RFC 5545) file, for "Add to calendar".

Twenty lines of the format are all one VEVENT needs, so this is written out rather than pulled
in as a library: escaping of text values and folding of long lines are the only subtleties.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.records import Precision, ProjectRecord, When

PRODUCT = "-//reformbot//events//EN"
# An event given with a start time but no end goes into the calendar as two hours long.
DEFAULT_LENGTH = timedelta(hours=2)


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> list[str]:
    """Lines longer than 75 octets continue on the next line after one space (RFC 5545 3.1)."""
    out, current = [], b""
    for char in line:
        encoded = char.encode("utf-8")
        if len(current) + len(encoded) > (75 if not out else 74):
            out.append(current.decode("utf-8"))
            current = b""
        current += encoded
    out.append(current.decode("utf-8"))
    return [out[0], *(" " + part for part in out[1:])]


def _stamp(moment: datetime) -> str:
    return moment.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _times(start: When, end: When | None) -> list[str]:
    if start.precision is Precision.MINUTE:
        until = end.value if end and end.precision is Precision.MINUTE else None
        return [
            f"DTSTART:{_stamp(start.value)}",
            f"DTEND:{_stamp(until or start.value + DEFAULT_LENGTH)}",
        ]
    first = start.value.date()
    last = end.value.date() if end and end.precision is Precision.DAY else first
    return [
        f"DTSTART;VALUE=DATE:{first:%Y%m%d}",
        f"DTEND;VALUE=DATE:{last + timedelta(days=1):%Y%m%d}",  # exclusive, per the RFC
    ]


def event_ics(record: ProjectRecord, lang: str, now: datetime) -> bytes:
    """One VEVENT with the record's name, summary, place (for an online event, the link to
    join) and links in ``lang``."""
    if record.start is None or record.start.precision in (Precision.YEAR, Precision.MONTH):
        raise ValueError(f"{record.id} has no day to put in a calendar")
    description = record.summary[lang]
    for link in (record.link, record.registration):
        if link:
            description += f"\n{link}"
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        f"PRODID:{PRODUCT}",
        "CALSCALE:GREGORIAN",
        "METHOD:PUBLISH",
        "BEGIN:VEVENT",
        f"UID:{record.id}@reformbot",
        f"DTSTAMP:{_stamp(now)}",
        *_times(record.start, record.end),
        f"SUMMARY:{_escape(record.name[lang])}",
        f"DESCRIPTION:{_escape(description)}",
    ]
    # An online event's place is where one joins it: calendar apps open a link given there.
    if record.online and record.link:
        lines.append(f"LOCATION:{_escape(record.link)}")
    elif record.place:
        lines.append(f"LOCATION:{_escape(record.place[lang])}")
    if record.link or record.registration:
        lines.append(f"URL:{record.link or record.registration}")
    lines += ["END:VEVENT", "END:VCALENDAR"]
    return ("\r\n".join(part for line in lines for part in _fold(line)) + "\r\n").encode()
