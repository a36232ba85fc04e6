"""Extractive snippets: the sentences of a passage that answer the question, labelled.

Article text is quoted in its own language (translating it would put words in the source's
mouth), with a label saying which language it is; Uzbek is the exception, shown in the reader's
own script since Cyrillic and Latin Uzbek are one language.
"""

from __future__ import annotations

import contextlib
import re
from datetime import datetime, timedelta
from functools import cache, lru_cache

import alifbo

from bot.answers import Section
from bot.answers.asks import Window, has_number
from bot.answers.query import Query
from bot.i18n import babel_locale, translations
from bot.i18n.formatting import format_day
from bot.knowledge import ArticleInfo
from bot.search.index import SearchIndex
from bot.text.analyzer import analyze, concept_spans, content_words, default_glossary
from bot.text.glossary import CONCEPT_PREFIX
from bot.text.tokenize import sentences

MAX_SENTENCES = 2
LIST_LINES = 5
LIST_CHARS = 700
# A sentence holding what the question asks for (a number for "how many", a date for "when",
# a link for "where do I register") is preferred by this factor.
ASKED_BOOST = 1.5
# The tier of the sentence giving the soonest date to come, for "the next one".
NEXT_TIER = 4
# A year, a time of day or a day.month: a lone number ("9 municipalities") is no date.
_DATE = re.compile(
    r"\b(?:1[89]|20)\d\d\b|\b\d{1,2}[:.]\d{2}\b|\b\d{1,2}[./-]\d{1,2}[./-]\d{2,4}\b"
)
# A time of day: "10:00", "09:00-დან".
_CLOCK = re.compile(r"\b\d{1,2}:\d{2}\b")
_CAPITAL, _SMALL = "A-ZА-ЯЁЎҚҒҲΑ-ΩΆ-Ώ", "a-zа-яёўқғҳα-ωά-ώ"
# "M.Қурбонов", "V. Kessler": an initial and a surname.
_INITIALLED = re.compile(rf"\b[{_CAPITAL}]\.\s?[{_CAPITAL}][{_SMALL}]{{2,}}")


@lru_cache(maxsize=16384)
def _names_a_person(sentence: str, lang: str) -> bool:
    """Whether the sentence names a person: an initial and a surname, or two capitalised words
    in a row, not at its start, neither of them a word of the glossary ("Υπουργείου
    Εσωτερικών", "Public Service" are institutions, "Φαίη Γιάνναρου" a person; nor a Greek
    genitive plural, which no person's name is). Georgian has no capitals, so no Georgian name
    is seen this way."""
    if _INITIALLED.search(sentence):
        return True
    found = content_words(sentence, lang)
    common = {i for s, e, _c in concept_spans([w.stem for w in found]) for i in range(s, e)}
    opening = sentence.lstrip()[:1]

    def proper(i: int) -> bool:
        surface = found[i].surface
        plural = lang == "el" and surface.endswith(("ων", "ών"))  # "Βέλτιστων Πρακτικών"
        return surface[:1].isupper() and not surface.isupper() and i not in common and not plural

    return any(
        proper(i) and proper(i + 1) and not (i == 0 and found[0].surface[:1] == opening)
        for i in range(len(found) - 1)
    )


# A sum of money: a number with a currency beside it, or a word for "free of charge". A fee
# is often a share of a base amount ("40 per cent of the base calculation amount"), so a
# percentage is a sum too, where the question asks what something costs.
_CURRENCY = (
    r"(?:GEL|EUR|USD|UZS|лари|ლარ|евро|ევრო|euro|ευρώ|доллар|დოლარ|dollar|δολάρ|сум|сўм|soʻm|"
    r"so'm|som\b|манат|manat|драм|dram|lei|лей|тенге|tenge|%|per ?cent|процент|პროცენტ|"
    r"фоиз|foiz|τοις εκατό)"
)
_MONEY = re.compile(
    rf"[€$₾£]\s?\d|\d[\d\s.,]*\s?(?:[€$₾£]|(?:млн|миллион|მლნ|მილიონ|mln|million|εκατ)\.?\s*)?"
    rf"{_CURRENCY}|\b(?:free of charge|бесплатн|უფასო|bepul|δωρεάν|free\b)",
    re.IGNORECASE,
)
# Concepts of what people are: the role a "who" question asks about.
_ROLES = frozenset(
    CONCEPT_PREFIX + c
    for c in ("leader", "president", "minister", "mayor", "expert", "speaker", "contact")
)
# Roles one person holds: "who is the head of ..." asks for that person's name.
_HEADS = frozenset(
    CONCEPT_PREFIX + c for c in ("leader", "president", "minister", "mayor", "head_of_unit")
)
_PEOPLE = CONCEPT_PREFIX + "people"
_PERSONS = frozenset(CONCEPT_PREFIX + c for c in ("employee", "citizen", "student"))
_MONEY_TOKENS = frozenset({CONCEPT_PREFIX + "money"})
_LINK = re.compile(
    r"https?://|www\.|[\w.-]+@[\w-]+\.\w|\+?\d[\d ()-]{6,}\d"
    r"|\b[\w-]+\.(?:gov|org|com|net|ge|uz|gr|am|md|ee|az|eu)\b"
)


def holds_asked(
    sentence: str,
    tokens: frozenset[str],
    asks: frozenset[str],
    counted: frozenset[str] = frozenset(),
    lang: str = "en",
    given: frozenset[str] = frozenset(),
) -> bool:
    """Whether a sentence holds an answer of an asked type: a number (of what is ``counted``,
    when that can be told), a date (a number or a month), a link, e-mail or phone number, a
    person (two capitalised words inside the sentence, in the scripts that have capitals).
    A place shows by a place name, an address, a street, a venue or a building, other than
    those the question ``given`` names: "Gldani" says nothing new to "where in Gldani?". A sum
    of money answers only in a sentence about something the question names too: the course's
    fee is not the building's cost."""
    if "person" in asks and _names_a_person(sentence, lang):
        return True
    if "place" in asks and (tokens - given) & _places():
        return True
    if "link" in asks and _LINK.search(sentence):
        return True
    if "money" in asks and _MONEY.search(sentence) and tokens & given - _MONEY_TOKENS:
        return True
    if "number" in asks and _has_count(sentence, lang) and (not counted or tokens & counted):
        return True
    month = any(t.startswith("@month_") for t in tokens)
    return "date" in asks and bool(month or _DATE.search(sentence))


MAX_CHARS = 420


def _label(article_lang: str, reader_lang: str) -> str:
    _ = translations(reader_lang).gettext
    base = article_lang.split("-")[0]
    if base == reader_lang.split("-")[0]:
        return _("From the article:")
    # CLDR names every language in every other one, so a new language needs no label here.
    language = babel_locale(reader_lang).languages.get(base)
    if language is None:
        return _("From the article:")
    return _("From an article in {language}:").format(language=language)


@lru_cache(maxsize=4096)
def in_reader_script(text: str, text_lang: str, reader_lang: str) -> str:
    """Uzbek text in the reader's Uzbek script; anything else unchanged. Cached: alifbo takes
    milliseconds per sentence, and quotes are made of an article's sentences, one at a time."""
    if text_lang.startswith("uz") and reader_lang == "uz-Latn" and text_lang != "uz-Latn":
        return alifbo.to_old_latin(alifbo.from_cyrillic(text).text).text
    if text_lang.startswith("uz") and reader_lang == "uz-Cyrl" and text_lang != "uz-Cyrl":
        return alifbo.to_cyrillic(text).text
    return text


@lru_cache(maxsize=16384)
def _sentence_tokens(sentence: str, lang: str) -> frozenset[str]:
    """Cached: the same article sentences are weighed again for every question about them."""
    return frozenset(analyze(sentence, lang))


def _tier(
    sentence: str, lang: str, query: Query, wanted: frozenset[str], counted: frozenset[str]
) -> int:
    """How closely a sentence answers what the question asks: 0 not at all; 3 a date in the
    time window the question names ("next month"), or a street or an address; 2 "25 civil
    servants" for "how many civil servants", a link, a time of day for "what time", a sum
    for "how much does it cost", a person beside the role asked for, or a venue; 1 anything
    else of the asked kind. A link or an e-mail is more specific than a place ("where do I
    send the form" asks for one), a venue than a town's name, a street than a venue; "who
    coordinates" is answered by "Coordination: Fay Giannarou" more closely than by any name.
    ``wanted`` are the question's tokens, ``counted`` what its "how many" counts."""
    tokens = _sentence_tokens(sentence, lang)
    window = query.happening
    if window is not None and dated_within(sentence, tokens, window, lang):
        return 3
    if not query.asks or not holds_asked(sentence, tokens, query.asks, counted, lang, wanted):
        return 0
    where = tokens - wanted if "place" in query.asks else frozenset()
    if where & _ADDRESSES:
        return 3
    specific = (
        ("number" in query.asks and _counts(sentence, lang, counted))
        or ("link" in query.asks and bool(_LINK.search(sentence)))
        or ("time" in query.asks and bool(_CLOCK.search(sentence)))
        or ("money" in query.asks and bool(_MONEY.search(sentence)))
        or (
            "person" in query.asks
            and bool(tokens & wanted & _ROLES)
            and _names_a_person(sentence, lang)
        )
        or bool(where & _VENUES)
    )
    return 2 if specific else 1


def best_sentences(passages: list[str], lang: str, query: Query, index: SearchIndex) -> list[str]:
    """Up to two sentences, from the given passages of one article, sharing the most idf weight
    with the question, in text order (passages come in article order)."""
    wanted = set(query.tokens)
    frozen, counted = frozenset(wanted), _counted(query, lang)
    candidates = [s for passage in passages for s in sentences(passage)]
    scored = []
    tier: dict[int, int] = {}
    for position, sentence in enumerate(candidates):
        tokens = _sentence_tokens(sentence, lang)
        weight = sum(index.token_idf(t) or 0.0 for t in tokens & wanted)
        answers = _tier(sentence, lang, query, frozen, counted)
        if answers:
            weight *= ASKED_BOOST
            tier[position] = answers
        scored.append((weight, position, sentence))
    window = query.happening
    if window is not None and window.name == "next":
        # "The next one" is the soonest of those to come: its sentence leads the others.
        dated = {
            p: moment
            for p, t in tier.items()
            if t == 3
            and (
                moment := first_within(
                    candidates[p], _sentence_tokens(candidates[p], lang), window, lang
                )
            )
        }
        if dated:
            tier[min(dated, key=lambda p: (dated[p], p))] = NEXT_TIER
    ranked = [s for s in sorted(scored, key=lambda s: (-s[0], s[1])) if s[0] > 0] or scored
    if tier:
        top_tier = max(tier.values())
        tops = [position for position, t in tier.items() if t == top_tier]
        first = next((s for s in ranked if s[0] > 0 and s[1] in tops), None)
        if first is None and top_tier == NEXT_TIER:
            # The soonest date to come answers "the next one" whatever words it shares (a
            # line of a schedule: "10 February — Electronic signatures").
            first = scored[tops[0]]
        if first is not None:
            # The sentence that holds what was asked (the number of the thing counted, a date,
            # a link) leads, even when another shares more words with a question in another
            # language.
            # The next place goes to another sentence holding it as closely, where one shares
            # the question's words: the asked date is often in the sentence after the one
            # naming the event ("The seminar is on ... . It takes place on 16 February").
            holding = [s for s in ranked if s is not first and s[0] > 0 and s[1] in tops]
            if not holding:
                # Else the closest one holding another thing asked, specifically (the time
                # of day beside "the next one"'s date).
                nearest = sorted(
                    (s for s in scored if s is not first and tier.get(s[1]) == 2),
                    key=lambda s: abs(s[1] - first[1]),
                )
                holding = nearest[:1]
            ranked = [first, *holding] + [s for s in ranked if s is not first and s not in holding]
        elif ranked[0][1] not in tops:
            # None that shares the question's words holds it: the answer is usually beside
            # the sentence that does ("The branch opened in Gldani. It stands at 81 ...
            # Street"), so the nearest sentence holding it joins the best one.
            start = ranked[0][1]
            nearest = scored[min(tops, key=lambda p: (abs(p - start), p))]
            ranked = [ranked[0], nearest] + [s for s in ranked[1:] if s is not nearest]
    chosen: list[tuple[float, int, str]] = []
    if "list" in query.asks and ranked[0][0] > 0:
        # A question asking for several things gets the best line and the lines after it: a
        # list follows the sentence that introduces it, and shares few words with questions.
        # The best line naming what is listed ("four modules:" for "which modules") leads.
        naming = [s for s in ranked if s[0] > 0 and _sentence_tokens(s[2], lang) & query.listed]
        start = (naming or ranked)[0][1]
        for candidate in scored[start : start + LIST_LINES]:
            if chosen and sum(len(s[2]) for s in chosen) + len(candidate[2]) > LIST_CHARS:
                break
            chosen.append(candidate)
        return [sentence for _weight, _pos, sentence in chosen]
    for candidate in ranked:
        if len(chosen) == MAX_SENTENCES:
            break
        if not chosen or sum(len(s[2]) for s in chosen) + len(candidate[2]) <= MAX_CHARS:
            chosen.append(candidate)
    return [sentence for _weight, _pos, sentence in sorted(chosen, key=lambda s: s[1])]


# The words of addresses and venues: they say where more closely than a town's or a country's
# name ("in the conference hall of the Academy", "at 81 Khizanishvili Street"). Not "office":
# it names institutions more often than rooms ("the Civil Service Office").
_ADDRESSES = frozenset(CONCEPT_PREFIX + c for c in ("address", "street"))
_VENUES = _ADDRESSES | {CONCEPT_PREFIX + c for c in ("hall", "building")}


def mentions_within(passages: list[str], lang: str, window: Window) -> bool:
    """Whether any sentence of the passages is dated within the window (``dated_within``)."""
    return any(
        dated_within(s, _sentence_tokens(s, lang), window, lang)
        for passage in passages
        for s in sentences(passage)
    )


_YEAR_IN = re.compile(r"\b(?:19|20)\d\d\b")


def dated_within(sentence: str, tokens: frozenset[str], window: Window, lang: str) -> bool:
    """Whether the sentence names a date (a day of a month, else a month; of a year it gives,
    else of the window's years) that meets the window: "on 17 February 2027" for "next
    month" asked in January 2027, not "on 3 February" for "the next one" asked on the 8th."""
    return first_within(sentence, tokens, window, lang) is not None


def first_within(
    sentence: str, tokens: frozenset[str], window: Window, lang: str
) -> datetime | None:
    """The earliest moment the sentence names within the window (see ``dated_within``)."""
    months = {int(t.removeprefix("@month_")) for t in tokens if t.startswith("@month_")}
    if not months:
        return None
    last = window.end - timedelta(microseconds=1)
    years = {int(y) for y in _YEAR_IN.findall(sentence)} or {window.start.year, last.year}
    days = _days(sentence, lang)
    found = []
    for year in sorted(years):
        if days:
            for month, day in days:
                with contextlib.suppress(ValueError):  # 31 February: not a date
                    start = window.start.replace(
                        year=year, month=month, day=day, hour=0, minute=0, second=0
                    ).replace(microsecond=0)
                    end = start + timedelta(days=1)
                    if start < window.end and end > window.start:
                        found.append(start)
            continue
        for month in months:
            start = window.start.replace(year=year, month=month, day=1, hour=0, minute=0)
            start = start.replace(second=0, microsecond=0)
            end = (start + timedelta(days=32)).replace(day=1)
            if start < window.end and end > window.start:
                found.append(start)
    return min(found, default=None)


@lru_cache(maxsize=16384)
def _days(sentence: str, lang: str) -> tuple[tuple[int, int], ...]:
    """(month, day) for every day of a month the sentence names: a number beside a month's
    name ("10 February", "February 10", "10 თებერვალი")."""
    found = content_words(sentence, lang)
    days = []
    for start, end, concept in concept_spans([w.stem for w in found]):
        if not concept.startswith("@month_"):
            continue
        month = int(concept.removeprefix("@month_"))
        for i in (start - 1, end):
            if 0 <= i < len(found) and found[i].stem.isdigit() and 1 <= int(found[i].stem) <= 31:
                days.append((month, int(found[i].stem)))
                break
    return tuple(days)


@cache
def _places() -> frozenset[str]:
    """Concept tokens that say where: place names, venues and addresses."""
    glossary = default_glossary()
    places = glossary.names - glossary.organisations
    return places | _VENUES | {CONCEPT_PREFIX + c for c in ("location", "office")}


@lru_cache(maxsize=16384)
def _has_count(sentence: str, lang: str) -> bool:
    """Whether the sentence gives a number that may count something: not a year, a time of
    day or the day of a month ("on 13 July 2021" answers no "how many")."""
    plain = _DATE.sub(" ", sentence)
    if not has_number(plain, lang):
        return False
    found = content_words(plain, lang)
    months = {
        i
        for s, e, c in concept_spans([w.stem for w in found])
        if c.startswith("@month_")
        for i in range(s, e)
    }
    digits = [i for i, w in enumerate(found) if w.stem.isdigit()]
    dated = [i for i in digits if {i - 1, i + 1} & months]
    return len(dated) < len(digits) or not digits


def _counts(sentence: str, lang: str, counted: frozenset[str]) -> bool:
    """Whether a number in the sentence is followed, within three words, by what is counted."""
    if not counted:
        return False
    found = content_words(sentence, lang)
    concepts: dict[int, set[str]] = {}
    for start, end, concept in concept_spans([w.stem for w in found]):
        for i in range(start, end):
            concepts.setdefault(i, set()).add(concept)
    return any(
        word.stem.isdigit()
        and any(
            counted & (set(found[j].tokens) | concepts.get(j, set()))
            for j in range(i + 1, min(i + 4, len(found)))
        )
        for i, word in enumerate(found)
    )


def answers_asked(
    article: ArticleInfo,
    passages: list[str],
    query: Query,
    shapes: frozenset[str] = frozenset({"number", "money", "date", "link"}),
) -> bool:
    """Whether the passages hold an answer of the type the question asks for (when it asks for
    one of ``shapes``): without a number, a sum, a date or a link, the article does not say
    what was asked."""
    shaped = query.asks & shapes
    heads = frozenset(query.tokens) & _HEADS
    if "person" in query.asks and heads and _capitalised(article.lang):
        # "Who heads the department?" is answered by a name beside that role: an article
        # naming no one, or only the head of something else ("project head Viktor Kessler"
        # for the head of a justice department), does not say. Georgian has no capitals, so
        # its names cannot be told this way.
        named = any(
            _sentence_tokens(s, article.lang) & heads and _names_a_person(s, article.lang)
            for passage in passages
            for s in sentences(passage)
        )
        if not named:
            return False
    if not shaped:
        return True
    counted = _counted(query, article.lang)
    given = frozenset(query.tokens)
    return any(
        holds_asked(s, _sentence_tokens(s, article.lang), shaped, counted, article.lang, given)
        for passage in passages
        for s in sentences(passage)
    )


def tells_the_time(passages: list[str]) -> bool:
    """Whether the passages give a time of day ("10:00"), which "what time" asks for."""
    return any(_CLOCK.search(passage) for passage in passages)


def names_the_role(article: ArticleInfo, passages: list[str], query: Query) -> bool:
    """Whether a sentence of the passages names a person beside the role the question asks
    about ("Coordination: Fay Giannarou" for "who coordinates?"); True when the question asks
    no role. Other capitalised words ("Directorate of Strategic Planning") are not the
    answer to a question about a role."""
    wanted = frozenset(query.tokens)
    if "person" not in query.asks or not wanted & _ROLES:
        return True
    return any(
        _sentence_tokens(s, article.lang) & wanted & _ROLES and _names_a_person(s, article.lang)
        for passage in passages
        for s in sentences(passage)
    )


def _capitalised(lang: str) -> bool:
    """Whether the language's script writes names with capitals (Georgian does not)."""
    return not lang.startswith("ka")


def _counted(query: Query, _text_lang: str) -> frozenset[str]:
    """What "how many" counts, by its concepts, which match synonyms and other languages
    ("employees" is @employee in Georgian too); a word without one is not checked, since
    "bodies" may be counted as "organisations". "People" are counted as employees,
    citizens or students too (not "members": organisations are members of networks)."""
    counted = frozenset(t for t in query.counted if t.startswith(CONCEPT_PREFIX))
    return counted | _PERSONS if _PEOPLE in counted else counted


def quote_section(
    article: ArticleInfo, passages: list[str], query: Query, index: SearchIndex, reader_lang: str
) -> Section:
    chosen = best_sentences(passages, article.lang, query, index)
    limit = LIST_CHARS if "list" in query.asks else MAX_CHARS
    body = " ".join(in_reader_script(s, article.lang, reader_lang) for s in chosen)
    if len(body) > limit:
        body = body[:limit].rsplit(" ", 1)[0] + " …"
    return Section("quote", _label(article.lang, reader_lang), (body,))


def source_section(article: ArticleInfo, reader_lang: str) -> Section:
    """ "Source: title, 13 July 2021" in the reader's language, and the link to the original
    when the article gives one. The file it was read from is for staff (``--json`` sources),
    not for readers."""
    _ = translations(reader_lang).gettext
    title = in_reader_script(article.title, article.lang, reader_lang)
    if article.date:
        date = format_day(article.date, reader_lang)
        text = _("Source: {title}, {date}").format(title=title, date=date)
    else:
        text = _("Source: {title}").format(title=title)
    return Section("source", text, (article.source,) if article.source else ())
