"""Read the knowledge (the directory's files and what staff published through the bot, kept in
the database), detect changed files by content hash, store them in one transaction."""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import UTC
from pathlib import Path
from typing import Any

from sqlalchemy import delete, insert, select, text, update
from sqlalchemy.orm import Session, sessionmaker

from bot import content
from bot.ingest.articles import ARTICLE_SUFFIXES, ArticleData, clean_text, read_articles
from bot.ingest.passages import split_passages
from bot.ingest.problems import IngestError, Problem
from bot.ingest.readable import StoredText
from bot.ingest.record_files import RECORD_SUFFIXES, check_references, read_records
from bot.languages import SUPPORTED
from bot.models import Article, Content, Meta, Passage, Record, SourceFile
from bot.records import ProjectRecord
from bot.text.analyzer import ANALYSIS_VERSION, analyze

# (items done, items in all, the file being stored): articles and records, as they are analysed.
Progress = Callable[[int, int, str], None]
PROGRESS_STEPS = 100  # calls at most, so a log gets a bounded number of progress lines
VERSION_KEY = "knowledge_version"
# One ingestion at a time in a process: an event published from the bot is ingested on a
# worker thread while the event loop may notice the new files and start its own; two at once
# would race for the same rows. The second waits, then finds nothing left to do.
_INGESTING = threading.Lock()


@dataclass
class IngestReport:
    changed: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    articles: int = 0
    records: int = 0
    # Per article file read: its articles' languages, each with how many and whether any
    # was detected (False: every one declared its language).
    languages: dict[str, dict[str, tuple[int, bool]]] = field(default_factory=dict)
    # ``file:line: what``: ingested all the same (a record lacking a language's text).
    warnings: list[str] = field(default_factory=list)


# The largest knowledge file read. A 50 MB article froze every user for 24 s and grew the data
# folder to 134 MB; the bulk .jsonl imports of laws and news this project reads are a few MB.
MAX_FILE_BYTES = 20 * 1024 * 1024
# Paths are stored in 512-character columns.
MAX_PATH_CHARS = 500


def _files_under(
    folder: Path, root: Path, seen: set[Path], refused: dict[str, str]
) -> Iterator[Path]:
    """Every regular file in ``folder`` and its subfolders, sorted; hidden folders (``.git``)
    are skipped, and a folder linked in twice is read once. What is not read goes into
    ``refused`` (path → why): a link leading out of
    the knowledge directory (``env.txt -> /proc/self/environ`` would publish the process's
    secrets), anything but a regular file (a FIFO would block reading forever), and a file
    over the size limit."""
    for path in sorted(folder.iterdir()):
        if path.name.startswith("."):
            continue
        real = path.resolve()
        if not real.is_relative_to(root):
            refused[path.as_posix()] = "links outside the knowledge directory; not read"
        elif path.is_dir():
            if real not in seen:
                seen.add(real)
                yield from _files_under(path, root, seen, refused)
        elif not path.is_file():
            refused[path.as_posix()] = "is not a regular file; not read"
        elif (size := path.stat().st_size) > MAX_FILE_BYTES:
            refused[path.as_posix()] = (
                f"is {size / 2**20:.1f} MB; knowledge files are limited to"
                f" {MAX_FILE_BYTES // 2**20} MB"
            )
        else:
            yield path


def _scan(knowledge_dir: Path) -> tuple[dict[str, Path], dict[str, str]]:
    """Relative path → file for every readable article and record file, and relative path →
    why for every one refused."""
    found: dict[str, Path] = {}
    refused: dict[str, str] = {}
    root = knowledge_dir.resolve()
    for sub, suffixes in (("articles", ARTICLE_SUFFIXES), ("records", RECORD_SUFFIXES)):
        folder = knowledge_dir / sub
        if folder.is_dir():
            why: dict[str, str] = {}
            for path in _files_under(folder, root, {folder.resolve()}, why):
                rel = f"{sub}/{path.relative_to(folder).as_posix()}"
                if path.suffix not in suffixes:
                    continue
                if len(rel) > MAX_PATH_CHARS:
                    why[path.as_posix()] = f"the path is longer than {MAX_PATH_CHARS} characters"
                else:
                    found[rel] = path
            for posix, reason in why.items():
                refused[f"{sub}/{Path(posix).relative_to(folder).as_posix()}"] = reason
    return found, refused


def knowledge_files(knowledge_dir: Path) -> dict[str, Path]:
    """Relative path → file, for every article and record file the directory holds, in
    subfolders too (``articles/published/x.md``: records name it ``published/x.md``)."""
    return _scan(knowledge_dir)[0]


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


@dataclass(frozen=True)
class Files:
    """The knowledge directory's readable files, their hashes, and those refused (and why)."""

    paths: dict[str, Path]
    hashes: dict[str, str]
    refused: dict[str, str]


def read_directory(knowledge_dir: Path) -> Files:
    paths, refused = _scan(knowledge_dir)
    return Files(paths, {rel: _sha(path.read_bytes()) for rel, path in paths.items()}, refused)


@dataclass(frozen=True)
class Sources:
    """Everything the knowledge is made of, path → hash: the directory's files and the newest
    version of each file published through the bot (which wins over a file of the same path).

    A replica whose directory holds no knowledge files serves what is stored: the files other
    replicas ingested are ``kept`` as they are (it cannot read them), and only what is
    published is read. Without that, a replica started with an empty directory would delete
    everyone's knowledge."""

    readable: dict[str, Path | StoredText]
    hashes: dict[str, str]
    refused: dict[str, str]
    kept: frozenset[str]


def gather(session: Session, files: Files) -> Sources:
    published = content.current(session)
    readable: dict[str, Path | StoredText] = {
        rel: path for rel, path in files.paths.items() if rel not in published
    }
    hashes = {rel: sha for rel, sha in files.hashes.items() if rel not in published}
    for rel, body in published.items():
        readable[rel] = StoredText(rel, body)
        hashes[rel] = _sha(body.encode())
    kept: dict[str, str] = {}
    if not files.paths:
        ever_published = set(session.scalars(select(Content.path).distinct()))
        kept = {
            f.path: f.sha256
            for f in session.scalars(select(SourceFile))
            if f.path not in ever_published
        }
    return Sources(readable, hashes | kept, files.refused, frozenset(kept))


def source_hashes(session: Session, knowledge_dir: Path) -> dict[str, str]:
    """Path → SHA-256 of everything the knowledge is made of (see :class:`Sources`)."""
    return gather(session, read_directory(knowledge_dir)).hashes


def file_signature(knowledge_dir: Path) -> tuple[tuple[str, int, int], ...]:
    """Names, sizes and modification times: a cheap check before hashing every file."""
    return tuple(
        (rel, (stat := path.stat()).st_size, stat.st_mtime_ns)
        for rel, path in knowledge_files(knowledge_dir).items()
    )


def knowledge_version(hashes: dict[str, str]) -> str:
    """One stamp for the whole directory and the analysis that indexed it."""
    digest = hashlib.sha256(ANALYSIS_VERSION.encode())
    for rel, sha in sorted(hashes.items()):
        digest.update(f"{rel}\0{sha}\n".encode())
    return digest.hexdigest()


def stored_version(session: Session) -> str | None:
    meta = session.get(Meta, VERSION_KEY)
    return meta.value if meta else None


def record_index_text(record: ProjectRecord) -> list[tuple[str, str]]:
    """(text, language) pairs a record is found by: every translation of its text fields."""
    fields = [record.name, record.summary, record.place, record.organiser, record.audience]
    return [(f[lang], lang) for f in fields if f for lang in SUPPORTED]


def article_passages(article: ArticleData) -> list[tuple[str, list[str]]]:
    """An article's passages with their index tokens; the title's tokens lead every passage,
    so a passage is found by what its article is about."""
    title_tokens = analyze(article.title, article.lang)
    return [
        (text, title_tokens + analyze(text, article.lang))
        for text in split_passages(clean_text(article.text))
    ]


def _article_row(article: ArticleData, file_id: int) -> dict[str, Any]:
    return {
        "source_file_id": file_id,
        "key": article.key,
        "path": article.path,
        "lang": article.lang,
        "title": article.title,
        "date": article.date,
        "source": article.source,
        "tags": article.tags,
    }


@dataclass
class _Analysed:
    """A file read and analysed, ready to be stored: articles with their passages' tokens,
    or records with theirs."""

    articles: list[tuple[ArticleData, list[tuple[str, list[str]]]]] = field(default_factory=list)
    records: list[tuple[ProjectRecord, list[str]]] = field(default_factory=list)


def _analyse(rel: str, parsed: Any, tick: Callable[[], None]) -> _Analysed:
    analysed = _Analysed()
    if rel.startswith("records/"):
        for record, _line in parsed:
            tokens = [t for text, lang in record_index_text(record) for t in analyze(text, lang)]
            analysed.records.append((record, tokens))
            tick()
        return analysed
    for article in parsed:
        analysed.articles.append((article, article_passages(article)))
        tick()
    return analysed


def _store_file(session: Session, rel: str, sha: str, analysed: _Analysed) -> None:
    file_id = session.execute(
        insert(SourceFile).values(path=rel, sha256=sha).returning(SourceFile.id)
    ).scalar_one()
    for record, tokens in analysed.records:
        start = record.start and record.start.value.astimezone(UTC).replace(tzinfo=None)
        session.add(
            Record(
                source_file_id=file_id,
                key=record.id,
                kind=record.kind,
                start_utc=start,
                data=record.model_dump(mode="json"),
                tokens=" ".join(tokens),
            )
        )
    for article, passages in analysed.articles:
        article_id = session.execute(
            insert(Article).values(**_article_row(article, file_id)).returning(Article.id)
        ).scalar_one()
        session.execute(
            insert(Passage),
            [
                {"article_id": article_id, "position": i, "text": text, "tokens": " ".join(tokens)}
                for i, (text, tokens) in enumerate(passages)
            ],
        )


def _parse(sources: Sources, todo: set[str]) -> tuple[dict[str, Any], list[Problem]]:
    """Read the files to (re)store, and validate every record file (references span files)."""
    parsed: dict[str, Any] = {}
    problems = [Problem(rel, None, why) for rel, why in sources.refused.items()]
    all_records: list[tuple[ProjectRecord, int, str]] = []
    article_names = {rel.split("/", 1)[1] for rel in sources.hashes if rel.startswith("articles/")}
    for rel, path in sources.readable.items():
        if rel.startswith("records/"):
            records, found = read_records(path, rel)
            problems.extend(found)
            all_records.extend((r, line, rel) for r, line in records)
            if rel in todo:
                parsed[rel] = records
        elif rel in todo:
            articles, problem = read_articles(path, rel)
            if problem:
                problems.append(problem)
            parsed[rel] = articles
    problems.extend(check_references(all_records, article_names))
    return parsed, problems


def ingest(
    sessions: sessionmaker[Session], knowledge_dir: Path, progress: Progress | None = None
) -> IngestReport:
    """Bring the stored knowledge in line with the knowledge directory and what was published
    through the bot, all or nothing.

    Unchanged files (same SHA-256) are left alone; any problem in any file raises
    :class:`IngestError` before a single row is written, so the previous knowledge stays live.
    """
    if not knowledge_dir.is_dir():
        raise IngestError([Problem(str(knowledge_dir), None, "knowledge directory not found")])
    with _INGESTING:
        return _ingest(sessions, knowledge_dir, progress)


@dataclass(frozen=True)
class _Plan:
    """What an ingestion changes, decided from what is stored."""

    todo: frozenset[str]  # files to (re)store
    removed: tuple[str, ...]  # stored files no longer there
    gone: tuple[int, ...]  # the stored files whose rows are deleted


def _plan(session: Session, sources: Sources) -> _Plan:
    stored = {f.path: f for f in session.scalars(select(SourceFile))}
    stale_analysis = stored_version(session) is not None and not _same_analysis(session)
    todo = frozenset(
        rel
        for rel, sha in sources.hashes.items()
        if rel not in sources.kept
        and (stale_analysis or rel not in stored or stored[rel].sha256 != sha)
    )
    removed = tuple(sorted(set(stored) - set(sources.hashes)))
    gone = tuple(stored[rel].id for rel in removed + tuple(sorted(todo)) if rel in stored)
    return _Plan(todo, removed, gone)


def _prepare(
    sources: Sources, plan: _Plan, progress: Progress | None
) -> tuple[dict[str, Any], dict[str, _Analysed], list[Problem]]:
    """Read, check and analyse the files to store; raises IngestError with every problem,
    and returns the warnings (files ingested all the same) beside the work."""
    parsed, problems = _parse(sources, set(plan.todo))
    errors = [p for p in problems if not p.warning]
    if errors:
        raise IngestError(errors)
    warnings = [p for p in problems if p.warning]
    total = sum(len(parsed[rel]) for rel in plan.todo)
    step = max(1, total // PROGRESS_STEPS)
    done = 0
    analysed = {}
    for rel in sorted(plan.todo):

        def tick(rel: str = rel) -> None:
            nonlocal done
            done += 1
            if progress and (done % step == 0 or done == total):
                progress(done, total, rel)

        analysed[rel] = _analyse(rel, parsed[rel], tick)
    return parsed, analysed, warnings


def _ingest(
    sessions: sessionmaker[Session], knowledge_dir: Path, progress: Progress | None
) -> IngestReport:
    """Files are read and analysed before the database is locked, so that a large ingestion
    holds the write lock (which every person's next message needs on SQLite) only while its
    rows are written; should another process have stored or published something meanwhile,
    the work is planned again under the lock."""
    files = read_directory(knowledge_dir)
    with sessions() as session:
        sources = gather(session, files)
        plan = _plan(session, sources)
    parsed, analysed, warnings = _prepare(sources, plan, progress)
    report = IngestReport()
    with sessions.begin() as session:
        _one_at_a_time(session)
        now_sources = gather(session, files)
        now = _plan(session, now_sources)
        if now != plan or now_sources != sources:
            sources, plan = now_sources, now
            parsed, analysed, warnings = _prepare(sources, plan, progress)
        hashes = sources.hashes
        report.warnings = [str(w) for w in warnings]
        report.removed = list(plan.removed)
        report.unchanged = sorted(set(hashes) - plan.todo)
        if plan.gone:
            gone = list(plan.gone)
            articles = select(Article.id).where(Article.source_file_id.in_(gone))
            session.execute(delete(Passage).where(Passage.article_id.in_(articles)))
            session.execute(delete(Article).where(Article.source_file_id.in_(gone)))
            session.execute(delete(Record).where(Record.source_file_id.in_(gone)))
            session.execute(delete(SourceFile).where(SourceFile.id.in_(gone)))
        for rel in sorted(plan.todo):
            _store_file(session, rel, hashes[rel], analysed[rel])
            report.articles += len(analysed[rel].articles)
            report.records += len(analysed[rel].records)
        report.changed = sorted(plan.todo)
        for rel in report.changed:
            if rel.startswith("articles/"):
                report.languages[rel] = _languages(parsed[rel])
        session.merge(Meta(key=VERSION_KEY, value=knowledge_version(hashes)))
        if not (sources.kept and not _same_analysis(session)):
            # Files kept unread keep their old analysis: the store does not claim the new one
            # until a replica that has them ingests them again.
            session.merge(Meta(key=ANALYSIS_KEY, value=ANALYSIS_VERSION))
    return report


def _languages(articles: list[ArticleData]) -> dict[str, tuple[int, bool]]:
    found: dict[str, tuple[int, bool]] = {}
    for article in articles:
        count, detected = found.get(article.lang, (0, False))
        found[article.lang] = (count + 1, detected or article.confidence is not None)
    return found


ANALYSIS_KEY = "analysis_version"
# pg_advisory_xact_lock key for ingestions of one PostgreSQL database: "rb-ingst".
INGEST_LOCK = int.from_bytes(b"rb-ingst", "big")


def _one_at_a_time(session: Session) -> None:
    """Wait for any other process's ingestion to commit before reading what is stored: bot
    replicas sharing a knowledge directory notice a change together, and the second then
    finds it stored rather than colliding with the first's rows. On PostgreSQL an advisory
    lock held to the end of the transaction; on SQLite, taking the write lock at once."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": INGEST_LOCK})
    else:
        session.execute(update(Meta).where(Meta.key == VERSION_KEY).values(value=Meta.value))


def _same_analysis(session: Session) -> bool:
    meta = session.get(Meta, ANALYSIS_KEY)
    return meta is not None and meta.value == ANALYSIS_VERSION
