"""Question → Answer: pick the reply language and intent, then list records or search articles.

Structured intents answer from records (dates, places, counts are facts staff maintain), and
fall back to article search when no record is about what was asked. Search answers only when
the best document covers enough of the question; otherwise the honest answer is "I don't know".
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from bot.answers import Answer, EventRef, Section, SourceRef
from bot.answers.items import record_details, record_item
from bot.answers.query import Query, analyse_question
from bot.answers.quotes import quote_section, source_section
from bot.answers.roles import fills_role
from bot.i18n import translations
from bot.knowledge import ArticleInfo, KnowledgeBase
from bot.records import ProjectRecord
from bot.text.detect import detect_language
from bot.text.glossary import CONCEPT_PREFIX

# Share of the question's (idf-weighted) words the best document must contain to be an answer.
# Calibrated on the dev questions and the off-topic questions of tests/test_answers.py: every
# on-topic question covers more than 0.5, no off-topic one reaches 0.45 with two words.
MIN_COVERAGE = 0.45
# A structured item is listed when it scores at least this share of the best item.
RELATIVE_RELEVANCE = 0.5
MAX_UPCOMING = 10
MAX_RECENT = 5
MAX_LISTED = 8
MAX_SOURCES = 5
SEARCH_DEPTH = 50
# The quote is cut from the best sentences of this many of the top article's best passages.
QUOTED_PASSAGES = 3


def answer_question(
    kb: KnowledgeBase, question: str, *, lang: str | None, now: datetime, default_lang: str
) -> Answer:
    """The whole answer to one question, in ``lang`` or the question's own language."""
    question_lang = detect_language(question, default_lang)
    reply_lang = lang or question_lang
    query = analyse_question(question, question_lang, kb.index, kb.spelling)
    if not query.words or not _about_the_domain(kb, query):
        return dont_know(reply_lang)
    if query.intent.name != "search":
        listed = _structured(kb, query, reply_lang, now)
        if listed is not None:
            return listed
    return _search(kb, query, reply_lang)


def _about_the_domain(kb: KnowledgeBase, query: Query) -> bool:
    """Whether the question uses a word of the domain: a glossary concept, or a word (not a
    number) of some project record. Records describe, in every reply language, what this bot
    is for; a question sharing nothing with them ("who won the world cup?") is not answered
    from whatever news or law happens to match its words."""
    return any(
        t.startswith(CONCEPT_PREFIX) or (not t.isdigit() and kb.in_records(t))
        for tokens in query.word_tokens
        for t in tokens
    )


def dont_know(lang: str) -> Answer:
    """ "I don't know" with examples of what can be asked, all in the reply language."""
    _ = translations(lang).gettext
    suggestions = (
        _("Which workshops are coming up?"),
        _("What trainings were held for municipal employees?"),
        _("Which international organisations are partners?"),
    )
    sections = [
        Section("text", _("Sorry, I don't know the answer to that.")),
        Section("text", _("You could ask, for example:")),
        *(Section("item", s) for s in suggestions),
    ]
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
    for number, record in enumerate(kb.records):
        if intent.name == "partners":
            keep = record.kind == "partner"
        elif intent.name == "trainings":
            keep = record.kind == "event" and record.type == "training"
        else:
            keep = record.kind == "event" and (not types or record.type in types)
        if keep:
            found.append(number)
    return found


def _relevant(kb: KnowledgeBase, query: Query, numbers: list[int]) -> list[tuple[int, float]]:
    """Candidates that match the question's other words, best first; all when it has none.
    A candidate must have every name the question uses: trainings "in Zugdidi" are not the
    trainings held elsewhere, and with none the question goes to article search."""
    numbers = [n for n in numbers if query.names_in(kb.index, kb.record_doc(n))]
    content = query.content_tokens()
    if not content:
        return [(n, 0.0) for n in numbers]
    scores = kb.index.scores(content)
    scored = [(n, float(scores[kb.record_doc(n)])) for n in numbers]
    best = max((s for _, s in scored), default=0.0)
    if best <= 0:
        return []
    kept = [(n, s) for n, s in scored if s >= RELATIVE_RELEVANCE * best]
    return sorted(kept, key=lambda ns: -ns[1])


def _structured(kb: KnowledgeBase, query: Query, lang: str, now: datetime) -> Answer | None:
    relevant = _relevant(kb, query, _candidates(kb, query)) or (
        query.intent.name == "events" and _relevant(kb, query, _candidates(kb, query, typed=False))
    )
    if not relevant:
        return None
    _ = translations(lang).gettext
    intent = query.intent.name
    records = [(kb.records[n], s) for n, s in relevant]
    answer = Answer(lang, intent, answered=True)
    if intent == "events":
        shown = _list_events(answer, records, now, specific=bool(query.content_tokens()))
    else:
        heading = _("Trainings") if intent == "trainings" else _("Partner organisations")
        if not query.content_tokens():
            records.sort(key=_newest_first)
        shown = records[:MAX_LISTED]
        answer.sections.append(Section("heading", heading))
        answer.sections += [record_item(r, lang, summary=True) for r, _s in shown]
    cited = [(a, s) for r, s in shown for a in kb.articles_of(r)]
    answer.sources = _source_refs(cited)
    answer.sections += [source_section(a, lang) for a in _unique(a for a, _s in cited)][:3]
    return answer


def _list_events(
    answer: Answer, records: list[tuple[ProjectRecord, float]], now: datetime, *, specific: bool
) -> list[tuple[ProjectRecord, float]]:
    """Upcoming events soonest first; when none is, say so and name the most recent ones (and,
    for a question about particular events, those whose date the articles do not give)."""
    _ = translations(answer.lang).gettext
    lang = answer.lang
    dated = [(r, r.start.value, s) for r, s in records if r.start]
    upcoming = sorted((d for d in dated if d[1] >= now), key=lambda d: d[1])[:MAX_UPCOMING]
    if upcoming:
        answer.sections.append(Section("heading", _("Upcoming events")))
        answer.events = [
            EventRef(r.id, r.name[lang], start.isoformat()) for r, start, _ in upcoming
        ]
        shown = [(r, s) for r, _start, s in upcoming]
    else:
        past = sorted(records, key=_newest_first)
        shown = [rs for rs in past if rs[0].start or specific][:MAX_RECENT]
        answer.sections.append(Section("heading", _("Nothing is scheduled at the moment.")))
        if shown:
            answer.sections.append(Section("text", _("The most recent ones were:")))
    answer.sections += [record_item(r, lang, summary=False) for r, _s in shown]
    return shown


def _newest_first(record_score: tuple[ProjectRecord, float]) -> tuple[bool, float]:
    record = record_score[0]
    return (record.start is None, -(record.start.value.timestamp() if record.start else 0))


def _unique(articles: Iterable[ArticleInfo]) -> list[ArticleInfo]:
    seen: dict[str, ArticleInfo] = {}
    for article in articles:
        seen.setdefault(article.path, article)
    return list(seen.values())


def _rank_articles(
    kb: KnowledgeBase, hits: list[tuple[int, float]]
) -> list[tuple[ArticleInfo, float]]:
    """Articles by their best document; a record counts for every article it came from, and
    among those the article whose own passages match best comes first."""
    best: dict[str, tuple[float, float, ArticleInfo]] = {}
    for doc, score in hits:
        record = kb.record_at(doc)
        articles = kb.articles_of(record) if record else [kb.passages[doc].article]
        for article in articles:
            top, own, _ = best.get(article.path, (0.0, 0.0, article))
            best[article.path] = (max(top, score), max(own, 0.0 if record else score), article)
    ordered = sorted(best.values(), key=lambda t: (-t[0], -t[1]))
    return [(article, score) for score, _own, article in ordered]


def _lead_record(
    kb: KnowledgeBase, query: Query, hits: list[tuple[int, float]], article: ArticleInfo
) -> ProjectRecord | None:
    """The record of the top article that covers most of the question (BM25 alone favours the
    shortest). For a question asking for a field ("who organises the workshops?") records
    naming it come first, matched without the asking word (the organiser is the answer, so a
    record whose text merely says "organised" is no better for it), and the answer most of the
    matching records give wins: three sessions run by a ministry outweigh one run by a partner."""
    top_score = hits[0][1]
    subject = kb.index.scores(query.subject_tokens()) if query.roles else None
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
    return max(leads, key=lambda t: t[:2])[2] if leads else None


def _search(kb: KnowledgeBase, query: Query, lang: str) -> Answer:
    hits = kb.index.top(query.tokens, SEARCH_DEPTH)
    if not hits or not query.covered_by(kb.index, hits[0][0], MIN_COVERAGE):
        return dont_know(lang)
    ranked = _rank_articles(kb, hits)
    if not ranked:
        return dont_know(lang)
    top_article = ranked[0][0]
    answer = Answer(lang, "search", answered=True, sources=_source_refs(ranked))
    lead = _lead_record(kb, query, hits, top_article)
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
    if matching:
        texts = [kb.passages[doc].text for doc in sorted(matching)]
        answer.sections.append(quote_section(top_article, texts, query, kb.index, lang))
    answer.sections.append(source_section(top_article, lang))
    return answer
