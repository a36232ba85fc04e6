"""``reformbot ask`` keeps the JSON contract other tools read."""

from __future__ import annotations

import csv
import io
import json
import shutil
from datetime import UTC, datetime
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.assistant import Assistant
from bot.cli import main
from bot.publish import EventDraft, store_event
from bot.settings import PROJECT_ROOT, Settings
from bot.users import UserStore


@pytest.fixture(autouse=True)
def isolated(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    monkeypatch.setenv("REFORMBOT_DATA_DIR", str(tmp_path / "data"))
    monkeypatch.setenv("REFORMBOT_KNOWLEDGE_DIR", str(PROJECT_ROOT / "knowledge"))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_ask_json_fields(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(
        capsys,
        "ask",
        "--json",
        "Which workshops are coming up?",
        "--now",
        "2021-07-15T09:00:00+03:00",
    )
    reply = json.loads(out)
    assert code == 0
    assert set(reply) == {"lang", "intent", "answered", "text", "sources", "events"}
    assert (reply["lang"], reply["intent"], reply["answered"]) == ("en", "events", True)
    assert set(reply["sources"][0]) == {"id", "title", "path", "lang", "score"}
    assert reply["sources"][0]["path"] == "knowledge/articles/004_93ea14b30314b68e.txt"
    assert [e["start"] for e in reply["events"]] == [
        "2021-07-19T10:00:00+03:00",
        "2021-07-27T10:00:00+03:00",
    ]
    assert "19" in reply["text"] and "13, 2021" not in reply["text"]


def test_batch_prints_one_line_per_question_in_order(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    batch = tmp_path / "questions.jsonl"
    batch.write_text(
        '{"q": "Are there any upcoming workshops?", "now": "2026-11-22T12:00:00+00:00"}\n'
        '{"q": "What is the weather in Paris tomorrow?"}\n'
        '{"q": "Who supported the study visit to France?", "lang": "ru"}\n',
        encoding="utf-8",
    )
    code, out, _ = run(capsys, "ask", "--json", "--batch", str(batch))
    replies = [json.loads(line) for line in out.splitlines()]
    assert code == 0 and len(replies) == 3
    assert replies[0]["intent"] == "events" and replies[0]["events"] == []
    assert replies[0]["answered"] is True
    assert replies[1]["answered"] is False
    assert replies[2]["lang"] == "ru" and "Источник:" in replies[2]["text"]


def test_plain_text_answer(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "ask", "--lang", "uz-Latn", "Who supported the study visit?")
    assert code == 0 and "Manba:" in out


def test_bad_batch_line_names_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    batch = tmp_path / "bad.jsonl"
    batch.write_text('{"q": "ok"}\n{"question": "no q"}\n', encoding="utf-8")
    with pytest.raises(SystemExit, match=r"bad\.jsonl:2: not a question line"):
        main(["ask", "--batch", str(batch)])


def test_bad_lang_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit):
        main(["ask", "--lang", "fr", "hello"])
    assert "choose one of en, ka, uz-Cyrl, uz-Latn, el, ru" in capsys.readouterr().err


def test_ingest_failure_is_reported_and_exit_code_is_1(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    knowledge = tmp_path / "kb"
    (knowledge / "articles").mkdir(parents=True)
    (knowledge / "articles" / "bad.jsonl").write_text("{oops\n", encoding="utf-8")
    monkeypatch.setenv("REFORMBOT_KNOWLEDGE_DIR", str(knowledge))
    code, _out, err = run(capsys, "ingest")
    assert code == 1
    assert "articles/bad.jsonl:1: not valid JSON" in err
    assert "previous version stays live" in err


def test_invalid_setting_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFORMBOT_DEFAULT_LANG", "fr")
    code, _out, err = run(capsys, "ask", "hello")
    assert code == 1
    assert err.strip().splitlines() == [
        "reformbot: invalid setting DEFAULT_LANG: Value error, must be one of "
        "en, ka, uz-Cyrl, uz-Latn, el, ru, az, hy"
    ]


def test_unknown_time_zone_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("REFORMBOT_TIMEZONE", "Mars/Olympus")
    code, _out, err = run(capsys, "ask", "hello")
    assert code == 1
    assert err.strip().splitlines() == [
        "reformbot: invalid setting TIMEZONE: Value error, unknown time zone 'Mars/Olympus'"
    ]


def test_an_unusable_data_folder_is_one_clear_line(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    """A data folder that cannot be written was a 115-line traceback at start-up."""
    occupied = tmp_path / "a-file"
    occupied.write_text("not a folder", encoding="utf-8")
    monkeypatch.setenv("REFORMBOT_DATA_DIR", str(occupied / "data"))
    monkeypatch.delenv("REFORMBOT_DATABASE_URL", raising=False)
    code, _out, err = run(capsys, "ask", "hello")
    assert code == 1
    assert err.strip().splitlines() == [f"reformbot: Not a directory ({occupied / 'data'})"]


QUESTION = "Who supported the study visit to France?"


def test_chat_answers_each_line_and_switches_language(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        "sys.stdin",
        io.StringIO("\n".join([QUESTION, "/lang ru", QUESTION, "/help", ""])),
    )
    code, out, _ = run(capsys, "chat")
    assert code == 0
    assert out.startswith(
        "Ask a question. /lang en, ka, uz-Cyrl, uz-Latn, el, ru, az, hy switches"
    )
    assert out.count("Задайте вопрос. /lang") == 1 and out.count("Источник:") == 1  # /help
    assert "Source:" in out and "Источник:" in out
    assert "Теперь я буду отвечать на русском языке." in out


def test_feedback_lists_votes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    from datetime import UTC, datetime

    from bot.answers import Answer
    from bot.db import make_engine, make_sessionmaker
    from bot.settings import Settings
    from bot.users import UserStore

    now = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)
    users = UserStore(make_sessionmaker(make_engine(Settings(_env_file=None))))
    users.seen(7, 7, first_name="A", language_code="ru", now=now)
    exchange = users.record_exchange(7, "Кто партнёры?", Answer("ru", "partners", True), now)
    users.vote(exchange, 7, -1, now)
    code, out, _ = run(capsys, "feedback")
    assert code == 0
    assert out.strip() == "2026-11-22 12:00 -1 [ru] 'Кто партнёры?' → -"


def test_ingest_shows_the_language_each_article_was_labelled(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    knowledge = tmp_path / "kb"
    (knowledge / "articles").mkdir(parents=True)
    (knowledge / "articles" / "news.txt").write_text(
        "NATO's school trains civil servants\n\n"
        "The NATO school's course for Georgia's civil servants starts in March. It is the "
        "programme's third year, and the trainers come from the Civil Service Bureau.\n",
        encoding="utf-8",
    )
    (knowledge / "articles" / "declared.md").write_text(
        "---\nlang: ru\n---\nСеминар для госслужащих пройдёт в марте.\n", encoding="utf-8"
    )
    monkeypatch.setenv("REFORMBOT_KNOWLEDGE_DIR", str(knowledge))
    monkeypatch.setenv("REFORMBOT_DATA_DIR", str(tmp_path / "data"))
    code, out, _err = run(capsys, "ingest")
    assert code == 0
    assert "articles/news.txt: en (detected)" in out.splitlines()
    assert "articles/declared.md: ru" in out.splitlines()


def test_ask_explain_shows_the_analysis_and_why_it_refused(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, out, err = run(capsys, "ask", "--explain", "ra treningebi chatarda Kutaisshi?")
    assert code == 0
    assert "typed in Latin letters" in err and "read as: რა " in err
    assert "matched by sound:" in err and "→ტრენინგ" in err
    assert "decision: refused, no document names" in err
    code, out, err = run(capsys, "ask", "Which trainings were held in Kutaisi?")
    assert err == "" and out.startswith("I have nothing about Kutaisi.")


def test_ask_explain_says_how_a_passage_in_another_language_was_judged(
    capsys: pytest.CaptureFixture[str],
) -> None:
    """A foreign passage is judged on the words two languages can share, and on the question's
    names: --explain shows both for every candidate."""
    code, _out, err = run(
        capsys,
        "ask",
        "--explain",
        "Сколько сотрудников прошли обучение в Мцхете?",
    )
    assert code == 0
    assert "as foreign" in err
    code, _out, err = run(capsys, "ask", "--explain", "Which workshops were held in Khobi?")
    assert "lacks a name" in err


def test_export_writes_what_was_published_as_knowledge_files(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """An event published through the bot lives in the database; ``reformbot export`` writes
    it out, and a fresh database ingesting the exported directory answers with it."""
    assistant = Assistant(Settings())
    assistant.knowledge()
    start = datetime(2027, 3, 1, 10, 0, tzinfo=ZoneInfo("Asia/Tbilisi"))
    draft = EventDraft("Open data for municipalities", "workshop", "Asia/Tbilisi", start, "en")
    published = store_event(
        assistant.sessions, draft, now=datetime(2027, 1, 15, tzinfo=UTC), author=42
    )
    assistant.ingest()
    exported = tmp_path / "exported"
    shutil.copytree(PROJECT_ROOT / "knowledge", exported)
    code, out, _err = run(capsys, "export", "--to", str(exported))
    assert code == 0 and out.endswith(f"2 published file(s) written under {exported}\n")
    record_file = exported / published.record_path
    assert "42" not in record_file.read_text(encoding="utf-8").splitlines()[0]

    monkeypatch.setenv("REFORMBOT_DATA_DIR", str(tmp_path / "elsewhere"))
    monkeypatch.setenv("REFORMBOT_KNOWLEDGE_DIR", str(exported))
    code, out, _err = run(
        capsys,
        "ask",
        "--json",
        "--now",
        "2027-02-01T00:00:00+00:00",
        "Which workshops are coming?",
    )
    assert [e["id"] for e in json.loads(out)["events"]] == [published.record.id]


def test_stats_csv_counts_questions_per_day_and_language(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    """The same figures as /stats, as rows a spreadsheet reads."""
    assistant = Assistant(Settings(data_dir=tmp_path / "data", _env_file=None))
    users = UserStore(assistant.sessions)
    now = datetime.now(UTC)
    for user_id, question in ((1, "რა ტრენინგები ჩატარდა ხობში?"), (2, "Helicopters in Kutaisi?")):
        users.seen(user_id, user_id, first_name="x", language_code="en", now=now)
        users.record_exchange(user_id, question, assistant.ask(question), now)
    code, out, _ = run(capsys, "stats", "--csv")
    rows = list(csv.reader(io.StringIO(out)))
    assert code == 0 and rows[0] == ["section", "key", "lang", "value"]
    today = now.astimezone(UTC).date().isoformat()
    assert ["questions", today, "ka", "1"] in rows and ["questions", today, "en", "1"] in rows
    assert ["answered", "questions", "", "1"] in rows
    assert ["topics", "training", "", "1"] in rows
