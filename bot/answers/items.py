"""A record as a localized list item: its name, then the facts a reader needs."""

from __future__ import annotations

from bot.answers import Section
from bot.i18n import translations
from bot.i18n.formatting import format_number, format_when
from bot.records import ProjectRecord


def record_item(record: ProjectRecord, lang: str, *, summary: bool) -> Section:
    """Date, place, organiser, audience, participants, registration, then the summary."""
    _ = translations(lang).gettext
    lines: list[str] = []
    if record.start:
        when = format_when(record.start, record.end, lang, record.zone)
        lines.append(_("When: {when}").format(when=when))
    if record.online:
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
    if summary:
        lines.append(record.summary[lang])
    return Section("item", record.name[lang], tuple(lines), ref=record.id)
