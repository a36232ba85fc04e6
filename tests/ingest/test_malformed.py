"""Malformed knowledge files of every format, generated: reading one never raises anything but
a problem naming the file, and whatever is read can be analysed, indexed and stored.

Values of the wrong type (a list for a text, an object for a source), NUL characters, lone
surrogates and over-long ids passed the old checks and then crashed the analyzer or the
database driver; after that every question got the apology and the bot did not start again.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.assistant import Assistant
from bot.ingest.articles import read_articles
from bot.ingest.problems import IngestError, Problem
from bot.ingest.record_files import read_records
from bot.records import known_zone, unstorable
from bot.text.analyzer import analyze

# Any JSON value: what a careless export or a hand edit can put in a field.
values = st.recursive(
    st.none()
    | st.booleans()
    | st.integers(-(2**70), 2**70)
    | st.floats(allow_nan=False)
    | st.text(max_size=300)
    | st.sampled_from(["", " ", "\x00", "\ud800", "x" * 300, "9999-12-31", "2021-07", "ka"]),
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=8), inner),
    max_leaves=6,
)
ARTICLE_FIELDS = ["id", "text", "lang", "title", "date", "source", "tags"]
rows = st.dictionaries(st.sampled_from(ARTICLE_FIELDS), values, max_size=7) | values
PROPERTY = settings(
    max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _check_read(path: Path, rel: str) -> None:
    articles, problem = read_articles(path, rel)
    assert problem is None or (isinstance(problem, Problem) and problem.path == rel)
    for article in articles:
        for text in (article.key, article.title, article.text, article.source or ""):
            assert isinstance(text, str) and unstorable(text) is None
        assert len(article.key) <= 200 and all(isinstance(t, str) for t in article.tags)
        analyze(article.title + "\n" + article.text, article.lang)


@PROPERTY
@given(lines=st.lists(rows, max_size=4))
def test_any_jsonl_is_read_or_refused_by_line(tmp_path: Path, lines: list[object]) -> None:
    path = tmp_path / "bulk.jsonl"
    text = "\n".join(json.dumps(line, ensure_ascii=True) for line in lines)
    path.write_text(text, encoding="utf-8")
    _check_read(path, "articles/bulk.jsonl")


@PROPERTY
@given(
    meta=st.dictionaries(st.sampled_from(ARTICLE_FIELDS[2:]), values, max_size=5), body=st.text()
)
def test_any_markdown_front_matter_is_read_or_refused(
    tmp_path: Path, meta: dict[str, object], body: str
) -> None:
    path = tmp_path / "note.md"
    front = yaml.safe_dump(meta, allow_unicode=False) if meta else ""
    path.write_text(f"---\n{front}---\n{body}", encoding="utf-8", errors="surrogatepass")
    _check_read(path, "articles/note.md")


@PROPERTY
@given(body=st.text())
def test_any_plain_text_is_read_or_refused(tmp_path: Path, body: str) -> None:
    path = tmp_path / "plain.txt"
    path.write_text(body, encoding="utf-8", errors="surrogatepass")
    _check_read(path, "articles/plain.txt")


RECORD_FIELDS = [
    "id", "kind", "type", "name", "summary", "timezone", "start", "end", "online", "link",
    "place", "organiser", "audience", "participants", "registration", "source",
]  # fmt: skip
languages = st.sampled_from(["en", "ka", "uz-Cyrl", "uz-Latn", "el", "ru"])
localized = st.dictionaries(languages, values, min_size=6, max_size=6)
records = st.dictionaries(st.sampled_from(RECORD_FIELDS), values | localized, max_size=10)


@PROPERTY
@given(items=st.lists(records, max_size=3))
def test_any_records_file_is_read_or_refused_by_line(
    tmp_path: Path, items: list[dict[str, object]]
) -> None:
    path = tmp_path / "events.yaml"
    path.write_text(yaml.safe_dump(items, allow_unicode=False), encoding="utf-8")
    found, problems = read_records(path, "records/events.yaml")
    assert all(p.path == "records/events.yaml" for p in problems)
    for record, _line in found:
        for text in record.name.values():
            assert unstorable(text) is None


def test_a_malformed_file_never_takes_the_knowledge_down(
    make_assistant: Callable[[Path], Assistant], knowledge_copy: Path
) -> None:
    """Through the database too (PostgreSQL refused NUL and over-long ids), one row of each
    kind of wrong: ingestion names them all and the previous knowledge keeps answering."""
    assistant = make_assistant(knowledge_copy)
    assistant.ingest()
    bad = [
        {"id": "list", "text": ["a", "b"]},
        {"id": "number", "text": 42},
        {"id": "object-source", "text": "Text.", "source": {"url": "x"}},
        {"id": "nul", "text": "Text with \x00 inside."},
        {"id": "x" * 300, "text": "A long id."},
    ]
    for number, row in enumerate(bad):
        path = knowledge_copy / "articles" / f"bad-{number}.jsonl"
        path.write_text(json.dumps(row), encoding="utf-8")
    (knowledge_copy / "articles" / "list-source.md").write_text(
        "---\nsource: [a, b]\n---\nText.\n", encoding="utf-8"
    )
    with pytest.raises(IngestError) as caught:
        assistant.ingest()
    assert sorted(map(str, caught.value.problems)) == [
        "articles/bad-0.jsonl:1: text must be text, not list",
        "articles/bad-1.jsonl:1: text must be text, not int",
        "articles/bad-2.jsonl:1: source must be text, not dict",
        "articles/bad-3.jsonl:1: text contains a NUL character",
        "articles/bad-4.jsonl:1: id is longer than 200 characters",
        "articles/list-source.md:2: source must be text, not list",
    ]
    answer = assistant.ask("How many municipal employees were trained in Mtskheta?")
    assert answer.answered and answer.sources[0].id == "002_3054af4f405343fe"


def test_an_over_long_time_zone_is_an_unknown_zone_not_a_crash() -> None:
    """Zones from the tzdata package are files: a 256-character name failed as a file name
    (OSError) instead of being refused as unknown."""
    with pytest.raises(ValueError, match="unknown time zone"):
        known_zone("0" * 256)
