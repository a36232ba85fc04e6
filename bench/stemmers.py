"""Which word analysis finds Georgian and Uzbek articles best: a measurement, not a test.

    uv run python bench/stemmers.py [QUESTIONS ...]   # default ../shared/eval/dev.jsonl

For every ka and uz question about an article in its own language, ranks the seed articles of
that language, plus the same language's documents from ../shared/data/corpus as distractors,
with rank_bm25.BM25Okapi over tokens produced by each candidate analysis. Prints recall@1 of the
expected source, its mean rank, the share of question words found in the source (word recall)
and the mean share found in each distractor (noise: what a stemmer merges that it should not).
Candidates: folded words only, simplemma (ka), prefix truncation to 5/6/7 letters,
and ours (bot.text.ka / bot.text.uz: endings stripped, then truncated).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

import simplemma
from rank_bm25 import BM25Okapi

from bot.text import ka, uz
from bot.text.detect import detect_language
from bot.text.tokenize import words

SHARED = Path(__file__).resolve().parents[2] / "shared"
KNOWLEDGE = Path(__file__).resolve().parents[1] / "knowledge" / "articles"
Strategy = Callable[[str], str]


def strategies(lang: str) -> dict[str, Strategy]:
    rules = ka if lang == "ka" else uz
    found: dict[str, Strategy] = {"words": lambda w: w}
    if lang == "ka":
        found["simplemma"] = lambda w: simplemma.lemmatize(w, lang="ka")
    for n in (5, 6, 7):
        found[f"prefix{n}"] = lambda w, n=n: w[:n]
    found["ours"] = rules.stem
    return found


def tokens(text: str, lang: str, stem: Strategy) -> list[str]:
    rules = ka if lang == "ka" else uz
    folded = (rules.fold(w) for w in words(text))
    return [stem(w) for w in folded if w not in rules.STOP_WORDS and len(w) > 1]


def documents(lang: str) -> dict[str, str]:
    """Seed articles of the language by file stem, then corpus distractors by id."""
    docs = {}
    for path in sorted(KNOWLEDGE.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if detect_language(text).split("-")[0] == lang:
            docs[path.stem] = text
    for path in sorted((SHARED / "data" / "corpus").glob(f"{lang}-*.jsonl")):
        for line in path.read_text(encoding="utf-8").splitlines():
            row = json.loads(line)
            docs[row["id"]] = row["title"] + "\n" + row["text"]
    return docs


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("questions", nargs="*", type=Path, default=[SHARED / "eval" / "dev.jsonl"])
    args = parser.parse_args()
    cases = [
        json.loads(line)
        for f in args.questions
        for line in f.read_text().splitlines()
        if line.strip()
    ]
    for lang in ("ka", "uz"):
        docs = documents(lang)
        asked = [
            c
            for c in cases
            if c["lang"].split("-")[0] == lang and set(c.get("sources", [])) & set(docs)
        ]
        names = list(docs)
        print(f"{lang}: {len(asked)} questions, {len(docs)} documents")
        for name, stem in strategies(lang).items():
            analysed = [tokens(docs[n], lang, stem) for n in names]
            vocabularies = [set(d) for d in analysed]
            bm25 = BM25Okapi(analysed)
            hits, ranks, recall, noise = 0, [], 0.0, 0.0
            for case in asked:
                query = set(tokens(case["q"], lang, stem))
                scores = bm25.get_scores(list(query))
                order = sorted(range(len(names)), key=lambda i: -scores[i])
                rank = next(r for r, i in enumerate(order, 1) if names[i] in case["sources"])
                hits += rank == 1
                ranks.append(rank)
                shares = [len(query & v) / max(len(query), 1) for v in vocabularies]
                source = {i for i, n in enumerate(names) if n in case["sources"]}
                recall += max(shares[i] for i in source)
                others = [s for i, s in enumerate(shares) if i not in source]
                noise += sum(others) / len(others)
            n = len(asked)
            print(
                f"  {name:<10} recall@1={hits / n:.2f} mean_rank={sum(ranks) / n:.1f} "
                f"word_recall={recall / n:.2f} noise={noise / n:.3f}"
            )


if __name__ == "__main__":
    main()
