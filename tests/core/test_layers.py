"""The core answers without Telegram: nothing in ``bot`` loads python-telegram-bot, or the
Telegram layer (``handlers``), which adds its commands to the core's (handlers.cli)."""

from __future__ import annotations

import subprocess
import sys

from bot.settings import PROJECT_ROOT


def test_core_modules_do_not_import_telegram() -> None:
    modules = sorted(
        ".".join(path.relative_to(PROJECT_ROOT).with_suffix("").parts).removesuffix(".__init__")
        for path in (PROJECT_ROOT / "bot").rglob("*.py")
    )
    script = (
        f"import importlib, sys\nfor m in {modules!r}: importlib.import_module(m)\n"
        "print(sorted(m for m in sys.modules if m.split('.')[0] in ('telegram', 'handlers')))"
    )
    done = subprocess.run(
        [sys.executable, "-c", script], cwd=PROJECT_ROOT, capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "[]"
    source = "\n".join(p.read_text(encoding="utf-8") for p in (PROJECT_ROOT / "bot").rglob("*.py"))
    assert "from handlers" not in source and "import handlers" not in source
