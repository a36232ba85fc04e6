"""A record as a localized list item: its name, then the facts a reader needs."""

from __future__ import annotations

from datetime import tzinfo

from bot.answers import Section
from bot.i18n import translations
from bot.i18n.formatting import format_number, format_when
from bot.records import ProjectRecord


def record_details(record: ProjectRecord, lang: str, tz: tzinfo | None = None) -> list[str]:
    """Date, place, organiser, audience, participants and registration, as labelled lines.

    Times are shown in ``tz`` when the reader's zone is known, else in the event's own zone,
    which is where its participants are."""
    _ = translations(lang).gettext
    lines: list[str] = []
    if record.start:  # without one, no line: "the source gives no date" on every card is noise
        when = format_when(record.start, record.end, lang, tz or record.zone)
        lines.append(_("When: {when}").format(when=when))
    elif record.date_to_come:
        lines.append(_("When: planned, the date is not set yet"))
    if record.online and record.link:
        lines.append(_("Where: online, {link}").format(link=record.link))
    elif record.online:
        lines.append(_("Where: online"))
    elif record.place:
        lines.append(_("Where: {place}").format(place=record.place[lang]))
    if record.organiser:
        lines.append(_("Organiser: {organiser}").format(organiser=record.organiser[lang]))
    if record.audience:
        lines.append(_("For: {audience}").format(audience=record.audience[lang]))
    if record.participants is not None:
        count = format_number(record.participants, lang)
        lines.append(_("Participants: {count}").format(count=count))
    if record.registration:
        lines.append(_("Registration: {url}").format(url=record.registration))
    return lines


def record_item(record: ProjectRecord, lang: str, *, summary: bool) -> Section:
    """A list entry: the record's name, its details and, if asked, its summary."""
    lines = record_details(record, lang) + ([record.summary[lang]] if summary else [])
    return Section("item", record.name[lang], tuple(lines), ref=record.id)
