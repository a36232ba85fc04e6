"""Schema migrations: they build exactly the models' schema, take over databases made before
them, run once when many processes start together, and fail whole or not at all."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import Column, Engine, MetaData, String, inspect, text

from bot import migrate
from bot.cli import main
from bot.db import make_engine, make_sessionmaker
from bot.models import Base
from bot.settings import Settings
from bot.users import UserStore
from tests.conftest import KNOWLEDGE, database_env

NOW = datetime(2026, 11, 22, 12, 0, tzinfo=UTC)


def schema_diff(engine: Engine, metadata: MetaData = Base.metadata) -> list:
    """What autogenerate would still have to do to make the database match ``metadata``."""
    with engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True})
        return compare_metadata(context, metadata)


def revision_of(engine: Engine) -> str | None:
    with engine.connect() as connection:
        return migrate.current_revision(connection)


def tables_of(engine: Engine) -> set[str]:
    with engine.connect() as connection:
        return set(inspect(connection).get_table_names())


def pre_migration_database(engine: Engine) -> None:
    """A database as ``Base.metadata.create_all`` left it before migrations: the baseline's
    tables, no ``alembic_version``. Built from the baseline revision rather than today's
    models, which will move on; that the two agree is what the head comparison checks."""
    with engine.begin() as connection:
        command.upgrade(migrate.alembic_config(connection), migrate.BASELINE)
        connection.execute(text(f"DROP TABLE {migrate.VERSION_TABLE}"))


@pytest.fixture
def sqlite_settings(tmp_path: Path) -> Settings:
    """A SQLite file, whatever the backend: for what only SQLite does."""
    settings = Settings(data_dir=tmp_path / "sqlite", knowledge_dir=KNOWLEDGE, _env_file=None)
    return settings.model_copy(update={"database_url": None})


@pytest.fixture
def scripts(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Path]:
    """A copy of bot/migrations that the test may add revisions to."""
    copy = tmp_path / "migrations"
    shutil.copytree(migrate.MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    monkeypatch.setattr(migrate, "MIGRATIONS_DIR", copy)
    migrate.head.cache_clear()
    yield copy
    migrate.head.cache_clear()


def add_revision(scripts: Path, body: str) -> str:
    """Write revision head+1 with the given upgrade() body; returns its id."""
    previous = migrate.head()
    revision = f"{int(previous) + 1:04d}"
    (scripts / "versions" / f"{revision}_test.py").write_text(
        f"import sqlalchemy as sa\nfrom alembic import op\n\n"
        f"revision = {revision!r}\ndown_revision = {previous!r}\n"
        f"branch_labels = None\ndepends_on = None\n\n\n"
        f"def upgrade() -> None:\n{body}\n",
        encoding="utf-8",
    )
    migrate.head.cache_clear()
    return revision


# The schema ------------------------------------------------------------------------------------


def test_migrations_build_exactly_the_models_schema(settings: Settings) -> None:
    engine = make_engine(settings)
    assert revision_of(engine) == migrate.head()
    assert schema_diff(engine) == []
    # The comparison sees what it guards against: a model column without a migration.
    extended = MetaData()
    for table in Base.metadata.sorted_tables:
        table.to_metadata(extended)
    extended.tables["users"].append_column(Column("timezone", String(64), nullable=True))
    [(operation, _schema, table, column)] = schema_diff(engine, extended)
    assert (operation, table, column.name) == ("add_column", "users", "timezone")


def test_a_fresh_database_is_migrated_once(
    settings: Settings, monkeypatch: pytest.MonkeyPatch
) -> None:
    engine = make_engine(settings, migrate=False)
    assert migrate.upgrade(engine) == migrate.Outcome(None, migrate.head())

    def no_lock(_engine: Engine) -> None:
        raise AssertionError("a database at head must not wait for the migration lock")

    monkeypatch.setattr(migrate, "_locked_transaction", no_lock)
    head = migrate.head()
    assert migrate.upgrade(engine) == migrate.Outcome(head, head)
    make_engine(settings)  # what every process does at start


# Databases made before migrations --------------------------------------------------------------


def test_a_database_made_before_migrations_is_adopted(
    settings: Settings, caplog: pytest.LogCaptureFixture
) -> None:
    engine = make_engine(settings, migrate=False)
    pre_migration_database(engine)
    users = UserStore(make_sessionmaker(engine))
    users.seen(1, 10, first_name="A", language_code="ka", now=NOW)

    with caplog.at_level("INFO", logger="bot.migrate"):
        outcome = migrate.upgrade(engine)

    assert outcome == migrate.Outcome(None, migrate.head(), adopted=True)
    assert f"stamped revision {migrate.BASELINE}" in caplog.text
    assert revision_of(engine) == migrate.head()
    assert schema_diff(engine) == []
    assert users.is_blocked(1) is False  # the row is still there, and the store works
    users.mark_blocked(10)
    assert users.is_blocked(1)


def test_a_database_older_than_the_baseline_is_refused_untouched(settings: Settings) -> None:
    engine = make_engine(settings, migrate=False)
    with engine.begin() as connection:
        connection.execute(text("CREATE TABLE meta (key VARCHAR(64) PRIMARY KEY, value TEXT)"))
    with pytest.raises(migrate.MigrationError, match="not announcements, articles, deliveries"):
        migrate.upgrade(engine)
    assert tables_of(engine) == {"meta"}


def test_a_database_migrated_by_a_newer_version_is_refused(
    settings: Settings, capsys: pytest.CaptureFixture[str], cli_env: None
) -> None:
    engine = make_engine(settings)
    with engine.begin() as connection:
        connection.execute(text(f"UPDATE {migrate.VERSION_TABLE} SET version_num = '9999'"))
    with pytest.raises(migrate.MigrationError, match="revision 9999, which this version"):
        make_engine(settings)
    assert main(["db", "upgrade"]) == 1
    assert "reformbot: database not migrated: the database is at revision 9999" in (
        capsys.readouterr().err
    )
    assert revision_of(engine) == "9999"


# Several processes at once ---------------------------------------------------------------------


def test_concurrent_upgrades_of_a_fresh_database_migrate_it_once(settings: Settings) -> None:
    starters = 4
    engines = [make_engine(settings, migrate=False) for _ in range(starters)]
    together = threading.Barrier(starters)
    outcomes: list[migrate.Outcome] = []
    errors: list[BaseException] = []

    def start(engine: Engine) -> None:
        together.wait()
        try:
            outcomes.append(migrate.upgrade(engine))
        except BaseException as exc:
            errors.append(exc)

    threads = [threading.Thread(target=start, args=(engine,)) for engine in engines]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    head = migrate.head()
    assert sorted(outcomes, key=lambda o: o.before or "") == [
        migrate.Outcome(None, head),
        *[migrate.Outcome(head, head)] * (starters - 1),
    ]
    assert revision_of(engines[0]) == head
    assert schema_diff(engines[0]) == []


def test_a_new_sqlite_file_is_opened_while_another_process_writes_to_it(
    sqlite_settings: Settings,
) -> None:
    settings = sqlite_settings
    settings.data_dir.mkdir(parents=True)
    other = sqlite3.connect(
        settings.data_dir / "reformbot.sqlite3", isolation_level=None, check_same_thread=False
    )
    other.execute("BEGIN IMMEDIATE")  # still in rollback-journal mode: WAL cannot be set yet
    other.execute("CREATE TABLE other (id INTEGER)")
    done = threading.Timer(0.3, other.execute, ["COMMIT"])
    done.start()
    engine = make_engine(settings)  # SQLite refuses the WAL switch at once; it must wait
    done.join()
    assert revision_of(engine) == migrate.head()
    with engine.connect() as connection:
        assert connection.exec_driver_sql("PRAGMA journal_mode").scalar() == "wal"


@contextmanager
def migration_lock(engine: Engine, settings: Settings) -> Iterator[Callable[[], int]]:
    """Hold the lock ``bot.migrate`` takes; yields how many others are waiting for it."""
    if engine.dialect.name == "postgresql":
        with engine.connect() as connection:
            connection.execute(text("SELECT pg_advisory_lock(:key)"), {"key": migrate.LOCK_KEY})
            connection.commit()

            def waiting() -> int:
                with engine.connect() as other:
                    return other.execute(
                        text(
                            "SELECT count(*) FROM pg_locks WHERE locktype = 'advisory' "
                            "AND NOT granted AND classid = :high AND objid = :low"
                        ),
                        {"high": migrate.LOCK_KEY >> 32, "low": migrate.LOCK_KEY & 0xFFFFFFFF},
                    ).scalar_one()

            try:
                yield waiting
            finally:
                connection.execute(
                    text("SELECT pg_advisory_unlock(:key)"), {"key": migrate.LOCK_KEY}
                )
        return
    path = settings.data_dir / "reformbot.sqlite3.migrate-lock"
    with migrate._file_lock(path):
        inode = f":{os.stat(path).st_ino} "

        def waiting() -> int:  # blocked flock requests are listed with "->" in /proc/locks
            lines = Path("/proc/locks").read_text().splitlines()
            return sum("->" in line and inode in line for line in lines)

        yield waiting


def test_processes_started_together_wait_for_one_migration(
    settings: Settings, tmp_path: Path
) -> None:
    engine = make_engine(settings, migrate=False)
    env = {k: v for k, v in os.environ.items() if not k.endswith("DATABASE_URL")}
    env.update(REFORMBOT_DATA_DIR=str(settings.data_dir), **database_env(settings))
    with migration_lock(engine, settings) as waiting:
        processes = [
            subprocess.Popen(
                [sys.executable, "-m", "handlers.cli", "db", "upgrade"],
                cwd=tmp_path,
                env=env,
                stdout=subprocess.PIPE,
                stderr=subprocess.PIPE,
                text=True,
            )
            for _ in range(2)
        ]
        deadline = time.monotonic() + 60
        while waiting() < 2 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert waiting() == 2, "both processes should be waiting for the lock"
        assert [p.poll() for p in processes] == [None, None]
    results = [p.communicate(timeout=60) for p in processes]
    assert [p.returncode for p in processes] == [0, 0], results
    head = migrate.head()
    outputs = sorted(out for out, _err in results)
    assert outputs == [
        f"database at revision {head} (head)\n",
        f"upgraded from nothing to {head}\ndatabase at revision {head} (head)\n",
    ]
    assert schema_diff(engine) == []


# Failures and SQLite's table copies ------------------------------------------------------------


def test_a_failing_migration_leaves_the_database_as_it_was(
    settings: Settings, scripts: Path
) -> None:
    engine = make_engine(settings)
    before = migrate.head()
    add_revision(
        scripts,
        '    op.create_table("half_done", sa.Column("id", sa.Integer, primary_key=True))\n'
        '    op.add_column("users", sa.Column("timezone", sa.String(64)))\n'
        '    raise RuntimeError("the migration fails midway")',
    )
    with pytest.raises(RuntimeError, match="fails midway"):
        migrate.upgrade(engine)
    assert revision_of(engine) == before
    assert "half_done" not in tables_of(engine)
    with engine.connect() as connection:
        columns = {c["name"] for c in inspect(connection).get_columns("users")}
    assert "timezone" not in columns


def test_sqlite_table_copies_keep_the_rows_that_refer_to_the_table(
    sqlite_settings: Settings, scripts: Path
) -> None:
    engine = make_engine(sqlite_settings)
    users = UserStore(make_sessionmaker(engine))
    users.seen(1, 10, first_name="A", language_code=None, now=NOW)
    assert users.request_reminder(1, "event-1", NOW)
    add_revision(
        scripts,
        '    with op.batch_alter_table("users", recreate="always") as batch:\n'
        '        batch.add_column(sa.Column("timezone", sa.String(64)))',
    )
    migrate.upgrade(engine)
    with engine.connect() as connection:
        assert connection.execute(text("SELECT count(*) FROM reminder_requests")).scalar() == 1
        assert connection.execute(text("SELECT timezone FROM users")).all() == [(None,)]


# The command line ------------------------------------------------------------------------------


@pytest.fixture
def cli_env(settings: Settings, monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """``reformbot`` in this process, on the test's database."""
    monkeypatch.setenv("REFORMBOT_DATA_DIR", str(settings.data_dir))
    monkeypatch.delenv("DATABASE_URL", raising=False)
    monkeypatch.delenv("REFORMBOT_DATABASE_URL", raising=False)
    for name, value in database_env(settings).items():
        monkeypatch.setenv(name, value)
    monkeypatch.chdir(tmp_path)


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def test_db_current_and_upgrade(
    settings: Settings, capsys: pytest.CaptureFixture[str], cli_env: None
) -> None:
    head = migrate.head()
    assert run(capsys, "db", "current") == (
        0,
        f"database has no revision (empty, or made before migrations); head is {head}\n",
        "",
    )
    assert run(capsys, "db", "upgrade") == (
        0,
        f"upgraded from nothing to {head}\ndatabase at revision {head} (head)\n",
        "",
    )
    assert run(capsys, "db", "current") == (0, f"database at revision {head} (head)\n", "")
    assert run(capsys, "db", "upgrade") == (0, f"database at revision {head} (head)\n", "")
    assert revision_of(make_engine(settings, migrate=False)) == head


def test_db_upgrade_adopts_a_database_made_before_migrations(
    settings: Settings, capsys: pytest.CaptureFixture[str], cli_env: None
) -> None:
    pre_migration_database(make_engine(settings, migrate=False))
    code, out, _ = run(capsys, "db", "upgrade")
    head = migrate.head()
    assert code == 0
    assert out.startswith(
        f"adopted a database made before migrations: stamped {migrate.BASELINE}\n"
    )
    assert out.endswith(f"database at revision {head} (head)\n")


def test_db_current_names_a_database_behind_head(
    settings: Settings, capsys: pytest.CaptureFixture[str], cli_env: None, scripts: Path
) -> None:
    make_engine(settings)
    old = migrate.head()
    new = add_revision(scripts, '    op.create_index("ix_users_chat_id", "users", ["chat_id"])')
    assert run(capsys, "db", "current") == (
        0,
        f"database at revision {old}, head is {new}; run reformbot db upgrade\n",
        "",
    )
    assert run(capsys, "db", "upgrade") == (
        0,
        f"upgraded from {old} to {new}\ndatabase at revision {new} (head)\n",
        "",
    )


def test_db_revision_writes_the_missing_change_as_the_next_revision(
    settings: Settings, capsys: pytest.CaptureFixture[str], cli_env: None, scripts: Path
) -> None:
    engine = make_engine(settings)
    previous = migrate.head()
    files = sorted((scripts / "versions").glob("*.py"))
    code, _, err = run(capsys, "db", "revision", "-m", "nothing")
    assert (code, err) == (1, "the models and the database agree: no migration written\n")
    assert sorted((scripts / "versions").glob("*.py")) == files

    with engine.begin() as connection:  # as if the models had gained this index
        connection.execute(text("DROP INDEX ix_subscriptions_topic"))
    code, out, _ = run(capsys, "db", "revision", "-m", "Index subscriptions by topic")
    expected = f"{int(previous) + 1:04d}"
    path = Path(out.strip())
    assert (code, path) == (
        0,
        scripts / "versions" / f"{expected}_index_subscriptions_by_topic.py",
    )
    source = path.read_text(encoding="utf-8")
    assert f'revision = "{expected}"' in source
    assert f'down_revision = "{previous}"' in source
    assert "ix_subscriptions_topic" in source

    migrate.upgrade(engine)  # the new revision makes the database match the models again
    assert revision_of(engine) == expected
    assert schema_diff(engine) == []
