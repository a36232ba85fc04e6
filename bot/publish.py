"""Events published from the bot: what a staff member typed becomes knowledge.

A published event is two knowledge files, exactly like content staff write by hand, so
everything that reads the knowledge (answers, lists, cards, the new-event notices and
reminders) treats it like any other event:

- ``articles/published/<id>.md``: a short article in the staff member's language (front
  matter title, date, lang), which records must cite as their source;
- ``records/published/<id>.yaml``: the event record. Its human-readable fields repeat what was
  typed in all six reply languages (a record must be showable to every user); staff translate
  them later, in an exported file or a new version.

They are kept in the database (bot.content), not on the disk of the replica that published
them, so every replica has them; ``reformbot export`` writes them out as files.

The draft is checked field by field while it is typed (:class:`InvalidInput` says what is
wrong in the reader's language), validated as a :class:`ProjectRecord` before anything is
stored, stored in one transaction, and ingested on a worker thread; if ingestion fails the
stored versions are deleted again, so a failed publication changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import functools
import re
import secrets
import unicodedata
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from functools import cache
from typing import Any, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

import yaml
from pydantic import ValidationError
from sqlalchemy.orm import Session, sessionmaker

from bot import content
from bot.answers.items import record_details
from bot.assistant import Assistant
from bot.i18n import N_, translations
from bot.ingest.problems import IngestError
from bot.ingest.yamltext import TextDatesLoader
from bot.languages import SUPPORTED
from bot.moments import InvalidInput, parse_moment, require_future
from bot.records import EventType, ProjectRecord, known_zone
from bot.text.translit import romanize

# The subfolder of articles/ and records/ that published events are written to.
PUBLISHED = "published"
EVENT_TYPES: tuple[str, ...] = get_args(EventType)
# Offered as buttons (after REFORMBOT_TIMEZONE when it is set): the programme countries.
ZONE_CHOICES = ("Asia/Tbilisi", "Asia/Tashkent", "Europe/Athens", "UTC")
TITLE_MAX = 200
PLACE_MAX = 300
URL_MAX = 1000
_SLUG_MAX = 24  # so that an id stays within the 48 characters records allow
_SUFFIX_BYTES = 3  # six hex digits: the part of an id that makes it unique


TYPE_LABELS = {
    "training": N_("Training"),
    "workshop": N_("Workshop"),
    "seminar": N_("Seminar"),
    "study_visit": N_("Study visit"),
    "meeting": N_("Meeting"),
    "round_table": N_("Round table"),
}
ONLINE = N_("Online")


def type_label(event_type: str, lang: str) -> str:
    return translations(lang).gettext(TYPE_LABELS[event_type])


# -- the answers, one by one ----------------------------------------------------------------


def _one_line(text: str) -> str:
    return " ".join(text.split())


def parse_title(text: str) -> str:
    title = _one_line(text)
    if not title or len(title) > TITLE_MAX:
        raise InvalidInput(
            N_("The title must be between 1 and {limit} characters long."), limit=TITLE_MAX
        )
    return title


def parse_place(text: str) -> str:
    place = _one_line(text)
    if not place or len(place) > PLACE_MAX:
        raise InvalidInput(
            N_("The place must be between 1 and {limit} characters long."), limit=PLACE_MAX
        )
    return place


def parse_type(value: str) -> str:
    if value not in EVENT_TYPES:
        raise InvalidInput(N_("Please choose the kind of event with the buttons."))
    return value


@cache
def _zones_by_folded_name() -> dict[str, str]:
    return {name.casefold(): name for name in available_timezones()}


def zone_choices(configured: str | None) -> list[str]:
    """The zones offered as buttons: the bot's own first, when it has one."""
    return list(dict.fromkeys([*([configured] if configured else []), *ZONE_CHOICES]))


def parse_zone(text: str) -> str:
    """An IANA zone name, whatever its case ("asia/tbilisi" → "Asia/Tbilisi")."""
    name = text.strip()
    zones = _zones_by_folded_name()
    if name.casefold() in zones:
        return zones[name.casefold()]
    if not zones:  # no zone list on this system: ask zoneinfo itself
        with contextlib.suppress(ValueError):
            return known_zone(name)
    raise InvalidInput(
        N_("“{name}” is not a time zone I know. Type a name like Asia/Tbilisi, or choose one."),
        name=name[:64],
    )


def parse_start(text: str, zone: str, now: datetime) -> datetime:
    return require_future(parse_moment(text, zone), now)


def parse_end(text: str, zone: str, start: datetime) -> datetime:
    end = parse_moment(text, zone)
    if end <= start:
        raise InvalidInput(N_("The end must be after the start ({start})."), start=start)
    return end


def parse_url(text: str) -> str:
    """A web address Telegram accepts on a button: http(s), a host name with a dot, no spaces."""
    url = text.strip()
    try:
        parts = urlsplit(url)
        host = parts.hostname or ""
    except ValueError:
        host, parts = "", None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or "." not in host.strip(".")
        or any(ch.isspace() for ch in url)
        or len(url) > URL_MAX
    ):
        raise InvalidInput(
            N_("That is not a web link. Send a link that starts with https://, or /skip.")
        )
    return url


# -- the draft and its files ----------------------------------------------------------------


@dataclass(frozen=True)
class EventDraft:
    """Everything the staff member answered; ``lang`` is theirs (the article's language)."""

    title: str
    type: str
    timezone: str
    start: datetime
    lang: str
    end: datetime | None = None
    place: str | None = None
    online: bool = False
    link: str | None = None
    registration: str | None = None


def _every_language(text: str) -> dict[str, str]:
    return dict.fromkeys(SUPPORTED, text)


def _summary(draft: EventDraft, lang: str) -> str:
    """ "Workshop · Tbilisi City Hall": the kind (translated) and the place (as typed)."""
    where = draft.place if not draft.online else translations(lang).gettext(ONLINE)
    return f"{type_label(draft.type, lang)} · {where}"


def _iso(moment: datetime, zone: str) -> str:
    return moment.astimezone(ZoneInfo(zone)).isoformat(timespec="seconds")


def record_data(draft: EventDraft, record_id: str) -> dict[str, Any]:
    """The record as it is written to YAML, in the order of the README's example."""
    data: dict[str, Any] = {
        "id": record_id,
        "kind": "event",
        "type": draft.type,
        "name": _every_language(draft.title),
        "summary": {lang: _summary(draft, lang) for lang in SUPPORTED},
        "timezone": draft.timezone,
        "start": _iso(draft.start, draft.timezone),
    }
    if draft.end is not None:
        data["end"] = _iso(draft.end, draft.timezone)
    if draft.online:
        data["online"] = True
        if draft.link:
            data["link"] = draft.link
    elif draft.place:
        data["place"] = _every_language(draft.place)
    if draft.registration:
        data["registration"] = draft.registration
    data["source"] = f"{PUBLISHED}/{record_id}.md"
    return data


def build_record(draft: EventDraft, record_id: str = "preview") -> ProjectRecord:
    """The record the draft makes (raises pydantic's ValidationError if it makes none)."""
    return ProjectRecord.model_validate(record_data(draft, record_id))


def slug(title: str, limit: int = _SLUG_MAX) -> str:
    """ASCII words of a title in any of our scripts ("ტრენინგი ხობში" → "treningi-khobshi"),
    cut at a word boundary; empty for a title with no letters we can romanise."""
    words = []
    for word in re.findall(r"[^\W_]+", title.casefold()):
        if word.isascii() and word.isdigit():
            words.append(word)
            continue
        bare = "".join(
            ch for ch in unicodedata.normalize("NFD", word) if not unicodedata.combining(ch)
        )
        latin = romanize(unicodedata.normalize("NFC", bare)).lower()
        if latin:
            words.append(latin)
    result = ""
    for word in words:
        candidate = f"{result}-{word}" if result else word
        if len(candidate) > limit:
            return result or word[:limit]
        result = candidate
    return result


def new_id(
    draft: EventDraft, taken: Iterable[str] = (), used: Callable[[str], bool] = lambda _rel: False
) -> str:
    """``2026-12-01-digital-services-3f9a0c``: the day, the romanised title and random hex.

    The random part is what makes it unique (a title may romanise to nothing, and two events
    may share a title and a day); an id already used by a record, or whose paths are
    ``used``, is drawn again."""
    day = draft.start.astimezone(ZoneInfo(draft.timezone)).strftime("%Y-%m-%d")
    stem = "-".join(part for part in (day, slug(draft.title)) if part)
    known = set(taken)
    while True:
        record_id = f"{stem}-{secrets.token_hex(_SUFFIX_BYTES)}"  # at most 10+1+24+1+6
        if record_id in known or any(used(rel) for rel in _paths(record_id)):
            continue
        return record_id


def _paths(record_id: str) -> tuple[str, str]:
    """Where the event's article and record are in the knowledge tree."""
    return f"articles/{PUBLISHED}/{record_id}.md", f"records/{PUBLISHED}/{record_id}.yaml"


def article_markdown(draft: EventDraft, record: ProjectRecord, published_on: datetime) -> str:
    """The article the record cites: front matter, then the event described in the staff
    member's language (its kind and place, then when, where and how to register)."""
    meta = {
        "title": draft.title,
        "date": published_on.astimezone(record.zone).date().isoformat(),
        "lang": draft.lang,
    }
    front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000)
    body = "\n".join([record.summary[draft.lang], "", *record_details(record, draft.lang)])
    return f"---\n{front}---\n\n{body}\n"


def record_yaml(data: dict[str, Any], *, published_on: datetime) -> str:
    """The record file. Who published it is kept beside it in the database, not in the text:
    an exported file goes into a repository that people outside the staff may read."""
    header = (
        f"# Published from the bot (/newevent) on {published_on.date().isoformat()}.\n"
        "# name and place repeat what was typed in every language: translate them here;\n"
        "# the change is ingested like any edit of a knowledge file.\n"
    )
    return header + yaml.safe_dump([data], allow_unicode=True, sort_keys=False, width=1_000_000)


@dataclass
class Published:
    record: ProjectRecord
    article_path: str  # in the knowledge tree
    record_path: str
    sessions: sessionmaker[Session]
    versions: list[int] = field(default_factory=list)  # stored content rows

    def withdraw(self) -> None:
        """Delete the stored versions again (a publication that did not take effect)."""
        content.forget(self.sessions, self.versions)
        self.versions.clear()


class PublishFailed(Exception):
    """Nothing was published; ``problems`` are the ingestion's, one ``file:line: what`` each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def store_event(
    sessions: sessionmaker[Session],
    draft: EventDraft,
    *,
    now: datetime,
    taken: Iterable[str] = (),
    author: int | None = None,
    used: Callable[[str], bool] = lambda _rel: False,
) -> Published:
    """Validate the draft as a record, then store its article and its record together."""
    with sessions() as session:
        stored = set(content.current(session))
    record_id = new_id(draft, taken, lambda rel: rel in stored or used(rel))
    data = record_data(draft, record_id)
    try:
        record = ProjectRecord.model_validate(data)
    except ValidationError as exc:
        raise PublishFailed([f"{record_id}: {exc}"]) from exc
    text = record_yaml(data, published_on=now)
    # What is stored must be what was validated: read it back as ingestion will.
    if ProjectRecord.model_validate(yaml.load(text, Loader=TextDatesLoader)[0]) != record:
        raise PublishFailed([f"{record_id}: the record does not read back as written"])
    article_path, record_path = _paths(record_id)
    published = Published(record, article_path, record_path, sessions)
    with sessions.begin() as session:
        at = now.astimezone(UTC).replace(tzinfo=None)
        article = article_markdown(draft, record, now)
        published.versions += [
            content.save(session, article_path, article, author=author, at=at),
            content.save(session, record_path, text, author=author, at=at),
        ]
    return published


async def publish(
    assistant: Assistant,
    draft: EventDraft,
    *,
    now: datetime,
    taken: Iterable[str] = (),
    author: int | None = None,
) -> Published:
    """Store the event's files and ingest them, on worker threads (other users are served
    meanwhile). If ingestion fails, the stored versions are deleted and
    :class:`PublishFailed` lists the problems; any other failure deletes them and is raised
    as it is."""
    knowledge_dir = assistant.settings.knowledge_dir
    published = await asyncio.to_thread(
        functools.partial(
            store_event,
            assistant.sessions,
            draft,
            now=now,
            taken=taken,
            author=author,
            used=lambda rel: (knowledge_dir / rel).exists(),
        )
    )
    await take_effect(assistant, published.withdraw)
    return published


async def take_effect(assistant: Assistant, undo: Callable[[], None]) -> None:
    """Ingest what was just stored, on a worker thread; if ingestion fails, ``undo`` deletes
    the stored versions again (and :class:`PublishFailed` lists the problems), so nothing
    changed."""
    try:
        await asyncio.to_thread(assistant.ingest)
    except IngestError as exc:
        await asyncio.to_thread(undo)
        raise PublishFailed([str(p) for p in exc.problems]) from exc
    except Exception:
        await asyncio.to_thread(undo)
        raise


def record_path(record_id: str) -> str:
    """Where an event published through the bot keeps its record in the knowledge tree."""
    return _paths(record_id)[1]


def store_translation(
    sessions: sessionmaker[Session],
    record_id: str,
    lang: str,
    *,
    name: str,
    place: str | None,
    now: datetime,
    author: int | None = None,
) -> Published:
    """A new version of a published event's record with its title (and place, when given and
    the event has one) in ``lang``: it was published repeating the staff member's words in
    every language. Raises :class:`PublishFailed` if the event was not published through the
    bot or the result does not validate."""
    path = record_path(record_id)
    with sessions() as session:
        text = content.current(session).get(path)
    if text is None:
        raise PublishFailed([f"{path}: not an event published through the bot"])
    data = yaml.load(text, Loader=TextDatesLoader)[0]
    data["name"][lang] = parse_title(name)
    if place is not None and data.get("place"):
        data["place"][lang] = parse_place(place)
    try:
        record = ProjectRecord.model_validate(data)
    except ValidationError as exc:
        raise PublishFailed([f"{path}: {exc}"]) from exc
    header = "".join(line for line in text.splitlines(keepends=True) if line.startswith("#"))
    body = yaml.safe_dump([data], allow_unicode=True, sort_keys=False, width=1_000_000)
    published = Published(record, f"articles/{PUBLISHED}/{record_id}.md", path, sessions)
    with sessions.begin() as session:
        at = now.astimezone(UTC).replace(tzinfo=None)
        published.versions.append(content.save(session, path, header + body, author=author, at=at))
    return published
