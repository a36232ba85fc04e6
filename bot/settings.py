"""One typed Settings object, read once from the environment and ``.env``, then passed in.

No other module reads ``os.environ``: tests and the command line build a Settings and hand it
to whatever needs it, so two configurations can live side by side in one process.
"""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path
from typing import Annotated
from zoneinfo import ZoneInfo

from pydantic import AliasChoices, Field, SecretStr, field_validator
from pydantic_settings import BaseSettings, NoDecode, SettingsConfigDict

from bot.languages import SUPPORTED
from bot.office_hours import OfficeHours, parse_office_hours
from bot.records import known_zone

PROJECT_ROOT = Path(__file__).resolve().parent.parent

# What @BotFather hands out: the bot's numeric id, a colon, 35 URL-safe characters.
_TOKEN = re.compile(r"^\d{5,}:[A-Za-z0-9_-]{30,}$")
# Telegram accepts only these characters in a webhook's secret_token.
_SECRET = re.compile(r"^[A-Za-z0-9_-]{1,256}$")
_DURATION = re.compile(r"^(\d+)([dhm])$")
_UNITS = {"d": "days", "h": "hours", "m": "minutes"}


class Settings(BaseSettings):
    """Every setting the core knows; the README's "Settings" table lists the same names."""

    model_config = SettingsConfigDict(
        env_prefix="REFORMBOT_", env_file=".env", env_file_encoding="utf-8", extra="ignore"
    )

    data_dir: Path = Field(
        default=PROJECT_ROOT / "data",
        description="Where the default SQLite database lives.",
    )
    knowledge_dir: Path = Field(
        default=PROJECT_ROOT / "knowledge",
        description="The content directory: articles/ and records/.",
    )
    database_url: str | None = Field(
        default=None,
        validation_alias=AliasChoices("DATABASE_URL", "REFORMBOT_DATABASE_URL"),
        description="SQLAlchemy URL; default: a SQLite file in data_dir.",
    )
    default_lang: str = Field(
        default="en", description="Reply language when a question's language is unclear."
    )

    timezone: str | None = Field(
        default=None,
        description="IANA zone for event times; default: each event's own zone.",
    )
    admins: Annotated[list[int], NoDecode] = Field(
        default_factory=list,
        description="Telegram user ids of the first admins, comma-separated.",
    )
    staff_chat: int | None = Field(
        default=None,
        description='Chat id of the staff group that "Ask a person" passes questions to '
        "(a forum topic per person where it has topics); unset: no hand-offs.",
    )
    office_hours: str | None = Field(
        default=None,
        description="When staff answer, in the bot's zone, e.g. 'Mon-Fri 09:00-18:00'; "
        "outside them a person who asks for one is told when to expect an answer.",
    )
    upload_limit_mb: float = Field(
        default=10.0,
        gt=0,
        le=20,
        description="Largest document staff may send to add an article, in MB (Telegram lets "
        "bots download 20 MB at most).",
    )
    broadcast_rate: float = Field(
        default=25.0,
        gt=0,
        description="Messages per second a broadcast may send in all (Telegram allows ~30).",
    )
    broadcast_chat_interval: float = Field(
        default=1.0, ge=0, description="Seconds between two broadcast messages to one chat."
    )
    broadcast_progress_seconds: float = Field(
        default=3.0, gt=0, description="Least seconds between edits of the progress message."
    )
    broadcast_lease_seconds: float = Field(
        default=30.0,
        gt=0,
        description="A delivery claimed this long ago and not finished is taken back "
        "(its sender died); it is sent again and counted as uncertain.",
    )
    user_messages_per_minute: int = Field(
        default=20,
        gt=0,
        description="Messages and button presses one person may send a minute; past that "
        "they are told once to slow down and the rest of the burst is not answered.",
    )
    questions_kept: int = Field(
        default=200,
        gt=0,
        description="How many of a person's latest questions are kept; older ones are deleted.",
    )
    reminders: Annotated[list[timedelta], NoDecode] = Field(
        default_factory=lambda: [timedelta(hours=24), timedelta(hours=1)],
        description="How long before an event its reminders go, e.g. 24h,1h or 90m.",
    )
    delivery: bool = Field(
        default=True,
        description="Whether `reformbot run` also sends announcements and reminders; "
        "false where `reformbot worker` processes do it.",
    )
    telegram_bot_token: SecretStr | None = Field(
        default=None,
        validation_alias=AliasChoices("TELEGRAM_BOT_TOKEN", "REFORMBOT_TELEGRAM_BOT_TOKEN"),
        description="The token @BotFather gave; needed by `reformbot run`.",
    )
    telegram_api_base_url: str = Field(
        default="https://api.telegram.org",
        validation_alias=AliasChoices("TELEGRAM_API_BASE_URL", "REFORMBOT_TELEGRAM_API_BASE_URL"),
        description="Bot API server; requests go to <base>/bot<TOKEN>/<method>.",
    )
    webhook_listen: str = Field(
        default="0.0.0.0", description="Address the webhook server binds (--webhook)."
    )
    webhook_port: int = Field(default=8443, description="Port the webhook server binds.")
    webhook_url: str | None = Field(
        default=None, description="Public HTTPS URL Telegram posts updates to."
    )
    webhook_secret: SecretStr | None = Field(
        default=None,
        description="secret_token Telegram sends with every update; others are refused.",
    )

    @field_validator("default_lang")
    @classmethod
    def _supported(cls, value: str) -> str:
        if value not in SUPPORTED:
            raise ValueError(f"must be one of {', '.join(SUPPORTED)}")
        return value

    @field_validator("timezone")
    @classmethod
    def _zone(cls, value: str | None) -> str | None:
        return known_zone(value) if value else None

    @field_validator("office_hours")
    @classmethod
    def _hours(cls, value: str | None) -> str | None:
        if value:
            parse_office_hours(value, ZoneInfo("UTC"))
        return value or None

    @field_validator("admins", mode="before")
    @classmethod
    def _ids(cls, value: object) -> object:
        if isinstance(value, str):
            return [part for part in re.split(r"[\s,]+", value) if part]
        return value

    @field_validator("reminders", mode="before")
    @classmethod
    def _durations(cls, value: object) -> object:
        if not isinstance(value, str) or not value.strip():
            return value if not isinstance(value, str) else []
        durations = []
        for part in re.split(r"[\s,]+", value.strip()):
            match = _DURATION.match(part)
            if not match:
                raise ValueError(f"{part!r}: write durations like 24h, 90m or 2d")
            amount, unit = int(match[1]), match[2]
            durations.append(timedelta(**{_UNITS[unit]: amount}))
        return sorted(durations, reverse=True)

    @field_validator("telegram_bot_token")
    @classmethod
    def _token(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _TOKEN.match(value.get_secret_value()):
            raise ValueError("not a bot token; @BotFather's look like 123456789:AAE...")
        return value

    @field_validator("webhook_secret")
    @classmethod
    def _secret(cls, value: SecretStr | None) -> SecretStr | None:
        if value is not None and not _SECRET.match(value.get_secret_value()):
            raise ValueError("use 1-256 characters of A-Z, a-z, 0-9, _ and -")
        return value

    @field_validator("telegram_api_base_url")
    @classmethod
    def _base_url(cls, value: str) -> str:
        if not re.match(r"^https?://[^/\s]+", value):
            raise ValueError("expected http(s)://host[:port]")
        return value.rstrip("/")

    @property
    def zone(self) -> ZoneInfo | None:
        """The zone event times are shown in; None: each event's own zone."""
        return ZoneInfo(self.timezone) if self.timezone else None

    @property
    def hours(self) -> OfficeHours | None:
        """The office hours in the bot's zone (UTC when it has none); None: always open."""
        if not self.office_hours:
            return None
        return parse_office_hours(self.office_hours, self.zone or ZoneInfo("UTC"))

    @property
    def effective_database_url(self) -> str:
        """DATABASE_URL when given, else the SQLite file under data_dir."""
        if self.database_url:
            return self.database_url
        return f"sqlite:///{(self.data_dir / 'reformbot.sqlite3').resolve()}"
