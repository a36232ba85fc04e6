"""Fixtures of the ingestion tests."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from bot.assistant import Assistant
from tests.conftest import MakeSettings


@pytest.fixture
def make_assistant(tmp_path: Path, make_settings: MakeSettings) -> Callable[[Path], Assistant]:
    """An assistant over ``knowledge`` on this test's database."""
    return lambda knowledge: Assistant(make_settings(tmp_path / "data", knowledge))
