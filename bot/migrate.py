"""Schema migrations: bring a database to the newest revision, cheaply, safely and once.

Every process that opens the database calls :func:`upgrade` (through ``bot.db.make_engine``):
the bot and its replicas, the command line, the tests. So it must be cheap when there is
nothing to do (one look at ``alembic_version``), safe when several processes start together
(they queue on a lock and look again once they hold it), and it must take over databases that
``Base.metadata.create_all`` made before migrations existed (stamped with the baseline).

There is no ``alembic.ini``: :func:`alembic_config` builds the configuration in code and hands
``bot/migrations/env.py`` the connection to run on.
"""

from __future__ import annotations

import fcntl
import functools
import logging
import shutil
import subprocess
from argparse import Namespace
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.operations.ops import MigrationScript
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from alembic.util import CommandError
from sqlalchemy import URL, Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.pool import NullPool

log = logging.getLogger(__name__)

MIGRATIONS_DIR = Path(__file__).resolve().parent / "migrations"
VERSION_TABLE = "alembic_version"
BASELINE = "0001"
# The tables create_all made before migrations existed (revision 0001); frozen, like 0001.
BASELINE_TABLES = frozenset(
    {
        "announcements",
        "articles",
        "deliveries",
        "exchanges",
        "meta",
        "passages",
        "records",
        "reminder_requests",
        "source_files",
        "staff",
        "subscriptions",
        "users",
    }
)
# pg_advisory_xact_lock key that serialises migrations of one PostgreSQL database: "reformbt".
LOCK_KEY = int.from_bytes(b"reformbt", "big")


class MigrationError(RuntimeError):
    """The database cannot be brought to the schema this version of the bot expects."""


@dataclass(frozen=True)
class Outcome:
    """What :func:`upgrade` did: the revision before (None: no revision) and after."""

    before: str | None
    after: str
    adopted: bool = False  # a pre-migration database was stamped with the baseline

    @property
    def changed(self) -> bool:
        return self.before != self.after


def alembic_config(connection: Connection | None = None) -> Config:
    """Alembic's configuration, built in code so no alembic.ini has to be found at run time.

    ``connection`` reaches ``env.py`` through ``config.attributes``; migrations run on it, in
    whatever transaction (and under whatever lock) the caller holds.
    """
    # Quiet: alembic would print its progress on stdout; callers say what happened themselves.
    config = Config(cmd_opts=Namespace(quiet=True))
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    # 0002_add_user_timezone.py: the order of the files is the order of the revisions.
    config.set_main_option("file_template", "%%(rev)s_%%(slug)s")
    config.attributes["connection"] = connection
    return config


@functools.cache
def head() -> str:
    """The newest revision; read from the migration files once per process (engines are made
    often, and each compares its database with this)."""
    found = ScriptDirectory.from_config(alembic_config()).get_current_head()
    if found is None:
        raise MigrationError(f"no migrations in {MIGRATIONS_DIR / 'versions'}")
    return found


def current_revision(connection: Connection) -> str | None:
    """The database's revision, or None when it has none (empty, or made before migrations).

    Read directly rather than through a MigrationContext, which logs two INFO lines each
    time: this runs every time an engine is made.
    """
    if not inspect(connection).has_table(VERSION_TABLE):
        return None
    return connection.execute(text(f"SELECT version_num FROM {VERSION_TABLE}")).scalar()


def upgrade(engine: Engine) -> Outcome:
    """Bring the database to the newest revision, adopting one made before migrations.

    Returns at once when it is already there. Otherwise takes the migration lock (PostgreSQL:
    an advisory lock; SQLite: a lock file next to the database), looks again, since another
    process may have migrated while this one waited, and migrates in one transaction.
    """
    target = head()
    with engine.connect() as connection:
        current = current_revision(connection)
    if current == target:
        return Outcome(current, current)
    with _locked_transaction(engine) as connection:
        return _upgrade_locked(connection, target)


def _upgrade_locked(connection: Connection, target: str) -> Outcome:
    current = current_revision(connection)
    if current == target:
        log.info("database already migrated to %s by another process", target)
        return Outcome(current, current)
    if current is not None and not _known(current):
        raise MigrationError(
            f"the database is at revision {current}, which this version of reformbot does "
            f"not know (its newest is {target}); it was migrated by a newer version"
        )
    adopted = False
    if current is None:
        tables = set(inspect(connection).get_table_names())
        if tables & BASELINE_TABLES:
            missing = BASELINE_TABLES - tables
            if missing:
                raise MigrationError(
                    "the database has some of the bot's tables but not "
                    f"{', '.join(sorted(missing))}; it was made by a version older than the "
                    f"migrations' baseline ({BASELINE}) and cannot be adopted automatically"
                )
            command.stamp(alembic_config(connection), BASELINE)
            adopted = True
            log.info(
                "database made before migrations: its tables are the baseline's, "
                "stamped revision %s",
                BASELINE,
            )
    command.upgrade(alembic_config(connection), "head")
    after = current_revision(connection)
    assert after == target, f"migrated to {after}, expected {target}"
    log.info("database migrated from %s to %s", current or "nothing", after)
    return Outcome(current, after, adopted)


def _known(revision: str) -> bool:
    try:
        return ScriptDirectory.from_config(alembic_config()).get_revision(revision) is not None
    except CommandError:
        return False


@contextmanager
def _locked_transaction(engine: Engine) -> Iterator[Connection]:
    """A connection in a transaction that only one migrating process holds at a time."""
    if engine.dialect.name == "postgresql":
        # Transactional DDL: the lock, the migrations and the new revision commit together,
        # and the lock is let go at commit, or when a dying process's connection closes.
        with engine.begin() as connection:
            connection.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
            yield connection
        return
    database = _sqlite_file(engine.url) if engine.dialect.name == "sqlite" else None
    if database is None:  # another dialect, or an in-memory SQLite only this process sees
        with engine.begin() as connection:
            yield connection
        return
    with _file_lock(database.with_name(database.name + ".migrate-lock")):
        migrator = _sqlite_migrator(engine.url)
        try:
            with migrator.begin() as connection:
                yield connection
                broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
                if broken:
                    raise MigrationError(f"migration broke foreign keys: {broken[:5]}")
        finally:
            migrator.dispose()


def _sqlite_file(url: URL) -> Path | None:
    database = url.database
    if not database or database == ":memory:" or url.query.get("mode") == "memory":
        return None
    return Path(database)


def _sqlite_migrator(url: URL) -> Engine:
    """A separate engine for migrating a SQLite file, unlike the application's in two ways.

    Foreign keys are off: batch operations copy a table and drop the old one, and with them
    on, that drop would cascade-delete the rows that refer to it. And the driver's own
    transaction handling is replaced by an explicit BEGIN IMMEDIATE, so DDL is inside the
    transaction (a failed migration leaves nothing half done) and other writers wait.
    """
    migrator = create_engine(url, poolclass=NullPool, connect_args={"timeout": 30})

    @event.listens_for(migrator, "connect")
    def _connect(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        dbapi_connection.isolation_level = None
        dbapi_connection.execute("PRAGMA foreign_keys=OFF")

    @event.listens_for(migrator, "begin")
    def _begin(connection: Connection) -> None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")

    return migrator


@contextmanager
def _file_lock(path: Path) -> Iterator[None]:
    """An exclusive flock on ``path``: released when the holder exits, even if it is killed."""
    with open(path, "a") as handle:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX)
        yield


def revision(engine: Engine, message: str) -> Path | None:
    """Write a migration for what the models have that the database lacks; developers' tool.

    The database is first brought to the newest revision, so the new migration contains only
    the changes to the models. Its id is the next number (0002, 0003, ...). Returns the new
    file, or None, writing nothing, when the models and the database already agree. When
    ruff is installed (a development dependency) the file is formatted with it.
    """
    upgrade(engine)
    revisions = ScriptDirectory.from_config(alembic_config()).walk_revisions()
    numbers = [int(script.revision) for script in revisions if script.revision.isdigit()]
    rev_id = f"{max(numbers, default=0) + 1:04d}"

    def skip_empty(
        _context: MigrationContext, _revision: object, directives: list[MigrationScript]
    ) -> None:
        if all(ops.is_empty() for ops in directives[0].upgrade_ops_list):
            directives.clear()

    with engine.begin() as connection:
        script = command.revision(
            alembic_config(connection),
            message,
            autogenerate=True,
            rev_id=rev_id,
            process_revision_directives=skip_empty,
        )
    if script is None or isinstance(script, list):
        return None
    path = Path(script.path)
    ruff = shutil.which("ruff")
    if ruff:
        subprocess.run([ruff, "check", "--fix", "--quiet", str(path)], check=False)
        subprocess.run([ruff, "format", "--quiet", str(path)], check=False)
    head.cache_clear()
    return path
