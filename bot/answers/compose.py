"""Question → Answer: pick the reply language and intent, then list records or search articles.

Structured intents answer from records (dates, places, counts are facts staff maintain), and
fall back to article search when no record is about what was asked. Search answers only when
the best document covers enough of the question; otherwise the honest answer is "I don't know".
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from datetime import datetime, timedelta

from bot.answers import Answer, EventRef, Section, SourceRef
from bot.answers.items import record_details, record_item
from bot.answers.query import Query, analyse_question
from bot.answers.quotes import (
    answers_asked,
    in_reader_script,
    mentions_within,
    names_the_role,
    quote_section,
    source_section,
    tells_the_time,
)
from bot.answers.roles import fills_role
from bot.catalog import LIST_OF, newest_first
from bot.i18n import translations
from bot.knowledge import ArticleInfo, KnowledgeBase
from bot.records import ProjectRecord
from bot.text.analyzer import analyze, default_glossary
from bot.text.detect import Detection, detect
from bot.text.glossary import CONCEPT_PREFIX
from bot.text.smalltalk import greeting_in

# Share of the question's (idf-weighted) words the best document must contain to be an answer.
# Calibrated on the dev questions and the off-topic questions of tests/test_answers.py: every
# on-topic question covers more than 0.5, no off-topic one reaches 0.45 with two words.
MIN_COVERAGE = 0.4
# A structured item is listed when it scores at least this share of the best item.
RELATIVE_RELEVANCE = 0.5
MAX_UPCOMING = 10
MAX_RECENT = 5
MAX_LISTED = 8
MAX_SOURCES = 5
# How far down the ranking an answer is looked for: documents in the question's language
# outscore one in another language that covers more of it, since they match its words as
# typed as well as their concepts (a record in six languages beats a Georgian article).
SEARCH_DEPTH = 20
# How far down the ranking a document answers without covering more than those above it.
COVERING_DEPTH = 5
# How much more of the question an article must cover to answer instead of the records.
BETTER_BY = 0.1
# The quote is cut from the best sentences of this many of the top article's best passages.
QUOTED_PASSAGES = 3
# Answer types a sentence shows by its shape (bot.answers.quotes.holds_asked), and how many of
# the top article's passages are searched for one.
SHAPED = frozenset({"person", "number", "money", "date", "link"})
MAX_SHAPED_PASSAGES = 40


def understand(
    kb: KnowledgeBase, question: str, detection: Detection, now: datetime | None = None
) -> Query:
    """The question's one analysis against this knowledge (its index, spelling, stems)."""
    base = detection.lang.split("-")[0]
    native = kb.native_vocabulary(base) if detection.romanized else None
    return analyse_question(
        question,
        detection.lang,
        kb.index,
        kb.spelling,
        romanized=detection.romanized,
        native=native,
        now=now,
    )


def reply_language(
    detection: Detection, chosen: str | None, fallback: str | None, default: str
) -> str:
    """The language chosen with /language; else the question's, when recognised with
    confidence; else the person's app language; else the question's best guess, or the
    default when the question says nothing at all ("GIZ?", "2021")."""
    if chosen:
        return chosen
    if detection.confident or (fallback is None and detection.confidence > 0):
        return detection.lang
    return fallback or default


def answer_question(
    kb: KnowledgeBase,
    question: str,
    *,
    lang: str | None,
    now: datetime,
    default_lang: str,
    fallback_lang: str | None = None,
    explain: bool = False,
) -> Answer:
    """The whole answer to one question, in ``lang`` (chosen), else the question's own
    language, else ``fallback_lang`` (what is known of the asker), else ``default_lang``.
    With ``explain``, the answer carries every step that led to it (``reformbot ask
    --explain``); without, none is written down, since every question pays for it."""
    detection = detect(question, default_lang, known=kb.known_word)
    reply_lang = reply_language(detection, lang, fallback_lang, default_lang)
    query = understand(kb, question, detection, now)
    trace: list[str] = _Discarded()
    if explain:
        trace = [
            f"language: {detection.lang} (confidence {detection.confidence:.2f}"
            f"{', typed in Latin letters' if detection.romanized else ''})"
            f" → reply in {reply_lang}",
            *explain_query(query),
        ]
    answer = _answer(kb, query, reply_lang, now, trace)
    answer.explain = list(trace)
    return answer


class _Discarded(list):
    """A trace nobody reads: the decisions' notes are dropped as they are made."""

    def append(self, _line: str) -> None:
        return None


def explain_query(query: Query) -> list[str]:
    """The analysis, line by line, as ``reformbot ask --explain`` prints it."""
    lines = []
    if query.romanized:
        lines.append(f"read as: {query.analysed_text}")
    words = ", ".join(
        f"{w.surface}→{'/'.join(t)}" for w, t in zip(query.words, query.word_tokens, strict=True)
    )
    lines.append(f"words: {words or '(none)'}")
    if query.respelt:
        lines.append(
            "matched by sound: " + ", ".join(f"{a}→{b}" for a, b in query.respelt.items())
        )
    names = [query.words[i].surface for i in query.names]
    lines.append(f"names: {', '.join(names) or '-'}; asks: {', '.join(sorted(query.asks)) or '-'}")
    if query.window:
        lines.append(f"time window: {query.window.start:%Y-%m-%d} – {query.window.end:%Y-%m-%d}")
    intent = query.intent
    types = ", ".join(sorted(intent.event_types)) or "-"
    lines.append(
        f"intent: {intent.name} (event types: {types}); smalltalk: {query.smalltalk or '-'}"
    )
    return lines


def _answer(kb: KnowledgeBase, query: Query, lang: str, now: datetime, trace: list[str]) -> Answer:
    if query.smalltalk:
        trace.append(f"decision: {query.smalltalk}, not a question")
        return smalltalk(lang, query.smalltalk)
    unknown = query.unknown_names(kb.index)
    if unknown:
        trace.append(f"decision: refused, no document names {', '.join(unknown)}")
        return nothing_about(kb, query, lang, unknown)
    if not query.words or not _about_the_domain(kb, query):
        polite = greeting_in(query.text, query.lang, romanized=query.romanized)
        if polite:
            trace.append(f"decision: {polite} with no word of the domain, not a question")
            return smalltalk(lang, polite)
        trace.append("decision: refused, no word of the domain (glossary or records)")
        return dont_know(lang)
    if query.intent.name != "search":
        listed = _structured(kb, query, lang, now, trace)
        if listed is not None:
            return listed
    return _search(kb, query, lang, trace)


def _about_the_domain(kb: KnowledgeBase, query: Query) -> bool:
    """Whether the question uses a word of the domain: a core glossary concept, a thesaurus
    concept that an article staff wrote uses, or a word (not a number) of some project record.
    Records and staff articles describe what this bot is for; a question sharing nothing with
    them ("who won the world cup?", "how do I renew a passport?") is not answered from
    whatever bulk-imported news or law happens to match its words."""
    core = default_glossary().core
    if any(kb.in_written_articles(t) for i in query.names for t in query.match_tokens[i]):
        return True  # a name staff wrote about ("Φαίη Γιάνναρου", "Kessler")
    return any(
        t in core
        or (t.startswith(CONCEPT_PREFIX) and kb.in_written_articles(t))
        or (not t.isdigit() and kb.in_records(t))
        for tokens in query.word_tokens
        for t in tokens
    )


def _suggestions(lang: str) -> list[Section]:
    _ = translations(lang).gettext
    suggestions = (
        _("Which workshops are coming up?"),
        _("What trainings were held for municipal employees?"),
        _("Which international organisations are partners?"),
    )
    return [Section("text", _("You could ask, for example:"))] + [
        Section("item", s) for s in suggestions
    ]


def dont_know(lang: str) -> Answer:
    """ "I don't know" with examples of what can be asked, all in the reply language."""
    _ = translations(lang).gettext
    sections = [Section("text", _("Sorry, I don't know the answer to that.")), *_suggestions(lang)]
    return Answer(lang, "unknown", answered=False, sections=sections)


def smalltalk(lang: str, kind: str) -> Answer:
    """A greeting or thanks answered in kind, with a hint of what to ask."""
    _ = translations(lang).gettext
    if kind == "thanks":
        opening = _("You're welcome! Ask me anything else about trainings, partners or workshops.")
    else:
        opening = _(
            "Hello! I answer questions about public-sector reform programmes: trainings, "
            "partner organisations and upcoming workshops."
        )
    return Answer(
        lang, "unknown", answered=False, sections=[Section("text", opening), *_suggestions(lang)]
    )


def nothing_about(kb: KnowledgeBase, query: Query, lang: str, names: list[str]) -> Answer:
    """An honest refusal naming what the knowledge never mentions, and what it has nearby:
    the articles the rest of the question finds."""
    _ = translations(lang).gettext
    text = _("I have nothing about {names}.").format(names=", ".join(names))
    sections = [Section("text", text)]
    missing = set(names)
    rest = [
        t
        for w, ts in zip(query.words, query.word_tokens, strict=True)
        if w.surface not in missing
        for t in ts
    ]
    nearby = _unique(
        kb.passages[doc].article
        for doc, _s in kb.index.top(rest, SEARCH_DEPTH)
        if kb.record_at(doc) is None
    )[:3]
    if nearby:
        sections.append(Section("text", _("Nearby, I know about:")))
        sections += [Section("item", in_reader_script(a.title, a.lang, lang)) for a in nearby]
    else:
        sections += _suggestions(lang)
    return Answer(lang, "unknown", answered=False, sections=sections)


def _source_refs(scored: list[tuple[ArticleInfo, float]]) -> list[SourceRef]:
    seen: set[str] = set()
    refs = []
    for article, score in scored:
        if article.path not in seen:
            seen.add(article.path)
            refs.append(
                SourceRef(article.key, article.title, article.path, article.lang, round(score, 3))
            )
    return refs[:MAX_SOURCES]


# People call the same session a workshop or a seminar (семинар-практикум, სამუშაო სემინარი).
_SAME_KIND = {"workshop": {"workshop", "seminar"}, "seminar": {"workshop", "seminar"}}


def _candidates(kb: KnowledgeBase, query: Query, *, typed: bool = True) -> list[int]:
    """Record numbers an intent lists: events (of the types asked), trainings or partners."""
    intent = query.intent
    asked = intent.event_types - {"training"} or intent.event_types
    types = {t for kind in asked for t in _SAME_KIND.get(kind, {kind})} if typed else set()
    found = []
    member = LIST_OF[intent.name].member
    for number, record in enumerate(kb.records):
        of_type = intent.name != "events" or not types or record.type in types
        if member(record) and of_type:
            found.append(number)
    return found


def _relevant(kb: KnowledgeBase, query: Query, numbers: list[int]) -> list[tuple[int, float]]:
    """Candidates that match the question's other words, best first; all when it has none.
    A candidate must have every name the question uses: trainings "in Zugdidi" are not the
    trainings held elsewhere, and with none the question goes to article search."""
    numbers = [n for n in numbers if query.names_in(kb.index, kb.record_doc(n))]
    content = _record_content(kb, query)
    if not content:
        return [(n, 0.0) for n in numbers]
    docs = [kb.record_doc(n) for n in numbers]  # ascending, as records are in index order
    scored = list(zip(numbers, map(float, kb.index.scores_of(docs, content)), strict=True))
    best = max((s for _, s in scored), default=0.0)
    if best <= 0:
        return []
    kept = [(n, s) for n, s in scored if s >= RELATIVE_RELEVANCE * best]
    return sorted(kept, key=lambda ns: -ns[1])


def _record_content(kb: KnowledgeBase, query: Query) -> list[str]:
    """The content tokens that can narrow a list of records: those of words records use or
    that name a concept. A word no record has and no concept covers ("ketyaptimi", "is it
    going on") says nothing about which records are meant, and must not empty the list."""
    keep = [
        i
        for i in range(len(query.words))
        if i not in query.intent.trigger_words
        and any(t.startswith(CONCEPT_PREFIX) or kb.in_records(t) for t in query.word_tokens[i])
    ]
    return sorted({t for i in keep for t in query.word_tokens[i]})


def _structured(
    kb: KnowledgeBase, query: Query, lang: str, now: datetime, trace: list[str]
) -> Answer | None:
    relevant = _relevant(kb, query, _candidates(kb, query)) or (
        query.intent.name == "events" and _relevant(kb, query, _candidates(kb, query, typed=False))
    )
    if not relevant:
        trace.append(f"records: none of the {query.intent.name} matches; searching articles")
        return None
    better = _better_article(kb, query, [n for n, _s in relevant])
    if better is not None:
        trace.append(f"records: {better.path} answers better than the records; searching")
        return None
    dated = _dated_article(kb, query, [kb.records[n] for n, _s in relevant])
    if dated is not None:
        trace.append(f"records: none in the time asked, {dated.path} names it; searching")
        return None
    trace.append(
        "records: " + ", ".join(f"{kb.records[n].id} {s:.2f}" for n, s in relevant[:MAX_LISTED])
    )
    _ = translations(lang).gettext
    intent = query.intent.name
    records = [(kb.records[n], s) for n, s in relevant]
    answer = Answer(lang, intent, answered=True)
    if intent == "events":
        shown = _list_events(answer, records, now, query)
    else:
        heading = _(LIST_OF[intent].heading)
        if not query.content_tokens():
            records.sort(key=_newest_first)
        shown = records[:MAX_LISTED]
        answer.sections.append(Section("heading", heading))
        answer.sections += [record_item(r, lang, summary=True) for r, _s in shown]
    cited = [(a, s) for r, s in shown for a in kb.articles_of(r)]
    answer.sources = _source_refs(cited)
    answer.sections += [source_section(a, lang) for a in _unique(a for a, _s in cited)][:3]
    return answer


def _better_article(kb: KnowledgeBase, query: Query, numbers: list[int]) -> ArticleInfo | None:
    """An article no listed record comes from whose best passage covers more of the question
    than any listed record does: records add structure, but a new article staff dropped in,
    which no record describes yet, answers what it says better than older records."""
    content = query.content_tokens()
    if not content:
        return None
    cited = {a.path for n in numbers for a in kb.articles_of(kb.records[n])}
    record_docs = {kb.record_doc(n) for n in numbers}
    best_record = max(query.coverage(kb.index, d)[0] for d in record_docs)
    if best_record + BETTER_BY >= 1.0:
        return None  # no article can cover the question better than that
    for doc, _score in _near(kb, query, query.hits(kb.index, SEARCH_DEPTH)):
        if kb.record_at(doc) is not None:
            continue
        article = kb.passages[doc].article
        if article.path in cited:
            continue  # the records' own article: they say what it says
        if _covers(kb, query, doc) and query.coverage(kb.index, doc)[0] > best_record + BETTER_BY:
            return article
    return None


def _dated_article(
    kb: KnowledgeBase, query: Query, records: list[ProjectRecord]
) -> ArticleInfo | None:
    """For events in a time window ("next month") that no listed record falls in: an article
    among the best matches that answers the question and names a date within the window. A
    new article announcing a seminar is an answer before anyone has made a record of it."""
    window = query.happening
    if query.intent.name != "events" or window is None:
        return None
    if any(r.start and _overlaps(r, window.start, window.end) for r in records):
        return None
    for doc, _score in _near(kb, query, query.hits(kb.index, SEARCH_DEPTH))[:COVERING_DEPTH]:
        if kb.record_at(doc) is not None or not _covers(kb, query, doc):
            continue
        if _dated(kb, query, kb.passages[doc].article):
            return kb.passages[doc].article
    return None


def _dated(kb: KnowledgeBase, query: Query, article: ArticleInfo) -> bool:
    """Whether the article names a date within the question's window (read only for a
    question that has one: most do not, and every answer asks)."""
    window = query.happening
    if window is None:
        return False
    texts = [kb.passages[d].text for d in article.passages]
    return mentions_within(texts, article.lang, window)


def _covering(kb: KnowledgeBase, query: Query, near: list[tuple[int, float]]) -> Iterator[int]:
    """The documents that answer. Past the first few, only an article staff wrote answers, and
    only when it covers clearly more than any of them: a Georgian article asked about in
    English ranks below records that match the question's English words (records are written
    in every language and need no such reach), while a bulk-imported news item that shares a
    few words with the question ("Greece", "prime minister") is no better an answer for being
    found deeper down."""
    head = max((_share(kb, query, doc) for doc, _s in near[:COVERING_DEPTH]), default=0)
    for rank, (doc, _score) in enumerate(near):
        share = _share(kb, query, doc)
        deep = rank >= COVERING_DEPTH
        if deep and (share <= head + BETTER_BY or kb.record_at(doc) or not kb.written(doc)):
            continue
        if _covers(kb, query, doc):
            yield doc


def _near(
    kb: KnowledgeBase, query: Query, hits: list[tuple[int, float]]
) -> list[tuple[int, float]]:
    """The close runners-up: further down, a document that happens to contain the question's
    few shared words (a law naming the prime minister) is no answer to it. One that has every
    name the question asks about stays whatever its score: a passage in another language
    shares fewer of the question's words and scores lower, though it is the one about the
    town or body named; so does one spelling a word of the question that nothing in the
    question's language knows (a town in Georgian, which has no capitals to tell it)."""
    top = hits[0][1] if hits else 0.0
    return [
        (doc, score)
        for doc, score in hits
        if score >= RELATIVE_RELEVANCE * top
        or (query.names and query.names_in(kb.index, doc))
        or query.spells_an_unknown_word(kb.index, doc)
    ]


def _list_events(
    answer: Answer, records: list[tuple[ProjectRecord, float]], now: datetime, query: Query
) -> list[tuple[ProjectRecord, float]]:
    """Upcoming events soonest first (within the question's time window, if it names one);
    when none is, say so and name the most recent ones (and, for a question about particular
    events, those whose date the articles do not give)."""
    _ = translations(answer.lang).gettext
    lang = answer.lang
    specific = bool(query.content_tokens())
    dated = [(r, r.start.value, s) for r, s in records if r.start]
    # "The next one" is what a listing of events shows anyway: the soonest first.
    window = query.window if query.window and query.window.name != "next" else None
    if window is not None:
        inside = [d for d in dated if _overlaps(d[0], window.start, window.end)]
        if not inside and window.year_guessed:
            # "In July" with nothing next July: the latest July that had some, said as past.
            earlier = [d for d in dated if d[0].start.value.month == window.start.month]
            earlier = [d for d in earlier if d[1] < window.start]
            if earlier:
                last_year = max(d[1].year for d in earlier)
                shown = sorted(
                    ((r, s) for r, t, s in earlier if t.year == last_year),
                    key=lambda rs: rs[0].start.value,
                )[:MAX_RECENT]
                answer.sections.append(
                    Section("heading", _("Nothing is scheduled for that time."))
                )
                answer.sections.append(Section("text", _("The most recent ones were:")))
                answer.sections += [record_item(r, lang, summary=False) for r, _s in shown]
                return shown
        if not inside:
            answer.sections.append(Section("heading", _("Nothing is scheduled for that time.")))
            later = sorted((d for d in dated if d[1] >= now), key=lambda d: d[1])[:MAX_UPCOMING]
            if later:
                answer.sections.append(Section("text", _("Coming up:")))
                answer.events = [EventRef(r.id, r.name[lang], t.isoformat()) for r, t, _ in later]
            shown = [(r, s) for r, _t, s in later]
            answer.sections += [record_item(r, lang, summary=False) for r, _s in shown]
            return shown
        dated = inside
        now = min(now, window.start)
    upcoming = sorted((d for d in dated if d[1] >= now), key=lambda d: d[1])[:MAX_UPCOMING]
    if window is not None and not upcoming:
        upcoming = sorted(dated, key=lambda d: d[1])[:MAX_UPCOMING]
    # Planned without a date: to come, whatever time is asked about, but at no time in it.
    planned = [(r, s) for r, s in records if r.date_to_come][:MAX_UPCOMING] if not window else []
    if upcoming:
        upcoming_heading = LIST_OF["events"].heading
        answer.sections.append(Section("heading", _(upcoming_heading)))
        answer.events = [
            EventRef(r.id, r.name[lang], start.isoformat()) for r, start, _ in upcoming
        ]
        shown = [(r, s) for r, _start, s in upcoming]
    elif planned:
        answer.sections.append(Section("heading", _("Nothing is scheduled at the moment.")))
        shown = []
    else:
        past = sorted((rs for rs in records if not rs[0].date_to_come), key=_newest_first)
        shown = [rs for rs in past if rs[0].start or specific][:MAX_RECENT]
        answer.sections.append(Section("heading", _("Nothing is scheduled at the moment.")))
        if shown:
            answer.sections.append(Section("text", _("The most recent ones were:")))
    answer.sections += [record_item(r, lang, summary=False) for r, _s in shown]
    if planned:
        answer.sections.append(Section("text", _("Planned, with no date yet:")))
        answer.sections += [record_item(r, lang, summary=False) for r, _s in planned]
    return shown + planned


def _overlaps(record: ProjectRecord, start: datetime, end: datetime) -> bool:
    """Whether the record's time (from its start to its end, or to the end of the day, month
    or year its start is known to) meets [start, end)."""
    begin = record.start.value
    finish = record.end.value if record.end else _end_of(record)
    return begin < end and finish > start


def _end_of(record: ProjectRecord) -> datetime:
    begin, precision = record.start.value, record.start.precision
    if precision == "year":
        return begin.replace(year=begin.year + 1)
    if precision == "month":
        return (begin + timedelta(days=32)).replace(day=1)
    return begin + timedelta(days=1)


def _newest_first(record_score: tuple[ProjectRecord, float]) -> tuple[bool, float]:
    return newest_first(record_score[0])


def _unique(articles: Iterable[ArticleInfo]) -> list[ArticleInfo]:
    seen: dict[str, ArticleInfo] = {}
    for article in articles:
        seen.setdefault(article.path, article)
    return list(seen.values())


def _rank_articles(
    kb: KnowledgeBase, hits: list[tuple[int, float]], passages: list[tuple[int, float]]
) -> list[tuple[ArticleInfo, float]]:
    """Articles in the order of their first document in ``hits`` (best first), with its score;
    a record counts for every article it came from, and among those the article whose own
    ``passages`` match best comes first."""
    own = {}
    for doc, score in passages:
        if kb.record_at(doc) is None:
            path = kb.passages[doc].article.path
            own[path] = max(own.get(path, 0.0), score)
    first: dict[str, tuple[int, float, ArticleInfo]] = {}
    for rank, (doc, score) in enumerate(hits):
        record = kb.record_at(doc)
        for article in kb.articles_of(record) if record else [kb.passages[doc].article]:
            first.setdefault(article.path, (rank, score, article))
    ordered = sorted(first.values(), key=lambda t: (t[0], -own.get(t[2].path, 0.0)))
    return [(article, score) for _rank, score, article in ordered]


def _lead_record(
    kb: KnowledgeBase, query: Query, hits: list[tuple[int, float]], article: ArticleInfo
) -> ProjectRecord | None:
    """The record of the top article that covers most of the question, among ``hits`` as BM25
    ranked them (BM25 alone favours the shortest). For a question asking for a field ("who
    organises the workshops?") records naming it come first, matched without the asking word
    (the organiser is the answer, so a record whose text merely says "organised" is no better
    for it), and the answer most of the matching records give wins: three sessions run by a
    ministry outweigh one run by a partner."""
    top_score = hits[0][1]
    subject = None
    if query.roles:
        docs = sorted({doc for doc, _s in hits})
        found = kb.index.scores_of(docs, query.subject_tokens())
        subject = dict(zip(docs, map(float, found), strict=True))
    leads, naming = [], []
    for doc, score in hits:
        record = kb.record_at(doc)
        if (
            record is None
            or article not in kb.articles_of(record)
            or score < RELATIVE_RELEVANCE * top_score
            or not query.covered_by(kb.index, doc, MIN_COVERAGE)
        ):
            continue
        leads.append((query.coverage(kb.index, doc)[0], score, record))
        if subject is not None and fills_role(record, query.roles):
            share = query.coverage(kb.index, doc, skip=query.role_words)[0]
            naming.append((share, float(subject[doc]), record))
    if naming:
        share = max(n[0] for n in naming)
        votes: dict[str, list[tuple[float, ProjectRecord]]] = {}
        for n_share, n_score, record in naming:
            if n_share == share:
                answer = str([getattr(record, role, None) for role in sorted(query.roles)])
                votes.setdefault(answer, []).append((n_score, record))
        group = max(votes.values(), key=lambda g: sum(score for score, _ in g))
        return max(group, key=lambda sr: sr[0])[1]
    if not leads:
        return None
    best = max(leads, key=lambda t: t[:2])
    # "What has SIGMA done?": SIGMA's own record (an organisation's or a programme's, named
    # by the question) leads the events that mention it, where they cover as much of it.
    named = [
        t for t in leads if t[0] == best[0] and t[2].kind != "event" and _named_by(t[2], query)
    ]
    return max(named or [best], key=lambda t: t[:2])[2]


def _named_by(record: ProjectRecord, query: Query) -> bool:
    """Whether the record's own name has every name the question uses but a country's (it
    says where, not what, in "SIGMA's work in Georgia")."""
    countries = default_glossary().countries
    names = [i for i in query.names if not query.word_tokens[i] & countries]
    own = frozenset(analyze(record.name.get(query.lang) or record.name["en"], query.lang))
    return bool(names) and all(query.name_tokens[i] & own for i in names)


def _covers(kb: KnowledgeBase, query: Query, doc: int) -> bool:
    """Whether ``doc`` answers the question; a passage in another language than the question
    is judged on the words the two languages can share (concepts, names, numbers)."""
    if kb.record_at(doc) is not None:
        return query.covered_by(kb.index, doc, MIN_COVERAGE)
    article = kb.passages[doc].article
    return query.covered_by(
        kb.index, doc, MIN_COVERAGE, foreign=_foreign(query, doc, kb), around=article.passages
    )


def _share(kb: KnowledgeBase, query: Query, doc: int) -> float:
    """How much of the question ``doc`` covers, judged as ``_covers`` judges it."""
    return query.judged_share(kb.index, doc, foreign=_foreign(query, doc, kb))


def _foreign(query: Query, doc: int, kb: KnowledgeBase) -> bool:
    """Whether ``doc`` is a passage in another language than the question."""
    if kb.record_at(doc) is not None:
        return False
    return _base(kb.passages[doc].article.lang) != _base(query.lang)


def _base(lang: str) -> str:
    return lang.split("-")[0]


def _search(kb: KnowledgeBase, query: Query, lang: str, trace: list[str]) -> Answer:
    hits = query.hits(kb.index, SEARCH_DEPTH)
    for doc, score in hits[:5] if not isinstance(trace, _Discarded) else ():
        share, count = query.coverage(kb.index, doc)
        record = kb.record_at(doc)
        name = record.id if record else kb.passages[doc].article.path
        judged = (
            f", judged {_share(kb, query, doc):.2f} as foreign" if _foreign(query, doc, kb) else ""
        )
        names = "" if query.names_in(kb.index, doc) else ", lacks a name"
        trace.append(
            f"candidate: {name} score {score:.2f} covers {share:.2f} ({count} words)"
            f"{judged}{names}"
        )
    # Documents are weighed by their BM25 score times the square of the share of the question
    # they cover: one covering more of it leads one matching fewer of its words more often.
    weighed = {doc: score * query.coverage(kb.index, doc)[0] ** 2 for doc, score in hits}
    covering = sorted(
        ((doc, weighed[doc]) for doc in _covering(kb, query, _near(kb, query, hits))),
        key=lambda ds: -ds[1],
    )
    if query.happening is not None:
        # A question about a time ("next month") is answered first by an article dated in it.
        covering.sort(
            key=lambda ds: (
                kb.record_at(ds[0]) is not None
                or not _dated(kb, query, kb.passages[ds[0]].article)
            )
        )
    if not covering:
        trace.append(
            f"decision: refused, no match covers {MIN_COVERAGE} of the question (of its words"
            " another language shares, for a document in another language) and all its names"
        )
        return dont_know(lang)
    # The best-ranked document that answers leads; those that merely share words follow it.
    answering = {doc for doc, _s in covering}
    found = hits
    hits = covering + [(doc, weighed[doc]) for doc, _s in found if doc not in answering]
    # Articles are ranked by their covering documents only: a record that merely shares words
    # with the question must not lift its article above one whose passage answers it.
    ranked = _rank_articles(kb, covering, hits)
    first = {a.path for a, _s in ranked}
    ranked += [r for r in _rank_articles(kb, hits, hits) if r[0].path not in first]
    if not ranked:
        return dont_know(lang)
    top_article = ranked[0][0]
    answer = Answer(lang, "search", answered=True, sources=_source_refs(ranked))
    lead = _lead_record(kb, query, found, top_article)
    if lead:
        answer.sections += [
            Section("heading", lead.name[lang]),
            Section("text", "\n".join([lead.summary[lang], *record_details(lead, lang)])),
        ]
    matching = [
        doc
        for doc, _s in hits
        if kb.record_at(doc) is None and kb.passages[doc].article is top_article
    ][:QUOTED_PASSAGES] or top_article.passages[:1]
    best = [kb.passages[doc].text for doc in matching]
    counting = "number" in query.asks and any(t.startswith(CONCEPT_PREFIX) for t in query.counted)
    holds = answers_asked(top_article, best, query, SHAPED)
    holds = holds and names_the_role(top_article, best, query)
    # "When and at what time": the day may be in one passage and the hours in another.
    timed = "time" not in query.asks or tells_the_time(best)
    shaped = query.asks & SHAPED and not (holds and timed)
    if counting or shaped or _dated(kb, query, top_article):
        # The sentence holding the asked name, number, date or link, or the date in the time
        # asked, may sit in a passage that shares few words with the question (a contact line
        # at the end, "25 civil servants" in the last paragraph): look at them all.
        matching = top_article.passages[:MAX_SHAPED_PASSAGES]
    if matching:
        texts = [kb.passages[doc].text for doc in sorted(matching)]
        lead_text = "\n".join([lead.summary[lang], *record_details(lead, lang)]) if lead else ""
        if not answers_asked(top_article, [*texts, lead_text], query):
            trace.append(f"decision: refused, {top_article.path} holds no {'/'.join(query.asks)}")
            return dont_know(lang)
        if "time" in query.asks and not tells_the_time([*texts, lead_text]):
            # "What are the opening hours?" is not answered by the day the unit was set up.
            trace.append(f"decision: refused, {top_article.path} gives no time of day")
            return dont_know(lang)
        answer.sections.append(quote_section(top_article, texts, query, kb.index, lang))
    answer.sections.append(source_section(top_article, lang))
    return answer
