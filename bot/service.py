"""The core's one entry point: keeps the stored knowledge current and answers questions.

The command line, the Telegram handlers and the tests all go through :class:`Assistant`, so a
question is answered the same way everywhere.
"""

from __future__ import annotations

import logging
import time
from datetime import UTC, datetime

from sqlalchemy.orm import Session, sessionmaker

from bot.answers import Answer
from bot.answers.compose import answer_question
from bot.db import make_engine, make_sessionmaker
from bot.ingest.loader import (
    IngestReport,
    Progress,
    file_hashes,
    file_signature,
    ingest,
    knowledge_version,
    stored_version,
)
from bot.ingest.problems import IngestError
from bot.knowledge import KnowledgeBase, load_knowledge
from bot.search.store import IndexStore
from bot.settings import Settings

log = logging.getLogger(__name__)


# How often a running assistant asks the database whether another process stored new knowledge.
STORE_CHECK_SECONDS = 2.0


class Assistant:
    def __init__(
        self,
        settings: Settings,
        sessions: sessionmaker[Session] | None = None,
        *,
        store_check_seconds: float = STORE_CHECK_SECONDS,
    ) -> None:
        self.settings = settings
        self.sessions = sessions or make_sessionmaker(make_engine(settings))
        self.index_store = IndexStore(settings.data_dir / "index")
        self.store_check_seconds = store_check_seconds
        self._kb: KnowledgeBase | None = None
        self._checked: str | None = None  # the directory version last compared with the store
        self._signature: tuple | None = None  # names, sizes and times of the files then
        self._store_checked_at = float("-inf")

    def ingest(self, progress: Progress | None = None) -> IngestReport:
        """Re-read changed knowledge files; raises IngestError and keeps the old knowledge."""
        report = ingest(self.sessions, self.settings.knowledge_dir, progress)
        self._kb = None
        return report

    def knowledge(self) -> KnowledgeBase:
        """The current knowledge, ingesting first if the directory changed since last time.

        A change that fails to ingest is logged with every problem and the previous knowledge
        keeps answering; only with no previous knowledge at all is the failure raised.
        """
        signature = file_signature(self.settings.knowledge_dir)
        if signature == self._signature and self._kb is not None and not self._store_changed():
            return self._kb
        current = knowledge_version(file_hashes(self.settings.knowledge_dir))
        if current != self._checked:
            with self.sessions() as session:
                stored = stored_version(session)
            if stored != current:
                try:
                    self.ingest()
                except IngestError as exc:
                    if stored is None:
                        raise
                    log.warning(
                        "knowledge not updated, answering from the previous version:\n%s", exc
                    )
            self._checked = current
        self._signature = signature
        if self._kb is None:
            with self.sessions() as session:
                self._kb = load_knowledge(
                    session, self.settings.knowledge_dir.name, self.index_store
                )
            self._store_checked_at = time.monotonic()
        return self._kb

    def _store_changed(self) -> bool:
        """Whether another process (another bot replica, ``reformbot ingest`` elsewhere) stored
        a different knowledge version; asked at most every ``store_check_seconds``."""
        now = time.monotonic()
        if self._kb is None or now - self._store_checked_at < self.store_check_seconds:
            return False
        self._store_checked_at = now
        with self.sessions() as session:
            stored = stored_version(session)
        if stored == self._kb.version:
            return False
        self._kb = None
        return True

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
            now=now or datetime.now(UTC),
            default_lang=self.settings.default_lang,
            fallback_lang=fallback_lang,
            explain=explain,
        )
