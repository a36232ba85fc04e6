"""``reformbot run`` as a real process: polling, webhook with its secret, and bad settings."""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import subprocess
import sys
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from aiohttp import ClientError, ClientSession

from bot.settings import PROJECT_ROOT
from tests.fakegram.client import TelegramUser
from tests.fakegram.server import FakeTelegram
from tests.handlers.conftest import TOKEN

SECRET = "s3cret-Token_1"
OTHER_TOKEN = "987654321:" + "B" * 35


def _env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("REFORMBOT_", "TELEGRAM_"))}
    env.pop("DATABASE_URL", None)
    env.update(
        REFORMBOT_DATA_DIR=str(tmp_path / "data"),
        REFORMBOT_KNOWLEDGE_DIR=str(PROJECT_ROOT / "knowledge"),
        **extra,
    )
    return env


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


@asynccontextmanager
async def bot_process(tmp_path: Path, *args: str, **env: str) -> AsyncIterator[Path]:
    """``reformbot run`` in its own process, logging to a file; stopped with SIGINT after."""
    log = tmp_path / "bot.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [sys.executable, "-m", "handlers.cli", "run", *args],
            cwd=tmp_path,
            env=_env(tmp_path, **env),
            stdout=out,
            stderr=subprocess.STDOUT,
        )
        try:
            yield log
        finally:
            process.send_signal(signal.SIGINT)
            try:
                process.wait(timeout=20)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()


async def test_run_polls_and_answers(tmp_path: Path) -> None:
    server = FakeTelegram(TOKEN)
    url = await server.start()
    try:
        async with bot_process(tmp_path, TELEGRAM_BOT_TOKEN=TOKEN, TELEGRAM_API_BASE_URL=url):
            user = TelegramUser(server, 501, "Giorgi", "ka")
            await user.send("/start")
            reply = await user.reply(timeout=60)
            assert reply.text.startswith("გამარჯობა, Giorgi!")
    finally:
        await server.stop()


async def test_webhook_refuses_a_wrong_secret_and_serves_the_right_one(tmp_path: Path) -> None:
    server = FakeTelegram(TOKEN)
    url = await server.start()
    port = _free_port()
    hook = f"http://127.0.0.1:{port}/telegram/hook"
    try:
        async with bot_process(
            tmp_path,
            "--webhook",
            TELEGRAM_BOT_TOKEN=TOKEN,
            TELEGRAM_API_BASE_URL=url,
            REFORMBOT_WEBHOOK_LISTEN="127.0.0.1",
            REFORMBOT_WEBHOOK_PORT=str(port),
            REFORMBOT_WEBHOOK_URL=hook,
            REFORMBOT_WEBHOOK_SECRET=SECRET,
        ):
            await server.wait_for(lambda: server.webhook, 60)
            assert server.webhook == {"url": hook, "secret_token": SECRET}
            user = TelegramUser(server, 502, "Eleni", "el")
            forged = {
                "update_id": 999,
                "message": {
                    "message_id": 1,
                    "date": 1,
                    "chat": user.chat,
                    "from": server.user_dict(502, "Eleni", "el"),
                    "text": "/start",
                    "entities": [{"type": "bot_command", "offset": 0, "length": 6}],
                },
            }
            async with ClientSession() as http:
                for _attempt in range(100):  # the server listens just before setWebhook
                    try:
                        async with http.post(
                            hook, json=forged, headers={"X-Telegram-Bot-Api-Secret-Token": "x"}
                        ) as response:
                            status = response.status
                        break
                    except ClientError:
                        await asyncio.sleep(0.1)
            assert status == 403
            await user.send("/start")
            reply = await user.reply(timeout=30)
            assert reply.text.startswith("Γεια σας, Eleni!")
            assert len(server.messages_to(502)) == 1  # the forged update was never handled
    finally:
        await server.stop()


def _run_line(tmp_path: Path, **env: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "handlers.cli", "run"],
        cwd=tmp_path,
        env=_env(tmp_path, **env),
        capture_output=True,
        text=True,
        timeout=60,
    )


def test_missing_token_is_one_clear_line(tmp_path: Path) -> None:
    done = _run_line(tmp_path)
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "reformbot: TELEGRAM_BOT_TOKEN is not set: create a bot with @BotFather and put its "
        "token in the environment or .env"
    ]


def test_malformed_token_is_one_clear_line_without_the_token(tmp_path: Path) -> None:
    done = _run_line(tmp_path, TELEGRAM_BOT_TOKEN="12345:short-secret")
    assert done.returncode == 1
    assert done.stderr.strip().splitlines() == [
        "reformbot: invalid setting TELEGRAM_BOT_TOKEN: Value error, not a bot token; "
        "@BotFather's look like 123456789:AAE..."
    ]
    assert "short-secret" not in done.stderr


async def test_a_token_telegram_refuses_is_one_clear_line(tmp_path: Path) -> None:
    server = FakeTelegram(TOKEN)
    url = await server.start()
    try:
        process = await asyncio.create_subprocess_exec(
            sys.executable, "-m", "handlers.cli", "run",
            cwd=tmp_path,
            env=_env(tmp_path, TELEGRAM_BOT_TOKEN=OTHER_TOKEN, TELEGRAM_API_BASE_URL=url),
            stdout=asyncio.subprocess.PIPE,
            stderr=asyncio.subprocess.PIPE,
        )  # fmt: skip
        _out, err = await asyncio.wait_for(process.communicate(), 60)
    finally:
        await server.stop()
    assert process.returncode == 1
    assert "Traceback" not in err.decode() and OTHER_TOKEN not in err.decode()
    assert err.decode().strip().splitlines()[-1] == (
        f"reformbot: {url} refused TELEGRAM_BOT_TOKEN: check it with @BotFather (/token)"
    )
