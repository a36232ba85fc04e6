"""A running bot for each test: the fake Bot API server on 127.0.0.1 and the real
python-telegram-bot Application polling it, wired by the same composition root as production."""

from __future__ import annotations

import asyncio
import itertools
from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime

import pytest
from pydantic import SecretStr
from sqlalchemy import insert
from sqlalchemy.orm import Session, sessionmaker
from telegram import Update
from telegram.ext import Application

from bot.assistant import Assistant
from bot.models import Subscription, User
from bot.settings import Settings
from bot.users import utc
from handlers.app import build_application
from handlers.services import KEY
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
