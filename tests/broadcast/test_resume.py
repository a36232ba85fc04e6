"""The broadcast end to end: the real python-telegram-bot Application (in process, or
``reformbot run`` as its own process) sending an announcement through the fake Bot API server.

What each test asserts is read from what the server received, and from the outbox's rows.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections import Counter
from collections.abc import AsyncIterator
from datetime import UTC, datetime
from pathlib import Path

import pytest
from pydantic import SecretStr

from bot.assistant import Assistant
from bot.broadcast.dispatcher import CONCURRENCY
from bot.settings import PROJECT_ROOT, Settings
from bot.subscriptions import SubscriptionStore
from bot.users import UserStore
from handlers.app import build_application
from handlers.services import KEY
from tests.broadcast.support import (
    RecordingTelegram,
    add_people,
    announce,
    bot_process,
    rows,
    status,
    texts_for,
    until_done,
)
from tests.conftest import database_env
from tests.handlers.conftest import TOKEN, Clock, running_bot

KNOWLEDGE = PROJECT_ROOT / "knowledge"


@pytest.fixture
async def server() -> AsyncIterator[RecordingTelegram]:
    telegram = RecordingTelegram(TOKEN)
    await telegram.start()
    try:
        yield telegram
    finally:
        await telegram.stop()


def own_assistant(settings: Settings, **changes: object) -> Assistant:
    """An assistant on this test's own database, so no other test's subscribers are in the
    audience. The dispatcher reads its settings from the assistant."""
    return Assistant(settings.model_copy(update=changes))


# -- in process: flood control, stopping, blocked users --------------------------------------


async def test_a_flood_wait_is_honoured_without_freezing_the_bot(
    settings: Settings, server: RecordingTelegram
) -> None:
    assistant = own_assistant(settings, broadcast_rate=50.0)
    clock = Clock()
    marker = "#flood"
    subscribers = add_people(assistant.sessions, server, range(200_001, 200_041), clock.now)
    async with running_bot(assistant.settings, assistant, clock, server) as bot:
        asker = bot.user("en", "Asker")
        announcement_id = announce(assistant.sessions, marker, clock.now)
        await server.wait_for(lambda: len(server.copies(marker)) >= 5, 30)
        server.flood(retry_after=2, times=1)
        [flooded] = await server.wait_for(
            lambda: [c for c in server.calls_with(marker) if c.status == 429], 30
        )
        await asker.send("Which workshops are coming up?")
        reply = await asker.reply(timeout=10)
        summary = await until_done(assistant.sessions, announcement_id, 60)

    assert reply.text.strip()
    # Every subscriber has it exactly once, the one whose send was refused included.
    assert server.copies(marker) == Counter(dict.fromkeys(subscribers, 1))
    assert summary.progress.counts["sent"] == len(subscribers)
    assert rows(assistant.sessions, announcement_id)[flooded.chat_id].attempts == 0

    # Sends that reached the server after the 429 but were started before the bot read it
    # (its answer and the next slot can cross on the wire) are not a broken wait; any later
    # send must wait out retry_after.
    after = sorted((c for c in server.calls_with(marker) if c.at > flooded.at), key=lambda c: c.at)
    in_flight = [c for c in after if c.at - flooded.at < 1 / assistant.settings.broadcast_rate]
    resumed = after[len(in_flight)]
    assert len(in_flight) < CONCURRENCY
    assert resumed.at - flooded.at >= 2.0, (
        f"the broadcast resumed {resumed.at - flooded.at:.3f} s after a 429 with retry_after=2"
    )
    # The user who asked during the wait was answered while the broadcast was still waiting.
    answered = next(c for c in server.calls if c.chat_id == asker.id and c.status == 200)
    assert answered.at < resumed.at
    assert answered.at - flooded.at < 2.0


async def test_blocked_users_are_marked_and_skipped_by_the_next_announcement(
    settings: Settings, server: RecordingTelegram
) -> None:
    assistant = own_assistant(settings, broadcast_rate=100.0)
    clock = Clock()
    people = list(range(300_001, 300_021))
    add_people(assistant.sessions, server, people, clock.now)
    blocked = set(people[3::4])  # five of them blocked the bot
    server.blocked |= blocked
    staff = 300_900
    add_people(assistant.sessions, server, [staff], clock.now, topics=())
    users = UserStore(assistant.sessions)

    async with running_bot(assistant.settings, assistant, clock, server):
        first = announce(
            assistant.sessions, "#first", clock.now, author_id=staff, author_lang="en"
        )
        summary = await until_done(assistant.sessions, first, 60)
        report = await server.wait_for(
            lambda: [m for m in server.messages_to(staff) if "delivered" in m.text], 20
        )
        second = announce(assistant.sessions, "#second", clock.now)
        await until_done(assistant.sessions, second, 60)

    first_rows = rows(assistant.sessions, first)
    assert {c: r.state for c, r in first_rows.items() if c in blocked} == dict.fromkeys(
        blocked, "blocked"
    )
    assert {r.state for c, r in first_rows.items() if c not in blocked} == {"sent"}
    assert all(users.is_blocked(p) == (p in blocked) for p in people)
    assert (summary.progress.counts["sent"], summary.progress.counts["blocked"]) == (15, 5)
    assert any("Blocked the bot: 5" in m.text for m in report)  # the edited progress message

    # The next announcement does not even try them: no row, no request.
    assert set(rows(assistant.sessions, second)) == set(people) - blocked
    assert server.copies("#second") == Counter(dict.fromkeys(set(people) - blocked, 1))
    to_blocked = sorted((c.chat_id, c.status) for c in server.calls if c.chat_id in blocked)
    assert to_blocked == [(chat, 403) for chat in sorted(blocked)]  # one refused try each


async def test_stopping_during_a_flood_wait_is_prompt_and_sends_nothing_more(
    settings: Settings, server: RecordingTelegram
) -> None:
    """Telegram's retry_after can be long; a bot asked to stop meanwhile should stop, not sit
    out the wait and then send (``Dispatcher.stop``: finish the sends in flight, then return).

    KNOWN BUG (bot/broadcast/dispatcher.py, ``_drain``): the loop awaits ``pacer.turn`` for
    each claimed job without watching the stop event, so stop() waits out the whole pause,
    and the claimed jobs are then sent after the stop was asked for (by tasks stop() no longer
    awaits). This test fails until that is fixed."""
    assistant = own_assistant(settings, broadcast_rate=50.0)
    clock = Clock()
    marker = "#stop"
    add_people(assistant.sessions, server, range(500_001, 500_041), clock.now)
    async with running_bot(assistant.settings, assistant, clock, server):
        announcement_id = announce(assistant.sessions, marker, clock.now)
        await server.wait_for(lambda: len(server.copies(marker)) >= 5, 30)
        server.flood(retry_after=20, times=1)
        await server.wait_for(
            lambda: [c for c in server.calls_with(marker) if c.status == 429], 30
        )
        await asyncio.sleep(0.2)  # the sends in flight land; the broadcast is now waiting
        stop_began = time.monotonic()
    stop_took = time.monotonic() - stop_began

    late = [c for c in server.calls_with(marker) if c.at > stop_began]
    final = rows(assistant.sessions, announcement_id)
    left_sending = [chat for chat, row in final.items() if row.state == "sending"]
    assert Counter(r.state for r in final.values())["pending"] > 10  # it was stopped mid-way
    problems = []
    if stop_took > 8:
        problems.append(f"stopping took {stop_took:.1f} s: the 20 s flood wait was sat out")
    if late:
        problems.append(f"{len(late)} broadcast message(s) were sent after the stop began")
    if left_sending:
        problems.append(
            f"{len(left_sending)} row(s) left 'sending' by a clean stop: the next start "
            "reports them as possibly received twice"
        )
    assert not problems, "; ".join(problems)


def test_the_broadcast_is_paced_by_the_settings_the_bot_is_built_with(
    settings: Settings,
) -> None:
    """``build_application(settings, assistant)``: the handlers get ``settings``, and so
    should the dispatcher (tests build the bot with changed settings over a shared assistant).

    KNOWN BUG (handlers/app.py, build_application): ``Dispatcher(assistant, ...)`` reads
    ``assistant.settings`` (bot/broadcast/dispatcher.py, ``Dispatcher.__init__``), so the
    broadcast rate, lease, reminders and default language given here are ignored whenever
    the assistant was made from other settings. This test fails until that is fixed."""
    assistant = Assistant(settings)  # broadcast_rate: the default
    changed = settings.model_copy(
        update={
            "telegram_bot_token": SecretStr(TOKEN),
            "broadcast_rate": 50.0,
            "broadcast_lease_seconds": 2.0,
        }
    )
    dispatcher = build_application(changed, assistant).bot_data[KEY].dispatcher
    used = (round(1 / dispatcher.pacer.gap, 6), dispatcher.lease.total_seconds())
    assert used == (50.0, 2.0), (
        f"the dispatcher paces at {used[0]}/s with a {used[1]} s lease: the assistant's "
        "settings, not the ones the bot was built with (50/s, 2 s)"
    )


# -- a real process, killed mid-broadcast and started again ------------------------------------


def _env(tmp_path: Path, url: str, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFORMBOT_", "TELEGRAM_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        REFORMBOT_DATA_DIR=str(tmp_path / "data"),
        REFORMBOT_KNOWLEDGE_DIR=str(KNOWLEDGE),
        TELEGRAM_BOT_TOKEN=TOKEN,
        TELEGRAM_API_BASE_URL=url,
        **extra,
    )
    return env


async def test_a_killed_bot_resumes_the_broadcast_losing_nobody(
    tmp_path: Path, settings: Settings, server: RecordingTelegram
) -> None:
    assistant = Assistant(settings)
    assistant.knowledge()  # ingested once here, so both processes start alike and quickly
    sessions = assistant.sessions
    now = datetime.now(UTC)
    marker = "#resume"
    subscribers = add_people(sessions, server, range(400_001, 400_301), now)
    # People the announcement must not reach: following another topic, having stopped
    # following, or following nothing.
    add_people(sessions, server, range(401_001, 401_011), now, topics=("events",))
    stopped = list(range(402_001, 402_011))
    add_people(sessions, server, stopped, now)
    for user_id in stopped:
        assert not SubscriptionStore(sessions, "en").toggle(user_id, "all", now)
    add_people(sessions, server, range(403_001, 403_011), now, topics=())
    announcement_id = announce(sessions, marker, now)

    env = _env(
        tmp_path,
        server.url,
        REFORMBOT_BROADCAST_RATE="60",
        REFORMBOT_BROADCAST_LEASE_SECONDS="2",
        **database_env(settings),
    )
    total = len(subscribers)
    with bot_process(tmp_path, "first", env) as first:
        await server.wait_for(lambda: len(server.copies(marker)) >= total // 3, 120)
        first.kill()  # SIGKILL: no shutdown, rows in flight stay 'sending'
        first.wait(timeout=20)
    await asyncio.sleep(0.2)  # let the server finish requests the dead process had sent
    at_kill = len(server.copies(marker))
    left_sending = sum(r.state == "sending" for r in rows(sessions, announcement_id).values())
    assert total // 3 <= at_kill < total, "the kill did not land mid-broadcast"
    assert left_sending <= CONCURRENCY

    with bot_process(tmp_path, "second", env) as second:
        await server.wait_for(lambda: len(server.copies(marker)) >= total, 120)
        summary = await until_done(sessions, announcement_id, 60)
        assert second.poll() is None, "the second process died"

    copies = server.copies(marker)
    lost = set(subscribers) - set(copies)
    assert lost == set()
    assert set(copies) == set(subscribers)  # nobody else
    # Each in their own language, the fallback's for the languages without a text.
    texts = texts_for(marker)
    received = {c.chat_id: c.text for c in server.calls_with(marker) if c.status == 200}
    assert all(received[p] == texts.get(lang, texts["en"]) for p, lang in subscribers.items())

    final = rows(sessions, announcement_id)
    uncertain = {chat for chat, row in final.items() if row.uncertain}
    duplicated = {chat for chat, n in copies.items() if n > 1}
    duplicates = sum(copies.values()) - len(copies)
    assert {r.state for r in final.values()} == {"sent"}
    assert max(copies.values()) <= 2
    assert duplicated <= uncertain, "a chat got it twice although its row was never in doubt"
    assert duplicates <= len(uncertain) <= CONCURRENCY
    assert len(uncertain) == left_sending  # exactly the rows the dead process left in flight
    assert summary.progress.uncertain == len(uncertain)
    assert status(sessions, announcement_id) == "done"
    if uncertain:
        log = (tmp_path / "second.log").read_text()
        assert "were in flight when a sender stopped: resent" in log
