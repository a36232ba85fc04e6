"""The ``reformbot`` command as installed: the core's commands (bot.cli) and the two that
start the Telegram side, ``run`` (the bot) and ``worker`` (delivery only).

The process's composition root: it sees both layers, so the core never imports this one.
"""

from __future__ import annotations

import argparse
import logging
import sys
from typing import Any

from bot import cli
from bot.assistant import Assistant
from handlers.app import NotConfigured, run, work


def _log_to_console() -> None:
    """What a long-running process (the bot, a worker) tells its operator, with times."""
    logging.basicConfig(
        force=True, level=logging.INFO, format="%(asctime)s %(levelname)s %(name)s: %(message)s"
    )
    logging.getLogger("httpx").setLevel(logging.WARNING)  # its request lines carry the token


def cmd_run(assistant: Assistant, args: argparse.Namespace) -> int:
    _log_to_console()
    try:
        run(assistant.settings, webhook=args.webhook)
    except NotConfigured as exc:
        print(f"reformbot: {exc}", file=sys.stderr)
        return 1
    return 0


def cmd_worker(assistant: Assistant, _args: argparse.Namespace) -> int:
    _log_to_console()
    try:
        work(assistant.settings)
    except NotConfigured as exc:
        print(f"reformbot: {exc}", file=sys.stderr)
        return 1
    return 0


def telegram_commands(commands: Any) -> None:
    """``run`` and ``worker``, added to the core's subcommands."""
    started = commands.add_parser("run", help="start the Telegram bot (long polling by default)")
    started.add_argument(
        "--webhook",
        action="store_true",
        help="serve a webhook instead (REFORMBOT_WEBHOOK_URL, _SECRET, _LISTEN, _PORT)",
    )
    started.set_defaults(run=cmd_run)
    worker = commands.add_parser(
        "worker", help="only send announcements and reminders (beside `run` replicas)"
    )
    worker.set_defaults(run=cmd_worker)


def main(argv: list[str] | None = None) -> int:
    return cli.main(argv, extend=telegram_commands)


if __name__ == "__main__":
    sys.exit(main())
