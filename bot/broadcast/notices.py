"""Announcements the knowledge implies: a notice when an event is published, and reminders
before it starts.

They are derived again whenever the knowledge changes, and made once by their keys, so an
event added by a record file and ``reformbot ingest`` is announced exactly like one added from
the bot, and a restart neither loses nor repeats a reminder. A changed start time makes new
reminder keys; reminders for the old time, or for a removed event, are cancelled.
"""

from __future__ import annotations

import logging
from datetime import datetime, timedelta, tzinfo
from html import escape

from bot.answers.items import record_details
from bot.broadcast.outbox import Outbox
from bot.catalog import upcoming_events
from bot.i18n import N_, translations
from bot.knowledge import KnowledgeBase
from bot.languages import SUPPORTED
from bot.records import Precision, ProjectRecord

log = logging.getLogger(__name__)


def event_topic(record: ProjectRecord) -> str:
    return "trainings" if record.type == "training" else "events"


def _texts(record: ProjectRecord, heading: str, tz: tzinfo | None) -> dict[str, str]:
    texts = {}
    for lang in SUPPORTED:
        _ = translations(lang).gettext
        title = _(heading).format(name=f"<b>{escape(record.name[lang])}</b>")
        details = "\n".join(escape(line) for line in record_details(record, lang, tz))
        texts[lang] = f"{title}\n\n{details}"
    return texts


NEW_EVENT = N_("🆕 New on the programme: {name}")
REMINDER = N_("⏰ Reminder: {name} is coming up.")


def reminder_key(record: ProjectRecord, before: timedelta) -> str:
    minutes = int(before.total_seconds() // 60)
    return f"reminder:{record.id}:{record.start.value.isoformat()}:{minutes}"


def plan_notices(
    kb: KnowledgeBase,
    outbox: Outbox,
    now: datetime,
    *,
    reminders: list[timedelta],
    default_lang: str,
    tz: tzinfo | None = None,
) -> int:
    """Queue the notice of every event not yet announced and its reminders; returns how many
    announcements were created."""
    created = 0
    wanted: dict[str, dict[str, str]] = {}
    for record in upcoming_events(kb, now):
        if record.start.value <= now:
            continue  # under way: too late to announce it
        try:
            created += _plan_event(record, outbox, now, reminders, default_lang, tz, wanted)
        except Exception:  # one record that cannot be announced must not stop the others
            log.exception("event %s: notice and reminders not planned", record.id)
    for announcement in outbox.scheduled("reminder"):
        if announcement.key not in wanted:
            outbox.cancel(announcement.id, now)
        elif announcement.texts != wanted[announcement.key]:  # the record was edited
            outbox.update_texts(announcement.id, wanted[announcement.key])
    return created


def _plan_event(
    record: ProjectRecord,
    outbox: Outbox,
    now: datetime,
    reminders: list[timedelta],
    default_lang: str,
    tz: tzinfo | None,
    wanted: dict[str, dict[str, str]],
) -> int:
    """Queue one event's notice and reminders (noting the reminders in ``wanted``); returns
    how many were created."""
    created = 0
    common = {"fallback_lang": default_lang, "topic": event_topic(record), "now": now}
    if outbox.create(
        kind="event",
        key=f"event:{record.id}",
        texts=_texts(record, NEW_EVENT, tz),
        due_at=now,
        event_key=record.id,
        **common,
    ):
        created += 1
    if record.start.precision is not Precision.MINUTE:
        return created  # no time of day: "an hour before" means nothing
    texts = _texts(record, REMINDER, tz)
    for before in reminders:
        key = reminder_key(record, before)
        wanted[key] = texts
        due = record.start.value - before
        if due > now and outbox.create(
            kind="reminder", key=key, texts=texts, due_at=due, event_key=record.id, **common
        ):
            created += 1
    return created
