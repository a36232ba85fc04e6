"""Evaluate answers on a question set, against three BM25 baselines measured in the same run.

    uv run python bench/eval.py [QUESTIONS ...] [--with DIR] [--articles DIR] [-v]
                                       # default ../shared/eval/dev.jsonl

Questions go through the same code path as ``reformbot ask --json --batch``; each is checked as
the question-set README describes (bot.answers.checks: language, intent, sources in the top 3,
facts present, absent strings absent, upcoming count, "I don't know" when unanswerable).

``--with DIR`` adds every ``DIR/*.jsonl`` as distractor articles and ``--articles DIR`` every
``DIR/*.md`` (articles written after the fact, with no records or vocabulary for them): the
knowledge directory is a temporary copy of the configured one (seeds and records) with those
files in ``articles/``, ingested into a fresh database with a progress bar.

The reply language is detected from each question, as for a user who never chose one (a line's
``lang`` is what the reply must be in, not a hint); ``--given-lang`` passes it in instead. Rows
are per reply language and, when the set says (``kind``), per kind of question.

Baselines rank whole articles (title and text), as a search box over the same articles would:

* ``ws``: ``rank_bm25.BM25Okapi`` over lowercased whitespace tokens;
* ``hs``: ``rank_bm25.BM25Okapi`` over Haystack's default tokens, ``(?u)\\b\\w\\w+\\b`` of the
  lowercased text (its InMemoryDocumentStore's ``bm25_tokenization_regex``);
* ``b25s``: ``bm25s`` with its default tokenizer (same pattern, lowercased, no stop words, no
  stemming) and its default scoring.

The last line: ``pass_rate``, our ``recall@1`` and ``recall@3`` (an expected source among our
first 1 or 3 sources) and ``baseline_recall@1``, the best of the three baselines.
"""

from __future__ import annotations

import argparse
import json
import re
import shutil
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path

import bm25s
from checks import failed_checks, source_names  # bench/checks.py, beside this script
from rank_bm25 import BM25Okapi

from bot.answers.plain import to_plain_text
from bot.assistant import Assistant
from bot.cli import answer_json, read_batch
from bot.settings import PROJECT_ROOT, Settings

DEFAULT_QUESTIONS = PROJECT_ROOT.parent / "shared" / "eval" / "dev.jsonl"
HAYSTACK_PATTERN = re.compile(r"(?u)\b\w\w+\b")
Ranking = Callable[[str], list[set[str]]]


def with_articles(settings: Settings, folders: list[tuple[Path, str]]) -> Settings:
    """Settings for a temporary knowledge directory: the configured one plus, from each
    (folder, pattern), the matching files in ``articles/``."""
    work = Path(tempfile.mkdtemp(prefix="reformbot-eval-"))
    knowledge = work / "knowledge"
    shutil.copytree(settings.knowledge_dir, knowledge)
    for folder, pattern in folders:
        files = sorted(folder.glob(pattern))
        if not files:
            raise SystemExit(f"{folder}: no {pattern} files")
        for path in files:
            shutil.copy(path, knowledge / "articles" / path.name)
    return Settings(data_dir=work / "data", knowledge_dir=knowledge, _env_file=None)


def show_progress(done: int, total: int, rel: str) -> None:
    """A bar redrawn in place on a terminal; nothing in a log but the final count."""
    if sys.stderr.isatty():
        bar = "#" * (30 * done // total)
        print(f"\r[{bar:<30}] {done}/{total} {rel[:40]:<40}", end="", file=sys.stderr)
        if done == total:
            print(file=sys.stderr)


def article_texts(assistant: Assistant) -> tuple[list[dict[str, str]], list[str]]:
    """Every article as the baselines see it: its names (for recall) and title plus text."""
    kb = assistant.knowledge()
    texts = defaultdict(list)
    for passage in kb.passages:
        texts[passage.article.path].append(passage.text)
    refs = [{"id": a.key, "path": a.path} for a in kb.articles if a.path in texts]
    return refs, [" ".join([a.title, *texts[a.path]]) for a in kb.articles if a.path in texts]


def baselines(assistant: Assistant) -> dict[str, Ranking]:
    """Question → articles best first, for each baseline."""
    refs, texts = article_texts(assistant)
    names = [source_names(r) for r in refs]

    def okapi(tokenize: Callable[[str], list[str]]) -> Ranking:
        bm25 = BM25Okapi([tokenize(t) for t in texts])

        def rank(question: str) -> list[set[str]]:
            scores = bm25.get_scores(tokenize(question))
            return [names[i] for i in sorted(range(len(names)), key=lambda i: -scores[i])]

        return rank

    retriever = bm25s.BM25()
    retriever.index(bm25s.tokenize(texts, show_progress=False), show_progress=False)

    def rank_bm25s(question: str) -> list[set[str]]:
        tokens = bm25s.tokenize([question], return_ids=False, show_progress=False)
        found, _scores = retriever.retrieve(tokens, k=min(10, len(texts)), show_progress=False)
        return [names[int(i)] for i in found[0]]

    return {
        "ws": okapi(lambda text: text.lower().split()),
        "hs": okapi(lambda text: HAYSTACK_PATTERN.findall(text.lower())),
        "b25s": rank_bm25s,
    }


def recall(ranked: list[set[str]], expected: list[str], k: int) -> bool:
    return any(names & set(expected) for names in ranked[:k])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", type=Path, default=[DEFAULT_QUESTIONS])
    parser.add_argument("--with", dest="distractors", type=Path, metavar="DIR")
    parser.add_argument("--articles", type=Path, metavar="DIR", help="add DIR/*.md articles")
    parser.add_argument("--given-lang", action="store_true", help="pass each line's lang in")
    parser.add_argument("--verbose", "-v", action="store_true", help="show every failed check")
    args = parser.parse_args()
    settings = Settings()
    extra = [(args.distractors, "*.jsonl")] if args.distractors else []
    extra += [(args.articles, "*.md")] if args.articles else []
    if extra:
        settings = with_articles(settings, extra)
    assistant = Assistant(settings)
    start = time.perf_counter()
    report = assistant.ingest(show_progress)
    kb = assistant.knowledge()
    print(
        f"knowledge: {len(kb.articles)} articles, {len(kb.passages)} passages, "
        f"{len(kb.records)} records; {report.articles} articles ingested and indexed in "
        f"{time.perf_counter() - start:.1f} s",
        file=sys.stderr,
    )
    cases = [
        json.loads(line)
        for path in args.questions
        for line in path.read_text().splitlines()
        if line.strip()
    ]
    items = [item for path in args.questions for item in read_batch(path)]
    ranks = baselines(assistant)
    stats: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for case, item in zip(cases, items, strict=True):
        lang = item["lang"] if args.given_lang else None
        answer = assistant.ask(item["q"], lang=lang, now=item["now"])
        reply = answer_json(answer, to_plain_text(answer))
        failed = failed_checks(case, reply)
        groups = [case["lang"], "overall"] + ([f"k:{case['kind']}"] if case.get("kind") else [])
        lang_right = reply["lang"] == case["lang"]
        for group in groups:
            row = stats[group]
            row["n"] += 1
            row["passed"] += not failed
            row["lang_right"] += lang_right
            if case.get("sources"):
                row["with_sources"] += 1
                ours = [source_names(s) for s in reply["sources"]]
                for k in (1, 3):
                    row[f"ours@{k}"] += recall(ours, case["sources"], k)
                for name, rank in ranks.items():
                    theirs = rank(case["q"])
                    for k in (1, 3):
                        row[f"{name}@{k}"] += recall(theirs, case["sources"], k)
        if failed and args.verbose:
            print(f"FAIL {case.get('id', case['q'])}: {'; '.join(failed)}", file=sys.stderr)
    columns = ["ours@1", "ours@3"] + [f"{n}@{k}" for n in ranks for k in (1, 3)]
    print(f"{'group':<18}{'n':>4}{'pass':>7}{'lang':>6}" + "".join(f"{c:>9}" for c in columns))
    order = {lang: i for i, lang in enumerate(("ka", "uz-Cyrl", "uz-Latn", "el", "en", "ru"))}
    for group, row in sorted(
        stats.items(),
        key=lambda kv: (kv[0] == "overall", kv[0].startswith("k:"), order.get(kv[0], 9), kv[0]),
    ):
        share = max(row["with_sources"], 1)
        print(
            f"{group.removeprefix('k:'):<18}{int(row['n']):>4}{row['passed'] / row['n']:>7.2f}"
            f"{row['lang_right'] / row['n']:>6.2f}"
            + "".join(f"{row[c] / share:>9.2f}" for c in columns)
        )
    o = stats["overall"]
    share = max(o["with_sources"], 1)
    best_baseline = max(o[f"{name}@1"] for name in ranks) / share
    refused = stats["k:unanswerable"]
    refused_share = refused["passed"] / refused["n"] if refused["n"] else float("nan")
    print(
        f"pass_rate={o['passed'] / o['n']:.2f} lang_right={o['lang_right'] / o['n']:.2f} "
        f"refused={refused_share:.2f} recall@1={o['ours@1'] / share:.2f} "
        f"recall@3={o['ours@3'] / share:.2f} baseline_recall@1={best_baseline:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
