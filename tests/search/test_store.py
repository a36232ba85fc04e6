"""The index is saved in the data directory, loaded by the next process instead of rebuilt,
rebuilt when its file is corrupt or the knowledge changed, and every process notices new
knowledge stored by another."""

from __future__ import annotations

import logging
import shutil
from pathlib import Path

import numpy as np
import pytest

from bot.answers.plain import to_plain_text
from bot.assistant import Assistant
from bot.search.store import IndexStore
from bot.settings import Settings
from tests.conftest import MakeSettings

QUESTION = "How many municipal employees were trained in Mtskheta?"
BUILT = "search index built and saved"
NEW_ARTICLE = """---
title: Batumi joins the e-governance network
lang: en
---
Thirty-two employees of Batumi Municipality took part in the e-governance network in 2024.
"""
NEW_QUESTION = "How many employees of Batumi Municipality took part?"


def index_files(settings: Settings) -> list[Path]:
    return sorted((settings.data_dir / "index").glob("index-*.npz"))


def make(settings: Settings, **options: float) -> Assistant:
    return Assistant(settings, **options)


def test_the_next_process_loads_the_saved_index(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.INFO, logger="bot.knowledge")
    first = to_plain_text(make(settings).ask(QUESTION))
    assert BUILT in caplog.text and len(index_files(settings)) == 1
    caplog.clear()
    again = make(settings)  # a restart: a new process over the same data directory
    assert to_plain_text(again.ask(QUESTION)) == first
    assert BUILT not in caplog.text


def test_a_corrupt_index_file_is_rebuilt(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    expected = to_plain_text(make(settings).ask(QUESTION))
    [path] = index_files(settings)
    path.write_bytes(path.read_bytes()[:1000])  # cut short, as by a full disk
    caplog.set_level(logging.INFO)
    assert to_plain_text(make(settings).ask(QUESTION)) == expected
    assert "unusable" in caplog.text and BUILT in caplog.text
    assert IndexStore(path.parent).load(path.stem.removeprefix("index-")) is not None


def test_changed_knowledge_gets_a_new_index(
    make_settings: MakeSettings,
    tmp_path: Path,
    knowledge_copy: Path,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settings = make_settings(tmp_path / "data", knowledge_copy)
    assistant = make(settings)
    assert not assistant.ask(NEW_QUESTION).answered
    [old] = index_files(settings)
    (knowledge_copy / "articles" / "batumi.md").write_text(NEW_ARTICLE, encoding="utf-8")
    answer = assistant.ask(NEW_QUESTION)
    assert answer.answered and answer.sources[0].id == "batumi"
    assert old in index_files(settings) and len(index_files(settings)) == 2
    caplog.set_level(logging.INFO, logger="bot.knowledge")
    assert make(settings).ask(NEW_QUESTION).answered
    assert BUILT not in caplog.text


def test_a_process_notices_knowledge_another_process_stored(
    make_settings: MakeSettings, tmp_path: Path, knowledge_copy: Path
) -> None:
    """Two machines share the database; each has its own copy of the knowledge directory and
    its own index files. The second ingests a change; the first answers from it next."""
    data = tmp_path / "data"
    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(knowledge_copy, elsewhere)
    here = make(
        make_settings(data, knowledge_copy),
        store_check_seconds=0,
    )
    assert not here.ask(NEW_QUESTION).answered
    (elsewhere / "articles" / "batumi.md").write_text(NEW_ARTICLE, encoding="utf-8")
    there = make(
        make_settings(data, elsewhere),
        sessions=here.sessions,
    )
    there.ingest()
    answer = here.ask(NEW_QUESTION)
    assert answer.answered and answer.sources[0].id == "batumi"


def test_saved_arrays_round_trip(tmp_path: Path) -> None:
    store = IndexStore(tmp_path)
    arrays = {"weights": np.arange(5.0), "terms": np.frombuffer(b"a\nb", dtype=np.uint8)}
    store.save("k1", arrays)
    loaded = store.load("k1")
    assert loaded is not None and all(np.array_equal(loaded[n], arrays[n]) for n in arrays)
    assert store.load("k2") is None
