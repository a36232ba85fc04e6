"""The core's one entry point: keeps the stored knowledge current and answers questions.

The command line, the Telegram handlers and the tests all go through :class:`Assistant`, so a
question is answered the same way everywhere.
"""

from __future__ import annotations

import contextlib
import logging
import multiprocessing
import os
import threading
import time
from concurrent.futures import ProcessPoolExecutor
from datetime import datetime

from sqlalchemy.orm import Session, sessionmaker

from bot import content
from bot.answers import Answer
from bot.answers.compose import answer_question
from bot.clock import wall
from bot.db import make_engine, make_sessionmaker
from bot.ingest.loader import (
    IngestReport,
    Progress,
    file_signature,
    ingest,
    knowledge_version,
    source_hashes,
    stored_version,
)
from bot.ingest.problems import IngestError
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.search.store import IndexStore
from bot.settings import Settings

log = logging.getLogger(__name__)


# How often a running assistant asks the database whether another process stored new knowledge
# (and, answering in the background, whether the knowledge files changed).
STORE_CHECK_SECONDS = 2.0
# How much lower than the bot's the priority of the process ingesting for it is (see nice(1)).
INGEST_NICENESS = 10
# Any question that goes the whole way: analysis, search and composition.
WARM_UP_QUESTION = "Which trainings were held?"


class Assistant:
    """Answers from the knowledge last loaded, keeping it current with the knowledge directory,
    with what staff published through the bot (bot.content) and with what other processes
    stored.

    With ``background=True`` (the bot), a change is ingested by a child process at a lower
    priority (ingestion is CPU-bound Python: on a thread it would hold the interpreter lock
    the answers need), then loaded on a thread while the previous knowledge keeps answering,
    and swapped in when ready: no question waits for an ingestion. Otherwise (the command
    line, the tests) ``knowledge()`` brings it up to date before returning, so a changed file
    is seen at once.
    """

    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session] | None = None,
        *,
        store_check_seconds: float = STORE_CHECK_SECONDS,
        background: bool = False,
    ) -> None:
        self.settings = settings
        self.sessions = sessions or make_sessionmaker(make_engine(settings))
        self.index_store = IndexStore(settings.data_dir / "index")
        self.store_check_seconds = store_check_seconds
        self.background = background
        self._kb: KnowledgeBase | None = None
        self._checked: str | None = None  # the directory version last compared with the store
        self._signature: tuple | None = None  # names, sizes and times of the files then
        self._checked_at = float("-inf")  # when the store (and, in background, the files) was
        self._refreshing = threading.Lock()  # one ingestion or load at a time
        self._refresher: threading.Thread | None = None

    def ingest(self, progress: Progress | None = None) -> IngestReport:
        """Re-read changed knowledge files; raises IngestError and keeps the old knowledge.
        Knowledge already loaded is replaced by the new before this returns."""
        with self._refreshing:
            report = ingest(self.sessions, self.settings.knowledge_dir, progress)
            if self._kb is not None:
                self._kb = self._load()
        return report

    def knowledge(self) -> KnowledgeBase:
        """The current knowledge, ingesting first if the directory changed since last time
        (in background mode: the knowledge loaded so far, a refresh started when one is due).

        A change that fails to ingest is logged with every problem and the previous knowledge
        keeps answering; only with no previous knowledge at all is the failure raised.
        """
        kb = self._kb
        if kb is not None and self.background:
            if self._due() and self._refreshing.acquire(blocking=False):
                self._refresher = threading.Thread(
                    target=self._refresh_then_release, name="knowledge-refresh", daemon=True
                )
                self._refresher.start()
            return kb
        with self._refreshing:
            self._refresh(check_store=self._due())
            return self._kb

    def wait_for_refresh(self, timeout: float | None = None) -> None:
        """Wait for a background refresh to finish (shutting down, or a test's condition)."""
        refresher = self._refresher
        if refresher is not None:
            refresher.join(timeout)

    def _due(self) -> bool:
        """Whether ``store_check_seconds`` passed since the last look at the store."""
        now = time.monotonic()
        if now - self._checked_at < self.store_check_seconds:
            return False
        self._checked_at = now
        return True

    def _refresh_then_release(self) -> None:
        try:
            self._refresh(check_store=True)
        except Exception:  # the thread has nobody to raise to; the old knowledge answers on
            log.exception("knowledge not refreshed, answering from the previous version")
        finally:
            self._refreshing.release()

    def _refresh(self, *, check_store: bool) -> None:
        """Bring the loaded knowledge up to date with the files and with the store (another
        bot replica, or ``reformbot ingest`` elsewhere, may have stored a newer version)."""
        with self.sessions() as session:
            published = content.stamp(session)
        signature = (file_signature(self.settings.knowledge_dir), published)
        stale = self._kb is None
        if stale or signature != self._signature:
            with self.sessions() as session:
                current = knowledge_version(source_hashes(session, self.settings.knowledge_dir))
            if current != self._checked:
                with self.sessions() as session:
                    stored = stored_version(session)
                if stored != current:
                    try:
                        if self.background:
                            log.info("knowledge changed: ingesting it in a child process")
                            _in_child_process(self.settings)
                        else:
                            _log_warnings(ingest(self.sessions, self.settings.knowledge_dir))
                        stale = True
                    except IngestError as exc:
                        if stored is None:
                            raise
                        log.warning(
                            "knowledge not updated, answering from the previous version:\n%s",
                            exc,
                        )
                self._checked = current
            self._signature = signature
        if not stale and check_store:
            with self.sessions() as session:
                stale = stored_version(session) != self._kb.version
        if stale:
            self._kb = self._load()
            log.info("knowledge %s loaded", self._kb.version[:12])

    def _load(self) -> KnowledgeBase:
        with self.sessions() as session:
            return load_knowledge(session, self.settings.knowledge_dir.name, self.index_store)

    def warm_up(self) -> None:
        """Load the knowledge and everything answering loads on first use (the lexicons, the
        stemmers, the language model): about two seconds that would otherwise fall on the
        first person to ask after a start."""
        self.ask(WARM_UP_QUESTION)

    def ask(
        self,
        question: str,
        *,
        lang: str | None = None,
        now: datetime | None = None,
        fallback_lang: str | None = None,
        explain: bool = False,
    ) -> Answer:
        """Answer in ``lang`` when the person chose one; else in the question's language, or
        ``fallback_lang`` (their app's) when the question is too short to tell."""
        return answer_question(
            self.knowledge(),
            question,
            lang=lang,
            now=now or wall(),
            default_lang=self.settings.default_lang,
            fallback_lang=fallback_lang,
            explain=explain,
        )


def _in_child_process(settings: Settings) -> None:
    """Ingest in a fresh process and wait for it; its IngestError is raised here."""
    context = multiprocessing.get_context("spawn")  # no copy of the bot's threads and sockets
    with ProcessPoolExecutor(max_workers=1, mp_context=context) as pool:
        pool.submit(_ingest_and_index, settings).result()


def _ingest_and_index(settings: Settings) -> None:
    """The child's work: ingest, and build and save the search index, so that the bot's own
    load of the new knowledge is a read of stored arrays."""
    with contextlib.suppress(OSError):
        os.nice(INGEST_NICENESS)  # the bot's answers come first
    sessions = make_sessionmaker(make_engine(settings))
    _log_warnings(ingest(sessions, settings.knowledge_dir))
    with sessions() as session:
        store = IndexStore(settings.data_dir / "index")
        load_knowledge(session, settings.knowledge_dir.name, store)


def _log_warnings(report: IngestReport) -> None:
    """What was ingested all the same but wants an editor's eye (a missing translation)."""
    for warning in report.warnings:
        log.warning("knowledge: %s", warning)
