"""With real distractor documents loaded (Greek laws, translated news, FLORES sentences), the
dev questions are still answered from the seeds, first, across languages and scripts."""

from __future__ import annotations

import json
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from bench.checks import failed_checks
from bot.answers.plain import to_plain_text
from bot.answers.quotes import in_reader_script
from bot.assistant import Assistant
from bot.cli import answer_json

DEV = Path(__file__).resolve().parents[1] / "data" / "dev.jsonl"
CASES = [json.loads(line) for line in DEV.read_text(encoding="utf-8").splitlines() if line]


def reply(assistant: Assistant, case: dict[str, Any]) -> dict[str, Any]:
    now = datetime.fromisoformat(case["now"]) if case.get("now") else None
    answer = assistant.ask(case["q"], lang=case.get("lang"), now=now)
    return answer_json(answer, to_plain_text(answer))


def test_distractors_are_loaded(distracted: Assistant) -> None:
    kb = distracted.knowledge()
    bulk = [a for a in kb.articles if "#" in a.path]
    assert len(bulk) > 300
    assert {a.lang for a in bulk} == {"el", "ka", "uz-Latn"}


@pytest.mark.parametrize("case", CASES, ids=[c["id"] for c in CASES])
def test_dev_question_passes_among_distractors(distracted: Assistant, case: dict) -> None:
    assert failed_checks(case, reply(distracted, case)) == []


@pytest.mark.parametrize("case", [c for c in CASES if c.get("sources")], ids=lambda c: c["id"])
def test_the_expected_article_is_the_first_source(distracted: Assistant, case: dict) -> None:
    assert reply(distracted, case)["sources"][0]["id"] in case["sources"]


def _cross_lingual(case: dict[str, Any]) -> bool:
    article_lang = {
        "000_e8b87c44cc0140c8": "ka",
        "001_0106050cdcbc44bc": "ka",
        "002_3054af4f405343fe": "ka",
        "003_e659eb4bafb63286": "uz-Cyrl",
        "004_93ea14b30314b68e": "el",
    }
    return bool(case.get("sources")) and article_lang[case["sources"][0]] != case["lang"]


CROSS = [c for c in CASES if _cross_lingual(c)]


def test_the_dev_set_has_cross_lingual_questions() -> None:
    assert {c["lang"] for c in CROSS} >= {"en", "ru", "uz-Latn"}


@pytest.mark.parametrize("case", CROSS, ids=[c["id"] for c in CROSS])
def test_cross_lingual_question_finds_the_article_and_quotes_it(
    distracted: Assistant, case: dict
) -> None:
    """An English, Russian or Latin-Uzbek question about a Georgian, Greek or Cyrillic-Uzbek
    article: found first, and the reply names it as the source."""
    answer = reply(distracted, case)
    assert answer["sources"][0]["id"] in case["sources"]
    source = answer["sources"][0]
    title = in_reader_script(source["title"], source["lang"], answer["lang"])  # Uzbek's script
    assert any(line.endswith(title) for line in answer["text"].splitlines()), answer["text"]


# Dev questions with the typos people make in Latin-script names and keywords.
TYPOS = [
    (
        "How many municpal employes were trained in Mtsketa?",
        "002_3054af4f405343fe",
        "search",  # a number, which the list of trainings does not give
        ["40"],
    ),
    (
        "What did the Public Servise Development Agency learn on its study visit to France?",
        "000_e8b87c44cc0140c8",
        "search",
        ["Public Service Development Agency"],
    ),
    (
        "Which internatonal organisations does Georgia's Civil Servise Bureau work with?",
        "001_0106050cdcbc44bc",
        "partners",
        ["NATO"],
    ),
    ("Which trainigs were held in Mtskheta?", "002_3054af4f405343fe", "trainings", ["40"]),
    (
        "Samarqand va Fargʻona viloyatlarida qanday loyha amalga oshirilmoqda?",
        "003_e659eb4bafb63286",
        "search",
        ["GIZ"],
    ),
]


@pytest.mark.parametrize(("question", "source", "intent", "facts"), TYPOS)
def test_misspelt_question_is_answered_like_the_right_one(
    distracted: Assistant, question: str, source: str, intent: str, facts: list[str]
) -> None:
    answer = distracted.ask(question)
    assert answer.answered and answer.intent == intent
    assert answer.sources[0].id == source
    text = to_plain_text(answer)
    assert all(fact in text for fact in facts), text
