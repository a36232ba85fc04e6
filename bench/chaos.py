"""Faults on the Telegram side, and what users see of them: a flooder, and a fault storm.

    uv run python bench/chaos.py [--others 20] [--flood 200] [--storm 60] [--seed 1]

The real Application runs in this process against the fake Bot API server on 127.0.0.1 (as
the handler tests run it), on a fresh SQLite database, or PostgreSQL with ``--database-url``.

1. Fairness. ``--others`` users ask three questions each, one after another, first on a quiet
   bot (the baseline, same run), then while one more user sends ``--flood`` messages at once
   and Telegram answers every message to that user's chat with 429 (retry after 2 s) for the
   first 30 tries. The figure is the other users' p99 reply latency during the flood, and its
   ratio to the quiet p99.
2. Storm. ``--storm`` users each ask one question while every ``sendMessage`` meets, at random
   (``--seed``): 20 % flood control (429, retry after 1 s), 10 % Internal Server Error, 5 % a
   200 answer that is not JSON (the message was sent), 5 % an answer 6 s late (the client has
   timed out; the message was sent). answered = the share of questions whose answer arrived;
   lost = questions with no answer within 60 s; duplicated = questions answered more than once.
3. Kill -9. ``--people`` subscribers get an announcement from a ``reformbot run`` process,
   which is SIGKILLed a third of the way through and started again: lost = subscribers who
   never got it, duplicated = those who got it twice, flagged = deliveries the outbox marks
   as possibly sent twice (a duplicate not flagged would be a silent one).

Bounded: a fixed number of users and messages, loopback only. The last line reads
``fairness_p99_ms=<x> storm_answered=<share> lost=<n> duplicated=<n> flagged=<n>``, lost and
duplicated summed over the storm and the kill; targets: fairness p99 ≤ 1,000 ms, answered ≥
0.98, lost 0, every duplicate flagged (a chat answer cannot be flagged, so the storm must
duplicate none; a broadcast delivery in flight when its sender dies is flagged ``uncertain``).
"""

from __future__ import annotations

import argparse
import asyncio
import os
import random
import statistics
import sys
import tempfile
from pathlib import Path

from aiohttp import web

from bot.settings import PROJECT_ROOT, Settings

if str(PROJECT_ROOT) not in sys.path:  # the fake server lives in tests/
    sys.path.insert(0, str(PROJECT_ROOT))

from bench.bot_load import TOKEN, TimedTelegram, ask, bot_in_process
from bench.broadcast import shared_database
from bot.assistant import Assistant
from bot.clock import wall
from tests.broadcast.support import (
    RecordingTelegram,
    add_people,
    announce,
    bot_process,
    rows,
    until_done,
)
from tests.fakegram.client import TelegramUser
from tests.fakegram.server import Fault

KILL_MARKER = "#chaos-kill"

QUESTIONS = [
    "Which workshops are coming up?",
    "What trainings were held for municipal employees?",
    "Which international organisations are partners?",
]
REPLY_TIMEOUT = 60.0
FLOODED_TRIES = 30
LATE_SECONDS = 6.0  # python-telegram-bot gives up reading after 5 s


class StormyTelegram(TimedTelegram):
    """The fake server, with ``storm`` on: each sendMessage meets a fault at random."""

    def __post_init__(self) -> None:
        super().__post_init__()
        self.storm = False
        self.random = random.Random(1)

    async def _handle(self, request: web.Request) -> web.StreamResponse:
        if self.storm and request.match_info["method"].lower() == "sendmessage":
            roll = self.random.random()
            if roll < 0.20:
                return web.json_response(
                    {
                        "ok": False,
                        "error_code": 429,
                        "description": "Too Many Requests: retry after 1",
                        "parameters": {"retry_after": 1},
                    },
                    status=429,
                )
            if roll < 0.30:
                self.faults.append(Fault("500", 1))
            elif roll < 0.35:
                self.faults.append(Fault("junk", 1))
            elif roll < 0.40:  # done at once, answered late: the client has given up by then
                response = await super()._handle(request)
                await asyncio.sleep(LATE_SECONDS)
                return response
        return await super()._handle(request)


def percentile(values: list[float], p: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))] if values else 0.0


async def others_asking(server: StormyTelegram, first_id: int, count: int) -> list[float]:
    async def one(user_id: int) -> list[float]:
        user = TelegramUser(server, user_id, f"User{user_id}", "en")
        latencies = []
        for text in QUESTIONS:
            latency = await ask(user, server.inboxes[user.id], text, REPLY_TIMEOUT)
            latencies.append(latency if latency is not None else REPLY_TIMEOUT)
        return latencies

    results = await asyncio.gather(*(one(first_id + n) for n in range(count)))
    return [latency for latencies in results for latency in latencies]


async def chaos(args: argparse.Namespace, settings: Settings) -> dict[str, float]:
    server = StormyTelegram(TOKEN)
    server.random = random.Random(args.seed)
    await server.start()
    try:
        async with bot_in_process(server, settings):
            warmup = TelegramUser(server, 1, "Warmup", "en")
            await ask(warmup, server.inboxes[warmup.id], QUESTIONS[0], REPLY_TIMEOUT)
            quiet = await others_asking(server, 10_000, args.others)

            flooder = TelegramUser(server, 2, "Flooder", "en")
            server.flood(retry_after=2, times=FLOODED_TRIES, chat_id=flooder.id)
            for n in range(args.flood):
                await flooder.send(f"{QUESTIONS[n % 3]} ({n})")
            flooded = await others_asking(server, 20_000, args.others)
            server.floods.clear()

            server.storm = True
            stormed = [TelegramUser(server, 30_000 + n, f"S{n}", "en") for n in range(args.storm)]
            outcomes = await asyncio.gather(
                *(
                    ask(user, server.inboxes[user.id], QUESTIONS[n % 3], REPLY_TIMEOUT)
                    for n, user in enumerate(stormed)
                )
            )
            await asyncio.sleep(LATE_SECONDS + 1)  # late answers land
            server.storm = False
            answers = {
                user: sum(
                    any(b.get("callback_data", "").startswith("vote:") for b in m.buttons)
                    for m in server.messages_to(user)
                )
                for user in range(30_000, 30_000 + args.storm)
            }
    finally:
        await server.stop()
    answered = sum(outcome is not None for outcome in outcomes)
    return {
        "quiet_p99_ms": percentile(quiet, 99) * 1000,
        "quiet_p50_ms": statistics.median(quiet) * 1000,
        "fairness_p99_ms": percentile(flooded, 99) * 1000,
        "fairness_p50_ms": statistics.median(flooded) * 1000,
        "storm_answered": answered / args.storm,
        "lost": sum(count == 0 for count in answers.values()),
        "duplicated": sum(count > 1 for count in answers.values()),
    }


async def killed_broadcast(settings: Settings, people: int, workdir: Path) -> dict[str, int]:
    """An announcement to ``people`` subscribers; its sender SIGKILLed a third of the way."""
    server = RecordingTelegram(TOKEN)
    await server.start()
    try:
        assistant = Assistant(settings)
        assistant.knowledge()
        sessions, now = assistant.sessions, wall()
        subscribers = add_people(sessions, server, range(400_001, 400_001 + people), now)
        announcement_id = announce(sessions, KILL_MARKER, now)
        env = {
            k: v for k, v in os.environ.items() if not k.startswith(("REFORMBOT_", "TELEGRAM_"))
        }
        env.update(
            REFORMBOT_DATA_DIR=str(workdir / "data"),
            REFORMBOT_DATABASE_URL=settings.effective_database_url,
            REFORMBOT_KNOWLEDGE_DIR=str(settings.knowledge_dir),
            REFORMBOT_BROADCAST_RATE="60",
            REFORMBOT_BROADCAST_LEASE_SECONDS="2",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=server.url,
        )
        with bot_process(workdir, "first", env) as first:
            await server.wait_for(lambda: len(server.copies(KILL_MARKER)) >= people // 3, 120)
            first.kill()  # no shutdown: rows in flight stay 'sending'
            first.wait(timeout=20)
        await asyncio.sleep(0.2)  # requests the dead process had sent are answered
        with bot_process(workdir, "second", env):
            await server.wait_for(lambda: len(server.copies(KILL_MARKER)) >= people, 120)
            await until_done(sessions, announcement_id, 60)
        copies = server.copies(KILL_MARKER)
        flagged = {chat for chat, row in rows(sessions, announcement_id).items() if row.uncertain}
    finally:
        await server.stop()
    duplicated = {chat for chat, n in copies.items() if n > 1}
    return {
        "lost": len(set(subscribers) - set(copies)),
        "duplicated": len(duplicated),
        "flagged": len(flagged),
        "unflagged": len(duplicated - flagged),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--others", type=int, default=20)
    parser.add_argument("--flood", type=int, default=200)
    parser.add_argument("--storm", type=int, default=60)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--people", type=int, default=300)
    parser.add_argument("--database-url", default=None)
    args = parser.parse_args()
    data = Path(tempfile.mkdtemp(prefix="bench-chaos-"))
    # A PostgreSQL schema of its own per run (dropped after), else a SQLite file.
    with shared_database(args.database_url, data / "db") as url:
        settings = Settings(
            data_dir=data,
            knowledge_dir=PROJECT_ROOT / "knowledge",
            database_url=url,
            user_messages_per_minute=1000,  # the flood must reach the bot, not the rate limit
            _env_file=None,
        )
        result = asyncio.run(chaos(args, settings))
        killed = asyncio.run(killed_broadcast(settings, args.people, data))
    print(
        f"quiet: p50={result['quiet_p50_ms']:.0f} ms p99={result['quiet_p99_ms']:.0f} ms; "
        f"during the flood: p50={result['fairness_p50_ms']:.0f} ms "
        f"p99={result['fairness_p99_ms']:.0f} ms "
        f"(ratio {result['fairness_p99_ms'] / max(result['quiet_p99_ms'], 1):.1f})"
    )
    print(
        f"storm: answered {result['storm_answered']:.2f}, lost {result['lost']}, "
        f"duplicated {result['duplicated']}; kill -9 mid-broadcast to {args.people}: "
        f"lost {killed['lost']}, duplicated {killed['duplicated']}, flagged "
        f"{killed['flagged']}, duplicated but not flagged {killed['unflagged']}"
    )
    print(
        f"fairness_p99_ms={result['fairness_p99_ms']:.0f} "
        f"storm_answered={result['storm_answered']:.2f} "
        f"lost={result['lost'] + killed['lost']} "
        f"duplicated={result['duplicated'] + killed['duplicated']} flagged={killed['flagged']}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
