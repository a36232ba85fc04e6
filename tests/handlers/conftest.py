"""A running bot for each test: the fake Bot API server on 127.0.0.1 and the real
python-telegram-bot Application polling it, wired by the same composition root as production."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import pytest
import yaml
from pydantic import SecretStr
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.ext import Application

from bot.assistant import Assistant
from bot.languages import SUPPORTED
from bot.models import Subscription, User
from bot.settings import Settings
from bot.users import utc
from handlers.app import build_application
from handlers.services import KEY
from tests.conftest import MakeSettings
from tests.fakegram.client import TelegramUser
from tests.fakegram.server import FakeTelegram

TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"
_user_ids = itertools.count(100_001)


@dataclass
class Clock:
    """The bot's idea of now; tests move it to see upcoming or past events."""

    now: datetime = field(default_factory=lambda: datetime.now(UTC))

    def __call__(self) -> datetime:
        return self.now


@dataclass
class Bot:
    server: FakeTelegram
    application: Application
    clock: Clock
    assistant: Assistant

    def user(self, language_code: str | None = "en", first_name: str = "Nino") -> TelegramUser:
        """A new Telegram user (a fresh id, so tests sharing a database do not meet)."""
        return TelegramUser(self.server, next(_user_ids), first_name, language_code)


def bot_settings(settings: Settings, server: FakeTelegram, **changes: object) -> Settings:
    return settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(TOKEN),
            "telegram_api_base_url": server.url,
            **changes,
        }
    )


@asynccontextmanager
async def running_bot(
    settings: Settings, assistant: Assistant, clock: Clock, server: FakeTelegram | None = None
) -> AsyncIterator[Bot]:
    """Start the Application as ``run_polling`` does (post_init included) and stop it after."""
    own_server = server is None
    server = server or FakeTelegram(TOKEN)
    if own_server:
        await server.start()
    application = build_application(bot_settings(settings, server), assistant, clock=clock)
    await application.initialize()
    await application.post_init(application)
    await application.updater.start_polling(
        timeout=5, allowed_updates=Update.ALL_TYPES, drop_pending_updates=False
    )
    await application.start()
    try:
        yield Bot(server, application, clock, assistant)
    finally:
        await server.release_pollers()
        await application.updater.stop()
        await application.stop()
        await application.post_stop(application)
        await application.shutdown()
        if own_server:
            await server.stop()


async def eventually(predicate: Callable[[], object], timeout: float = 10.0) -> None:
    """Poll a condition on the bot's database (which the fake server cannot wake us for)."""
    deadline = asyncio.get_running_loop().time() + timeout
    while not predicate():
        if asyncio.get_running_loop().time() > deadline:
            raise AssertionError(f"not true within {timeout} s")
        await asyncio.sleep(0.05)


async def delivery_rounds(bot: Bot, count: int = 3, timeout: float = 30.0) -> None:
    """Wait until the delivery loop has run ``count`` more rounds, so that whatever was due
    has gone out: a test then checks that nothing more came, rather than sleeping."""
    dispatcher = bot.application.bot_data[KEY].dispatcher
    target = dispatcher.rounds + count
    await eventually(lambda: dispatcher.rounds >= target, timeout)


@pytest.fixture
def clock() -> Clock:
    return Clock()


@pytest.fixture
async def bot(settings: Settings, assistant: Assistant, clock: Clock) -> AsyncIterator[Bot]:
    async with running_bot(settings, assistant, clock) as running:
        yield running


def store_subscribers(
    sessions: sessionmaker[Session],
    server: FakeTelegram,
    codes: list[str],
    first_id: int,
    *,
    topic: str = "all",
    now: datetime | None = None,
) -> list[int]:
    """People who once wrote to the bot (one per app language in ``codes``) and follow
    ``topic``, stored directly: creating thousands through the chat would test the fake
    server's patience rather than the broadcast."""
    ids = list(range(first_id, first_id + len(codes)))
    moment = utc(now or datetime.now(UTC))
    with sessions.begin() as session:
        session.execute(
            insert(User),
            [
                {
                    "id": uid,
                    "chat_id": uid,
                    "first_name": f"U{uid}",
                    "language_code": code,
                    "blocked": False,
                    "created_at": moment,
                    "seen_at": moment,
                }
                for uid, code in zip(ids, codes, strict=True)
            ],
        )
        session.execute(
            insert(Subscription),
            [{"user_id": uid, "topic": topic, "created_at": moment} for uid in ids],
        )
    for uid in ids:
        server.private_chat(uid, f"U{uid}")
    return ids


# -- the shipped knowledge plus staff-published events, for the list tests --------------

UPCOMING = 7


def in_every_language(text: str) -> dict[str, str]:
    return {lang: f"{text} ({lang})" for lang in SUPPORTED}


@asynccontextmanager
async def bot_with(
    events: list[dict],
    name: str,
    files: tuple[Path, Path, MakeSettings],
    settings: Settings,
    clock: Clock,
) -> AsyncIterator[Bot]:
    """The bot over the shipped knowledge plus a staff file ``name`` of ``events``, on
    15 January 2027; ``files``: the knowledge copy, the test's folder, make_settings."""
    knowledge_copy, tmp_path, make_settings = files
    (knowledge_copy / "records" / f"{name}.yaml").write_text(
        yaml.safe_dump(events, allow_unicode=True), encoding="utf-8"
    )
    own = make_settings(tmp_path / name, knowledge_copy)
    clock.now = datetime(2027, 1, 15, 9, 0, tzinfo=UTC)
    async with running_bot(settings, Assistant(own), clock) as running:
        yield running


@pytest.fixture
async def planned(
    knowledge_copy: Path,
    tmp_path: Path,
    settings: Settings,
    clock: Clock,
    make_settings: MakeSettings,
) -> AsyncIterator[Bot]:
    """The shipped knowledge plus a staff file of seven workshops in March 2027."""
    events = [
        {
            "id": f"planned-workshop-{day}",
            "kind": "event",
            "type": "workshop",
            "name": in_every_language(f"Planned workshop on day {day}"),
            "summary": in_every_language("Service design for municipal staff"),
            "timezone": "Asia/Tbilisi",
            "start": f"2027-03-{day:02d}T10:00:00+04:00",
            "end": f"2027-03-{day:02d}T13:00:00+04:00",
            "place": in_every_language("Tbilisi City Hall"),
            "registration": "https://example.org/register",
            "source": "002_3054af4f405343fe.txt",
        }
        for day in range(10, 10 + UPCOMING)
    ]
    files = (knowledge_copy, tmp_path, make_settings)
    async with bot_with(events, "planned", files, settings, clock) as running:
        yield running
