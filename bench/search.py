"""Search speed: our index against rank_bm25.BM25Okapi and bm25s, at 10k and 100k passages.

    uv run python bench/search.py [--sizes 10000 100000] [--queries 200] [--corpus DIR]

Corpora, each at every size:

* ``real``: the passages of ``../shared/data/corpus/*.jsonl``, cut and analysed as ingestion
  does, repeated and shuffled to size;
* ``zipf``: synthetic documents of 20–140 tokens drawn from a 50,000-word Zipf distribution
  (exponent 1.07), the shape of word frequencies in text, without stop-word removal.

All three implementations index the same token lists. Each (corpus, implementation) runs in a
fresh process, so memory and caches do not leak between them; it reports index build time,
the time to load the saved index (ours: the .npz the bot keeps in its data directory; rank-bm25:
pickle; bm25s: its own save/load), peak memory added while building, and top-10 latency per
query, p50/p99, over queries of 2–5 distinct tokens of a random document (rank-bm25: at most 50
queries, each scores every document). bm25s runs on its NumPy backend, the default without numba.

Then the answer pipeline (question analysis, intent, search, "I don't know" check, snippet) is
timed on the dev questions over the seeds and records plus the real passages to the largest
size: five rounds after one warm-up round (which loads the lexicons and fills word caches).

The last line: ``speedup_vs_rank_bm25`` and ``ratio_to_bm25s_p50`` (ours ÷ bm25s, ≤ 1 is the
goal) at p50 on the largest synthetic corpus, and ``pipeline_p50_ms``.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import multiprocessing
import pickle
import random
import resource
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
SHARED = ROOT.parent / "shared"
IMPLEMENTATIONS = ("ours", "rank_bm25", "bm25s")
RANK_BM25_QUERIES = 50
K = 10


def real_passages(corpus_dir: Path) -> list[tuple[str, str, str, list[str]]]:
    """(article id, language, passage text, tokens) of every bulk-import article, analysed as
    ingestion analyses it."""
    from bot.ingest.articles import read_articles
    from bot.ingest.loader import article_passages

    found = []
    for path in sorted(corpus_dir.glob("*.jsonl")):
        articles, problem = read_articles(path, path.name)
        if problem:
            raise SystemExit(f"{problem}")
        for article in articles:
            found += [
                (article.key, article.lang, text, tokens)
                for text, tokens in article_passages(article)
            ]
    return found


def zipf_documents(size: int, seed: int = 1) -> list[list[str]]:
    rng = np.random.default_rng(seed)
    vocabulary = 50_000
    weights = 1 / np.arange(1, vocabulary + 1) ** 1.07
    lengths = rng.integers(20, 141, size)
    drawn = rng.choice(vocabulary, size=int(lengths.sum()), p=weights / weights.sum())
    words = [f"w{i}" for i in range(vocabulary)]
    ends = np.cumsum(lengths)
    return [[words[i] for i in drawn[end - n : end]] for n, end in zip(lengths, ends, strict=True)]


def repeat_to(items: list, size: int, seed: int = 2) -> list:
    """``items`` repeated and shuffled to exactly ``size``."""
    out = (items * (size // len(items) + 1))[:size]
    random.Random(seed).shuffle(out)
    return out


def sample_queries(documents: list[list[str]], count: int, seed: int = 3) -> list[list[str]]:
    rng = random.Random(seed)
    queries = []
    while len(queries) < count:
        distinct = sorted(set(rng.choice(documents)))
        if distinct:
            queries.append(rng.sample(distinct, min(len(distinct), rng.randint(2, 5))))
    return queries


def _rss_kib(field: str) -> int:
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss


def _reset_peak() -> None:
    """Restart the kernel's peak-RSS count (VmHWM), so the peak seen is the build's own."""
    with contextlib.suppress(OSError):
        Path("/proc/self/clear_refs").write_text("5")


def percentile_ms(seconds: list[float], q: float) -> float:
    return float(np.percentile(seconds, q) * 1000)


def timed(run: Callable[[list[str]], object], queries: list[list[str]]) -> list[float]:
    times = []
    for query in queries:
        start = time.perf_counter()
        run(query)
        times.append(time.perf_counter() - start)
    return times


def measure(impl: str, corpus_file: str, queries_count: int) -> dict[str, float]:
    """Build, save, load and query one implementation; runs in its own process."""
    with open(corpus_file, "rb") as f:
        documents: list[list[str]] = pickle.load(f)
    queries = sample_queries(documents, queries_count)
    workdir = Path(tempfile.mkdtemp(prefix=f"bench-{impl}-"))
    rss_before = _rss_kib("VmRSS")
    _reset_peak()
    start = time.perf_counter()
    if impl == "ours":
        from bot.search.index import SearchIndex
        from bot.search.store import IndexStore

        index = SearchIndex.build(documents)
        build = time.perf_counter() - start
        peak = _rss_kib("VmHWM")
        store = IndexStore(workdir)
        store.save("bench", index.to_arrays())
        start = time.perf_counter()
        index = SearchIndex.from_arrays(store.load("bench") or {})
        load = time.perf_counter() - start
        times = timed(lambda q: index.top(q, K), queries)
    elif impl == "rank_bm25":
        from rank_bm25 import BM25Okapi

        bm25 = BM25Okapi(documents)
        build = time.perf_counter() - start
        peak = _rss_kib("VmHWM")
        (workdir / "bm25.pkl").write_bytes(pickle.dumps(bm25, protocol=pickle.HIGHEST_PROTOCOL))
        start = time.perf_counter()
        bm25 = pickle.loads((workdir / "bm25.pkl").read_bytes())
        load = time.perf_counter() - start

        def rank(query: list[str]) -> np.ndarray:
            scores = bm25.get_scores(query)
            best = np.argpartition(-scores, K)[:K]
            return best[np.argsort(-scores[best])]

        times = timed(rank, queries[:RANK_BM25_QUERIES])
    else:
        import bm25s

        retriever = bm25s.BM25(backend="numpy")
        retriever.index(documents, show_progress=False)
        build = time.perf_counter() - start
        peak = _rss_kib("VmHWM")
        retriever.save(str(workdir / "bm25s"))
        start = time.perf_counter()
        retriever = bm25s.BM25.load(str(workdir / "bm25s"))
        load = time.perf_counter() - start
        times = timed(
            lambda q: retriever.retrieve([q], k=K, show_progress=False, n_threads=1), queries
        )
    return {
        "build_s": build,
        "load_s": load,
        "peak_mib": max(peak - rss_before, 0) / 1024,
        "p50_ms": percentile_ms(times, 50),
        "p99_ms": percentile_ms(times, 99),
        "queries": len(times),
    }


def pipeline_latency(
    passages: list[tuple[str, str, str, list[str]]], size: int, rounds: int = 5
) -> list[float]:
    """Seconds per dev question through the whole answer pipeline, over the seeds and records
    plus real passages up to ``size`` documents."""
    from bot.answers.compose import answer_question
    from bot.assistant import Assistant
    from bot.knowledge import (
        ArticleInfo,
        KnowledgeBase,
        PassageInfo,
        document_texts,
        stored_tokens,
    )
    from bot.search.index import SearchIndex
    from bot.search.spelling import Spelling
    from bot.settings import Settings

    data = Path(tempfile.mkdtemp(prefix="bench-pipeline-"))
    assistant = Assistant(
        Settings(data_dir=data, knowledge_dir=ROOT / "knowledge", _env_file=None)
    )
    seeds = assistant.knowledge()
    with assistant.sessions() as session:
        seed_tokens = stored_tokens(session)
    seed_passages = len(seeds.passages)
    extra = repeat_to(passages, max(size - len(seed_tokens), 0))
    articles: dict[str, ArticleInfo] = {}
    added = []
    for number, (key, lang, text, _tokens) in enumerate(extra, seed_passages):
        if key not in articles:
            articles[key] = ArticleInfo(
                key, f"corpus.jsonl#{key}", "corpus.jsonl", lang, key, None
            )
        articles[key].passages.append(number)
        added.append(PassageInfo(articles[key], text))
    tokens = seed_tokens[:seed_passages] + [p[3] for p in extra] + seed_tokens[seed_passages:]
    article_list = seeds.articles + list(articles.values())
    all_passages = seeds.passages + added
    kb = KnowledgeBase(
        seeds.version,
        article_list,
        all_passages,
        seeds.records,
        SearchIndex.build(tokens),
        Spelling.build(document_texts(article_list, all_passages, seeds.records)),
    )
    cases = [
        json.loads(line)
        for line in (SHARED / "eval" / "dev.jsonl").read_text().splitlines()
        if line.strip()
    ]
    times = []
    for round_ in range(rounds + 1):
        for case in cases:
            now = datetime.fromisoformat(case["now"]) if case.get("now") else datetime.now(UTC)
            start = time.perf_counter()
            answer_question(kb, case["q"], lang=case.get("lang"), now=now, default_lang="en")
            if round_:  # the first round loads lexicons and fills per-word caches
                times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--queries", type=int, default=200)
    parser.add_argument("--corpus", type=Path, default=SHARED / "data" / "corpus")
    args = parser.parse_args()
    workdir = Path(tempfile.mkdtemp(prefix="bench-search-"))
    print(f"analysing {args.corpus} ...", file=sys.stderr)
    passages = real_passages(args.corpus)
    print(f"{len(passages)} real passages", file=sys.stderr)
    corpora = {}
    for size in args.sizes:
        for name, documents in (
            ("real", [p[3] for p in repeat_to(passages, size)]),
            ("zipf", zipf_documents(size)),
        ):
            path = workdir / f"{name}-{size}.pkl"
            path.write_bytes(pickle.dumps(documents, protocol=pickle.HIGHEST_PROTOCOL))
            corpora[f"{name}-{size // 1000}k"] = str(path)
    print(
        f"{'corpus':<12}{'impl':<11}{'build_s':>8}{'load_s':>8}{'peak_MiB':>9}"
        f"{'p50_ms':>9}{'p99_ms':>9}{'queries':>8}"
    )
    results = {}
    context = multiprocessing.get_context("spawn")
    for corpus, path in corpora.items():
        for impl in IMPLEMENTATIONS:
            with context.Pool(1) as pool:
                row = pool.apply(measure, (impl, path, args.queries))
            results[corpus, impl] = row
            print(
                f"{corpus:<12}{impl:<11}{row['build_s']:>8.2f}{row['load_s']:>8.3f}"
                f"{row['peak_mib']:>9.0f}{row['p50_ms']:>9.3f}{row['p99_ms']:>9.3f}"
                f"{int(row['queries']):>8}",
                flush=True,
            )
    largest = max(args.sizes)
    times = pipeline_latency(passages, largest)
    pipeline_p50 = percentile_ms(times, 50)
    print(
        f"pipeline over {largest // 1000}k passages (seeds + records + real): "
        f"p50={pipeline_p50:.2f} ms p99={percentile_ms(times, 99):.2f} ms "
        f"mean={statistics.mean(times) * 1000:.2f} ms, {len(times)} answers"
    )
    synthetic = f"zipf-{largest // 1000}k"
    ours = results[synthetic, "ours"]["p50_ms"]
    print(
        f"speedup_vs_rank_bm25={results[synthetic, 'rank_bm25']['p50_ms'] / ours:.0f} "
        f"ratio_to_bm25s_p50={ours / results[synthetic, 'bm25s']['p50_ms']:.2f} "
        f"pipeline_p50_ms={pipeline_p50:.2f}"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
