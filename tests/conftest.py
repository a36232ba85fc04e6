"""Shared fixtures: a real database in a temporary directory, the repository's knowledge."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from bot.service import Assistant
from bot.settings import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"


@pytest.fixture
def settings(tmp_path: Path) -> Settings:
    return Settings(data_dir=tmp_path / "data", knowledge_dir=KNOWLEDGE, _env_file=None)


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory) -> Assistant:
    """One assistant over the shipped knowledge, ingested once for the whole session."""
    data = tmp_path_factory.mktemp("data")
    return Assistant(Settings(data_dir=data, knowledge_dir=KNOWLEDGE, _env_file=None))


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the knowledge directory, for tests that edit content."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target
