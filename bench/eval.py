"""Evaluate answers on a question set, against a plain BM25 baseline measured in the same run.

    uv run python bench/eval.py [QUESTIONS]      # default: ../shared/eval/dev.jsonl

Questions go through the same code path as ``reformbot ask --json --batch``; each is checked
as the question-set README describes (language, intent, sources in the top 3, facts present,
absent strings absent, upcoming count, "I don't know" when unanswerable). The baseline is
``rank_bm25.BM25Okapi`` over lowercased whitespace tokens of whole articles.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import defaultdict
from pathlib import Path

from rank_bm25 import BM25Okapi

from bot.answers.plain import to_plain_text
from bot.cli import answer_json, read_batch
from bot.service import Assistant
from bot.settings import PROJECT_ROOT, Settings

DEFAULT_QUESTIONS = PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"


def source_names(source: dict) -> set[str]:
    """What a question's expected source may be called: file stem or bulk-import id."""
    return {source["id"], Path(source["path"].split("#", 1)[0]).stem}


def check(case: dict, reply: dict) -> list[str]:
    """The failed checks of one answer, as short reasons."""
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


def baseline_ranking(assistant: Assistant):  # type: ignore[no-untyped-def]
    """rank-bm25 over lowercased whitespace tokens of whole articles: question → article ids."""
    kb = assistant.knowledge()
    texts = defaultdict(list)
    for passage in kb.passages:
        texts[passage.article.path].append(passage.text)
    articles = {a.path: a for a in kb.articles}
    paths = list(texts)
    bm25 = BM25Okapi([" ".join(texts[p]).lower().split() for p in paths])

    def rank(question: str) -> list[set[str]]:
        scores = bm25.get_scores(question.lower().split())
        order = sorted(range(len(paths)), key=lambda i: -scores[i])
        return [source_names({"id": articles[paths[i]].key, "path": paths[i]}) for i in order]

    return rank


def recall(ranked: list[set[str]], expected: list[str], k: int) -> bool:
    return any(names & set(expected) for names in ranked[:k])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="?", type=Path, default=DEFAULT_QUESTIONS)
    parser.add_argument("--verbose", "-v", action="store_true", help="show every failed check")
    args = parser.parse_args()
    cases = [json.loads(line) for line in args.questions.read_text().splitlines() if line.strip()]
    assistant = Assistant(Settings())
    baseline = baseline_ranking(assistant)
    items = read_batch(args.questions)
    stats: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for case, item in zip(cases, items, strict=True):
        answer = assistant.ask(item["q"], lang=item["lang"], now=item["now"])
        reply = answer_json(answer, to_plain_text(answer))
        failed = check(case, reply)
        for group in (case["lang"], "overall"):
            row = stats[group]
            row["n"] += 1
            row["passed"] += not failed
            if case.get("sources"):
                ours = [source_names(s) for s in reply["sources"]]
                theirs = baseline(case["q"])
                row["with_sources"] += 1
                row["r1"] += recall(ours, case["sources"], 1)
                row["r3"] += recall(ours, case["sources"], 3)
                row["b1"] += recall(theirs, case["sources"], 1)
                row["b3"] += recall(theirs, case["sources"], 3)
        if failed and args.verbose:
            print(f"FAIL {case.get('id', case['q'])}: {'; '.join(failed)}", file=sys.stderr)
    print(f"{'group':<10}{'n':>4}{'pass':>7}{'R@1':>7}{'R@3':>7}{'base@1':>8}{'base@3':>8}")
    for group, row in sorted(stats.items(), key=lambda kv: kv[0] == "overall"):
        s = max(row["with_sources"], 1)
        rates = [row[k] / s for k in ("r1", "r3", "b1", "b3")]
        print(
            f"{group:<10}{int(row['n']):>4}{row['passed'] / row['n']:>7.2f}"
            + "".join(f"{r:>7.2f}" if i < 2 else f"{r:>8.2f}" for i, r in enumerate(rates))
        )
    o = stats["overall"]
    s = max(o["with_sources"], 1)
    print(
        f"pass_rate={o['passed'] / o['n']:.2f} recall@1={o['r1'] / s:.2f} "
        f"recall@3={o['r3'] / s:.2f} baseline_recall@1={o['b1'] / s:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
