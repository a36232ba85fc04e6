"""How an answer is checked against a case of a question set (``../shared/eval/README.md``).

One definition for the evaluation script and the tests, so "passes" means the same in both.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any


def source_names(source: dict[str, Any]) -> set[str]:
    """What a question's expected source may be called: file stem or bulk-import id."""
    return {source["id"], Path(source["path"].split("#", 1)[0]).stem}


def failed_checks(case: dict[str, Any], reply: dict[str, Any]) -> list[str]:
    """The failed checks of one answer (``reformbot ask --json`` output), as short reasons:
    reply language, intent, an expected source among the first three, every fact group,
    absent strings, the number of upcoming events, and "I don't know" exactly when expected."""
    failed = []
    text = reply["text"]
    if reply["lang"] != case["lang"]:
        failed.append(f"lang {reply['lang']}")
    if case.get("intent") and reply["intent"] != case["intent"]:
        failed.append(f"intent {reply['intent']}")
    top3 = set().union(*(source_names(s) for s in reply["sources"][:3]))
    if case.get("sources") and not top3 & set(case["sources"]):
        failed.append("source not in top 3")
    failed += [
        f"missing {group}"
        for group in case.get("facts", [])
        if not any(fact in text for fact in group)
    ]
    failed += [f"present {s!r}" for s in case.get("absent", []) if s in text]
    if "upcoming" in case and len(reply["events"]) != case["upcoming"]:
        failed.append(f"{len(reply['events'])} upcoming")
    if reply["answered"] == bool(case.get("unanswerable")):
        failed.append("answered" if reply["answered"] else "not answered")
    return failed
