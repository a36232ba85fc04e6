"""An assistant whose knowledge is the seeds and records plus real distractor documents."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.assistant import Assistant
from bot.settings import PROJECT_ROOT
from tests.conftest import MakeSettings

DATA = Path(__file__).resolve().parents[1] / "data"


@pytest.fixture(scope="session")
def distracted(tmp_path_factory: pytest.TempPathFactory, make_settings: MakeSettings) -> Assistant:
    """The shipped knowledge with tests/data/distractors/*.jsonl beside the seed articles."""
    root = tmp_path_factory.mktemp("distracted")
    knowledge = root / "knowledge"
    shutil.copytree(PROJECT_ROOT / "knowledge", knowledge)
    for path in sorted((DATA / "distractors").glob("*.jsonl")):
        shutil.copy(path, knowledge / "articles" / path.name)
    return Assistant(make_settings(root / "data", knowledge))
