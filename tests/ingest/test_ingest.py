"""Ingestion: every format, change detection, and all-or-nothing failure with file and line."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest
from sqlalchemy import func, select

from bot.assistant import Assistant
from bot.ingest.problems import IngestError
from bot.models import Article, Passage, Record
from bot.settings import Settings

SEED_FILES = {
    "000_e8b87c44cc0140c8",
    "001_0106050cdcbc44bc",
    "002_3054af4f405343fe",
    "003_e659eb4bafb63286",
    "004_93ea14b30314b68e",
}


def count(assistant: Assistant, model: type) -> int:
    with assistant.sessions() as session:
        return session.scalar(select(func.count()).select_from(model)) or 0


def titles(assistant: Assistant) -> dict[str, str]:
    with assistant.sessions() as session:
        return {a.key: a.title for a in session.scalars(select(Article))}


def test_seed_articles_and_records_are_ingested(
    make_assistant: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    assistant = make_assistant(knowledge_copy)
    report = assistant.ingest()
    assert set(titles(assistant)) == SEED_FILES
    assert report.records == count(assistant, Record) > 20
    assert count(assistant, Passage) > len(SEED_FILES)


def test_plain_text_title_is_the_first_line_or_derived(
    make_assistant: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    (knowledge_copy / "articles" / "long.txt").write_text(
        "Στις 13, 19 και 27 Ιουλίου 2021 (10:00-12:00), το Τμήμα Καινοτομίας διοργανώνει "
        "εργαστήρια καινοτομίας για τα μέλη του δικτύου.\n\nΤα εργαστήρια είναι διαδικτυακά.\n",
        encoding="utf-8",
    )
    assistant = make_assistant(knowledge_copy)
    assistant.ingest()
    found = titles(assistant)
    assert found["001_0106050cdcbc44bc"] == "პარტნიორი ორგანიზაციები"
    derived = found["long"]  # starts with a long sentence, not a heading
    assert derived.startswith("Στις 13, 19 και 27 Ιουλίου 2021") and derived.endswith("…")
    assert len(derived) < 100
    # A plain-text seed given a title in front matter, as Markdown gives one.
    assert found["004_93ea14b30314b68e"].startswith("Εργαστήρια καινοτομίας του Υπουργείου")


def test_markdown_front_matter_and_jsonl(
    make_assistant: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    articles = knowledge_copy / "articles"
    (articles / "summer-school.md").write_text(
        "---\ntitle: Summer school for centre heads\ndate: 2024-06-01\nlang: en\n"
        "source: https://example.org/news\ntags: [uzbekistan, management]\n---\n"
        "A summer school on management basics will be held for heads of public service "
        "centres in Samarkand.\n",
        encoding="utf-8",
    )
    rows = [
        {
            "id": "news-1",
            "lang": "ru",
            "title": "Семинар в Тбилиси",
            "text": "Семинар по этике для государственных служащих прошёл в Тбилиси.",
            "date": "2024-03-02",
        },
        {
            "id": "news-2",
            "lang": "el",
            "title": "",
            "text": "Ο νέος νόμος για την αξιολόγηση των δημοσίων υπαλλήλων ψηφίστηκε.",
        },
    ]
    (articles / "bulk.jsonl").write_text(
        "\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n", encoding="utf-8"
    )
    assistant = make_assistant(knowledge_copy)
    assistant.ingest()
    with assistant.sessions() as session:
        md = session.scalars(select(Article).where(Article.key == "summer-school")).one()
        assert (md.title, md.lang, str(md.date)) == (
            "Summer school for centre heads",
            "en",
            "2024-06-01",
        )
        assert md.tags == ["uzbekistan", "management"]
        bulk = session.scalars(select(Article).where(Article.key == "news-1")).one()
        assert bulk.path == "articles/bulk.jsonl#news-1"
        assert bulk.lang == "ru"
        untitled = session.scalars(select(Article).where(Article.key == "news-2")).one()
        assert untitled.title == "Ο νέος νόμος για την αξιολόγηση των δημοσίων υπαλλήλων ψηφίστηκε"
    answer = assistant.ask("Где прошёл семинар по этике?")
    assert answer.sources[0].path == "knowledge/articles/bulk.jsonl#news-1"


def test_unchanged_files_are_skipped(
    make_assistant: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    assistant = make_assistant(knowledge_copy)
    first = assistant.ingest()
    assert first.unchanged == []
    second = assistant.ingest()
    assert second.changed == [] and len(second.unchanged) == len(first.changed)
    edited = knowledge_copy / "articles" / "002_3054af4f405343fe.txt"
    edited.write_text(
        edited.read_text(encoding="utf-8") + "\nახალი წინადადება.\n", encoding="utf-8"
    )
    third = assistant.ingest()
    assert third.changed == ["articles/002_3054af4f405343fe.txt"]


def test_removed_file_is_removed(
    make_assistant: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    assistant = make_assistant(knowledge_copy)
    assistant.ingest()
    extra = knowledge_copy / "articles" / "extra.txt"
    extra.write_text("Extra\n\nSome extra article text about e-governance.", encoding="utf-8")
    assistant.ingest()
    assert "extra" in titles(assistant)
    extra.unlink()
    report = assistant.ingest()
    assert report.removed == ["articles/extra.txt"]
    assert "extra" not in titles(assistant)


BAD_FILES = [
    (
        "articles/broken.jsonl",
        '{"id": "a", "title": "t", "text": "x"}\n{"id": "b", "title"\n',
        "articles/broken.jsonl:2: not valid JSON",
    ),
    (
        "articles/missing.jsonl",
        '{"id": "a", "title": "no text"}\n',
        "articles/missing.jsonl:1: missing field(s): text",
    ),
    (
        "articles/bad.md",
        "---\ntitle: [unclosed\n---\nText\n",
        "articles/bad.md:2: front matter is not valid YAML",
    ),
    (
        "articles/lang.md",
        "---\nlang: fr\n---\nTexte\n",
        "articles/lang.md:2: lang 'fr' is not one of",
    ),
    (
        "records/bad.yaml",
        "- id: x\n  kind: event\n  type: party\n",
        "records/bad.yaml:3: type: Input should be",
    ),
    ("records/invalid.yaml", "- id: a\n  kind: [\n", "records/invalid.yaml:3: invalid YAML"),
]


@pytest.mark.parametrize(("rel", "content", "expected"), BAD_FILES)
def test_bad_file_fails_with_file_and_line_and_keeps_previous_knowledge(
    make_assistant: Callable[[Path], Assistant],
    tmp_path: Path,
    knowledge_copy: Path,
    rel: str,
    content: str,
    expected: str,
) -> None:
    assistant = make_assistant(knowledge_copy)
    assistant.ingest()
    before = (count(assistant, Article), count(assistant, Passage), count(assistant, Record))
    edited = knowledge_copy / "articles" / "002_3054af4f405343fe.txt"
    edited.write_text("Changed title\n\nChanged text.", encoding="utf-8")
    (knowledge_copy / rel).write_text(content, encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        assistant.ingest()
    assert any(str(p).startswith(expected) for p in caught.value.problems), caught.value
    after = (count(assistant, Article), count(assistant, Passage), count(assistant, Record))
    assert after == before
    assert (
        titles(assistant)["002_3054af4f405343fe"]
        == "ტრენინგები ელექტრონული მმართველობის დასანერგად"
    )


def test_record_problems_name_the_line_of_the_field(
    make_assistant: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    record = (
        "- id: demo-event\n"
        "  kind: event\n"
        "  type: workshop\n"
        "  name: {en: Demo, ka: დემო, uz-Cyrl: Демо, uz-Latn: Demo, el: Δείγμα, ru: Демо}\n"
        "  summary:\n"
        "    en: A demo.\n"
        "    ka: დემო.\n"
        "  start: 2021-13-40\n"
        "  partners: [no-such-partner]\n"
        "  source: 002_3054af4f405343fe.txt\n"
    )
    (knowledge_copy / "records" / "demo.yaml").write_text(record, encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        make_assistant(knowledge_copy).ingest()
    messages = [str(p) for p in caught.value.problems]
    assert any(m.startswith("records/demo.yaml:8: start:") for m in messages), messages


def test_a_record_lacking_a_language_is_ingested_with_a_warning(
    make_assistant: Callable[[Path], Assistant], knowledge_copy: Path
) -> None:
    """A record without some reply language's text (a language added after it was written)
    does not block ingestion: its readers get another language's text, and ingestion says
    which field lacks which languages, where."""
    record = (
        "- id: demo-partner\n"
        "  kind: partner\n"
        "  name: {en: Demo, ka: დემო, uz-Cyrl: Демо, uz-Latn: Demo, el: Δ, ru: Д, az: Demo,"
        " hy: Դեմո}\n"
        "  summary:\n"
        "    en: A foundation for demos.\n"
        "    ka: ფონდი.\n"
        "  source: 002_3054af4f405343fe.txt\n"
    )
    (knowledge_copy / "records" / "demo.yaml").write_text(record, encoding="utf-8")
    assistant = make_assistant(knowledge_copy)
    report = assistant.ingest()
    assert report.warnings == [
        "records/demo.yaml:4: summary: no uz-Cyrl, uz-Latn, el, ru, az, hy text;"
        " its readers get another's"
    ]
    [partner] = [r for r in assistant.knowledge().records if r.id == "demo-partner"]
    assert partner.summary["ru"] == "A foundation for demos." and partner.summary["ka"] == "ფონდი."


@pytest.mark.parametrize("start", ['"9999"', '"9999-12"', "9999-12-31", "0001-01-01"])
def test_dates_out_of_range_are_refused_at_ingestion(
    make_assistant: Callable[[Path], Assistant], knowledge_copy: Path, start: str
) -> None:
    """Near the end of datetime's range "is it over yet?" overflows, and every list and every
    delivery round failed on such a record."""
    record = (
        "- id: far-event\n  kind: event\n  type: seminar\n"
        "  name: {en: Far, ka: შორს, uz-Cyrl: Узоқ, uz-Latn: Uzoq, el: Μακριά, ru: Далеко}\n"
        "  summary: {en: Far, ka: შორს, uz-Cyrl: Узоқ, uz-Latn: Uzoq, el: Μακριά, ru: Далеко}\n"
        f"  start: {start}\n"
        "  source: 002_3054af4f405343fe.txt\n"
    )
    (knowledge_copy / "records" / "far.yaml").write_text(record, encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        make_assistant(knowledge_copy).ingest()
    messages = [str(p) for p in caught.value.problems]
    assert any(
        m.startswith("records/far.yaml:6: start:") and "between 1900 and 2100" in m
        for m in messages
    ), messages


def test_links_out_of_the_tree_special_and_huge_files_are_refused_and_never_read(
    make_assistant: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    """A link to the process environment would have put the bot token in the database and a
    question would have returned it; a FIFO blocks whoever reads it; a 50 MB article froze
    every user. None is read, each is named, and the previous knowledge stays."""
    secret = tmp_path / "environ.txt"
    secret.write_text("REFORMBOT_TELEGRAM_BOT_TOKEN=123:SECRET", encoding="utf-8")
    assistant = make_assistant(knowledge_copy)
    assistant.ingest()
    articles = knowledge_copy / "articles"
    (articles / "env.txt").symlink_to(secret)
    (articles / "outside").symlink_to(tmp_path, target_is_directory=True)
    os.mkfifo(articles / "pipe.txt")
    with (articles / "huge.txt").open("wb") as huge:
        huge.truncate(21 * 1024 * 1024)
    with pytest.raises(IngestError) as caught:
        assistant.ingest()
    assert sorted(map(str, caught.value.problems)) == [
        "articles/env.txt: links outside the knowledge directory; not read",
        "articles/huge.txt: is 21.0 MB; knowledge files are limited to 20 MB",
        "articles/outside: links outside the knowledge directory; not read",
        "articles/pipe.txt: is not a regular file; not read",
    ]
    answer = assistant.ask("REFORMBOT_TELEGRAM_BOT_TOKEN")
    assert "SECRET" not in str(answer)
    with assistant.sessions() as session:
        texts = session.scalars(select(Passage.text)).all()
    assert not any("SECRET" in text for text in texts)


@pytest.mark.parametrize(
    ("summary", "expected"),
    [
        ("x" * 1001, "records/long.yaml:4: summary: longer than 1000 characters in en"),
        ("[a, b]", "records/long.yaml:4: summary: expected text for en"),
        ("{x: 1}", "records/long.yaml:4: summary: expected text for en"),
    ],
)
def test_record_texts_are_text_of_bounded_length(
    make_assistant: Callable[[Path], Assistant], knowledge_copy: Path, summary: str, expected: str
) -> None:
    """A 6,000-character summary passed and made a card Telegram refuses; a list passed as
    text and was shown as "['a', 'b']"."""
    other = {"ka": "ა", "uz-Cyrl": "а", "uz-Latn": "a", "el": "α", "ru": "а"}
    rest = ", ".join(f"{lang}: {text}" for lang, text in other.items())
    record = (
        "- id: long-summary\n  kind: partner\n"
        f"  name: {{en: Long, {rest}}}\n"
        "  summary:\n"
        f"    en: {summary}\n"
        + "".join(f"    {lang}: {text}\n" for lang, text in other.items())
        + "  source: 002_3054af4f405343fe.txt\n"
    )
    (knowledge_copy / "records" / "long.yaml").write_text(record, encoding="utf-8")
    with pytest.raises(IngestError) as caught:
        make_assistant(knowledge_copy).ingest()
    assert [str(p) for p in caught.value.problems] == [expected]


def test_dangling_references_are_reported(
    make_assistant: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    (knowledge_copy / "articles" / "002_3054af4f405343fe.txt").unlink()
    with pytest.raises(IngestError) as caught:
        make_assistant(knowledge_copy).ingest()
    assert any(
        "source: no article file '002_3054af4f405343fe.txt'" in str(p)
        for p in caught.value.problems
    )


def test_ask_ingests_on_first_use_and_after_a_change(
    make_assistant: Callable[[Path], Assistant], tmp_path: Path, knowledge_copy: Path
) -> None:
    assistant = make_assistant(knowledge_copy)
    assert assistant.ask("Tell me about Khobi").answered
    (knowledge_copy / "articles" / "zugdidi.txt").write_text(
        "Zugdidi hackathon\n\nA civic hackathon on open data was held in Zugdidi with 75 "
        "young developers.",
        encoding="utf-8",
    )
    answer = assistant.ask("How many developers took part in the Zugdidi hackathon?")
    assert answer.answered and "75" in " ".join(
        s.text + " ".join(s.lines) for s in answer.sections
    )


def test_ask_keeps_answering_from_previous_knowledge_when_a_change_is_broken(
    make_assistant: Callable[[Path], Assistant],
    tmp_path: Path,
    knowledge_copy: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    assistant = make_assistant(knowledge_copy)
    assert assistant.ask("Who supported the study visit to France?").answered
    (knowledge_copy / "records" / "broken.yaml").write_text("- id: [\n", encoding="utf-8")
    answer = assistant.ask("Who supported the study visit to France?")
    assert answer.answered and answer.sources[0].id == "000_e8b87c44cc0140c8"
    assert "records/broken.yaml:" in caplog.text
    assert "answering from the previous version" in caplog.text


def test_two_processes_ingesting_the_same_change_at_once_both_succeed(
    settings: Settings, knowledge_copy: Path, tmp_path: Path
) -> None:
    """Bot replicas sharing a knowledge directory notice an edit together: the second waits
    for the first and finds the change stored, instead of colliding with its rows."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("REFORMBOT_")}
    env.update(
        REFORMBOT_DATA_DIR=str(settings.data_dir),
        REFORMBOT_KNOWLEDGE_DIR=str(knowledge_copy),
        REFORMBOT_DATABASE_URL=settings.effective_database_url,
    )
    env.pop("DATABASE_URL", None)
    Assistant(settings.model_copy(update={"knowledge_dir": knowledge_copy})).knowledge()
    (knowledge_copy / "articles" / "batumi.md").write_text(
        "---\ntitle: Batumi service hall\nlang: en\n---\nThe hall opens in May.\n",
        encoding="utf-8",
    )
    command = [sys.executable, "-m", "handlers.cli", "ingest"]
    runs = [
        subprocess.Popen(command, cwd=tmp_path, env=env, stderr=subprocess.PIPE, text=True)
        for _ in range(2)
    ]
    errors = [run.communicate(timeout=120)[1] for run in runs]
    assert [run.returncode for run in runs] == [0, 0], errors
    assistant = Assistant(settings.model_copy(update={"knowledge_dir": knowledge_copy}))
    assert list(titles(assistant).values()).count("Batumi service hall") == 1


def test_scraping_leftovers_are_stripped_from_what_is_quoted(
    make_assistant: Callable[[Path], Assistant], knowledge_copy: Path
) -> None:
    """A share button and a date widget's day glued to the text were quoted to readers
    ("გააზიარე:საჯარო სამსახურის …", "01სახელმწიფო …"); "4th" and "5G" are words."""
    (knowledge_copy / "articles" / "scraped.txt").write_text(
        "Scraped page\n\nგააზიარე:საჯარო სამსახურის ბიურო ტრენინგს ატარებს.\n\n"
        "01სახელმწიფო სერვისების სააგენტო გახსნა ოფისი.\n\nThe 4th floor hosts the 5G lab.\n",
        encoding="utf-8",
    )
    assistant = make_assistant(knowledge_copy)
    assistant.ingest()
    with assistant.sessions() as session:
        texts = " ".join(
            session.scalars(
                select(Passage.text).join(Article).where(Article.key == "scraped")
            ).all()
        )
    assert "გააზიარე" not in texts and "01სახელმწიფო" not in texts
    assert "საჯარო სამსახურის ბიურო" in texts and "სახელმწიფო სერვისების" in texts
    assert "4th floor" in texts and "5G lab" in texts
