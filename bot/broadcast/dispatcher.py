"""The loop that turns the outbox into messages, inside the running bot.

Each round it derives event notices and reminders from the knowledge, starts announcements
whose time has come (writing their deliveries), sends pending deliveries at the allowed pace,
keeps the staff member's progress message current and reports what finished. Telegram itself
is behind :class:`Transport`, so the core never imports it and tests can drive the loop.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import socket
import time
import uuid
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime, timedelta
from datetime import time as dtime
from html import escape
from typing import Protocol

from bot import stats
from bot.assistant import Assistant
from bot.broadcast.notices import plan_notices
from bot.broadcast.outbox import Job, Outbox, Outcome, Retry
from bot.broadcast.pacing import Pacer
from bot.broadcast.report import progress_text, report_heading
from bot.broadcast.schedule import SharedSchedule
from bot.catalog import find_record
from bot.clock import wall
from bot.handoffs import HandoffStore
from bot.i18n import translations
from bot.knowledge import KnowledgeBase
from bot.models import Announcement
from bot.settings import Settings
from bot.subscriptions import Recipient, SubscriptionStore

log = logging.getLogger(__name__)

# Sends in flight at once: enough to keep the rate when Telegram answers in ~100 ms, few
# enough that a kill leaves only a handful of uncertain rows.
CONCURRENCY = 8
POLL_SECONDS = 0.5
# Notices are derived when the knowledge changes, and at least this often, because the
# passing of time alone makes an event's reminders due or moot.
PLAN_SECONDS = 60.0
# While sending, progress is looked at this often: counting a big broadcast's rows after
# every claim would cost more than sending them.
REPORT_SECONDS = 1.0
# People waiting a day for staff are looked for this often (by the clock, which tests move).
WAITING_EVERY = timedelta(seconds=PLAN_SECONDS)
# When the weekly digest goes to the staff chat: Monday at this time in the bot's zone.
DIGEST_AT = dtime(9, 0)


class Transport(Protocol):
    async def deliver(self, job: Job) -> Outcome: ...

    async def show(self, chat_id: int, message_id: int | None, text: str) -> int | None:
        """Send ``text`` (or, with a message id, edit that message); the message id, or None
        if it could not be shown. Progress is best effort and must never raise."""
        ...


class Dispatcher:
    def __init__(
        self,
        assistant: Assistant,
        transport: Transport,
        *,
        settings: Settings | None = None,
        clock: Callable[[], datetime] = wall,
        poll_seconds: float = POLL_SECONDS,
    ) -> None:
        settings = settings or assistant.settings
        self.settings = settings
        self.assistant = assistant
        self.transport = transport
        self.clock = clock  # what time it is for schedules and reminders (tests move it)
        self.poll_seconds = poll_seconds
        # Names the sender in the rows it claims: host and process, for people reading them.
        owner = f"{socket.gethostname()[:40]}:{os.getpid()}:{uuid.uuid4().hex[:8]}"
        self.outbox = Outbox(assistant.sessions, owner=owner)
        self.subscriptions = SubscriptionStore(assistant.sessions, settings.default_lang)
        self.pacer = Pacer(
            settings.broadcast_rate,
            settings.broadcast_chat_interval,
            SharedSchedule(assistant.sessions),
        )
        self.lease = timedelta(seconds=settings.broadcast_lease_seconds)
        self._planned: tuple[str, float] | None = None  # knowledge version, when
        self._shown: dict[int, str] = {}  # announcement → the progress text this one showed
        self._stop = asyncio.Event()
        self._inflight: set[asyncio.Task] = set()
        self._task: asyncio.Task | None = None
        self._reported_at = float("-inf")
        self.handoffs = HandoffStore(assistant.sessions)
        self._waited_at = datetime.min.replace(tzinfo=UTC)
        self._digest: str | None = None  # the week whose digest is queued
        # Rounds run so far: two more, and whatever was due has been sent (what a caller
        # waits for before it can say that nothing more is coming).
        self.rounds = 0

    # -- lifecycle --------------------------------------------------------------------------

    def start(self) -> None:
        """Run beside the bot's handlers until :meth:`stop`."""
        self._stop.clear()
        self._task = asyncio.create_task(self.run(), name="broadcast dispatcher")

    async def run(self) -> None:
        """Rounds until stopped; a failing round is logged and the next one tried. On the way
        out the sends in flight finish and their results are recorded."""
        while not self._stop.is_set():
            try:
                await self.round()
            except Exception:
                log.exception("broadcast round failed; retrying")
            self.rounds += 1
            with contextlib.suppress(TimeoutError):
                await asyncio.wait_for(self._stop.wait(), self.poll_seconds)
        if self._inflight:
            await asyncio.gather(*self._inflight, return_exceptions=True)

    async def stop(self) -> None:
        """Stop promptly, even in a flood wait: claimed rows not yet sent go back to pending,
        the sends in flight finish."""
        self._stop.set()
        if self._task is not None:
            await self._task
            self._task = None

    async def _unless_stopped(self, waiting: Awaitable[None]) -> bool:
        """Await ``waiting`` unless a stop comes first; False if it did."""
        wait = asyncio.ensure_future(waiting)
        stop = asyncio.ensure_future(self._stop.wait())
        await asyncio.wait({wait, stop}, return_when=asyncio.FIRST_COMPLETED)
        for future in (wait, stop):
            future.cancel()
        return not self._stop.is_set()

    # -- one round ----------------------------------------------------------------------------

    async def round(self) -> None:
        kb = self.assistant.knowledge()  # on the loop's thread, like every handler's call
        await asyncio.to_thread(self._plan, kb)
        await self._plan_digest()
        await asyncio.to_thread(self._start_due, kb)
        recovered = await asyncio.to_thread(self.outbox.recover, wall(), self.lease)
        if recovered:
            log.warning("%d deliveries were in flight when a sender stopped: resent", recovered)
        await self._drain()
        await self._report()
        await self._note_waiting()

    async def _note_waiting(self) -> None:
        """Tell each person whose question staff have not answered in a day that it is still
        with them (bot.handoffs): once each, by whichever sender claims it."""
        now = self.clock()
        if self.settings.staff_chat is None or now - self._waited_at < WAITING_EVERY:
            return
        self._waited_at = now
        for handoff in await asyncio.to_thread(self.handoffs.claim_waiting, now):
            _ = translations(handoff.lang).gettext
            note = _(
                "Nobody from the programme team has answered yet, sorry. Your question is still "
                "with them, and their answer will come here."
            )
            await self.transport.show(handoff.chat_id, None, note)

    def _plan(self, kb: KnowledgeBase) -> None:
        version, at = self._planned or ("", float("-inf"))
        if version == kb.version and time.monotonic() - at < PLAN_SECONDS:
            return
        settings = self.settings
        plan_notices(
            kb,
            self.outbox,
            self.clock(),
            reminders=settings.reminders,
            default_lang=settings.default_lang,
            tz=settings.zone,
        )
        self._planned = (kb.version, time.monotonic())

    async def _plan_digest(self) -> None:
        """The week's figures of /stats to the staff chat, on Monday at 09:00 in the bot's
        zone: queued once a week (its key), and sent through the outbox like any
        announcement, so exactly one copy goes whatever the number of senders."""
        settings = self.settings
        if settings.staff_chat is None:
            return
        now, tz = self.clock(), settings.zone or UTC
        monday = now.astimezone(tz).date()
        monday -= timedelta(days=monday.weekday())
        due = datetime.combine(monday, DIGEST_AT, tz)
        year, week, _day = monday.isocalendar()
        key = f"digest:{year}-W{week:02d}"
        if now >= due and self._digest != key:
            await asyncio.to_thread(self._queue_digest, key, due, now)
            self._digest = key

    def _queue_digest(self, key: str, due: datetime, now: datetime) -> None:
        settings = self.settings
        lang = settings.default_lang
        last_week = stats.compute(
            self.assistant.sessions, due - timedelta(days=1), 7, settings.zone, lang
        )
        heading = translations(lang).gettext("📊 The week in figures")
        text = f"<b>{escape(heading)}</b>\n{escape(stats.summary(last_week, lang))}"
        self.outbox.create(
            kind="digest",
            texts={lang: text},
            fallback_lang=lang,
            topic="staff",
            due_at=due,
            now=now,
            key=key,
        )

    def _start_due(self, kb: KnowledgeBase) -> None:
        now = self.clock()
        for announcement in self.outbox.due(now):
            recipients = self._audience(announcement, kb, now)
            if recipients is None:
                self.outbox.cancel(announcement.id, now)
            elif self.outbox.start(announcement.id, recipients, now):
                log.info("announcement %d: sending to %d", announcement.id, len(recipients))

    def _audience(
        self, announcement: Announcement, kb: KnowledgeBase, now: datetime
    ) -> list[Recipient] | None:
        """Who gets it, decided when it starts; None when it no longer makes sense (its
        event was removed or has begun)."""
        if announcement.kind == "announcement":
            return self.subscriptions.audience(announcement.topic, announcement.langs)
        if announcement.kind == "digest":
            chat = self.settings.staff_chat
            return [Recipient(0, chat, announcement.fallback_lang)] if chat else None
        record = find_record(kb, announcement.event_key or "")
        if record is None or record.start is None or record.start.value <= now:
            return None
        if announcement.kind == "event":
            return self.subscriptions.audience(announcement.topic)
        return self.subscriptions.reminded(record.id, announcement.topic)

    async def _drain(self) -> None:
        """Send until nothing pending is ready, claiming only as many rows as can go now."""
        while not self._stop.is_set():
            free = CONCURRENCY - len(self._inflight)
            if free <= 0:
                await asyncio.wait(self._inflight, return_when=asyncio.FIRST_COMPLETED)
                continue
            # Sit out a flood wait before claiming, so claimed rows are not held through it.
            if not await self._unless_stopped(self.pacer.quiet()):
                return
            jobs = await asyncio.to_thread(self.outbox.claim, wall(), free)
            if not jobs:
                return
            wait = await self.pacer.reserve(len(jobs)) - time.time()
            if wait > self.lease.total_seconds() / 2:
                # Other senders booked far ahead (a flood wait one of them met): hand the rows
                # back rather than hold them long enough to look abandoned.
                await asyncio.to_thread(self.outbox.release, jobs)
                if not await self._unless_stopped(asyncio.sleep(wait)):
                    return
                continue
            for number, job in enumerate(jobs):
                if not await self._unless_stopped(self.pacer.turn(job.chat_id)):
                    await asyncio.to_thread(self.outbox.release, jobs[number:])
                    return
                task = asyncio.create_task(self._deliver(job))
                self._inflight.add(task)
                task.add_done_callback(self._inflight.discard)
            if time.monotonic() - self._reported_at >= REPORT_SECONDS:
                await self._report()

    async def _deliver(self, job: Job) -> None:
        try:
            outcome = await self.transport.deliver(job)
        except Exception:  # the transport maps Telegram's errors, so this is a bug: retry
            log.exception("delivery %d failed unexpectedly", job.delivery_id)
            outcome = Retry(5.0)
        if isinstance(outcome, Retry) and outcome.flood:
            await self.pacer.schedule.pause(self.pacer.pause(outcome.seconds))
            log.warning("flood control: broadcast paused for %.0f s", outcome.seconds)
        await asyncio.to_thread(self.outbox.record, job, outcome, wall())

    async def _report(self) -> None:
        """Edit progress messages (at most every few seconds each) and send final reports."""
        self._reported_at = time.monotonic()
        await asyncio.to_thread(self.outbox.finish, self.clock())
        for summary in await asyncio.to_thread(self.outbox.unreported):
            # The progress message becomes the report; an edit notifies nobody, so a line
            # saying it is done follows (the whole report when there was nothing to edit).
            # Marked only once shown, so a crash in between repeats it rather than drops it.
            # One sender takes each report, so replicas do not all send it.
            if not await asyncio.to_thread(
                self.outbox.take_report, summary.id, wall(), self.lease
            ):
                continue
            lang = summary.author_lang or self.settings.default_lang
            text = progress_text(summary, lang)
            chat, shown = summary.progress_chat_id, summary.progress_message_id
            edited = shown is not None and await self.transport.show(chat, shown, text) == shown
            await self.transport.show(
                chat, None, report_heading(summary, lang) if edited else text
            )
            await asyncio.to_thread(self.outbox.mark_reported, summary.id)
            self._shown.pop(summary.id, None)
        every = self.settings.broadcast_progress_seconds
        for summary in await asyncio.to_thread(self.outbox.watched):
            text = progress_text(summary, summary.author_lang or self.settings.default_lang)
            if text == self._shown.get(summary.id) or not await asyncio.to_thread(
                self.outbox.take_progress_turn, summary.id, wall(), every
            ):
                continue
            chat, shown = summary.progress_chat_id, summary.progress_message_id
            message_id = await self.transport.show(chat, shown, text)
            self._shown[summary.id] = text
            if message_id and message_id != shown:
                await asyncio.to_thread(self.outbox.set_progress_message, summary.id, message_id)
