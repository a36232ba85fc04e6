"""Alembic's environment: runs the migrations on the connection ``bot.migrate`` hands over.

The connection comes in ``config.attributes["connection"]``, already inside the transaction
(and, where needed, under the lock) ``bot.migrate`` took, so everything here commits or fails
together with that transaction.
"""

from __future__ import annotations

from alembic import context

from bot.models import Base


def run_migrations() -> None:
    connection = context.config.attributes.get("connection")
    if connection is None or context.is_offline_mode():
        raise RuntimeError(
            "run migrations through bot.migrate (`reformbot db upgrade`), which hands them a "
            "connection; there is no alembic.ini and no offline mode"
        )
    context.configure(
        connection=connection,
        target_metadata=Base.metadata,
        compare_type=True,
        # SQLite cannot ALTER most things in place; batch operations copy the table instead.
        # Rendered for every dialect, so a migration generated against PostgreSQL still runs
        # on SQLite (on PostgreSQL a batch is plain ALTER statements).
        render_as_batch=True,
    )
    with context.begin_transaction():
        context.run_migrations()


# Alembic runs this file with its context set up; a plain import (as tests that import every
# module do) only defines the function.
if hasattr(context, "config"):
    run_migrations()
