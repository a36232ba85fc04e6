"""The schema of project records (programmes, partners, events) and their partial dates.

Records are what staff maintain by hand, so the schema is strict (unknown fields are errors)
and every human-readable field carries all six reply languages: a record must be showable to
any user. Articles often give only a year or a month, so dates keep their precision and are
displayed at that precision instead of inventing a day.
"""

from __future__ import annotations

import re
from datetime import UTC, date, datetime, time
from enum import StrEnum
from typing import Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationInfo,
    field_validator,
    model_validator,
)

from bot.i18n import N_
from bot.languages import SUPPORTED


class Precision(StrEnum):
    YEAR = "year"
    MONTH = "month"
    DAY = "day"
    MINUTE = "minute"


_YEAR = re.compile(r"^\d{4}$")
_MONTH = re.compile(r"^(\d{4})-(\d{2})$")


# The years a record's date may fall in. Anything later is a typo ("9999-12-31"), and near
# datetime's end of range "is it over yet?" overflows and takes every list and delivery down.
FIRST_YEAR, LAST_YEAR = 1900, 2100


class When(BaseModel):
    """A point in time known to some precision; ``value`` is its first instant, time-zone aware."""

    model_config = ConfigDict(frozen=True)

    value: datetime
    precision: Precision

    @classmethod
    def parse(cls, raw: Any, tz: ZoneInfo | None = None) -> When:
        """Accept a YAML datetime (with offset), a date, ``YYYY-MM`` or ``YYYY``."""
        zone = tz or UTC
        if isinstance(raw, datetime):
            if raw.tzinfo is None:
                raise ValueError("a date with a time needs a UTC offset, e.g. 10:00:00+03:00")
            return cls._bounded(raw, Precision.MINUTE)
        if isinstance(raw, date):
            return cls._bounded(datetime.combine(raw, time(), zone), Precision.DAY)
        text = str(raw).strip()
        if _YEAR.match(text):
            return cls._bounded(datetime(int(text), 1, 1, tzinfo=zone), Precision.YEAR)
        if m := _MONTH.match(text):
            return cls._bounded(datetime(int(m[1]), int(m[2]), 1, tzinfo=zone), Precision.MONTH)
        try:
            parsed = datetime.fromisoformat(text)
        except ValueError:
            raise ValueError(
                "expected YYYY, YYYY-MM, YYYY-MM-DD or an ISO date-time with offset"
            ) from None
        return cls.parse(parsed if "T" in text or " " in text else parsed.date(), tz)

    @classmethod
    def _bounded(cls, value: datetime, precision: Precision) -> When:
        if not FIRST_YEAR <= value.year <= LAST_YEAR:
            raise ValueError(f"the year must be between {FIRST_YEAR} and {LAST_YEAR}")
        return cls(value=value, precision=precision)


def known_zone(name: str) -> str:
    """An IANA zone name the system knows, or a ValueError saying which name is unknown."""
    try:
        ZoneInfo(name)
    # An over-long name fails as a file name (OSError) where zones come from the tzdata
    # package rather than the system's files.
    except (ZoneInfoNotFoundError, ValueError, OSError):
        raise ValueError(f"unknown time zone {name!r}") from None
    return name


# The longest text of each field, in characters: a card holds them all in one Telegram
# message (at most 4,096 characters), and a 6,000-character summary made a card no one could
# be sent.
TEXT_LIMITS = {"name": 200, "summary": 1000, "place": 300, "organiser": 300, "audience": 300}


def unstorable(text: str) -> str | None:
    """Why a text cannot be stored and shown (a NUL character, which PostgreSQL refuses; a
    lone surrogate, which is no UTF-8), as a message id with ``{field}``, or None when it
    can."""
    if "\0" in text:
        return N_("{field} contains a NUL character")
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return N_("{field} is not valid Unicode text")
    return None


def _localized(value: Any, limit: int) -> dict[str, str]:
    if not isinstance(value, dict):
        raise ValueError(f"expected a mapping of languages ({', '.join(SUPPORTED)})")
    wrong = [str(lang) for lang, text in value.items() if not isinstance(text, str | None)]
    if wrong:
        raise ValueError(f"expected text for {', '.join(wrong)}")
    extra = [lang for lang in value if lang not in SUPPORTED]
    present = [lang for lang in FALLBACK_ORDER if (value.get(lang) or "").strip()]
    if not present:
        raise ValueError(f"no text in any language ({', '.join(SUPPORTED)})")
    # A language without its own text gets the first of FALLBACK_ORDER that has one: a new
    # reply language must not block every record until each is translated (ingestion warns).
    value = {lang: value.get(lang) or "" for lang in SUPPORTED} | {
        lang: value[present[0]] for lang in missing_languages(value)
    }
    if extra:
        raise ValueError(f"unknown language {', '.join(map(str, extra))}")
    # Judged as written: a copy made for a missing language is not another fault.
    long = [lang for lang in SUPPORTED if lang in present and len(value[lang].strip()) > limit]
    if long:
        raise ValueError(f"longer than {limit} characters in {', '.join(long)}")
    for lang in SUPPORTED:
        if why := unstorable(value[lang]):
            raise ValueError(why.format(field=f"the {lang} text"))
    return {lang: value[lang].strip() for lang in SUPPORTED}


# Whose text a reader of a language without a translation gets, first found first.
FALLBACK_ORDER = tuple(dict.fromkeys(("en", "ru", *SUPPORTED)))


LOCALIZED_FIELDS = ("name", "summary", "place", "organiser", "audience")


def missing_languages(value: object) -> list[str]:
    """The reply languages a localized field as written has no text for."""
    if not isinstance(value, dict):
        return []
    return [lang for lang in SUPPORTED if not str(value.get(lang) or "").strip()]


Localized = dict[str, str]
RecordKind = Literal["programme", "partner", "event"]
EventType = Literal["training", "workshop", "seminar", "study_visit", "meeting", "round_table"]


class ProjectRecord(BaseModel):
    """One record as written in ``knowledge/records/*.yaml``."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    # Ids travel in Telegram callback data and deep links (64 bytes with a prefix), hence 48.
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9-]*$", max_length=48)
    kind: RecordKind
    type: EventType | None = None
    name: Localized
    summary: Localized
    timezone: str | None = None  # before start/end: their validator reads it
    start: When | None = None
    end: When | None = None
    online: bool = False
    link: str | None = Field(default=None, pattern=r"^https?://\S+$")  # where to join online
    place: Localized | None = None
    organiser: Localized | None = None
    audience: Localized | None = None
    participants: int | None = Field(default=None, ge=0)
    registration: str | None = Field(default=None, pattern=r"^https?://\S+$")
    programme: str | None = None
    partners: list[str] = Field(default_factory=list)
    country: str | None = Field(default=None, pattern=r"^[A-Z]{2}$")
    source: list[str]
    # Announced without a date yet ("trainings are planned"): listed with what is to come,
    # never among what was held. A start, once known, decides instead.
    planned: bool = False

    @field_validator("name", "summary", "place", "organiser", "audience", mode="before")
    @classmethod
    def _all_languages(cls, value: Any, info: ValidationInfo) -> Any:
        return None if value is None else _localized(value, TEXT_LIMITS[info.field_name])

    @field_validator("source", mode="before")
    @classmethod
    def _source_list(cls, value: Any) -> Any:
        return [value] if isinstance(value, str) else value

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str | None) -> str | None:
        return None if value is None else known_zone(value)

    @field_validator("start", "end", mode="before")
    @classmethod
    def _when(cls, value: Any, info: ValidationInfo) -> Any:
        if value is None or isinstance(value, When | dict):
            return value
        zone = info.data.get("timezone")
        return When.parse(value, ZoneInfo(zone) if zone else None)

    @model_validator(mode="after")
    def _consistent(self) -> ProjectRecord:
        if self.kind == "event" and self.type is None:
            raise ValueError("an event needs a type")
        if self.kind != "event" and self.type is not None:
            raise ValueError("only events have a type")
        if self.start and self.end and self.end.value < self.start.value:
            raise ValueError("end is before start")
        if self.link and not self.online:
            raise ValueError("link is where to join online: set online: true")
        if not self.source:
            raise ValueError("source must name at least one article file")
        return self

    @property
    def date_to_come(self) -> bool:
        """Planned, with no date yet."""
        return self.planned and self.start is None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.timezone) if self.timezone else ZoneInfo("UTC")
