"""Events published from the bot: what a staff member typed becomes knowledge files.

A published event is two files, exactly like content staff write by hand, so everything that
reads the knowledge (answers, lists, cards, the new-event notices and reminders) treats it like
any other event and ``reformbot ingest`` rebuilds it from the files alone:

- ``articles/published/<id>.md``: a short article in the staff member's language (front
  matter title, date, lang), which records must cite as their source;
- ``records/published/<id>.yaml``: the event record. Its human-readable fields repeat what was
  typed in all six reply languages (a record must be showable to every user); staff translate
  them in the file later, and the change is ingested like any edit.

The draft is checked field by field while it is typed (:class:`InvalidInput` says what is
wrong in the reader's language), validated as a :class:`ProjectRecord` before anything is
written, written atomically (temporary file, then rename), and ingested on a worker thread;
if ingestion fails the files are removed again, so a failed publication changes nothing.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import re
import secrets
import tempfile
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from functools import cache
from pathlib import Path
from typing import Any, get_args
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

import yaml
from pydantic import ValidationError

from bot.answers.items import record_details
from bot.i18n import N_, translations
from bot.ingest.problems import IngestError
from bot.ingest.yamltext import TextDatesLoader
from bot.moments import InvalidInput, parse_moment, require_future
from bot.records import EventType, ProjectRecord, known_zone
from bot.service import Assistant
from bot.text.detect import SUPPORTED
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


def new_id(draft: EventDraft, taken: Iterable[str] = (), knowledge_dir: Path | None = None) -> str:
    """``2026-12-01-digital-services-3f9a0c``: the day, the romanised title and random hex.

    The random part is what makes it unique (a title may romanise to nothing, and two events
    may share a title and a day); an id already used by a record or a file is drawn again."""
    day = draft.start.astimezone(ZoneInfo(draft.timezone)).strftime("%Y-%m-%d")
    stem = "-".join(part for part in (day, slug(draft.title)) if part)
    used = set(taken)
    while True:
        record_id = f"{stem}-{secrets.token_hex(_SUFFIX_BYTES)}"  # at most 10+1+24+1+6
        if record_id in used:
            continue
        if knowledge_dir is not None and any(p.exists() for p in _paths(knowledge_dir, record_id)):
            continue
        return record_id


def _paths(knowledge_dir: Path, record_id: str) -> tuple[Path, Path]:
    return (
        knowledge_dir / "articles" / PUBLISHED / f"{record_id}.md",
        knowledge_dir / "records" / PUBLISHED / f"{record_id}.yaml",
    )


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


def record_yaml(data: dict[str, Any], *, author: int | None, published_on: datetime) -> str:
    by = f" by Telegram user {author}" if author is not None else ""
    header = (
        f"# Published from the bot (/newevent){by} on {published_on.date().isoformat()}.\n"
        "# name and place repeat what was typed in every language: translate them here;\n"
        "# the change is ingested like any edit of a knowledge file.\n"
    )
    return header + yaml.safe_dump([data], allow_unicode=True, sort_keys=False, width=1_000_000)


def _write_atomically(path: Path, text: str) -> None:
    """Readers see the old state or the whole new file, never half of it; the temporary name
    starts with a dot and ends in .tmp, so ingestion never reads it."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())
        os.chmod(temporary, 0o644)
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temporary)
        raise


@dataclass
class Published:
    record: ProjectRecord
    article_path: Path
    record_path: Path
    files: list[Path] = field(default_factory=list)  # written so far

    def withdraw(self) -> None:
        """Remove the files again (the record first: it cites the article)."""
        for path in reversed(self.files):
            with contextlib.suppress(FileNotFoundError):
                path.unlink()
        self.files.clear()


class PublishFailed(Exception):
    """Nothing was published; ``problems`` are the ingestion's, one ``file:line: what`` each."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


def write_event(
    knowledge_dir: Path,
    draft: EventDraft,
    *,
    now: datetime,
    taken: Iterable[str] = (),
    author: int | None = None,
) -> Published:
    """Validate the draft as a record, then write its article and its record file."""
    record_id = new_id(draft, taken, knowledge_dir)
    data = record_data(draft, record_id)
    try:
        record = ProjectRecord.model_validate(data)
    except ValidationError as exc:
        raise PublishFailed([f"{record_id}: {exc}"]) from exc
    text = record_yaml(data, author=author, published_on=now)
    # What is written must be what was validated: read it back as ingestion will.
    if ProjectRecord.model_validate(yaml.load(text, Loader=TextDatesLoader)[0]) != record:
        raise PublishFailed([f"{record_id}: the record does not read back as written"])
    article_path, record_path = _paths(knowledge_dir, record_id)
    published = Published(record, article_path, record_path)
    try:
        # The article first: a record file must never cite an article that is not there.
        _write_atomically(article_path, article_markdown(draft, record, now))
        published.files.append(article_path)
        _write_atomically(record_path, text)
        published.files.append(record_path)
    except BaseException:
        published.withdraw()
        raise
    return published


async def publish(
    assistant: Assistant,
    draft: EventDraft,
    *,
    now: datetime,
    taken: Iterable[str] = (),
    author: int | None = None,
) -> Published:
    """Write the event's files into the assistant's knowledge directory and ingest them on a
    worker thread (other users are served meanwhile). If ingestion fails, the files are removed
    and :class:`PublishFailed` lists the problems; any other failure removes them and is
    raised as it is."""
    published = write_event(
        assistant.settings.knowledge_dir, draft, now=now, taken=taken, author=author
    )
    try:
        await asyncio.to_thread(assistant.ingest)
    except IngestError as exc:
        published.withdraw()
        raise PublishFailed([str(p) for p in exc.problems]) from exc
    except Exception:
        published.withdraw()
        raise
    return published
