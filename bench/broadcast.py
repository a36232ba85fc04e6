"""Broadcast throughput: one announcement to N subscribers through the real outbox, Dispatcher
and TelegramTransport, against the fake Bot API server, at a configured global rate.

    uv run python bench/broadcast.py [--subscribers 10000] [--limit 150] [--server process]
    uv run python bench/broadcast.py --replicas 3 [--subscribers 3000] [--limit 400]
                                     [--database-url postgresql+psycopg://...]

A fresh SQLite database in a temporary directory gets N users (languages en, ka, ru in turn)
following the topic ``all``; the fake server knows each of their private chats. One
announcement with a text per language is created due now, and the bot's own ``Dispatcher``
runs, sending through ``TelegramTransport`` over a real ``telegram.Bot`` (HTTP to 127.0.0.1),
until the announcement is ``done``.

Why it is built this way:

* Everything the broadcast does in production runs here unchanged: the same claim/record
  transactions, the same pacer, the same HTTP client. Only Telegram is fake.
* The fake server runs in its own process by default (``--server process``), so its work
  (about 0.5 ms of CPU per message, a tenth of the sender's) does not share the sender's event
  loop and GIL: the sender is CPU-bound near the limits measured here, and a bench that slows
  it down measures itself. ``--server inprocess`` shows the difference.
* Lost and duplicated messages are counted from what the SERVER received (sendMessage calls
  per chat, fetched from it at the end), not from the outbox's own rows, since the outbox
  saying "sent" is exactly the claim under test. lost = subscriber chats that received
  nothing; duplicated = messages beyond one per subscriber chat.
* The achieved rate is measured over the sending window as the server saw it, from the first
  message received to the last: (messages - 1) / window, i.e. the spacing of the slots the
  pacer handed out. Start-up (writing N pending deliveries) and the final report are printed
  apart, not folded into the rate.
* Outbox calls are timed by wrapping the Dispatcher's ``Outbox`` instance (no code changed):
  wall time of each call in its worker thread, so it includes waiting for the GIL.

The last line is ``rate_ratio=<x> lost=<n> duplicated=<n>``: achieved rate / ``--limit``
(target at least 0.95), and the two counts (target 0). The default limit, 150 msg/s, keeps the
default run near a minute and under what one sender process sustains on a 2-core machine
(``--limit 100000``, i.e. unpaced, measures that: about 255 msg/s with the sender at one full
core); Telegram itself allows about 30.

``--replicas N`` measures what more sender processes buy. For each count 1..N in turn: a fresh
database (a new PostgreSQL schema, put in the URL's ``search_path`` and dropped after, when
``--database-url``, ``$BENCH_DATABASE_URL`` or ``$TEST_DATABASE_URL`` names a server; else a
SQLite file, where several processes queue for one write lock), the same N subscribers, a
fresh fake server, and that many ``python -m handlers.cli worker`` processes (``reformbot worker``,
each with its own data directory) sharing the database and ``REFORMBOT_BROADCAST_RATE =
--limit``. The rate is the bot's: the workers book their slots in the database, so together
they must not exceed it. Once every worker has logged that it is delivering, one announcement
is created due now; the workers start it, send it, and are stopped with SIGINT (killed after
20 s). Per count it prints the achieved rate over the server's window (first to last
message), the busiest one-second window at the server (near the limit at most: arrivals
jitter by a few messages), lost/duplicated as above, and how many messages each process sent
(``deliveries.claimed_by`` is ``host:pid:id`` and stays on sent rows) with its CPU per
message. The default limit with ``--replicas``, 400, is above what one process sends (190-335
msg/s on PostgreSQL on a 2-core machine), so the figures show what more processes add where
there are cores for them; at ``--limit 25`` they show that the replicas together keep the rate.
The last line is ``replicas=<N> msgs_per_s_1=<x> ... msgs_per_s_<N>=<x> scaling_<N>_vs_1=<x>
rate_ratio=<x> lost=<n> duplicated=<n>``: rate_ratio is the N-process run's, lost and
duplicated are summed over all runs.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web
from sqlalchemy import create_engine, insert, make_url, select, text
from telegram import Bot

from bot.assistant import Assistant
from bot.broadcast.dispatcher import Dispatcher
from bot.broadcast.outbox import Outbox
from bot.models import Announcement, Delivery, Subscription, User
from bot.settings import PROJECT_ROOT, Settings

# `uv run python bench/broadcast.py` puts bench/ on sys.path, not the project root; the fake
# Telegram server lives in tests/, which is not part of the installed package.
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from handlers.delivery import TelegramTransport
from tests.fakegram.server import FakeTelegram

KNOWLEDGE = PROJECT_ROOT / "knowledge"
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # the shape @BotFather hands out
FIRST_USER_ID = 300_001
LANGS = ("en", "ka", "ru")
TEXTS = {
    "en": "<b>Programme news</b>\nThe spring workshops are open for registration.",
    "ka": "<b>პროგრამის სიახლეები</b>\nგაზაფხულის სემინარებზე რეგისტრაცია გახსნილია.",
    "ru": "<b>Новости программы</b>\nОткрыта регистрация на весенние семинары.",
}
STATS_PATH = "/bench/received"
# The Outbox methods the Dispatcher calls while sending (each in a worker thread).
OUTBOX_CALLS = ("start", "claim", "record", "finish", "unreported", "summaries")


def lang_of(index: int) -> str:
    return LANGS[index % len(LANGS)]


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: an observed value, so p99 of few samples is not invented."""
    if not values:
        return float("nan")
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, max(0, round(p / 100 * len(ranked) + 0.5) - 1))]


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a live process (Linux /proc); None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


# -- the server ------------------------------------------------------------------------------


class CountingTelegram(FakeTelegram):
    """The fake server, stamping every sendMessage as it is accepted; ``GET /bench/received``
    returns what it received (the fake routes unknown paths to ``_not_found``)."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.stamps: list[float] = []

    def register(self, subscribers: int) -> None:
        for i in range(subscribers):
            self.private_chat(FIRST_USER_ID + i, f"User{i}")

    async def api_sendmessage(self, params: dict, files: dict) -> dict:
        result = await super().api_sendmessage(params, files)
        self.stamps.append(time.monotonic())
        return result

    def received(self) -> dict[str, Any]:
        return {
            "messages": [[m.chat_id, m.html] for m in self.sent],
            "stamps": [self.stamps[0], self.stamps[-1]] if self.stamps else [],
            "times": self.stamps,  # every sendMessage, for the busiest second
            "rejected": self.rejected,
        }

    async def _not_found(self, request: web.Request) -> web.Response:
        if request.path == STATS_PATH:
            return web.json_response(self.received())
        return await super()._not_found(request)


async def serve(subscribers: int) -> None:
    """``--serve``: the server alone; prints its URL, runs until standard input closes."""
    server = CountingTelegram(TOKEN)
    server.register(subscribers)
    print(await server.start(), flush=True)
    await asyncio.get_running_loop().run_in_executor(None, sys.stdin.read)
    await server.stop()


@contextlib.asynccontextmanager
async def fake_server(
    mode: str, subscribers: int
) -> AsyncIterator[tuple[str, Callable[[], Any], Callable[[], float | None]]]:
    """The fake server in this process or a child one: its URL, an async function returning
    what it received, and one returning its CPU seconds so far."""
    if mode == "inprocess":
        server = CountingTelegram(TOKEN)
        server.register(subscribers)
        await server.start()

        async def fetch() -> dict[str, Any]:
            return server.received()

        try:
            yield server.url, fetch, time.process_time
        finally:
            await server.stop()
        return
    process = subprocess.Popen(
        [sys.executable, __file__, "--serve", "--subscribers", str(subscribers)],
        cwd=PROJECT_ROOT,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        url = (await asyncio.to_thread(process.stdout.readline)).strip()  # type: ignore[union-attr]
        if not url.startswith("http://127.0.0.1:"):
            raise SystemExit(f"the fake server did not start (said {url!r})")
        client = ClientSession()

        async def fetch() -> dict[str, Any]:
            async with client.get(url + STATS_PATH) as response:
                return await response.json()

        try:
            yield url, fetch, lambda: cpu_seconds(process.pid)
        finally:
            await client.close()
    finally:
        process.stdin.close()  # type: ignore[union-attr]
        try:
            process.wait(10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


# -- the database ------------------------------------------------------------------------------


def announce_now(outbox: Outbox) -> int:
    """The bench's announcement to every subscriber, due at once."""
    now = datetime.now(UTC)
    announcement_id = outbox.create(
        kind="announcement", texts=TEXTS, fallback_lang="en", topic="all", due_at=now, now=now
    )
    assert announcement_id is not None
    return announcement_id


def populate(assistant: Assistant, subscribers: int, now: datetime) -> None:
    """N users, languages in turn, each following ``all``: two bulk inserts."""
    moment = now.replace(tzinfo=None)
    users = [
        {
            "id": FIRST_USER_ID + i,
            "chat_id": FIRST_USER_ID + i,
            "first_name": f"User{i}",
            "language_code": lang_of(i),
            "lang": lang_of(i),
            "blocked": False,
            "created_at": moment,
            "seen_at": moment,
        }
        for i in range(subscribers)
    ]
    follows = [
        {"user_id": FIRST_USER_ID + i, "topic": "all", "created_at": moment}
        for i in range(subscribers)
    ]
    with assistant.sessions.begin() as session:
        session.execute(insert(User), users)
        session.execute(insert(Subscription), follows)


@dataclass
class OutboxTimes:
    """Wall seconds of each Outbox call the Dispatcher makes, by method name."""

    calls: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))

    def wrap(self, outbox: object, name: str) -> None:
        method = getattr(outbox, name)
        times = self.calls[name]

        def timed(*args: Any, **kwargs: Any) -> Any:
            start = time.perf_counter()
            try:
                return method(*args, **kwargs)
            finally:
                times.append(time.perf_counter() - start)

        setattr(outbox, name, timed)  # the instance attribute shadows the method


def status_of(assistant: Assistant, announcement_id: int) -> str:
    with assistant.sessions() as session:
        return session.scalar(
            select(Announcement.status).where(Announcement.id == announcement_id)
        )


# -- the broadcast -----------------------------------------------------------------------------


async def broadcast(args: argparse.Namespace, assistant: Assistant) -> dict[str, Any]:
    """Run the Dispatcher until the announcement is done; what the server received."""
    async with fake_server(args.server, args.subscribers) as (url, fetch, server_cpu):
        bot = Bot(TOKEN, base_url=f"{url}/bot")
        await bot.initialize()
        dispatcher = Dispatcher(assistant, TelegramTransport(bot))
        times = OutboxTimes()
        for name in OUTBOX_CALLS:
            if hasattr(dispatcher.outbox, name):
                times.wrap(dispatcher.outbox, name)
        announcement_id = announce_now(dispatcher.outbox)
        timeout = 60 + 3 * args.subscribers / args.limit + args.subscribers / 100
        cpu_before, own_before = server_cpu(), time.process_time()
        loop_before = time.thread_time()  # this thread runs the event loop
        start = time.monotonic()
        dispatcher.start()  # as the bot's post_init does
        try:
            while await asyncio.to_thread(status_of, assistant, announcement_id) != "done":
                if time.monotonic() - start > timeout:
                    raise SystemExit(f"not done within {timeout:.0f} s")
                await asyncio.sleep(0.2)
            wall = time.monotonic() - start
        finally:
            await dispatcher.stop()
            await bot.shutdown()
        own_cpu = time.process_time() - own_before
        loop_cpu = time.thread_time() - loop_before
        cpu_after = server_cpu()
        received = await fetch()
        progress = dispatcher.outbox.progress([announcement_id])[announcement_id]
    server_cpu_used = None if cpu_before is None or cpu_after is None else cpu_after - cpu_before
    return {
        "received": received,
        "start": start,
        "wall": wall,
        "own_cpu": own_cpu,
        "loop_cpu": loop_cpu,
        "server_cpu": server_cpu_used,
        "times": times.calls,
        "outbox": progress.counts,
    }


# -- replicas ----------------------------------------------------------------------------------

SCHEMA_PREFIX = "rbbench_"
READY_LINE = "worker started"  # handlers.app logs it once the worker's Dispatcher runs
STOP_SECONDS = 20.0  # per worker, after SIGINT, before it is killed


def database_server(args: argparse.Namespace) -> str | None:
    """The PostgreSQL server the replicas share, if one was named."""
    return (
        args.database_url
        or os.environ.get("BENCH_DATABASE_URL")
        or os.environ.get("TEST_DATABASE_URL")
        or None
    )


@contextlib.contextmanager
def shared_database(server_url: str | None, directory: Path) -> Iterator[str]:
    """A fresh, empty database for one run: a PostgreSQL schema of its own (in the URL's
    ``search_path``, as tests/conftest.py does; dropped on the way out), or a SQLite file."""
    if not server_url:
        directory.mkdir(parents=True, exist_ok=True)
        yield f"sqlite:///{(directory / 'shared.sqlite3').resolve()}"
        return
    schema = f"{SCHEMA_PREFIX}{uuid.uuid4().hex[:12]}"
    admin = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
        url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
        yield url.render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


def machine_cpu() -> tuple[float, float] | None:
    """(busy, total) CPU seconds of the whole machine so far, over all cores (/proc/stat)."""
    try:
        fields = [int(v) for v in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    except (OSError, ValueError):
        return None
    ticks = os.sysconf("SC_CLK_TCK")
    total = sum(fields[:8])  # guest time is already in user
    busy = total - sum(fields[3:5]) - sum(fields[7:8])  # not idle, iowait, steal
    return busy / ticks, total / ticks


def busiest_second(stamps: list[float]) -> int:
    """Most messages the server received in any one-second window [t, t + 1)."""
    ordered, best, left = sorted(stamps), 0, 0
    for right, stamp in enumerate(ordered):
        while stamp - ordered[left] >= 1.0:
            left += 1
        best = max(best, right - left + 1)
    return best


def worker_env(url: str, server_url: str, data_dir: Path, limit: float) -> dict[str, str]:
    """A ``reformbot worker``'s environment: nothing of ours inherited but PATH and the like."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFORMBOT_", "TELEGRAM_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=server_url,
        REFORMBOT_DATABASE_URL=url,
        REFORMBOT_DATA_DIR=str(data_dir),
        REFORMBOT_KNOWLEDGE_DIR=str(KNOWLEDGE),
        REFORMBOT_BROADCAST_RATE=repr(limit),
        REFORMBOT_BROADCAST_CHAT_INTERVAL="1.0",
    )
    return env


@contextlib.asynccontextmanager
async def workers(
    count: int, url: str, server_url: str, directory: Path, limit: float
) -> AsyncIterator[list[subprocess.Popen]]:
    """``count`` ``python -m handlers.cli worker`` processes on one database, each with its own
    data directory and log; yields once every one says it is delivering. On the way out each
    gets SIGINT (a clean stop: sends in flight finish), and is killed if it will not stop."""
    started: list[subprocess.Popen] = []
    logs = [directory / f"worker-{n}" / "worker.log" for n in range(count)]
    try:
        for log_path in logs:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            with log_path.open("w") as log:
                started.append(
                    subprocess.Popen(
                        [sys.executable, "-m", "handlers.cli", "worker"],
                        # Not the project root: no .env of a real bot is read.
                        cwd=log_path.parent,
                        env=worker_env(url, server_url, log_path.parent / "data", limit),
                        stdout=log,
                        stderr=subprocess.STDOUT,
                    )
                )
        deadline = time.monotonic() + 120
        while not all(READY_LINE in path.read_text(errors="replace") for path in logs):
            for process, path in zip(started, logs, strict=True):
                if process.poll() is not None:
                    tail = path.read_text(errors="replace")[-2000:]
                    raise SystemExit(f"worker {process.pid} exited while starting:\n{tail}")
            if time.monotonic() > deadline:
                raise SystemExit("the workers did not start within 120 s")
            await asyncio.sleep(0.2)
        yield started
    finally:
        for process in started:
            if process.poll() is None:
                process.send_signal(signal.SIGINT)
        for process in started:
            try:
                await asyncio.to_thread(process.wait, STOP_SECONDS)
            except subprocess.TimeoutExpired:
                print(f"worker {process.pid} did not stop within {STOP_SECONDS:g} s: killed")
                process.kill()
                await asyncio.to_thread(process.wait, STOP_SECONDS)


def senders(assistant: Assistant, announcement_id: int) -> Counter[int]:
    """Sent rows of the announcement per sending process (pid), from ``claimed_by``
    (``host:pid:id``, kept on sent rows)."""
    with assistant.sessions() as session:
        owners = session.scalars(
            select(Delivery.claimed_by).where(
                Delivery.announcement_id == announcement_id, Delivery.state == "sent"
            )
        )
        return Counter(int(owner.split(":")[-2]) if owner else -1 for owner in owners)


def tally(received: dict[str, Any], subscribers: int) -> dict[str, Any]:
    """Lost, duplicated and wrong-language messages, counted from what the server received."""
    messages = [(int(chat), html) for chat, html in received["messages"]]
    expected = {FIRST_USER_ID + i: lang_of(i) for i in range(subscribers)}
    per_chat = Counter(chat for chat, _ in messages)
    by_text = {html: lang for lang, html in TEXTS.items()}
    return {
        "messages": len(messages),
        "chats": len(per_chat),
        "lost": sum(1 for chat in expected if per_chat[chat] == 0),
        "duplicated": sum(count - 1 for chat, count in per_chat.items() if chat in expected)
        + sum(count for chat, count in per_chat.items() if chat not in expected),
        "wrong_lang": sum(1 for chat, html in messages if by_text.get(html) != expected.get(chat)),
    }


async def replica_run(
    args: argparse.Namespace, count: int, server_db: str | None, directory: Path
) -> dict[str, Any]:
    """One announcement to ``args.subscribers``, sent by ``count`` worker processes sharing a
    fresh database and the rate ``args.limit``."""
    with shared_database(server_db, directory / "db") as url:
        settings = Settings(
            data_dir=directory / "bench",
            knowledge_dir=KNOWLEDGE,
            broadcast_rate=args.limit,
            telegram_bot_token=TOKEN,
            _env_file=None,
        ).model_copy(update={"database_url": url})
        assistant = Assistant(settings)
        try:
            await asyncio.to_thread(assistant.knowledge)  # stored once; the workers load it
            await asyncio.to_thread(populate, assistant, args.subscribers, datetime.now(UTC))
            async with fake_server(args.server, args.subscribers) as (server_url, fetch, cpu):
                async with workers(count, url, server_url, directory, args.limit) as started:
                    outbox = Outbox(assistant.sessions, owner="bench")
                    announcement_id = announce_now(outbox)
                    timeout = 60 + 3 * args.subscribers / args.limit + args.subscribers / 100
                    cpu_before = [cpu_seconds(p.pid) for p in started]
                    server_before, machine_before = cpu(), machine_cpu()
                    start = time.monotonic()
                    while await asyncio.to_thread(status_of, assistant, announcement_id) != "done":
                        if time.monotonic() - start > timeout:
                            raise SystemExit(f"{count} workers: not done within {timeout:.0f} s")
                        if any(p.poll() is not None for p in started):
                            raise SystemExit(f"{count} workers: one exited while sending")
                        await asyncio.sleep(0.2)
                    wall = time.monotonic() - start
                    cpu_after = [cpu_seconds(p.pid) for p in started]
                    server_after, machine_after = cpu(), machine_cpu()
                    pids = [p.pid for p in started]
                received = await fetch()
            by_pid = senders(assistant, announcement_id)
            outbox_rows = outbox.progress([announcement_id])[announcement_id].counts
        finally:
            assistant.sessions.kw["bind"].dispose()
    times = received["times"]
    window = max(times) - min(times) if len(times) > 1 else float("nan")
    machine = None
    if machine_before and machine_after:
        machine = machine_after[0] - machine_before[0]
    server = None
    if args.server == "process" and server_before is not None and server_after is not None:
        server = server_after - server_before
    return {
        "count": count,
        **tally(received, args.subscribers),
        "rejected": len(received["rejected"]),
        "window": window,
        "rate": (len(times) - 1) / window if window > 0 else float("nan"),
        "busiest": busiest_second(times),
        "wall": wall,
        "pids": pids,
        "sent_by": [by_pid.get(pid, 0) for pid in pids],
        "sent_by_other": sum(n for pid, n in by_pid.items() if pid not in pids),
        "cpu": [
            None if a is None or b is None else b - a
            for a, b in zip(cpu_before, cpu_after, strict=True)
        ],
        "machine_cpu": machine,
        "server_cpu": server,
        "load_after": os.getloadavg()[0],
        "outbox": outbox_rows,
    }


def replicas_main(args: argparse.Namespace) -> int:
    server_db = database_server(args)
    cores = os.cpu_count() or 1
    load_before = os.getloadavg()[0]
    if server_db:
        where = f"PostgreSQL {make_url(server_db).render_as_string(hide_password=True)}, "
        where += "a fresh schema per run (dropped after)"
    else:
        where = (
            "one SQLite file per run in a temporary directory (no --database-url): several "
            "processes on one SQLite file are bound by its single write lock, every claim, "
            "booking and record of all of them in turn"
        )
    print(
        f"broadcast replicas: 1..{args.replicas} `reformbot worker` processes, "
        f"{args.subscribers} subscribers each run, limit {args.limit:g} msg/s shared by all of "
        f"them (REFORMBOT_BROADCAST_RATE, booked in the database), chat interval 1 s"
    )
    print(
        f"database: {where}; fake server in "
        f"{'a child process' if args.server == 'process' else 'this event loop'}; "
        f"{cores} cores, load average (1 min) before: {load_before:.2f}"
    )
    if cores < args.replicas + 1:
        print(
            f"note: {args.replicas} senders, the fake server and the database share {cores} "
            f"cores: once they fill them, more processes add no CPU, they only take turns"
        )
    runs = []
    with tempfile.TemporaryDirectory(prefix="broadcast-replicas-") as tmp:
        for count in range(1, args.replicas + 1):
            run = asyncio.run(replica_run(args, count, server_db, Path(tmp) / f"run-{count}"))
            runs.append(run)
            shares = ", ".join(
                f"{pid}: {sent} ({sent / max(run['messages'], 1):.0%}"
                + (f", {cpu / max(sent, 1) * 1000:.1f} ms CPU/msg" if cpu is not None else "")
                + ")"
                for pid, sent, cpu in zip(run["pids"], run["sent_by"], run["cpu"], strict=True)
            )
            if run["sent_by_other"]:
                shares += f", other: {run['sent_by_other']}"
            workers_cpu = sum(c for c in run["cpu"] if c is not None)
            machine = run["machine_cpu"]
            cpu_line = f"workers {workers_cpu / run['wall']:.2f} cores"
            server = run["server_cpu"]
            if server is not None:
                cpu_line += f", fake server {server / run['wall']:.2f}"
            if machine is not None:
                rest = max(0.0, machine - workers_cpu - (server or 0.0))  # sampled apart
                cpu_line += (
                    f", whole machine {machine / run['wall']:.2f} of {cores} cores (the rest, "
                    f"{rest / run['wall']:.2f}: the database, this script, anything else)"
                )
            cpu_line += f"; load average (1 min) after: {run['load_after']:.2f}"
            print(
                f"{count} worker(s): {run['messages']} messages to {run['chats']} chats in "
                f"{run['window']:.2f} s = {run['rate']:.1f} msg/s "
                f"({run['rate'] / args.limit:.3f} of the limit), busiest second "
                f"{run['busiest']}; lost {run['lost']}, duplicated {run['duplicated']}, wrong "
                f"language {run['wrong_lang']}, rejected {run['rejected']}; outbox "
                + ", ".join(f"{k}={v}" for k, v in run["outbox"].items() if v)
            )
            print(f"  sent by pid: {shares}")
            print(f"  CPU over start-to-done ({run['wall']:.2f} s): {cpu_line}")

    print(
        f"{'workers':>7}{'messages':>10}{'window_s':>10}{'msg/s':>9}{'vs_1':>7}"
        f"{'rate_ratio':>12}{'busiest_1s':>12}{'lost':>6}{'dup':>5}  sent per process"
    )
    base = runs[0]["rate"]
    for run in runs:
        print(
            f"{run['count']:>7}{run['messages']:>10}{run['window']:>10.2f}{run['rate']:>9.1f}"
            f"{run['rate'] / base:>7.2f}{run['rate'] / args.limit:>12.3f}{run['busiest']:>12}"
            f"{run['lost']:>6}{run['duplicated']:>5}  " + "/".join(str(n) for n in run["sent_by"])
        )
    last = runs[-1]
    figures = " ".join(f"msgs_per_s_{run['count']}={run['rate']:.1f}" for run in runs)
    print(
        f"replicas={args.replicas} {figures} "
        f"scaling_{last['count']}_vs_1={last['rate'] / base:.2f} "
        f"rate_ratio={last['rate'] / args.limit:.3f} "
        f"lost={sum(r['lost'] for r in runs)} duplicated={sum(r['duplicated'] for r in runs)}"
    )
    return 0


# -- report ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--subscribers",
        type=int,
        help="subscribed users (default 10000; with --replicas 3000)",
    )
    parser.add_argument(
        "--limit",
        type=float,
        help="broadcast rate, messages/s, for all senders together (default 150; with "
        "--replicas 400)",
    )
    parser.add_argument(
        "--server",
        choices=("process", "inprocess"),
        default="process",
        help="the fake Bot API server in a child process (default) or in this event loop",
    )
    parser.add_argument(
        "--replicas",
        type=int,
        metavar="N",
        help="instead: the same broadcast sent by 1, 2, ... N `reformbot worker` processes "
        "sharing one database and the limit",
    )
    parser.add_argument(
        "--database-url",
        help="with --replicas: the PostgreSQL server they share (a schema is made per run); "
        "default $BENCH_DATABASE_URL or $TEST_DATABASE_URL, else a SQLite file",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.subscribers))
        return 0
    if args.subscribers is None:
        args.subscribers = 3_000 if args.replicas else 10_000
    if args.limit is None:
        args.limit = 400.0 if args.replicas else 150.0
    if args.subscribers < 2 or args.limit <= 0:
        parser.error("--subscribers must be at least 2 and --limit positive")
    if args.replicas is not None:
        if args.replicas < 1:
            parser.error("--replicas must be at least 1")
        return replicas_main(args)
    if args.database_url:
        parser.error("--database-url is for --replicas (the single-process run uses SQLite)")

    load_before = os.getloadavg()[0]
    with tempfile.TemporaryDirectory(prefix="broadcast-") as tmp:
        settings = Settings(
            data_dir=Path(tmp),
            knowledge_dir=KNOWLEDGE,
            broadcast_rate=args.limit,
            broadcast_chat_interval=1.0,
            telegram_bot_token=TOKEN,
            _env_file=None,
        ).model_copy(update={"database_url": None})
        assistant = Assistant(settings)
        began = time.perf_counter()
        assistant.knowledge()  # the Dispatcher's first round would ingest it otherwise
        ingest = time.perf_counter() - began
        began = time.perf_counter()
        populate(assistant, args.subscribers, datetime.now(UTC))
        populated = time.perf_counter() - began
        run = asyncio.run(broadcast(args, assistant))
        assistant.sessions.kw["bind"].dispose()

    received = run["received"]
    messages = [(int(chat), html) for chat, html in received["messages"]]
    first, last = received["stamps"] or (float("nan"), float("nan"))
    expected = {FIRST_USER_ID + i: lang_of(i) for i in range(args.subscribers)}
    per_chat = Counter(chat for chat, _ in messages)
    lost = sum(1 for chat in expected if per_chat[chat] == 0)
    duplicated = sum(count - 1 for chat, count in per_chat.items() if chat in expected) + sum(
        count for chat, count in per_chat.items() if chat not in expected
    )
    by_text = {html: lang for lang, html in TEXTS.items()}
    langs = Counter(by_text.get(html, "other") for _, html in messages)
    wrong_lang = sum(1 for chat, html in messages if by_text.get(html) != expected.get(chat))
    window = last - first
    achieved = (len(messages) - 1) / window if window > 0 else float("nan")
    ratio = achieved / args.limit

    where = "child process" if args.server == "process" else "this event loop"
    print(
        f"broadcast: {args.subscribers} subscribers, limit {args.limit:g} msg/s, "
        f"chat interval 1 s, fake server in {where}"
    )
    print(
        f"setup: knowledge {ingest:.2f} s, {args.subscribers} users + subscriptions inserted "
        f"in {populated:.2f} s; machine load average (1 min) before: {load_before:.2f}"
    )
    print(
        f"received by the server: {len(messages)} messages to {len(per_chat)} chats; "
        + ", ".join(f"{lang}={langs[lang]}" for lang in (*LANGS, "other"))
        + f"; wrong language: {wrong_lang}; rejected API calls: {len(received['rejected'])}"
    )
    print(
        "outbox rows: "
        + ", ".join(f"{state}={count}" for state, count in run["outbox"].items() if count)
    )
    print(
        f"sending window (first to last message at the server): {window:.2f} s, "
        f"achieved {achieved:.1f} msg/s; start to first message "
        f"{first - run['start']:.2f} s, start to done {run['wall']:.2f} s"
    )
    own, server = run["own_cpu"], run["server_cpu"]
    cpu_line = f"CPU over start-to-done: sender process {own:.2f} s ({own / run['wall']:.0%})"
    if args.server == "process" and server is not None:
        cpu_line += f", server process {server:.2f} s ({server / run['wall']:.0%})"
    elif args.server == "inprocess":
        cpu_line += " (includes the server)"
    print(cpu_line + f"; per message: {own / max(len(messages), 1) * 1000:.2f} ms in the sender")
    print(
        f"event loop thread (sends, pacing, outcomes; database calls run in worker threads): "
        f"{run['loop_cpu']:.2f} s CPU ({run['loop_cpu'] / run['wall']:.0%} of start-to-done)"
    )
    print(f"{'outbox call':<12}{'calls':>8}{'total_s':>9}{'p50_ms':>9}{'p99_ms':>9}{'max_ms':>9}")
    for name in OUTBOX_CALLS:
        values = run["times"].get(name, [])
        if values:
            print(
                f"{name:<12}{len(values):>8}{sum(values):>9.2f}"
                f"{percentile(values, 50) * 1000:>9.2f}{percentile(values, 99) * 1000:>9.2f}"
                f"{max(values) * 1000:>9.2f}"
            )
    print(f"rate_ratio={ratio:.3f} lost={lost} duplicated={duplicated}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
