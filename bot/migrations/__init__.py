"""Alembic migrations of the database schema; run them through :mod:`bot.migrate`.

There is no ``alembic.ini``: :func:`bot.migrate.alembic_config` builds the configuration in
code, so the bot, its command line and the tests all migrate the same way.
"""
