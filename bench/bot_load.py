"""Load on the Telegram layer: N simulated users asking questions through the fake Bot API
server, against the core alone (``Assistant.ask`` and ``reformbot ask --batch``) in the same run.

    uv run python bench/bot_load.py [--users 200] [--questions 5] [--mode subprocess|inprocess]
    uv run python bench/bot_load.py --rate 60 --seconds 60 [--ingest-mid]

Questions are the ``q`` texts of ``../shared/eval/dev.jsonl``, dealt round-robin so user u asks
K consecutive ones. Three measurements, one after another so they do not share the CPU:

1. core: the same questions through ``Assistant.ask`` in this process, one at a time (per
   question latency and questions/s), then the same questions as ``reformbot ask --batch FILE
   --json`` in a subprocess (wall time; a one-question batch is timed too, so process start-up
   and the knowledge load can be subtracted);
2. bot, unloaded: one user asking each distinct question once, waiting for each reply;
3. bot, loaded: all users at once, each sending its questions one after another (send, wait
   for the whole reply, send the next).

The bot is ``python -m handlers.cli run`` polling the fake server (``--mode subprocess``, the
default), so the server and the simulated users do not share its event loop or its CPU time;
``--mode inprocess`` runs the Application in this process instead, as the handler tests do.
Latency is from ``push_update`` to the server receiving the reply's first ``sendMessage``;
a reply is complete when the part carrying the 👍/👎 keyboard arrives (long answers are split).

The last line is ``msgs_per_s=<x> p50_ms=<x> p99_ms=<x> overhead_ratio=<x>``: answered
questions per second and reply latency under load, and overhead_ratio = the core's questions/s
(in-process, one at a time) ÷ the bot's answered messages/s, i.e. how many times longer the
bot takes per answer than the core alone (1.0 = the Telegram layer costs nothing).

``--rate R --seconds S`` is an open loop instead: questions arrive at R a second for S
seconds, each from a user of its own, whatever the bot's pace. ``--ingest-mid`` drops the
documents of ``../shared/data`` and a short staff-style article (``stage_distractors``) into
the running bot's knowledge directory half-way; a probe finds when the new knowledge answers.
Its last line is ``rate=<R> p50_ms=<x> p99_ms=<x> p99_ingesting_ms=<x>``: p50 and p99 of
the questions sent outside the ingestion, p99 of those sent during it.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from bot.assistant import Assistant
from bot.settings import PROJECT_ROOT, Settings

# `uv run python bench/bot_load.py` puts bench/ on sys.path, not the project root; the fake
# Telegram server and its users live in tests/, which is not part of the installed package.
if str(PROJECT_ROOT) not in sys.path:
    sys.path.insert(0, str(PROJECT_ROOT))

from tests.fakegram.client import TelegramUser
from tests.fakegram.server import FakeTelegram

DEFAULT_QUESTIONS = PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"
KNOWLEDGE = PROJECT_ROOT / "knowledge"
DISTRACTORS = PROJECT_ROOT.parent / "shared" / "data"
INGEST_GRACE = 240.0  # seconds past the arrivals the new knowledge may take to answer
PROBE_ARTICLE = """---
title: Load-testing training for civil servants
lang: en
---
A training for civil servants on load testing of public e-services was held in Probeville.
"""
PROBE = ("Where was the training on load testing held?", "Probeville")
TOKEN = "123456789:AAHdqTcvCH1vGWJxfSeofSAs0K5PALDsaw"  # the shape @BotFather hands out
FIRST_USER_ID = 200_001
PROBE_USER_ID = 100_000
STARTUP_TIMEOUT = 120.0  # the bot process loads (or ingests) the knowledge before it answers
# The app's language for each question language (Telegram sends IETF tags like these).
LANGUAGE_CODES = {"ka": "ka", "uz-Cyrl": "uz", "uz-Latn": "uz", "el": "el", "en": "en", "ru": "ru"}


@dataclass
class Question:
    text: str
    lang: str


@dataclass
class Arrival:
    at: float  # perf_counter when the server accepted the sendMessage
    final: bool  # the reply's last part: it carries the 👍/👎 keyboard
    text: str


class TimedTelegram(FakeTelegram):
    """The fake server, stamping each sendMessage as it arrives and queueing it for its chat.

    ``TelegramUser.reply`` waits on ``server.wait_for``, which re-scans every message sent so
    far for every waiting user after every API call; with 200 users that is the load
    generator's CPU, not the bot's, being measured. A queue per chat costs O(1) per message,
    and the stamp is taken where the reply lands rather than when a waiter gets scheduled.
    """

    def __post_init__(self) -> None:
        super().__post_init__()
        self.inboxes: defaultdict[int, asyncio.Queue[Arrival]] = defaultdict(asyncio.Queue)
        self.send_calls = 0

    async def api_sendmessage(self, params: dict, files: dict) -> dict:
        result = await super().api_sendmessage(params, files)
        arrived = time.perf_counter()
        rows = (result.get("reply_markup") or {}).get("inline_keyboard", [])
        final = any(str(b.get("callback_data", "")).startswith("vote:") for r in rows for b in r)
        self.send_calls += 1
        self.inboxes[result["chat"]["id"]].put_nowait(Arrival(arrived, final, result["text"]))
        return result


def percentile(values: list[float], p: float) -> float:
    """Nearest-rank percentile: an observed value, so p99 of few samples is not invented."""
    if not values:
        return float("nan")
    ranked = sorted(values)
    return ranked[min(len(ranked) - 1, max(0, round(p / 100 * len(ranked) + 0.5) - 1))]


def load_questions(path: Path) -> list[Question]:
    """The ``q`` (question text) and ``lang`` (expected reply language) of each line."""
    rows = [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line]
    return [Question(row["q"], row.get("lang", "en")) for row in rows]


def deal(questions: list[Question], users: int, per_user: int) -> list[list[Question]]:
    """Round-robin: user u asks questions u*K .. u*K+K-1 (mod the set), so every question is
    asked about equally often and neighbours ask different ones at the same moment."""
    n = len(questions)
    return [[questions[(u * per_user + j) % n] for j in range(per_user)] for u in range(users)]


def subprocess_env(data_dir: Path, knowledge: Path = KNOWLEDGE, **extra: str) -> dict[str, str]:
    """This environment minus any configured bot or database, plus the bench's own."""
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFORMBOT_", "TELEGRAM_"))}
    env.pop("DATABASE_URL", None)
    env.update(REFORMBOT_DATA_DIR=str(data_dir), REFORMBOT_KNOWLEDGE_DIR=str(knowledge), **extra)
    return env


def cpu_seconds(pid: int) -> float | None:
    """User + system CPU time of a live process (Linux /proc); None where unavailable."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    except (OSError, IndexError, ValueError):
        return None


# -- the core alone --------------------------------------------------------------------------


def core_in_process(settings: Settings, questions: list[Question]) -> list[float]:
    """Seconds per ``Assistant.ask``, one question at a time, after one untimed pass over the
    distinct questions (the bot gets the same warm-up)."""
    assistant = Assistant(settings)
    assistant.knowledge()
    for text in dict.fromkeys(q.text for q in questions):
        assistant.ask(text)
    times = []
    for question in questions:
        start = time.perf_counter()
        assistant.ask(question.text)
        times.append(time.perf_counter() - start)
    return times


def core_batch(data_dir: Path, work: Path, questions: list[Question]) -> float:
    """Wall seconds of ``reformbot ask --batch FILE --json`` over ``questions``, checked to
    have printed one answer per question. No ``lang``: the bot, too, detects it."""
    batch = work / f"batch-{len(questions)}.jsonl"
    batch.write_text(
        "".join(json.dumps({"q": q.text}, ensure_ascii=False) + "\n" for q in questions),
        encoding="utf-8",
    )
    start = time.perf_counter()
    done = subprocess.run(
        [sys.executable, "-m", "bot.cli", "ask", "--batch", str(batch), "--json"],
        cwd=work,
        env=subprocess_env(data_dir),
        capture_output=True,
        text=True,
        timeout=600,
    )
    wall = time.perf_counter() - start
    answers = len(done.stdout.splitlines())
    if done.returncode != 0 or answers != len(questions):
        raise SystemExit(
            f"reformbot ask --batch: exit {done.returncode}, {answers}/{len(questions)} "
            f"answers\n{done.stderr[-2000:]}"
        )
    return wall


# -- the bot ---------------------------------------------------------------------------------


@dataclass
class RunningBot:
    pid: int | None  # the bot's own process, when it has one (for its CPU time)
    log: Path | None


@asynccontextmanager
async def bot_subprocess(
    server: TimedTelegram, data_dir: Path, work: Path, knowledge: Path = KNOWLEDGE
) -> AsyncIterator[RunningBot]:
    """``reformbot run`` as a real process polling ``server``, logging to a file; SIGINT after."""
    log = work / "bot.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "handlers.cli", "run"],
            cwd=work,
            env=subprocess_env(
                data_dir, knowledge, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=server.url
            ),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield RunningBot(process.pid, log)
        finally:
            process.send_signal(signal.SIGINT)
            await server.release_pollers()  # so its last long poll returns at once
            try:
                await asyncio.to_thread(process.wait, 20)
            except subprocess.TimeoutExpired:
                process.kill()
                await asyncio.to_thread(process.wait)


@asynccontextmanager
async def bot_in_process(server: TimedTelegram, settings: Settings) -> AsyncIterator[RunningBot]:
    """The Application in this event loop, started as the handler tests start it."""
    from tests.handlers.conftest import Clock, running_bot  # imports pytest: only when asked

    async with running_bot(settings, Assistant(settings), Clock(), server):
        yield RunningBot(None, None)


async def ask(
    user: TelegramUser,
    inbox: asyncio.Queue[Arrival],
    text: str,
    timeout: float,
    parts: list[str] | None = None,
) -> float | None:
    """Send one question and wait for its whole reply; seconds to its first part, or None if
    the reply was not complete within ``timeout``. The reply's texts go to ``parts``."""
    start = time.perf_counter()
    await user.send(text)
    deadline = start + timeout
    first: float | None = None
    while True:
        remaining = deadline - time.perf_counter()
        if remaining <= 0:
            return None
        try:
            arrival = await asyncio.wait_for(inbox.get(), remaining)
        except TimeoutError:
            return None
        first = first or arrival.at
        if parts is not None:
            parts.append(arrival.text)
        if arrival.final:
            return first - start


async def one_user(
    server: TimedTelegram, user_id: int, questions: list[Question], timeout: float
) -> tuple[list[float], float]:
    """Latencies of one user's questions, asked one after another, and when it had read its
    last reply; the user gives up after its first unanswered question (so a broken bot ends the
    run within ``timeout``)."""
    lang = LANGUAGE_CODES.get(questions[0].lang, "en")
    user = TelegramUser(server, user_id, f"User{user_id}", lang)
    inbox = server.inboxes[user_id]
    latencies: list[float] = []
    for question in questions:
        latency = await ask(user, inbox, question.text, timeout)
        if latency is None:
            break
        latencies.append(latency)
    return latencies, time.perf_counter()


async def wait_until_answering(
    server: TimedTelegram, bot: RunningBot, question: Question, timeout: float
) -> None:
    """The first reply, proving the bot is up; fails early with its log if it died."""
    user = TelegramUser(server, FIRST_USER_ID - 1, "Warmup", "en")
    pending = asyncio.ensure_future(ask(user, server.inboxes[user.id], question.text, timeout))
    while not pending.done():
        await asyncio.wait([pending], timeout=1.0)
        if bot.pid is not None and not Path(f"/proc/{bot.pid}").exists() and not pending.done():
            pending.cancel()
            break
    if pending.cancelled() or pending.result() is None:
        tail = bot.log.read_text()[-3000:] if bot.log else ""
        raise SystemExit(f"the bot did not answer within {timeout:.0f} s\n{tail}")


async def bot_load(
    args: argparse.Namespace,
    settings: Settings,
    data_dir: Path,
    work: Path,
    dealt: list[list[Question]],
) -> dict[str, Any]:
    """Start the fake server and the bot, warm it up, then measure unloaded and loaded."""
    server = TimedTelegram(TOKEN)
    await server.start()
    distinct = list({q.text: q for plan in dealt for q in plan}.values())
    try:
        if args.mode == "subprocess":
            running = bot_subprocess(server, data_dir, work)
        else:
            running = bot_in_process(server, settings)
        async with running as bot:
            await wait_until_answering(server, bot, distinct[0], STARTUP_TIMEOUT)
            # Warm-up, as the core had: each distinct question once, untimed.
            warm, _ = await one_user(server, FIRST_USER_ID - 2, distinct, args.timeout)
            # Unloaded: one user, one question at a time.
            cpu_single = cpu_seconds(bot.pid) if bot.pid else None
            single, _ = await one_user(server, FIRST_USER_ID - 3, distinct, args.timeout)
            if cpu_single is not None:
                cpu_single = (cpu_seconds(bot.pid) or cpu_single) - cpu_single
            if len(warm) < len(distinct) or len(single) < len(distinct):
                tail = bot.log.read_text()[-3000:] if bot.log else ""
                raise SystemExit(f"the bot left warm-up questions unanswered\n{tail}")
            sends_before = server.send_calls
            cpu_before = cpu_seconds(bot.pid) if bot.pid else None
            own_before = time.process_time()
            start = time.perf_counter()
            results = await asyncio.gather(
                *(
                    one_user(server, FIRST_USER_ID + u, plan, args.timeout)
                    for u, plan in enumerate(dealt)
                )
            )
            wall = max(last for _, last in results) - start
            cpu_after = cpu_seconds(bot.pid) if bot.pid else None
            own = time.process_time() - own_before
            sends = server.send_calls - sends_before
            rejected = list(server.rejected)
    finally:
        await server.stop()
    latencies = [latency for user_latencies, _ in results for latency in user_latencies]
    return {
        "single": single,
        "latencies": latencies,
        "wall": wall,
        "sends": sends,
        "cpu": None if cpu_before is None or cpu_after is None else cpu_after - cpu_before,
        "cpu_single": cpu_single,
        "own_cpu": own,
        "rejected": rejected,
    }


# -- open loop -------------------------------------------------------------------------------


def stage_distractors(work: Path) -> list[Path]:
    """The distractor documents, copied beside the knowledge (same file system, so dropping
    them in is a rename each), and last a short article staff might write, which only the new
    knowledge can answer :data:`PROBE` from (the documents themselves are a bulk import, which
    the bot does not answer questions off its domain from)."""
    staged = work / "staged"
    staged.mkdir()
    files = []
    for path in sorted(DISTRACTORS.glob("*/*.jsonl")):
        target = staged / f"{path.parent.name}-{path.name}"
        shutil.copyfile(path, target)
        files.append(target)
    if not files:
        raise SystemExit(f"--ingest-mid: no *.jsonl documents under {DISTRACTORS}")
    probe = staged / "zz-probe.md"
    probe.write_text(PROBE_ARTICLE, encoding="utf-8")
    return [*files, probe]


async def ingestion(
    server: TimedTelegram,
    knowledge: Path,
    files: list[Path],
    at: float,
    deadline: float,
    timeout: float,
) -> tuple[float, float | None]:
    """At ``at``, drop the documents into the knowledge's articles (as staff would); then ask
    the probe every half second until its answer shows the new knowledge. Returns when the
    documents were dropped and when the new knowledge first answered (None: not before
    ``deadline``)."""
    await asyncio.sleep(max(0.0, at - time.perf_counter()))
    dropped = time.perf_counter()
    for path in files:
        path.rename(knowledge / "articles" / path.name)
    question, word = PROBE
    probes = itertools.count(PROBE_USER_ID, -1)  # one user a probe: no rate limit is met
    while time.perf_counter() < deadline:
        user = TelegramUser(server, next(probes), "Probe", "en")
        parts: list[str] = []
        await ask(user, server.inboxes[user.id], question, timeout, parts)
        if any(word in part for part in parts):
            return dropped, time.perf_counter()
        await asyncio.sleep(0.5)
    return dropped, None


async def open_loop(
    args: argparse.Namespace,
    data_dir: Path,
    work: Path,
    knowledge: Path,
    questions: list[Question],
    staged: list[Path] | None,
) -> dict[str, Any]:
    """Questions arriving at ``args.rate`` a second for ``args.seconds``, each from a user of
    its own (so a reply is matched to its question and no user waits for their previous one),
    whatever the bot's pace: latency grows when the bot falls behind, as it would for real."""
    server = TimedTelegram(TOKEN)
    await server.start()
    total = round(args.rate * args.seconds)

    async def one(number: int, at: float) -> tuple[float, float | None]:
        await asyncio.sleep(max(0.0, at - time.perf_counter()))
        question = questions[number % len(questions)]
        user_id = FIRST_USER_ID + number
        user = TelegramUser(server, user_id, f"User{user_id}", LANGUAGE_CODES[question.lang])
        sent = time.perf_counter()
        return sent, await ask(user, server.inboxes[user_id], question.text, args.timeout)

    try:
        async with bot_subprocess(server, data_dir, work, knowledge) as bot:
            await wait_until_answering(server, bot, questions[0], STARTUP_TIMEOUT)
            await one_user(server, FIRST_USER_ID - 2, questions, args.timeout)  # warm-up
            start = time.perf_counter() + 0.5
            arrivals = [one(n, start + n / args.rate) for n in range(total)]
            window = None
            if staged is not None:
                mid, end = start + args.seconds / 2, start + args.seconds + INGEST_GRACE
                window = ingestion(server, knowledge, staged, mid, end, args.timeout)
                results = await asyncio.gather(window, *arrivals)
                window, results = results[0], results[1:]
            else:
                results = await asyncio.gather(*arrivals)
            rejected = list(server.rejected)
    finally:
        await server.stop()
    errors = [
        line
        for line in bot.log.read_text().splitlines()
        if " ERROR " in line or " bot.assistant: " in line
    ]
    return {"results": results, "window": window, "rejected": rejected, "errors": errors}


def report_open_loop(args: argparse.Namespace, run: dict[str, Any]) -> int:
    """Latency outside and during the ingestion; the last line is the one to compare."""
    results: list[tuple[float, float | None]] = run["results"]
    window = run["window"]
    dropped, live = window if window else (None, None)

    def ingesting(sent: float) -> bool:
        return dropped is not None and sent >= dropped and (live is None or sent <= live)

    during = [lat for sent, lat in results if lat is not None and ingesting(sent)]
    outside = [lat for sent, lat in results if lat is not None and not ingesting(sent)]
    unanswered = sum(1 for _, lat in results if lat is None)
    print(
        f"bot_load open loop: {len(results)} questions at {args.rate:g}/s for {args.seconds:g} s,"
        f" each from its own user; bot: `reformbot run` subprocess; unanswered within "
        f"{args.timeout:g} s: {unanswered}; rejected API calls: {len(run['rejected'])}"
    )
    for line in run["errors"][:10]:
        print(f"bot log: {line}")
    if window:
        took = f"{live - dropped:.1f} s" if live is not None else "not live by the end"
        print(
            f"ingestion of the distractor documents, dropped in at {args.seconds / 2:g} s: new "
            f"knowledge answering after {took}; {len(during)} questions sent meanwhile"
        )
    ms = [percentile(values, p) * 1000 for values in (outside, during) for p in (50, 99)]
    print(f"{'':<22}{'answers':>8}{'p50_ms':>9}{'p99_ms':>9}")
    print(f"{'outside ingestion':<22}{len(outside):>8}{ms[0]:>9.1f}{ms[1]:>9.1f}")
    print(f"{'during ingestion':<22}{len(during):>8}{ms[2]:>9.1f}{ms[3]:>9.1f}")
    print(f"rate={args.rate:g} p50_ms={ms[0]:.1f} p99_ms={ms[1]:.1f} p99_ingesting_ms={ms[3]:.1f}")
    return 0 if not unanswered and (not window or live is not None) else 1


def main_open_loop(args: argparse.Namespace, questions: list[Question]) -> int:
    with tempfile.TemporaryDirectory(prefix="bot_load-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        knowledge = work / "knowledge"
        shutil.copytree(KNOWLEDGE, knowledge)
        staged = stage_distractors(work) if args.ingest_mid else None
        settings = Settings(data_dir=data_dir, knowledge_dir=knowledge, _env_file=None)
        Assistant(settings.model_copy(update={"database_url": None})).knowledge()
        run = asyncio.run(open_loop(args, data_dir, work, knowledge, questions, staged))
    return report_open_loop(args, run)


# -- report ----------------------------------------------------------------------------------


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=200, help="simulated users (default 200)")
    parser.add_argument(
        "--questions", type=int, default=5, help="questions per user, asked in turn (default 5)"
    )
    parser.add_argument(
        "--mode",
        choices=("subprocess", "inprocess"),
        default="subprocess",
        help="the bot as `reformbot run` (default) or in this process",
    )
    parser.add_argument(
        "--timeout", type=float, default=120.0, help="seconds a user waits for one reply"
    )
    parser.add_argument("--set", type=Path, default=DEFAULT_QUESTIONS, help="question file")
    parser.add_argument(
        "--rate", type=float, help="open loop: questions arriving per second, for --seconds"
    )
    parser.add_argument("--seconds", type=float, default=60.0, help="open loop: how long")
    parser.add_argument(
        "--ingest-mid",
        action="store_true",
        help=f"open loop: drop the documents of {DISTRACTORS} into the knowledge half-way",
    )
    args = parser.parse_args()
    if args.users < 1 or args.questions < 1:
        parser.error("--users and --questions must be at least 1")
    if args.rate is not None:
        if args.rate <= 0 or args.seconds <= 0:
            parser.error("--rate and --seconds must be positive")
        return main_open_loop(args, load_questions(args.set))
    if args.ingest_mid:
        parser.error("--ingest-mid needs --rate")

    load_before = os.getloadavg()[0]
    questions = load_questions(args.set)
    dealt = deal(questions, args.users, args.questions)
    flat = [q for plan in dealt for q in plan]
    with tempfile.TemporaryDirectory(prefix="bot_load-") as tmp:
        work = Path(tmp)
        data_dir = work / "data"
        settings = Settings(data_dir=data_dir, knowledge_dir=KNOWLEDGE, _env_file=None)
        settings = settings.model_copy(update={"database_url": None})
        # The core first, then the bot, each with the CPU to itself. The core's ingest fills
        # data_dir, so the batch and the bot start from stored knowledge, as a deployment does.
        core = core_in_process(settings, flat)
        batch_one = core_batch(data_dir, work, flat[:1])
        batch_all = core_batch(data_dir, work, flat)
        bot = asyncio.run(bot_load(args, settings, data_dir, work, dealt))

    n = len(flat)
    answered = len(bot["latencies"])
    core_qps = n / sum(core)
    bot_qps = answered / bot["wall"]
    batch_net = (batch_all - batch_one) / max(n - 1, 1)  # seconds per question, start-up out
    bot_p50, bot_p99 = (percentile(bot["latencies"], p) * 1000 for p in (50, 99))
    single_p50 = percentile(bot["single"], 50) * 1000
    core_p50, core_p99 = (percentile(core, p) * 1000 for p in (50, 99))
    overhead = core_qps / bot_qps if bot_qps else float("inf")

    where = "`reformbot run` subprocess" if args.mode == "subprocess" else "in-process app"
    print(
        f"bot_load: {args.users} users x {args.questions} questions = {n} "
        f"({len({q.text for q in flat})} distinct), bot: {where}, polling the fake server"
    )
    print(f"{'':<34}{'answers':>8}{'wall_s':>9}{'per_s':>8}{'p50_ms':>9}{'p99_ms':>9}")
    rows = [
        ("core  Assistant.ask, one at a time", n, sum(core), core_qps, core_p50, core_p99),
        ("core  ask --batch, whole process", n, batch_all, n / batch_all, None, None),
        ("core  ask --batch, minus start-up", n - 1, batch_all - batch_one, 1 / batch_net,
         None, None),
        ("bot   1 user, one at a time", len(bot["single"]), sum(bot["single"]),
         len(bot["single"]) / sum(bot["single"]), single_p50,
         percentile(bot["single"], 99) * 1000),
        (f"bot   {args.users} users at once", answered, bot["wall"], bot_qps, bot_p50, bot_p99),
    ]  # fmt: skip
    for label, count, wall, rate, p50, p99 in rows:
        p50s = f"{p50:>9.1f}" if p50 is not None else f"{'-':>9}"
        p99s = f"{p99:>9.1f}" if p99 is not None else f"{'-':>9}"
        print(f"{label:<34}{count:>8}{wall:>9.2f}{rate:>8.1f}{p50s}{p99s}")
    print(f"batch start-up (1-question batch): {batch_one:.2f} s")
    print(
        f"sendMessage calls under load: {bot['sends']} for {answered} answers; "
        f"unanswered: {n - answered}; rejected API calls: {len(bot['rejected'])}"
    )
    if bot["cpu"] is not None:
        print(
            f"bot CPU under load: {bot['cpu']:.2f} s = {bot['cpu'] / bot['wall']:.0%} of one "
            f"core, {bot['cpu'] / max(answered, 1) * 1000:.1f} ms per answer "
            f"(core alone: {sum(core) / n * 1000:.1f} ms per question; bot with 1 user: "
            f"{bot['cpu_single'] / len(bot['single']) * 1000:.1f} ms per answer)"
        )
    if args.mode == "subprocess":
        print(
            f"fake server + users CPU under load: {bot['own_cpu']:.2f} s = "
            f"{bot['own_cpu'] / bot['wall']:.0%} of one core; machine load average (1 min) "
            f"when the run began: {load_before:.2f}"
        )
    print(
        f"unloaded latency ratio (bot 1-user p50 / core p50): {single_p50 / core_p50:.2f}; "
        "overhead_ratio = core questions/s / bot answers/s under load"
    )
    print(
        f"msgs_per_s={bot_qps:.1f} p50_ms={bot_p50:.1f} p99_ms={bot_p99:.1f} "
        f"overhead_ratio={overhead:.2f}"
    )
    return 0 if answered == n else 1


if __name__ == "__main__":
    sys.exit(main())
