"""What the broadcast tests and ``bench/chaos.py`` share: a fake Bot API server that keeps
every sendMessage, people who follow announcements, an announcement, its outbox rows, and
``reformbot run`` as a process of its own."""

from __future__ import annotations

import asyncio
import signal
import subprocess
import sys
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.broadcast.outbox import Outbox, Summary
from bot.models import Announcement, Delivery
from bot.subscriptions import SubscriptionStore
from bot.users import UserStore, reply_lang
from tests.fakegram.server import ApiError, FakeTelegram

LANG_CODES = ["en", "ka", "ru", "el", "uz", None, "de", "uz-Cyrl"]


@dataclass(frozen=True)
class Call:
    """One sendMessage as the server saw it."""

    at: float  # time.monotonic() when the request reached the method
    chat_id: object
    status: int  # 200, or the error code the server answered with
    text: str  # the text as sent (HTML source)


class RecordingTelegram(FakeTelegram):
    """The fake Bot API server, also keeping every sendMessage with its time and outcome."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.calls: list[Call] = []

    async def api_sendmessage(self, params: dict, files: dict) -> dict:
        at, chat, text = time.monotonic(), params.get("chat_id"), str(params.get("text") or "")
        try:
            result = await super().api_sendmessage(params, files)
        except ApiError as exc:
            self.calls.append(Call(at, chat, exc.code, text))
            raise
        self.calls.append(Call(at, chat, 200, text))
        return result

    def calls_with(self, marker: str) -> list[Call]:
        return [c for c in self.calls if marker in c.text]

    def copies(self, marker: str) -> Counter[object]:
        """How many copies of the message with ``marker`` each chat received."""
        return Counter(c.chat_id for c in self.calls_with(marker) if c.status == 200)


def texts_for(marker: str) -> dict[str, str]:
    return {
        "en": f"Programme news {marker}: the spring school opens registration.",
        "ka": f"პროგრამის სიახლე {marker}: საგაზაფხულო სკოლა რეგისტრაციას იწყებს.",
        "ru": f"Новости программы {marker}: открыта регистрация в весеннюю школу.",
        "el": f"Νέα του προγράμματος {marker}: άνοιξαν οι εγγραφές στο εαρινό σχολείο.",
    }


def add_people(
    sessions: sessionmaker[Session],
    server: FakeTelegram,
    ids: range | list[int],
    now: datetime,
    *,
    topics: tuple[str, ...] = ("all",),
) -> dict[int, str]:
    """Users who wrote to the bot (their chats exist on the server), following ``topics``;
    returns each one's reply language."""
    users = UserStore(sessions)
    subscriptions = SubscriptionStore(sessions, "en")
    langs = {}
    for n, user_id in enumerate(ids):
        code = LANG_CODES[n % len(LANG_CODES)]
        users.seen(user_id, user_id, first_name=f"User{user_id}", language_code=code, now=now)
        server.private_chat(user_id, f"User{user_id}")
        if topics:
            subscriptions.subscribe(user_id, list(topics), now)
        langs[user_id] = reply_lang(None, code, "en")
    return langs


def announce(sessions: sessionmaker[Session], marker: str, now: datetime, **extra: object) -> int:
    announcement_id = Outbox(sessions, owner="staff").create(
        kind="announcement",
        texts=texts_for(marker),
        fallback_lang="en",
        topic="all",
        due_at=now,
        now=now,
        **extra,
    )
    assert announcement_id is not None
    return announcement_id


def rows(sessions: sessionmaker[Session], announcement_id: int) -> dict[int, Delivery]:
    with sessions() as session:
        query = select(Delivery).where(Delivery.announcement_id == announcement_id)
        return {row.chat_id: row for row in session.scalars(query)}


def status(sessions: sessionmaker[Session], announcement_id: int) -> str:
    with sessions() as session:
        row = session.get(Announcement, announcement_id)
        assert row is not None
        return row.status


async def until_done(
    sessions: sessionmaker[Session], announcement_id: int, timeout: float
) -> Summary:
    """Wait (without blocking the server, which shares this loop) until the outbox says done."""
    outbox = Outbox(sessions, owner="observer")
    deadline = time.monotonic() + timeout
    while True:
        [summary] = outbox.summaries(ids=[announcement_id])
        if summary.status == "done":
            return summary
        if time.monotonic() > deadline:
            raise AssertionError(
                f"announcement {announcement_id} not done within {timeout} s: "
                f"{summary.status}, {summary.progress}"
            )
        await asyncio.sleep(0.1)


@contextmanager
def bot_process(tmp_path: Path, name: str, env: dict[str, str]) -> Iterator[subprocess.Popen]:
    """``reformbot run`` logging to ``<name>.log``; the test may SIGKILL it, else it is
    stopped with SIGINT (and killed if it will not stop) on the way out."""
    with (tmp_path / f"{name}.log").open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "handlers.cli", "run"],
            cwd=tmp_path,
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield process
        finally:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
                try:
                    process.wait(timeout=20)
                except subprocess.TimeoutExpired:
                    process.kill()
                    process.wait(timeout=20)
