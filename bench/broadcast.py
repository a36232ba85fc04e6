"""Broadcast throughput: one announcement to N subscribers through the real outbox, Dispatcher
and TelegramTransport, against the fake Bot API server, at a configured global rate.

    uv run python bench/broadcast.py [--subscribers 10000] [--limit 150] [--server process]

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
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import subprocess
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import AsyncIterator, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from aiohttp import ClientSession, web
from sqlalchemy import insert, select
from telegram import Bot

from bot.broadcast.dispatcher import Dispatcher
from bot.models import Announcement, Subscription, User
from bot.service import Assistant
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
        now = datetime.now(UTC)
        announcement_id = dispatcher.outbox.create(
            kind="announcement",
            texts=TEXTS,
            fallback_lang="en",
            topic="all",
            due_at=now,
            now=now,
        )
        assert announcement_id is not None
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


# -- report ------------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument(
        "--subscribers", type=int, default=10_000, help="subscribed users (default 10000)"
    )
    parser.add_argument(
        "--limit", type=float, default=150.0, help="broadcast rate, messages/s (default 150)"
    )
    parser.add_argument(
        "--server",
        choices=("process", "inprocess"),
        default="process",
        help="the fake Bot API server in a child process (default) or in this event loop",
    )
    parser.add_argument("--serve", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.serve:
        asyncio.run(serve(args.subscribers))
        return 0
    if args.subscribers < 2 or args.limit <= 0:
        parser.error("--subscribers must be at least 2 and --limit positive")

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
