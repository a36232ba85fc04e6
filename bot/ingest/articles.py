"""Readers for article files: plain text, Markdown with YAML front matter, JSON lines."""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import date

import yaml

from bot.i18n import N_, Explained
from bot.ingest.problems import Problem
from bot.ingest.readable import Readable
from bot.ingest.yamltext import TextDatesLoader
from bot.languages import SUPPORTED
from bot.records import unstorable
from bot.text.detect import detect
from bot.text.tokenize import sentences

ARTICLE_SUFFIXES = (".txt", ".md", ".jsonl")
TITLE_MAX_CHARS = 120
_DERIVED_TITLE_WORDS = 10


@dataclass
class ArticleData:
    key: str
    path: str
    lang: str
    title: str
    text: str
    date: date | None = None
    source: str | None = None
    tags: list[str] = field(default_factory=list)
    # How sure the detector was of ``lang`` (None when the file declared it): shown by
    # ``reformbot ingest`` so a wrong label is seen before a reader meets it.
    confidence: float | None = None


class ArticleProblem(Explained):
    """What is wrong with an article file, at ``line`` when one can be named; staff who send
    one through the bot read it in their language."""

    def __init__(self, line: int | None, message: str, **params: object) -> None:
        super().__init__(message, **params)
        self.line = line


# Scraped pages leave photo file names glued to the first word ("15626090_11231869…_oსახელმწიფო");
# they mean nothing to a reader and would be quoted verbatim.
_PHOTO_FILE_NAME = re.compile(r"\d{6,}(?:_\d{6,})+_[a-z](?![a-z])")


# A page's share button glued to the paragraph after it ("გააზიარე:საჯარო სამსახურის …").
_SHARE_LABEL = re.compile(
    r"^[ \t]*(?:გააზიარე|share|поделиться|κοινοποίηση|ulashish|улашиш)[ \t]*:[ \t]*",
    re.IGNORECASE | re.MULTILINE,
)
# A date widget's day glued to the first word of a paragraph ("01სახელმწიფო"); only before a
# letter of a script that never writes a number that way ("4th", "5G" stay).
_GLUED_DAY = re.compile(r"^[ \t]*\d{1,2}(?=[^\W\d_a-zA-Z])", re.MULTILINE)


def clean_text(text: str) -> str:
    """Scraping leftovers a reader would see quoted: photo file names, share buttons, a date
    widget's day glued to a word."""
    for junk in (_PHOTO_FILE_NAME, _SHARE_LABEL, _GLUED_DAY):
        text = junk.sub("", text)
    return text


def derive_title(text: str) -> str:
    """A title for text that has none: its first sentence, shortened to a few words."""
    first = sentences(text)[0] if text.strip() else ""
    words = first.split()
    if len(words) <= _DERIVED_TITLE_WORDS:
        return first.rstrip(".;:")
    return " ".join(words[:_DERIVED_TITLE_WORDS]).rstrip(",.;:") + "…"


def looks_like_title(line: str) -> bool:
    """Short, and not a sentence that ends in punctuation: a heading rather than a paragraph."""
    return len(line) <= TITLE_MAX_CHARS and not line.rstrip().endswith((".", ";", ":", ","))


# The longest value of each field, in characters: ids are stored in 255-character columns,
# and a title or a source link longer than these is a mistake, not a title or a link.
LIMITS = {"id": 200, "title": 500, "source": 2000, "tag": 100}


def _text(value: object, name: str, line: int | None, *, numbers: bool = False) -> str | None:
    """A field's text, or None when it is missing or empty: a list, a mapping or (unless
    ``numbers``) a number is refused, as is text that cannot be stored or a value over its
    limit, all of which passed before and then crashed the analyzer or the database driver."""
    if value is None:
        return None
    if numbers and isinstance(value, int | float) and not isinstance(value, bool):
        value = str(value)
    if not isinstance(value, str):
        raise ArticleProblem(
            line, N_("{field} must be text, not {kind}"), field=name, kind=type(value).__name__
        )
    if why := unstorable(value):
        raise ArticleProblem(line, why, field=name)
    limit = LIMITS.get(name)
    if limit is not None and len(value) > limit:
        raise ArticleProblem(
            line, N_("{field} is longer than {limit} characters"), field=name, limit=limit
        )
    return value.strip() or None


def _language(declared: object, text: str, line: int | None) -> tuple[str, float | None]:
    """The article's language and, when detected rather than declared, how sure that is."""
    if declared is None:
        found = detect(text)
        return found.lang, found.confidence
    if declared not in SUPPORTED:
        raise ArticleProblem(
            line,
            N_("lang {lang} is not one of {languages}"),
            lang=repr(declared),
            languages=", ".join(SUPPORTED),
        )
    return str(declared), None


def _date(value: object, line: int | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        raise ArticleProblem(line, N_("date {date} is not YYYY-MM-DD"), date=repr(value)) from None


def read_txt(path: Readable, rel: str) -> ArticleData:
    """First non-empty line is the title when it looks like one; otherwise one is derived.
    Plain text may open with the front matter of Markdown (a title for a text whose first
    line is a sentence, a date, a source), read as Markdown's is."""
    raw = path.read_text(encoding="utf-8-sig")
    if _FRONT_MATTER.match(raw):
        return read_markdown(path, rel)
    text = _text(raw, "text", None) or ""
    if not text:
        raise ArticleProblem(1, N_("the file is empty"))
    first, _, rest = text.partition("\n")
    if looks_like_title(first.strip()) and rest.strip():
        title, body = first.strip(), rest.strip()
    else:
        title, body = derive_title(text), text
    lang, confidence = _language(None, body, None)
    return ArticleData(path.stem, rel, lang, title, body, confidence=confidence)


_FRONT_MATTER = re.compile(r"\A---[ \t]*\n(.*?)\n---[ \t]*(?:\n|\Z)", re.S)
_HEADING = re.compile(r"^#\s+(.+)$", re.M)


def read_markdown(path: Readable, rel: str) -> ArticleData:
    """YAML front matter (title, date, lang, source, tags), then the body."""
    raw = path.read_text(encoding="utf-8-sig")
    meta: dict = {}
    body = raw
    if m := _FRONT_MATTER.match(raw):
        try:
            meta = yaml.load(m[1], Loader=TextDatesLoader) or {}
        except yaml.YAMLError as exc:
            mark = getattr(exc, "problem_mark", None)
            line = mark.line + 2 if mark else 1
            problem = getattr(exc, "problem", None) or exc
            raise ArticleProblem(
                line, N_("front matter is not valid YAML: {problem}"), problem=problem
            ) from None
        if not isinstance(meta, dict):
            raise ArticleProblem(2, N_("front matter must be a mapping of fields"))
        unknown = set(meta) - {"title", "date", "lang", "source", "tags"}
        if unknown:
            raise ArticleProblem(
                2, N_("unknown front matter field(s): {fields}"), fields=", ".join(sorted(unknown))
            )
        body = raw[m.end() :]
    body = _text(body, "text", None) or ""
    if not body:
        raise ArticleProblem(None, N_("the article has no text"))
    title = _text(meta.get("title"), "title", 2, numbers=True)
    if not title and (h := _HEADING.search(body)):
        title = h[1].strip()
    tags = meta.get("tags") or []
    if not isinstance(tags, list):
        raise ArticleProblem(2, N_("tags must be a list"))
    lang, confidence = _language(meta.get("lang"), body, 2)
    return ArticleData(
        key=path.stem,
        path=rel,
        lang=lang,
        confidence=confidence,
        title=title or derive_title(body),
        text=body,
        date=_date(meta.get("date"), 2),
        source=_text(meta.get("source"), "source", 2),
        tags=[t for t in (_text(t, "tag", 2, numbers=True) for t in tags) if t],
    )


def read_jsonl(path: Readable, rel: str) -> Iterator[ArticleData]:
    """One article a line: ``{"id", "text", "lang"?, "title"?, "date"?, "source"?}``; an empty
    title (sentence corpora have none) is derived from the text, like a .txt file's."""
    with path.open(encoding="utf-8-sig") as lines:
        for number, line in enumerate(lines, 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError as exc:
                raise ArticleProblem(
                    number, N_("not valid JSON: {problem}"), problem=exc.msg
                ) from None
            if not isinstance(row, dict):
                raise ArticleProblem(number, N_("each line must be a JSON object"))
            key = _text(row.get("id"), "id", number, numbers=True)
            text = _text(row.get("text"), "text", number)
            missing = [name for name, value in (("id", key), ("text", text)) if not value]
            if missing or key is None or text is None:
                raise ArticleProblem(
                    number, N_("missing field(s): {fields}"), fields=", ".join(missing)
                )
            lang, confidence = _language(row.get("lang"), text, number)
            yield ArticleData(
                key=key,
                path=f"{rel}#{key}",
                lang=lang,
                confidence=confidence,
                title=_text(row.get("title"), "title", number, numbers=True) or derive_title(text),
                text=text,
                date=_date(row.get("date"), number),
                source=_text(row.get("source"), "source", number),
            )


def read_articles(path: Readable, rel: str) -> tuple[list[ArticleData], Problem | None]:
    """All articles of one file, or the first problem found in it."""
    try:
        if path.suffix == ".jsonl":
            return list(read_jsonl(path, rel)), None
        if path.suffix == ".md":
            return [read_markdown(path, rel)], None
        return [read_txt(path, rel)], None
    except ArticleProblem as exc:
        return [], Problem(rel, exc.line, str(exc))
    except UnicodeDecodeError:
        return [], Problem(rel, None, "not UTF-8 text")
