"""Articles staff add from Telegram: a document (.md, .txt, .docx, .pdf), a forwarded channel
post or pasted text, read into the Markdown article that ingestion reads.

What staff are shown before publishing (language, title, first passages, their number, the
dates and names found) is read by ingestion's own readers, so the preview is what will be
answered from; a file that cannot be read gets a reason, never half an article. Published
articles are versions of ``articles/uploads/<slug>.md`` in the database (bot.content), with
the file they came from beside them (``UploadedFile``).
"""

from __future__ import annotations

import io
import re
import secrets
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from datetime import date, datetime
from xml.etree import ElementTree

import yaml
from sqlalchemy import delete, func, select
from sqlalchemy.orm import Session, sessionmaker

from bot import content
from bot.answers.asks import month_stems
from bot.clock import utc
from bot.gaps import ANSWERS
from bot.i18n import N_, Explained
from bot.ingest.articles import (
    ArticleData,
    ArticleProblem,
    derive_title,
    looks_like_title,
    read_markdown,
)
from bot.ingest.passages import split_passages
from bot.ingest.readable import StoredText
from bot.languages import LEXICON_LANG
from bot.models import Content, UploadedFile
from bot.publish import slug
from bot.text.analyzer import analyze_word, concept_spans, content_words, default_glossary
from bot.text.scripts import well_formed
from bot.text.tokenize import sentences

UPLOADS = "articles/uploads"
SUFFIXES = (".md", ".txt", ".docx", ".pdf")
# What the preview shows of a long article.
SHOWN_PASSAGES = 2
SHOWN_NAMES = 8
_WORD_NS = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
_DC_TITLE = "{http://purl.org/dc/elements/1.1/}title"


class Refused(Explained):
    """Why a file or text cannot become an article; the reader's language is the handler's
    business."""


@dataclass
class Draft:
    path: str  # where it is kept in the knowledge tree
    markdown: str  # what is stored and ingested
    article: ArticleData
    passages: list[str]
    dates: list[str] = field(default_factory=list)
    names: list[str] = field(default_factory=list)


def from_document(file_name: str, data: bytes, limit: int, today: date) -> Draft:
    """A document as an article draft, or :class:`Refused` saying why not."""
    suffix = "." + file_name.rsplit(".", 1)[-1].lower() if "." in file_name else ""
    if suffix not in SUFFIXES:
        raise Refused(
            N_("I can read .md, .txt, .docx and .pdf files, not “{name}”."), name=file_name
        )
    if len(data) > limit:
        raise Refused(N_("The file is larger than {limit} MB."), limit=round(limit / 1e6))
    if suffix in (".md", ".txt"):
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            raise Refused(N_("The file is not UTF-8 text.")) from None
        if suffix == ".md":
            return _draft(text, today, markdown=True)
        return from_text(text, today)
    title, text = _docx(data) if suffix == ".docx" else _pdf(data)
    return _draft(text, today, title=title) if title else from_text(text, today)


def from_text(text: str, today: date) -> Draft:
    """Pasted or forwarded text: its first line is the title when it looks like one."""
    text = well_formed(text).strip()
    first, _, rest = text.partition("\n")
    if looks_like_title(first.strip()) and rest.strip():
        return _draft(rest, today, title=first.strip())
    return _draft(text, today)


def _draft(text: str, today: date, *, title: str | None = None, markdown: bool = False) -> Draft:
    text = well_formed(text).strip()
    if not text:
        raise Refused(N_("There is no text in it to publish."))
    if markdown and text.startswith("---"):
        body = text + "\n"
    else:
        meta = {"title": title or derive_title(text), "date": today.isoformat()}
        front = yaml.safe_dump(meta, allow_unicode=True, sort_keys=False, width=1_000_000)
        body = f"---\n{front}---\n\n{text}\n"
    path = f"{UPLOADS}/{today.isoformat()}-{slug(title or derive_title(text)) or 'article'}"
    path += f"-{secrets.token_hex(3)}.md"
    try:
        article = read_markdown(StoredText(path, body), path)
    except ArticleProblem as exc:
        if exc.line:
            raise Refused(
                N_("The article cannot be read, line {line}: {problem}"),
                line=exc.line,
                problem=exc,
            ) from None
        raise Refused(N_("The article cannot be read: {problem}"), problem=exc) from None
    passages = split_passages(article.text)
    names = _names(article.text, article.lang)
    return Draft(path, body, article, passages, _dates(article.text), names)


def _docx(data: bytes) -> tuple[str | None, str]:
    """The title (its properties', if set) and the paragraphs of a Word document."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as package:
            document = ElementTree.fromstring(package.read("word/document.xml"))
            names = package.namelist()
            core = package.read("docProps/core.xml") if "docProps/core.xml" in names else None
    except (zipfile.BadZipFile, KeyError, ElementTree.ParseError):
        raise Refused(N_("The file is not a Word document I can read.")) from None
    paragraphs = [
        "".join(node.text or "" for node in p.iter(f"{_WORD_NS}t"))
        for p in document.iter(f"{_WORD_NS}p")
    ]
    title = None
    if core is not None:
        found = ElementTree.fromstring(core).find(_DC_TITLE)
        title = (found.text or "").strip() or None if found is not None else None
    return title, "\n\n".join(p.strip() for p in paragraphs if p.strip())


def _pdf(data: bytes) -> tuple[str | None, str]:
    """The title (its metadata's, if set) and the text of a PDF; a scan has none."""
    from pypdf import PdfReader
    from pypdf.errors import PdfReadError

    try:
        reader = PdfReader(io.BytesIO(data))
        pages = [page.extract_text() or "" for page in reader.pages]
        title = reader.metadata.title if reader.metadata else None
    except (PdfReadError, ValueError, KeyError, TypeError):
        raise Refused(N_("The file is not a PDF I can read.")) from None
    text = "\n\n".join(page.strip() for page in pages if page.strip())
    if not text:
        raise Refused(
            N_("The PDF has no text to read (a scan?). Send its text or a .docx instead.")
        )
    return (title or "").strip() or None, text


_NUMERIC_DATE = re.compile(r"\b(?:\d{4}-\d{2}-\d{2}|\d{1,2}[./]\d{1,2}[./]\d{4})\b")
# A day and a month name, or a month name and a year, in any of our languages.
_WORDED_DATE = re.compile(r"\b(\d{1,2}\s+\w{3,}(?:\s+\d{4})?|\w{3,}\s+\d{1,2},?\s+\d{4})\b")


def _dates(text: str) -> list[str]:
    """Dates as written in the text (numbers, or a month's name in any of our languages
    with a day or a year), first seen first."""
    found = [m[0] for m in _NUMERIC_DATE.finditer(text)]
    for match in _WORDED_DATE.finditer(text):
        words = match[0].replace(",", " ").split()
        if any(_is_month(w) for w in words if not w.isdigit()):
            found.append(match[0])
    return list(dict.fromkeys(found))


def _is_month(word: str) -> bool:
    months = month_stems()
    return any(
        (a := analyze_word(word, lang)) is not None and a.stem in months
        for lang in LEXICON_LANG.values()
    )


def _names(text: str, lang: str) -> list[str]:
    """The names the text uses most: runs of capitalised words inside its sentences (the
    first word of a sentence is capitalised anyway; month names are not names), and the
    places the glossary knows, which is all a script without capitals shows."""
    places = default_glossary().names
    counts: Counter[str] = Counter()
    for sentence in sentences(text):
        found = content_words(sentence, lang)
        for start, end, concept in concept_spans([w.stem for w in found]):
            if concept in places and not found[start].surface[:1].isupper():
                counts[" ".join(w.surface for w in found[start:end])] += 1
        run: list[str] = []
        for number, word in enumerate([*sentence.split(), ""]):
            bare = word.strip(".,;:!?()«»“”\"'")
            if number and bare[:1].isupper() and not _is_month(bare):
                run.append(bare)
                continue
            if run:
                counts[" ".join(run)] += 1
            run = []
    return [name for name, _n in counts.most_common(SHOWN_NAMES) if len(name) > 1]


@dataclass(frozen=True)
class Published:
    path: str
    title: str
    lang: str
    day: date | None
    version: int  # the newest version's id: how a button names the article


def store(
    sessions: sessionmaker[Session],
    path: str,
    markdown: str,
    *,
    file_name: str | None,
    data: bytes | None,
    author: int,
    now: datetime,
) -> int:
    """Keep the article and the file it came from, together; the version's id."""
    with sessions.begin() as session:
        version = content.save(session, path, markdown, author=author, at=utc(now))
        if data is not None:
            row = UploadedFile(
                path=path,
                file_name=(file_name or "")[:255],
                data=data,
                author=author,
                created_at=utc(now),
            )
            session.add(row)
    return version


def unstore(sessions: sessionmaker[Session], path: str, version: int) -> None:
    """Undo :func:`store` when ingestion refused the article: neither stays."""
    content.forget(sessions, [version])
    drop_file(sessions, path)


def withdraw(sessions: sessionmaker[Session], path: str, *, author: int, now: datetime) -> int:
    """Unpublish an article staff added; the withdrawal's version id (its file is dropped with
    :func:`drop_file` once the withdrawal took effect)."""
    with sessions.begin() as session:
        return content.save(session, path, None, author=author, at=utc(now))


def drop_file(sessions: sessionmaker[Session], path: str) -> None:
    with sessions.begin() as session:
        session.execute(delete(UploadedFile).where(UploadedFile.path == path))


def listed(sessions: sessionmaker[Session]) -> list[Published]:
    """The articles staff added from Telegram (documents, posts, answers to gaps), newest
    first, as ingestion reads them."""
    with sessions() as session:
        current = content.current(session)
        newest = dict(
            session.execute(
                select(Content.path, func.max(Content.id)).group_by(Content.path)
            ).all()
        )
    found = []
    for path, text in current.items():
        if not path.startswith((f"{UPLOADS}/", f"{ANSWERS}/")):
            continue
        try:
            article = read_markdown(StoredText(path, text), path)
        except ArticleProblem:
            continue
        found.append(Published(path, article.title, article.lang, article.date, newest[path]))
    return sorted(found, key=lambda p: p.version, reverse=True)
