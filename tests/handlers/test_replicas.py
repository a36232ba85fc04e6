"""Several ``reformbot run --webhook`` replicas behind one webhook URL, sharing one database:
a broadcast split between them with each copy sent once, a /newevent dialogue continued on
another replica than the one it began on, an article sent to one and answered by all, a
conversation with staff going on across them, and ``reformbot worker`` doing the delivery for
replicas that do not. Each replica is a real process; a round-robin balancer spreads the
updates the fake Bot API server posts. On PostgreSQL when TEST_DATABASE_URL is set, and on
one SQLite file otherwise."""

from __future__ import annotations

import asyncio
import os
import shutil
import signal
import socket
import subprocess
import sys
from collections import Counter
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager, contextmanager
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from sqlalchemy.orm import Session, sessionmaker

from bot.assistant import Assistant
from bot.models import Announcement, Delivery
from bot.settings import Settings
from tests.conftest import KNOWLEDGE
from tests.fakegram.balancer import Balancer
from tests.fakegram.client import TelegramUser
from tests.fakegram.server import FakeTelegram, SentMessage
from tests.handlers.conftest import TOKEN, eventually, store_subscribers
from tests.handlers.test_announce import compose

STAFF_ID = 4_300_001
SECRET = "replica-Secret_7"
HOOK_PATH = "telegram/hook"
TEXTS = {
    "en": "The national rollout starts on Monday. #rollout",
    "ka": "ეროვნული დანერგვა ორშაბათს იწყება. #rollout",
    "ru": "Общенациональное внедрение начинается в понедельник. #rollout",
}


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def _env(settings: Settings, server: FakeTelegram, data_dir: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFORMBOT_", "TELEGRAM_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        REFORMBOT_DATA_DIR=str(data_dir),
        # Every replica on the test's one database, SQLite file or PostgreSQL schema.
        REFORMBOT_DATABASE_URL=settings.effective_database_url,
        REFORMBOT_ADMINS=str(STAFF_ID),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server.url,
    )
    env.update(extra)
    env.setdefault("REFORMBOT_KNOWLEDGE_DIR", str(settings.knowledge_dir))
    return env


@contextmanager
def processes(tmp_path: Path, commands: list[tuple[list[str], dict[str, str]]]) -> Iterator[list]:
    """Start ``reformbot <args>`` for each (args, env), logging to replica-<n>.log; on the
    way out SIGINT each (a clean stop), and kill any that will not stop."""
    started: list[subprocess.Popen] = []
    try:
        for number, (args, env) in enumerate(commands):
            log = (tmp_path / f"replica-{number}.log").open("w")
            started.append(
                subprocess.Popen(
                    [sys.executable, "-m", "handlers.cli", *args],
                    cwd=tmp_path,
                    env=env,
                    stdout=log,
                    stderr=subprocess.STDOUT,
                )
            )
            log.close()
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in started:
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def _listening(port: int, process: subprocess.Popen, timeout: float = 90) -> None:
    deadline = asyncio.get_running_loop().time() + timeout
    while True:
        assert process.poll() is None, "a replica exited while starting"
        try:
            _reader, writer = await asyncio.open_connection("127.0.0.1", port)
            writer.close()
            return
        except OSError:
            if asyncio.get_running_loop().time() > deadline:
                raise AssertionError(f"nothing listens on {port} after {timeout} s") from None
            await asyncio.sleep(0.2)


@asynccontextmanager
async def replicas(
    tmp_path: Path,
    settings: Settings,
    server: FakeTelegram,
    count: int,
    *,
    worker: bool = False,
    knowledge: list[Path] | None = None,
    **extra: str,
) -> AsyncIterator[tuple[Balancer, list[subprocess.Popen]]]:
    """``count`` webhook replicas behind a balancer (and a ``reformbot worker`` after them
    when asked), each with its own data directory (and knowledge directory, if given);
    yields once every replica listens."""
    ports = [_free_port() for _ in range(count)]
    balancer = Balancer([f"http://127.0.0.1:{port}" for port in ports])
    await balancer.start()
    commands = [
        (
            ["run", "--webhook"],
            _env(
                settings,
                server,
                tmp_path / f"data-{n}",
                REFORMBOT_KNOWLEDGE_DIR=str(knowledge[n] if knowledge else settings.knowledge_dir),
                REFORMBOT_WEBHOOK_URL=f"{balancer.url}/{HOOK_PATH}",
                REFORMBOT_WEBHOOK_SECRET=SECRET,
                REFORMBOT_WEBHOOK_LISTEN="127.0.0.1",
                REFORMBOT_WEBHOOK_PORT=str(port),
                **extra,
            ),
        )
        for n, port in enumerate(ports)
    ]
    if worker:
        commands.append((["worker"], _env(settings, server, tmp_path / "data-worker")))
    try:
        with processes(tmp_path, commands) as started:
            for port, process in zip(ports, started, strict=False):
                await _listening(port, process)
            await server.wait_for(lambda: server.webhook, 30)
            yield balancer, started
    finally:
        await balancer.stop()


def senders(sessions: sessionmaker[Session], ids: list[int]) -> Counter[int]:
    """How many of the deliveries to ``ids`` each process (by pid) sent."""
    with sessions() as session:
        owners = session.scalars(
            select(Delivery.claimed_by).where(Delivery.chat_id.in_(ids), Delivery.state == "sent")
        )
        return Counter(int(owner.split(":")[-2]) for owner in owners)


def all_reported(sessions: sessionmaker[Session]) -> bool:
    with sessions() as session:
        return all(session.scalars(select(Announcement.reported)))


def reports(server: FakeTelegram) -> list[SentMessage]:
    return [m for m in server.messages_to(STAFF_ID) if "is delivered" in m.text]


@pytest.fixture
async def server() -> AsyncIterator[FakeTelegram]:
    telegram = FakeTelegram(TOKEN)
    await telegram.start()
    try:
        yield telegram
    finally:
        await telegram.stop()


async def test_three_replicas_split_a_broadcast_and_each_subscriber_gets_one_copy(
    tmp_path: Path, settings: Settings, server: FakeTelegram
) -> None:
    assistant = Assistant(settings)
    assistant.knowledge()  # ingested once, so the replicas start alike and quickly
    codes = ["en", "ka", "ru", "uz", "el"] * 600  # 3,000 subscribers
    ids = store_subscribers(assistant.sessions, server, codes, 700_000)
    async with replicas(tmp_path, settings, server, 3, REFORMBOT_BROADCAST_RATE="400") as (
        balancer,
        started,
    ):
        staff = TelegramUser(server, STAFF_ID, "Tamar", "en")
        await compose(staff, TEXTS, "Everyone subscribed")
        summary = (await staff.replies(len(TEXTS) + 2))[-1]  # a heading, each version, this
        assert summary.text.splitlines()[0] == "Recipients: 3,000"
        await staff.press(summary, "Send now")
        assert "is on its way" in (await staff.reply()).text
        await server.wait_for(lambda: len({m.chat_id for m in server.sent} & set(ids)) == 3000, 90)
        await server.wait_for(lambda: [m for m in reports(server) if m.edits == 0], 30)
        # Marked reported once shown: from then on no replica takes the report again.
        await eventually(lambda: all_reported(assistant.sessions), 30)
        # The dialogue's steps went to every replica in turn, and it still came out whole.
        assert set(balancer.routed) == {0, 1, 2}
        pids = {process.pid for process in started}

    per_chat = Counter(m.chat_id for m in server.sent if m.chat_id in set(ids))
    assert set(per_chat.values()) == {1}, "some subscriber got the announcement twice"
    expected = {**{lang: TEXTS.get(lang, TEXTS["en"]) for lang in ("uz", "el")}, **TEXTS}
    for message in server.sent:
        if message.chat_id in per_chat:
            assert message.text == expected[codes[message.chat_id - 700_000]]
    by_process = senders(assistant.sessions, ids)
    assert set(by_process) == pids, f"not every replica sent: {by_process}"
    assert sum(by_process.values()) == 3000
    # One final report, not one per replica: the progress message, edited into it, and one
    # line that notifies.
    [report] = [m for m in reports(server) if m.edits > 0]
    assert "Sent: 3,000" in report.text
    [notice] = [m for m in reports(server) if m.edits == 0]
    assert notice.text == "✅ Announcement #1 is delivered."


async def test_a_newevent_dialogue_begun_on_one_replica_goes_on_on_another(
    tmp_path: Path, settings: Settings, server: FakeTelegram
) -> None:
    """Each replica has its own copy of the knowledge directory, as on separate machines:
    the one that publishes stores the event in the database and ingests it; the other
    notices the new version in the database and answers from it, and so does a replica
    started later with an empty knowledge directory."""
    copies = [tmp_path / f"knowledge-{n}" for n in range(2)]
    for copy in copies:
        shutil.copytree(KNOWLEDGE, copy)
    Assistant(settings.model_copy(update={"knowledge_dir": copies[0]})).knowledge()
    start = (datetime.now(UTC) + timedelta(days=40)).strftime("%Y-%m-%d 10:00")
    title = "Open data for municipalities"
    async with replicas(tmp_path, settings, server, 2, knowledge=copies) as (balancer, _):
        staff = TelegramUser(server, STAFF_ID, "Tamar", "en")
        assert "What is the event called?" in (await say(staff, "/newevent")).text
        kinds = await say(staff, title)
        assert kinds.text == "What kind of event is it?"
        zones = await tap(staff, kinds, "Workshop")
        assert (await tap(staff, zones, "Asia/Tbilisi")).text.startswith("When does it start?")
        assert (await say(staff, start)).text.startswith("When does it end?")
        assert (await say(staff, "/skip")).text.startswith("Where does it take place?")
        assert (await say(staff, "Gori City Hall")).text.startswith("Send the registration")
        preview = await say(staff, "/skip")
        assert preview.text.startswith("This is how the event will be shown:")
        assert title in preview.text and "Gori City Hall" in preview.text
        assert (await tap(staff, preview, "Publish")).text.startswith(f"Published: {title}.")
        # Nine updates, alternating: every step reached the replica that had not handled the
        # step before it, and the dialogue came out whole. The last, Publish, was replica 0's.
        assert balancer.routed == [0, 1] * 4 + [0]
        assert not [*copies[0].rglob("published"), *copies[1].rglob("published")]  # no disk

        # Both replicas list it: one published it, the other reloads the stored knowledge
        # (it looks at the database's version stamp every couple of seconds).
        reader = TelegramUser(server, 4_300_002, "Levan", "en")
        listed: set[int] = set()
        for _attempt in range(20):
            listing = await say(reader, "/events")
            if any(title in button["text"] for button in listing.buttons):
                listed.add(balancer.routed[-1])
            if listed == {0, 1}:
                break
            await asyncio.sleep(0.5)
        assert listed == {0, 1}

    # A replica started afterwards, on a machine with an empty knowledge directory, has the
    # event too (the database holds what staff publish) and everything the others ingested.
    empty, later = tmp_path / "knowledge-empty", tmp_path / "later"
    empty.mkdir()
    later.mkdir()
    server.webhook = None  # the stopped replicas' balancer is gone; wait for the new one's
    async with replicas(later, settings, server, 1, knowledge=[empty]):
        reader = TelegramUser(server, 4_300_003, "Nino", "en")
        listing = await say(reader, "/events")
        assert any(title in button["text"] for button in listing.buttons)
        answer = await say(reader, "Where is the open data workshop for municipalities?")
        assert "Gori City Hall" in answer.text
        assert "Sida" in (await say(reader, "Who funded the study visit to France?")).text


async def test_an_article_sent_to_one_replica_is_answered_by_the_others(
    tmp_path: Path, settings: Settings, server: FakeTelegram
) -> None:
    """An article staff send as a file is previewed on one replica and published from the
    other (the draft is in the database, not in a process); every replica answers from it,
    and so does one started later with an empty knowledge directory."""
    copies = [tmp_path / f"knowledge-{n}" for n in range(2)]
    for copy in copies:
        shutil.copytree(KNOWLEDGE, copy)
    Assistant(settings.model_copy(update={"knowledge_dir": copies[0]})).knowledge()
    article = (
        "---\ntitle: Records management course in Zestaponi\nlang: en\n---\n"
        "The Civil Service Bureau held a records management course in Zestaponi for 35 "
        "municipal clerks. The trainer was Eka Tsertsvadze from the National Archives.\n"
    )
    question = "Who was the trainer of the records management course in Zestaponi?"
    async with replicas(tmp_path, settings, server, 2, knowledge=copies) as (balancer, _):
        staff = TelegramUser(server, STAFF_ID, "Tamar", "en")
        await staff.send_document("zestaponi.md", article.encode())
        preview = await staff.reply(timeout=60)
        assert preview.text.startswith("This is what I read:"), preview.text
        published = await tap(staff, preview, "✅ Publish")
        assert published.text.startswith("Published:"), published.text
        assert balancer.routed == [0, 1]  # previewed on one replica, published on the other
        reader = TelegramUser(server, 4_300_004, "Levan", "en")
        answered: set[int] = set()
        for _attempt in range(20):
            if "Tsertsvadze" in (await say(reader, question)).text:
                answered.add(balancer.routed[-1])
            if answered == {0, 1}:
                break
            await asyncio.sleep(0.5)
        assert answered == {0, 1}

    empty, later = tmp_path / "knowledge-empty", tmp_path / "later"
    empty.mkdir()
    later.mkdir()
    server.webhook = None
    async with replicas(later, settings, server, 1, knowledge=[empty]):
        reader = TelegramUser(server, 4_300_005, "Nino", "en")
        assert "Tsertsvadze" in (await say(reader, question)).text


async def test_a_conversation_with_staff_goes_on_whichever_replica_gets_each_message(
    tmp_path: Path, settings: Settings, server: FakeTelegram
) -> None:
    """Ask a person across replicas: the question, the tap, the staff's answer and the
    person's follow-up each reach another replica than the step before, and the hand-off
    (kept in the database) holds them together in one forum topic."""
    Assistant(settings).knowledge()  # the shared database, migrated and ingested once
    forum = server.forum_chat(-100_888_001, "Programme team")
    staff_chat = {"REFORMBOT_STAFF_CHAT": str(forum["id"])}
    async with replicas(tmp_path, settings, server, 2, **staff_chat) as (balancer, _):
        person = TelegramUser(server, 4_300_006, "Nino", "ka")
        unknown = await say(person, "რა ღირს ვერტმფრენის ქირაობა ქუთაისში?")
        [button] = [b for b in unknown.buttons if b["callback_data"].startswith("person:")]
        await person.press_data(unknown, button["callback_data"])
        assert (await person.reply(timeout=60)).text.startswith("✅")
        [topic] = server.topics[forum["id"]]
        staff = TelegramUser(server, STAFF_ID, "Tamar", "en")
        await staff.send_in_group(forum, "ქუთაისში ვერტმფრენს არ ვაქირავებთ.", topic=topic)
        assert "ვერტმფრენს არ ვაქირავებთ" in (await person.reply(timeout=60)).text
        assert (await say(person, "და თბილისში?")).text.startswith("✉️")
        await eventually(
            lambda: any("და თბილისში?" in m.text for m in server.messages_to(forum["id"]))
        )
        [follow_up] = [m for m in server.messages_to(forum["id"]) if "და თბილისში?" in m.text]
        assert follow_up.thread == topic
        assert balancer.routed == [0, 1, 0, 1]  # every step on the other replica


async def say(user: TelegramUser, text: str) -> SentMessage:
    await user.send(text)
    return await user.reply(timeout=60)


async def tap(user: TelegramUser, message: SentMessage, label: str) -> SentMessage:
    await user.press(message, label)
    return await user.reply(timeout=60)


async def test_a_worker_delivers_for_replicas_that_do_not(
    tmp_path: Path, settings: Settings, server: FakeTelegram
) -> None:
    assistant = Assistant(settings)
    assistant.knowledge()
    ids = store_subscribers(assistant.sessions, server, ["en", "ru"] * 10, 710_000)
    async with replicas(
        tmp_path, settings, server, 2, worker=True, REFORMBOT_DELIVERY="false"
    ) as (_balancer, started):
        staff = TelegramUser(server, STAFF_ID, "Tamar", "en")
        await compose(staff, {"en": TEXTS["en"]}, "Everyone subscribed")
        await staff.press((await staff.replies(3))[2], "Send now")
        assert "is on its way" in (await staff.reply()).text
        await server.wait_for(lambda: len({m.chat_id for m in server.sent} & set(ids)) == 20, 60)
        await server.wait_for(lambda: reports(server), 30)
        worker = started[-1].pid
    assert senders(assistant.sessions, ids) == Counter({worker: 20})
