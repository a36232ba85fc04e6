"""Shared fixtures: a real database for each test, the repository's knowledge.

Every test that touches the database runs on SQLite and, when ``TEST_DATABASE_URL`` names a
PostgreSQL server, on PostgreSQL too (``.ci/run`` sets it). On PostgreSQL each data directory a
test uses gets a schema of its own (``search_path`` in the URL), so tests never meet and
processes started by a test reach the same data through the same URL.
"""

from __future__ import annotations

import os
import shutil
import uuid
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from sqlalchemy import create_engine, make_url, text

from bot.assistant import Assistant
from bot.settings import PROJECT_ROOT, Settings

KNOWLEDGE = PROJECT_ROOT / "knowledge"
TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
BACKENDS = ["sqlite", *(["postgresql"] if TEST_DATABASE_URL else [])]
SCHEMA_PREFIX = "rbtest_"


class Databases:
    """Hands out one database per data directory: None (the SQLite file the settings put in
    data_dir) or a fresh PostgreSQL schema, dropped when the session ends."""

    def __init__(self, server_url: str | None) -> None:
        self.server_url = server_url
        self.urls: dict[Path, str] = {}
        self.prefix = f"{SCHEMA_PREFIX}{os.getpid()}_"
        if server_url:
            self._drop_abandoned()

    def url_for(self, backend: str, data_dir: Path) -> str | None:
        if backend == "sqlite":
            return None
        assert self.server_url, "postgresql needs TEST_DATABASE_URL"
        if data_dir not in self.urls:
            schema = f"{self.prefix}{uuid.uuid4().hex[:12]}"
            with self._engine().begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = make_url(self.server_url).update_query_dict(
                {"options": f"-csearch_path={schema}"}
            )
            self.urls[data_dir] = url.render_as_string(hide_password=False)
        return self.urls[data_dir]

    def close(self) -> None:
        if self.server_url:
            self._drop(lambda schema: schema.startswith(self.prefix))

    def _drop_abandoned(self) -> None:
        """Schemas of test runs that were interrupted: their process is gone. Another run
        on the same server at the same time keeps its own."""

        def abandoned(schema: str) -> bool:
            pid = schema.removeprefix(SCHEMA_PREFIX).partition("_")[0]
            if not pid.isdigit():
                return True
            try:
                os.kill(int(pid), 0)
            except ProcessLookupError:
                return True
            except PermissionError:
                return False
            return False

        self._drop(abandoned)

    def _engine(self):  # type: ignore[no-untyped-def]
        return create_engine(self.server_url, isolation_level="AUTOCOMMIT")

    def _drop(self, which: Callable[[str], bool]) -> None:
        engine = self._engine()
        with engine.connect() as connection:
            schemas = connection.scalars(
                text("SELECT nspname FROM pg_namespace WHERE nspname LIKE :p"),
                {"p": f"{SCHEMA_PREFIX}%"},
            ).all()
            for schema in filter(which, schemas):
                connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        engine.dispose()


@pytest.fixture(scope="session")
def databases() -> Iterator[Databases]:
    found = Databases(TEST_DATABASE_URL)
    yield found
    found.close()


@pytest.fixture(scope="session", params=BACKENDS)
def backend(request: pytest.FixtureRequest) -> str:
    return request.param


MakeSettings = Callable[..., Settings]


@pytest.fixture(scope="session")
def make_settings(backend: str, databases: Databases) -> MakeSettings:
    """Settings on this test's backend; the same data_dir means the same database."""

    def make(data_dir: Path, knowledge_dir: Path = KNOWLEDGE, **changes: object) -> Settings:
        settings = Settings(data_dir=data_dir, knowledge_dir=knowledge_dir, _env_file=None)
        url = databases.url_for(backend, data_dir)
        return settings.model_copy(update={"database_url": url, **changes})

    return make


@pytest.fixture
def settings(tmp_path: Path, make_settings: MakeSettings) -> Settings:
    return make_settings(tmp_path / "data")


@pytest.fixture(scope="session")
def assistant(tmp_path_factory: pytest.TempPathFactory, make_settings: MakeSettings) -> Assistant:
    """One assistant over the shipped knowledge, ingested once per backend."""
    return Assistant(make_settings(tmp_path_factory.mktemp("data")))


@pytest.fixture
def knowledge_copy(tmp_path: Path) -> Path:
    """A writable copy of the knowledge directory, for tests that edit content."""
    target = tmp_path / "knowledge"
    shutil.copytree(KNOWLEDGE, target)
    return target


def database_env(settings: Settings) -> dict[str, str]:
    """What a child process needs in its environment to use the test's database."""
    return {"REFORMBOT_DATABASE_URL": settings.database_url} if settings.database_url else {}
