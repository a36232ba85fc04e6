"""A running bot's knowledge: a change is ingested away from the questions, which the previous
knowledge answers until the new one is ready."""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from pathlib import Path

import pytest

from bot.answers.plain import to_plain_text
from bot.assistant import Assistant
from bot.text.analyzer import default_glossary
from tests.conftest import MakeSettings

ARTICLE = """---
title: Public procurement training in Zestaponi
lang: en
---
A training on public procurement for municipal staff was held in Zestaponi in March 2026.
"""
QUESTION = "Where was the training on public procurement held?"


def wait_until(condition: Callable[[], bool], seconds: float = 90.0) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.05)
    return True


@pytest.fixture
def running(tmp_path: Path, make_settings: MakeSettings, knowledge_copy: Path) -> Assistant:
    """An assistant as the bot runs one, looking for changes on every question."""
    settings = make_settings(tmp_path / "data", knowledge_copy)
    assistant = Assistant(settings, background=True, store_check_seconds=0)
    assistant.knowledge()
    return assistant


def test_a_new_article_is_answered_once_ingested_and_not_before(
    running: Assistant, knowledge_copy: Path
) -> None:
    old = running.knowledge()
    (knowledge_copy / "articles" / "zestaponi.md").write_text(ARTICLE, encoding="utf-8")
    assert running.knowledge() is old  # at once: the ingestion runs in another process
    assert "Zestaponi" not in to_plain_text(running.ask(QUESTION))
    assert wait_until(lambda: running.knowledge() is not old)
    assert "Zestaponi" in to_plain_text(running.ask(QUESTION))
    running.wait_for_refresh()


def test_a_broken_file_leaves_the_previous_knowledge_answering(
    running: Assistant, knowledge_copy: Path, caplog: pytest.LogCaptureFixture
) -> None:
    old = running.knowledge()
    (knowledge_copy / "articles" / "zestaponi.md").write_text(ARTICLE, encoding="utf-8")
    (knowledge_copy / "records" / "broken.yaml").write_text("- id: X\n", encoding="utf-8")
    with caplog.at_level(logging.WARNING, logger="bot.assistant"):
        running.knowledge()
        running.wait_for_refresh()
    assert "records/broken.yaml:1: " in caplog.text  # the child's problems, file and line
    assert running.knowledge() is old
    assert "Zestaponi" not in to_plain_text(running.ask(QUESTION))
    (knowledge_copy / "records" / "broken.yaml").unlink()
    assert wait_until(lambda: running.knowledge() is not old)
    assert "Zestaponi" in to_plain_text(running.ask(QUESTION))
    running.wait_for_refresh()


def test_warm_up_reads_what_the_first_question_would_wait_for(running: Assistant) -> None:
    """The bot warms up at start (post_init): the lexicons are read then, not when the first
    person asks."""
    default_glossary.cache_clear()
    running.warm_up()
    assert default_glossary.cache_info().currsize == 1
    running.ask("Which workshops are planned?")
    assert default_glossary.cache_info().misses == 1  # not read again for the question
