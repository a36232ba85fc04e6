"""Browsing the records: upcoming events, trainings, partners, one record's card.

These are the lists a user pages through with buttons, as opposed to answers to a question;
they are channel-neutral so that the command line and Telegram page through the same lists.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta, tzinfo
from typing import Literal

from bot.answers import Section
from bot.answers.items import record_details
from bot.i18n import N_
from bot.knowledge import KnowledgeBase
from bot.records import Precision, ProjectRecord

Listing = Literal["events", "trainings", "partners"]
PAGE_SIZE = 5


@dataclass(frozen=True)
class Filter:
    """Which records of a listing to show: of one country (ISO 3166 code), of one month.

    Written as a short token for buttons, whose data Telegram limits to 64 bytes: ``GE``,
    ``2703`` (March 2027), ``GE2703``, or empty for everything."""

    country: str | None = None
    month: tuple[int, int] | None = None  # (year, month)

    @property
    def token(self) -> str:
        month = f"{self.month[0] % 100:02d}{self.month[1]:02d}" if self.month else ""
        return (self.country or "") + month

    @classmethod
    def parse(cls, token: str) -> Filter:
        country = token[:2] if token[:2].isalpha() else None
        digits = token[2:] if country else token
        month = (2000 + int(digits[:2]), int(digits[2:])) if len(digits) == 4 else None
        return cls(country, month if month and 1 <= month[1] <= 12 else None)

    def keeps(self, record: ProjectRecord) -> bool:
        if self.country and record.country != self.country:
            return False
        if self.month:
            start = record.start
            if start is None or start.precision is Precision.YEAR:
                return False
            return (start.value.year, start.value.month) == self.month
        return True


NO_FILTER = Filter()


@dataclass(frozen=True)
class Page:
    records: list[ProjectRecord]
    number: int  # from 0
    count: int  # pages in all, at least 1
    upcoming: bool  # False when an event listing fell back to the most recent past events
    countries: tuple[str, ...] = ()  # what the listing can be narrowed to
    months: tuple[tuple[int, int], ...] = ()

    @property
    def has_previous(self) -> bool:
        return self.number > 0

    @property
    def has_next(self) -> bool:
        return self.number + 1 < self.count


def _is_over(record: ProjectRecord, now: datetime) -> bool:
    """Over once its last day (month, year) has passed: a date known only to the day is
    still on until that day ends."""
    last = record.end or record.start
    moment = last.value
    match last.precision:
        case Precision.DAY:
            moment += timedelta(days=1)
        case Precision.MONTH:
            moment = moment.replace(
                year=moment.year + moment.month // 12, month=moment.month % 12 + 1
            )
        case Precision.YEAR:
            moment = moment.replace(year=moment.year + 1)
    return moment <= now


def upcoming_events(kb: KnowledgeBase, now: datetime) -> list[ProjectRecord]:
    """Events not over yet, soonest first; an event under way still counts."""
    events = [r for r in kb.records if r.kind == "event" and r.start and not _is_over(r, now)]
    return sorted(events, key=lambda r: r.start.value)


def past_events(kb: KnowledgeBase, now: datetime) -> list[ProjectRecord]:
    """Events that are over, the most recent first."""
    past = [r for r in kb.records if r.kind == "event" and r.start and _is_over(r, now)]
    return sorted(past, key=lambda r: r.start.value, reverse=True)


def newest_first(record: ProjectRecord) -> tuple[bool, float]:
    """Sort key: the latest start first, records without a date last."""
    return (record.start is None, -(record.start.value.timestamp() if record.start else 0))


Selected = tuple[list[ProjectRecord], bool]


def _events(kb: KnowledgeBase, now: datetime, _lang: str) -> Selected:
    """Those to come, soonest first, then those planned without a date; else the past."""
    upcoming = upcoming_events(kb, now) + [r for r in kb.records if _is_planned_event(r)]
    if upcoming:
        return upcoming, True
    return past_events(kb, now), False  # paged like any listing


def _is_event(record: ProjectRecord) -> bool:
    return record.kind == "event"


def _is_planned_event(record: ProjectRecord) -> bool:
    return record.kind == "event" and record.date_to_come


def _is_training(record: ProjectRecord) -> bool:
    return record.kind == "event" and record.type == "training"


def _is_partner(record: ProjectRecord) -> bool:
    return record.kind == "partner"


def _trainings(kb: KnowledgeBase, now: datetime, _lang: str) -> Selected:
    """Held so far: one still to come, or planned, is listed under events."""
    trainings = [
        r
        for r in kb.records
        if _is_training(r) and not r.date_to_come and not (r.start and not _is_over(r, now))
    ]
    return sorted(trainings, key=newest_first), False


def _partners(kb: KnowledgeBase, _now: datetime, lang: str) -> Selected:
    partners = [r for r in kb.records if _is_partner(r)]
    return sorted(partners, key=lambda r: r.name[lang].casefold()), False


@dataclass(frozen=True)
class ListKind:
    """A kind of records people ask for and page through: declared here once. The command,
    its menu entry and help line, the main-menu button, its buttons' data, the intent a
    question is read as (its words are in intents.yaml, under the same name) and the records
    an answer lists all follow from it."""

    name: Listing  # the command (/events), the intent, the callback data's word
    code: str  # one letter standing for it where callback data is short of room
    description: str  # the command menu's and /help's line (a message id)
    button: str  # the main menu's button (a message id)
    heading: str  # above the list, in a reply or a page of it (a message id)
    filterable: bool  # by country and month (partners have no dates)
    member: Callable[[ProjectRecord], bool]  # whether a record is of the kind, any time
    select: Callable[[KnowledgeBase, datetime, str], Selected]  # the list as paged


LISTS = (
    ListKind(
        "events",
        "e",
        N_("upcoming workshops and sessions"),
        N_("📅 Events"),
        N_("Upcoming events"),
        True,
        _is_event,
        _events,
    ),
    ListKind(
        "trainings",
        "t",
        N_("trainings held so far"),
        N_("🎓 Trainings"),
        N_("Trainings"),
        True,
        _is_training,
        _trainings,
    ),
    ListKind(
        "partners",
        "p",
        N_("partner organisations"),
        N_("🤝 Partners"),
        N_("Partner organisations"),
        False,
        _is_partner,
        _partners,
    ),
)
LIST_OF = {kind.name: kind for kind in LISTS}


def listing(kb: KnowledgeBase, what: Listing, now: datetime, lang: str) -> Selected:
    """The records of a listing in reading order, and whether they are upcoming events."""
    return LIST_OF[what].select(kb, now, lang)


def page(
    kb: KnowledgeBase,
    what: Listing,
    number: int,
    now: datetime,
    lang: str,
    size: int = PAGE_SIZE,
    chosen: Filter = NO_FILTER,
) -> Page:
    """One page of a listing, narrowed by ``chosen``; a page number past the end (an old
    button) shows the last page. The countries and months offered are those the records of
    the listing (narrowed by the other criterion) have, so a choice never leads to nothing."""
    records, upcoming = listing(kb, what, now, lang)
    by_month = [r for r in records if Filter(month=chosen.month).keeps(r)]
    by_country = [r for r in records if Filter(country=chosen.country).keeps(r)]
    countries = tuple(sorted({r.country for r in by_month if r.country}))
    months = tuple(
        sorted(
            {
                (r.start.value.year, r.start.value.month)
                for r in by_country
                if r.start and r.start.precision is not Precision.YEAR
            },
            reverse=not upcoming,
        )
    )
    records = [r for r in records if chosen.keeps(r)]
    count = max(1, -(-len(records) // size))
    number = min(max(number, 0), count - 1)
    shown = records[number * size : (number + 1) * size]
    return Page(shown, number, count, upcoming, countries, months)


def find_record(kb: KnowledgeBase, record_id: str) -> ProjectRecord | None:
    return next((r for r in kb.records if r.id == record_id), None)


def card(record: ProjectRecord, lang: str, tz: tzinfo | None = None) -> list[Section]:
    """A record's detail card: its name, what it is about, then date, place, who, how to join."""
    return [
        Section("heading", record.name[lang]),
        Section("text", record.summary[lang]),
        *(Section("text", line) for line in record_details(record, lang, tz)),
    ]


def reminders_left(
    record: ProjectRecord, now: datetime, before: list[timedelta]
) -> list[timedelta]:
    """Which of the configured reminders can still come: only a start known to the minute
    has an "hour before", and a time already past is no reminder."""
    start = record.start
    if record.kind != "event" or start is None or start.precision is not Precision.MINUTE:
        return []
    return [offset for offset in before if start.value - offset > now]


def reminded(kb: KnowledgeBase, keys: list[str], now: datetime) -> list[ProjectRecord]:
    """The events among ``keys`` still to come, soonest first (one withdrawn or over is no
    longer a reminder anyone waits for)."""
    wanted = set(keys)
    return [r for r in upcoming_events(kb, now) if r.id in wanted]


def can_add_to_calendar(record: ProjectRecord, now: datetime) -> bool:
    """Only a known day or time makes a calendar entry ("May 2016" would invent one), and only
    for an event not over yet: nobody plans to attend what has happened."""
    exact = bool(record.start) and record.start.precision in (Precision.DAY, Precision.MINUTE)
    return exact and not _is_over(record, now)
