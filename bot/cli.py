"""The ``reformbot`` command: ask and maintain the knowledge base without Telegram (``ask``,
``chat``, ``ingest``, ``export``, ``feedback``, ``staff``, ``announcements``, ``db``). The
commands that start the Telegram side (``run``, ``worker``) are added by handlers.cli, the
installed entry point, so that the core never imports the Telegram layer."""

from __future__ import annotations

import argparse
import json
import logging
import sys
from collections.abc import Callable
from dataclasses import asdict
from datetime import datetime
from pathlib import Path
from typing import Any

from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError

from bot import content, migrate, stats
from bot.answers import Answer
from bot.answers.plain import to_plain_text
from bot.assistant import Assistant
from bot.broadcast.outbox import Outbox
from bot.clock import wall
from bot.db import make_engine, reason
from bot.i18n import N_, translations
from bot.ingest.problems import IngestError
from bot.languages import SUPPORTED
from bot.settings import Settings
from bot.staff import Role, StaffStore
from bot.users import UserStore


def _lang(value: str) -> str:
    for tag in SUPPORTED:
        if value.replace("_", "-").lower() == tag.lower():
            return tag
    raise argparse.ArgumentTypeError(f"choose one of {', '.join(SUPPORTED)}")


def _moment(value: str) -> datetime:
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            "expected ISO 8601, e.g. 2021-07-15T09:00:00+03:00"
        ) from None
    if moment.tzinfo is None:
        raise argparse.ArgumentTypeError("include a UTC offset, e.g. +03:00 or Z")
    return moment


def answer_json(answer: Answer, text: str) -> dict:
    """The JSON contract of ``reformbot ask --json`` (see README, "Answer JSON")."""
    return {
        "lang": answer.lang,
        "intent": answer.intent,
        "answered": answer.answered,
        "text": text,
        "sources": [asdict(s) for s in answer.sources],
        "events": [asdict(e) for e in answer.events],
    }


def _print(answer: Answer, as_json: bool, explain: bool = False) -> None:
    if explain:
        print("\n".join(answer.explain), file=sys.stderr)
    text = to_plain_text(answer)
    print(json.dumps(answer_json(answer, text), ensure_ascii=False) if as_json else text)


def read_batch(path: Path) -> list[dict]:
    """Question lines of a ``--batch`` file, validated like the command-line options."""
    items = []
    for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
            items.append(
                {
                    "q": str(item["q"]),
                    "lang": _lang(item["lang"]) if item.get("lang") else None,
                    "now": _moment(item["now"]) if item.get("now") else None,
                }
            )
        except (json.JSONDecodeError, KeyError, TypeError, argparse.ArgumentTypeError) as exc:
            raise SystemExit(f"{path}:{number}: not a question line ({exc})") from None
    return items


def cmd_ask(assistant: Assistant, args: argparse.Namespace) -> int:
    if args.batch:
        for item in read_batch(args.batch):
            answer = assistant.ask(
                item["q"],
                lang=item["lang"] or args.lang,
                now=item["now"] or args.now,
                explain=args.explain,
            )
            _print(answer, args.json, args.explain)
        return 0
    if not args.question:
        raise SystemExit("reformbot ask: give a QUESTION or --batch FILE")
    answer = assistant.ask(
        " ".join(args.question), lang=args.lang, now=args.now, explain=args.explain
    )
    _print(answer, args.json, args.explain)
    return 0


def cmd_ingest(assistant: Assistant, _args: argparse.Namespace) -> int:
    interactive = sys.stderr.isatty()

    def progress(done: int, total: int, rel: str) -> None:
        """A bar redrawn in place on a terminal; one line per file in logs."""
        bar = "#" * (20 * done // total)
        line = f"[{bar:<20}] {done}/{total} {rel}"
        print(
            f"\r{line:<78}" if interactive else line,
            end="" if interactive else "\n",
            file=sys.stderr,
            flush=True,
        )

    report = assistant.ingest(progress)
    if interactive:
        print(file=sys.stderr)
    for warning in report.warnings:
        print(f"warning: {warning}", file=sys.stderr)
    for rel, languages in report.languages.items():
        labels = ", ".join(
            f"{lang}{'' if count == 1 else f' ×{count}'}{' (detected)' if detected else ''}"
            for lang, (count, detected) in sorted(languages.items())
        )
        print(f"{rel}: {labels}")
    print(
        f"{len(report.changed)} file(s) ingested ({report.articles} articles, "
        f"{report.records} records), {len(report.unchanged)} unchanged, "
        f"{len(report.removed)} removed"
    )
    return 0


def cmd_export(assistant: Assistant, args: argparse.Namespace) -> int:
    """Write what was published through the bot out as knowledge files, e.g. to commit them."""
    directory = Path(args.to) if args.to else assistant.settings.knowledge_dir
    written = content.export(assistant.sessions, directory)
    for rel in written:
        print(directory / rel)
    print(f"{len(written)} published file(s) written under {directory}")
    return 0


CODES = ", ".join(SUPPORTED)


def cmd_chat(assistant: Assistant, args: argparse.Namespace) -> int:
    """A console conversation with the same core the bot uses; ``/lang xx`` switches language."""
    lang = args.lang

    def say(message: str, **values: str) -> None:
        _ = translations(lang or assistant.settings.default_lang).gettext
        print(_(message).format(**values))

    usage = N_("Ask a question. /lang {codes} switches the language; /quit leaves.")
    say(usage, codes=CODES)
    while True:
        try:
            line = input("> ").strip()
        except (EOFError, KeyboardInterrupt):
            print()
            return 0
        if line in ("/quit", "/exit"):
            return 0
        if line.startswith("/lang"):
            try:
                lang = _lang(line.removeprefix("/lang").strip())
            except argparse.ArgumentTypeError:
                say(N_("Choose one of: {codes}"), codes=CODES)
                continue
            say(N_("From now on I will answer in English."))
            continue
        if line.startswith("/"):  # /help or a typo of a command: not a question to answer
            say(usage, codes=CODES)
            continue
        if line:
            print(to_plain_text(assistant.ask(line, lang=lang, now=args.now)), end="\n\n")


def cmd_feedback(assistant: Assistant, args: argparse.Namespace) -> int:
    """The latest 👍/👎 votes with their questions, for staff to review."""
    votes = UserStore(assistant.sessions).feedback(args.limit)
    for vote in votes:
        mark = "+1" if vote.vote > 0 else "-1"
        source = vote.source_path or ("(no answer)" if not vote.answered else "-")
        print(f"{vote.voted_at:%Y-%m-%d %H:%M} {mark} [{vote.lang}] {vote.question!r} → {source}")
    if not votes:
        print("no votes yet")
    return 0


def cmd_stats(assistant: Assistant, args: argparse.Namespace) -> int:
    """The /stats figures of the last days: a summary, CSV rows (--csv), or the picture."""
    settings = assistant.settings
    lang = args.lang or settings.default_lang
    figures = stats.compute(
        assistant.sessions, wall(), args.days, settings.zone, settings.default_lang
    )
    if args.png:
        from bot.stats_chart import png  # matplotlib loads only for the picture

        args.png.write_bytes(png(figures, lang))
        print(f"wrote {args.png}")
    elif args.csv:
        sys.stdout.write(stats.as_csv(figures))
    else:
        print(stats.summary(figures, lang))
    return 0


def cmd_staff(assistant: Assistant, args: argparse.Namespace) -> int:
    """Appoint or remove programme staff, or list them (admins from settings included)."""
    staff = StaffStore(assistant.sessions, assistant.settings.admins)
    if args.action == "add":
        role = Role.ADMIN if args.admin else Role.STAFF
        staff.add(args.user_id, role, by=None, now=wall())
        print(f"{args.user_id} is now {role}")
    elif args.action == "remove":
        if args.user_id in staff.admins:
            print(f"{args.user_id} is in REFORMBOT_ADMINS; remove them there", file=sys.stderr)
            return 1
        if not staff.remove(args.user_id):
            print(f"{args.user_id} is not staff", file=sys.stderr)
            return 1
        print(f"{args.user_id} removed")
    else:
        for member in staff.members():
            note = "  (REFORMBOT_ADMINS)" if member.from_settings else ""
            print(f"{member.user_id}  {member.role}{note}")
        if not staff.members():
            print("no staff yet: reformbot staff add <telegram id> [--admin]")
    return 0


def cmd_announcements(assistant: Assistant, args: argparse.Namespace) -> int:
    """Announcements newest first with what happened to their deliveries."""
    outbox = Outbox(assistant.sessions, owner="cli")
    if args.cancel is not None:
        if not outbox.cancel(args.cancel, wall()):
            print(f"announcement {args.cancel} is not scheduled or sending", file=sys.stderr)
            return 1
        print(f"announcement {args.cancel} cancelled")
        return 0
    summaries = outbox.summaries(limit=args.limit)
    for s in summaries:
        c = s.progress.counts
        when = s.finished_at or s.due_at
        text = " ".join(s.preview.split())
        print(
            f"#{s.id} {s.kind} {s.status} {when:%Y-%m-%d %H:%M} UTC to {s.topic}: "
            f"sent {c['sent']}, failed {c['failed']}, blocked {c['blocked']}, "
            f"remaining {s.progress.remaining}, possibly twice {s.progress.uncertain}"
            f" | {text[:60]}"
        )
    if not summaries:
        print("no announcements yet")
    return 0


def _revision_line(revision: str | None) -> str:
    head = migrate.head()
    if revision is None:
        return "database has no revision (empty, or made before migrations); head is " + head
    if revision == head:
        return f"database at revision {revision} (head)"
    return f"database at revision {revision}, head is {head}; run reformbot db upgrade"


def cmd_db(settings: Settings, args: argparse.Namespace) -> int:
    """Migrate the database or say where it is, without the assistant (which would migrate it
    first); ``revision`` writes a new migration for changed models (developers)."""
    engine = make_engine(settings, migrate=False)
    try:
        if args.action == "upgrade":
            outcome = migrate.upgrade(engine)
            if outcome.adopted:
                print(f"adopted a database made before migrations: stamped {migrate.BASELINE}")
            if outcome.changed:
                print(f"upgraded from {outcome.before or 'nothing'} to {outcome.after}")
            print(_revision_line(outcome.after))
        elif args.action == "current":
            with engine.connect() as connection:
                print(_revision_line(migrate.current_revision(connection)))
        else:
            path = migrate.revision(engine, args.message)
            if path is None:
                print("the models and the database agree: no migration written", file=sys.stderr)
                return 1
            print(path)
    finally:
        engine.dispose()
    return 0


# Adds commands to the parser's subcommands: the Telegram layer adds `run` and `worker`
# (handlers.cli), so that the core never imports it.
Extension = Callable[[Any], None]


def build_parser(extend: Extension | None = None) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="reformbot", description=__doc__)
    commands = parser.add_subparsers(dest="command", required=True)
    if extend is not None:
        extend(commands)
    ask = commands.add_parser("ask", help="answer a question from the knowledge base")
    ask.add_argument("question", nargs="*", help="the question, in any supported language")
    ask.add_argument("--lang", type=_lang, help=f"reply language: {', '.join(SUPPORTED)}")
    ask.add_argument("--now", type=_moment, help="answer as of this ISO 8601 time")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument(
        "--explain",
        action="store_true",
        help="also print, on standard error, the question's analysis and every decision",
    )
    ask.add_argument(
        "--batch",
        type=Path,
        metavar="FILE",
        help='one {"q", "lang"?, "now"?} JSON object per line',
    )
    ask.set_defaults(run=cmd_ask)
    ingest = commands.add_parser("ingest", help="(re)build the knowledge base from files")
    ingest.set_defaults(run=cmd_ingest)
    export = commands.add_parser(
        "export", help="write what staff published through the bot out as knowledge files"
    )
    export.add_argument(
        "--to", metavar="DIR", help="the directory to write to (default: the knowledge directory)"
    )
    export.set_defaults(run=cmd_export)
    chat = commands.add_parser("chat", help="talk to the assistant in the console")
    chat.add_argument("--lang", type=_lang, help="reply language (default: the question's)")
    chat.add_argument("--now", type=_moment, help="answer as of this ISO 8601 time")
    chat.set_defaults(run=cmd_chat)
    feedback = commands.add_parser("feedback", help="list the latest 👍/👎 votes")
    feedback.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    feedback.set_defaults(run=cmd_feedback)
    report = commands.add_parser("stats", help="what people asked and how the bot did")
    report.add_argument("--days", type=int, choices=stats.PERIODS, default=stats.PERIODS[0])
    report.add_argument("--csv", action="store_true", help="CSV rows: section,key,lang,value")
    report.add_argument("--png", type=Path, help="write the /stats picture to this file")
    report.add_argument("--lang", type=_lang, help="language of the summary and picture")
    report.set_defaults(run=cmd_stats)
    staff = commands.add_parser("staff", help="add, remove or list programme staff")
    staff_actions = staff.add_subparsers(dest="action", required=True)
    for action in ("add", "remove"):
        sub = staff_actions.add_parser(action, help=f"{action} a member by Telegram user id")
        sub.add_argument("user_id", type=int, help="their Telegram id (the bot's /myid shows it)")
        if action == "add":
            sub.add_argument("--admin", action="store_true", help="may also appoint staff")
    staff_actions.add_parser("list", help="list staff and admins")
    staff.set_defaults(run=cmd_staff)
    announcements = commands.add_parser(
        "announcements", help="list announcements and their delivery counts"
    )
    announcements.add_argument("--limit", type=int, default=50, help="how many (default 50)")
    announcements.add_argument(
        "--cancel", type=int, metavar="ID", help="cancel a scheduled (or the rest of a) broadcast"
    )
    announcements.set_defaults(run=cmd_announcements)
    db = commands.add_parser("db", help="migrate the database schema, or show its revision")
    db_actions = db.add_subparsers(dest="action", required=True)
    db_actions.add_parser("upgrade", help="migrate the database to the newest revision")
    db_actions.add_parser("current", help="show the database's revision and if it is the newest")
    db_revision = db_actions.add_parser(
        "revision", help="write a migration for model changes (developers; migrates first)"
    )
    db_revision.add_argument("-m", "--message", required=True, help="what the migration does")
    db.set_defaults(run=cmd_db)
    return parser


def main(argv: list[str] | None = None, extend: Extension | None = None) -> int:
    """The ``reformbot`` command; ``extend`` adds commands of another layer (handlers.cli)."""
    args = build_parser(extend).parse_args(argv)
    logging.basicConfig(level=logging.WARNING, format="reformbot: %(message)s")
    try:
        settings = Settings()
        if args.command == "db":  # before the assistant, which would migrate the database
            return cmd_db(settings, args)
        assistant = Assistant(settings)
        return args.run(assistant, args)
    except ValidationError as exc:
        for error in exc.errors():
            name = ".".join(str(p) for p in error["loc"]).upper()
            print(f"reformbot: invalid setting {name}: {error['msg']}", file=sys.stderr)
    except migrate.MigrationError as exc:
        print(f"reformbot: database not migrated: {exc}", file=sys.stderr)
    except IngestError as exc:
        print(
            "reformbot: knowledge not updated, the previous version stays live:", file=sys.stderr
        )
        for problem in exc.problems:
            print(f"  {problem}", file=sys.stderr)
    except OSError as exc:  # a read-only or missing data folder, a full disk
        where = f" ({exc.filename})" if exc.filename else ""
        print(f"reformbot: {exc.strerror or exc}{where}", file=sys.stderr)
    except SQLAlchemyError as exc:  # the first line of the driver's message, no parameters
        print(f"reformbot: the database cannot be used: {reason(exc)}", file=sys.stderr)
    return 1


if __name__ == "__main__":
    sys.exit(main())
