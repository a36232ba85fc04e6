"""A question, analysed once: its words, their tokens, what it asks for and for when, and how
much of it a document covers. Every later stage reads this instead of re-reading the text."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from functools import cached_property
from typing import Any

from bot.answers.asks import (
    Window,
    answer_types,
    asking_words,
    counted_words,
    listed_words,
    time_window,
    time_words,
    window_words,
)
from bot.answers.roles import role_asked
from bot.intent import Intent, detect_intent
from bot.search.index import SearchIndex
from bot.search.spelling import Spelling
from bot.text.analyzer import (
    Word,
    analyze_word,
    concept_spans,
    content_words,
    default_glossary,
)
from bot.text.glossary import CONCEPT_PREFIX
from bot.text.romanized import (
    NativeVocabulary,
    native_stop_keys,
    sound_key,
    to_native_text,
)
from bot.text.scripts import Script, word_script
from bot.text.smalltalk import smalltalk_kind
from bot.text.tokenize import normalize
from bot.text.translit import KEY_PREFIX

# A cross-script key (see bot.text.translit) of at least this many letters rarely meets an
# unrelated word by chance ("~vosnes" does not; "~kun" does).
SURE_KEY_LETTERS = 5


@dataclass(frozen=True)
class Query:
    text: str
    words: list[Word]
    word_tokens: list[frozenset[str]]  # each word's tokens, with concepts spanning it
    # What a document must contain for each word to count as found: for a word inside a
    # multi-word glossary term, that term's concept ("prime minister" is not "minister").
    match_tokens: list[frozenset[str]]
    intent: Intent
    # What kind of answer is asked for: person, date, place, number, link (bot.answers.asks).
    asks: frozenset[str] = frozenset()
    # Record fields asked for ("who organises" → organiser), and the words that asked.
    roles: frozenset[str] = frozenset()
    role_words: frozenset[int] = frozenset()
    window: Window | None = None  # the span of time asked about ("in December", "next week")
    smalltalk: str | None = None  # "greeting" or "thanks": not a question at all
    romanized: bool = False  # typed in Latin letters, read in its own script
    analysed_text: str = ""  # the text as analysed (in its own script when romanised)
    respelt: dict[str, str] = field(default_factory=dict)  # typed stem → the knowledge's
    lang: str = "en"  # the question's language
    counted: frozenset[str] = frozenset()  # tokens of what "how many" counts
    # What a document must contain for a word to count as naming the same thing: for a word
    # inside several glossary terms, the longest's concept only ("Γραφείο Δημόσιας Υπηρεσίας"
    # is the Civil Service Bureau, which an article on "δημόσια υπηρεσία" does not name).
    name_tokens: list[frozenset[str]] = field(default_factory=list)
    listed: frozenset[str] = frozenset()  # tokens of what "which" asks for ("which modules")
    # What has been looked up for this question: (index, document, word) → found, or weight.
    _seen: dict[tuple[Any, ...], Any] = field(default_factory=dict, compare=False, repr=False)

    @cached_property
    def tokens(self) -> list[str]:
        """The BM25 query: every word's own tokens, then each concept once per occurrence."""
        own = [t for w in self.words for t in w.tokens]
        return own + self._concepts

    @property
    def happening(self) -> Window | None:
        """The time window when what happens in it is asked ("which seminars next month",
        "what is on this week"); None when it only narrows another question ("how many took
        part in 2021" asks for a number)."""
        if self.window is None:
            return None
        asks_when = self.intent.name == "events" or not self.asks - {"date", "time", "list"}
        return self.window if asks_when else None

    def subject_tokens(self) -> list[str]:
        """The BM25 query without the words that ask for a field: what the question is about."""
        return [t for i, w in enumerate(self.words) if i not in self.role_words for t in w.tokens]

    def content_tokens(self) -> list[str]:
        """Tokens of the words that are not intent or type triggers: *which* things are asked."""
        keep = [i for i in range(len(self.words)) if i not in self.intent.trigger_words]
        return sorted({t for i in keep for t in self.word_tokens[i]})

    def portable(self) -> frozenset[int]:
        """Words that can be found in a document of another language: those with a glossary
        concept, numbers, and names (whose cross-script keys match). A Russian question about
        an English article shares only these with it, so its coverage is counted over them."""
        return frozenset(
            i
            for i, w in enumerate(self.words)
            if w.stem.isdigit()
            or any(t.startswith(CONCEPT_PREFIX) for t in self.word_tokens[i])
            or i in self.names
        )

    def covered_by(
        self,
        index: SearchIndex,
        doc: int,
        min_share: float,
        *,
        foreign: bool = False,
        around: Sequence[int] = (),
    ) -> bool:
        """Whether ``doc`` contains enough of the question to answer it.

        A long document matching one word scores well in BM25 but covers little of the
        question; this is what separates an answer from a coincidence. Enough means at least
        ``min_share`` of the idf-weighted words and, for questions of several words, two words,
        and the question's names in ``doc`` or ``around`` it (see ``names_in``).
        """
        everything = frozenset(range(len(self.words)))
        skip = self._judged_without(index, doc, foreign)
        if skip >= everything:
            return False
        share, count = self.coverage(index, doc, skip)
        # Two words at least, even when only one of them could cross languages: "the weather
        # in Paris" shares just "Paris" with an article that mentions Paris.
        enough = share >= min_share and count >= min(2, len(everything - self.role_words))
        return enough and self.names_in(index, doc, around)

    def judged_share(self, index: SearchIndex, doc: int, *, foreign: bool = False) -> float:
        """The share of the question ``doc`` covers, counted as ``covered_by`` counts it."""
        skip = self._judged_without(index, doc, foreign)
        return self.coverage(index, doc, skip)[0] if skip != set(range(len(self.words))) else 0.0

    def _judged_without(self, index: SearchIndex, doc: int, foreign: bool) -> frozenset[int]:
        """The words a document is not judged on: those asking for a field ("who organises"
        names what is wanted, not what about) and, in another language, those it cannot
        share."""
        if not foreign:
            return self.role_words
        everything = frozenset(range(len(self.words)))
        return self.role_words | (everything - self.portable() - self._spelt_alike(index, doc))

    def _spelt_alike(self, index: SearchIndex, doc: int) -> frozenset[int]:
        """Words that ``doc`` spells alike in its own script though no glossary knows them: a
        town ("ვოზნესენსკი", "Voznesensk") or a programme the thesaurus has never heard of.
        Found, they cross languages as names do; only keys long enough not to meet by chance
        count."""
        return frozenset(
            i
            for i, tokens in enumerate(self.word_tokens)
            if any(
                t.startswith(KEY_PREFIX) and len(t) > SURE_KEY_LETTERS and index.contains(doc, t)
                for t in tokens
            )
        )

    def spells_an_unknown_word(self, index: SearchIndex, doc: int) -> bool:
        """Whether ``doc`` spells alike a word of the question that the knowledge does not have
        in the question's own script: a name in a script without capitals ("ვოზნესენსკის"
        for the English article's "Voznesensk"), which is as telling as a capitalised one."""
        unknown = self._unknown_words(index)
        return bool(unknown) and bool(unknown & self._spelt_alike(index, doc))

    def _unknown_words(self, index: SearchIndex) -> frozenset[int]:
        """Words whose stem the knowledge lacks; looked up once per question, so a question
        whose words are all known costs the ranking of its runners-up nothing more."""
        key = (id(index), -5)
        if key not in self._seen:
            self._seen[key] = frozenset(
                i for i, w in enumerate(self.words) if w.stem not in index.vocabulary
            )
        return self._seen[key]

    def names_in(self, index: SearchIndex, doc: int, around: Sequence[int] = ()) -> bool:
        """Whether ``doc`` has the names of the question (see ``names``), or the documents
        ``around`` it have them (the other passages of its article: an article names the
        centre once, then says "the centre" where it gives its hours). A name of several
        capitalised words ("State Services Development Agency") counts as found when most of
        its words are: another language names the same body with other words for some. A
        country may be missing when the question names something else too: an article need
        not write the country it is about ("the Gov 5.0 hackathon in Greece" is in a Greek
        article that never says Greece)."""
        runs = _runs(self.names, lambda _i: True)
        countries = default_glossary().countries

        def found(word: int) -> bool:
            return any(self._names(index, d, word) for d in (doc, *around))

        missing = [
            run
            for run in runs
            if not (sum(found(i) for i in run) * 2 >= len(run) if len(run) > 1 else found(run[0]))
        ]
        if not missing:
            return True
        only_country = len(missing) == 1 and len(missing[0]) == 1
        return only_country and len(runs) > 1 and bool(self.word_tokens[missing[0][0]] & countries)

    @property
    def names(self) -> list[int]:
        """Words that name something: capitalised mid-sentence, acronyms, places in the
        glossary (Georgian has no capitals), or the parts of a site's address ("what is on
        innovation.gov.gr?" is about that site). A document that lacks one is about something else
        ("the prime minister of Greece" is not France's)."""
        opening = (self.analysed_text or self.text).lstrip()
        places = default_glossary().names
        sites = {part.lower() for site in _SITE.findall(opening) for part in site.split(".")}
        return [
            i
            for i, w in enumerate(self.words)
            if (
                w.surface[:1].isupper()
                and (w.surface.isupper() or not opening.startswith(w.surface))
            )
            or self.word_tokens[i] & places
            or w.surface.lower() in sites
        ]

    def _found(self, index: SearchIndex, doc: int, word: int) -> bool:
        """Remembered per document and word: coverage, names and leads ask again and again."""
        key = (id(index), doc, word)
        if key not in self._seen:
            self._seen[key] = any(index.contains(doc, t) for t in self.match_tokens[word])
        return self._seen[key]

    def _names(self, index: SearchIndex, doc: int, word: int) -> bool:
        """Whether ``doc`` names what ``word`` names (``name_tokens``)."""
        if not self.name_tokens or self.name_tokens[word] == self.match_tokens[word]:
            return self._found(index, doc, word)
        key = (id(index), doc, -4, word)
        if key not in self._seen:
            self._seen[key] = any(index.contains(doc, t) for t in self.name_tokens[word])
        return self._seen[key]

    def hits(self, index: SearchIndex, depth: int) -> list[tuple[int, float]]:
        """The question's best documents, searched once however many stages ask (the best k
        are the first k of the best n > k)."""
        key = (id(index), -2, 0)
        found = self._seen.get(key)
        if found is None or found[0] < depth:
            found = (depth, index.top(self.tokens, depth))
            self._seen[key] = found
            self._note_matches(index, [doc for doc, _score in found[1]])
        return found[1][:depth]

    def _note_matches(self, index: SearchIndex, docs: list[int]) -> None:
        """Which of these documents has each word, looked up for all of them at once: the
        stages after the search ask it of the same few documents again and again."""
        tokens = {t for found in self.match_tokens for t in found}
        having = index.containing(tokens, docs)
        for i, found in enumerate(self.match_tokens):
            for doc in docs:
                self._seen[(id(index), doc, i)] = any(doc in having[t] for t in found)

    def _weight(self, index: SearchIndex, word: int) -> float:
        """A word's idf. One no document has weighs as much as the rarest if it names
        something (a name the answer must have), and only as much as an ordinary word
        otherwise: "exactly", "put forward", an inflection the stemmer did not merge say
        little about whether a document answers."""
        key = (id(index), -1, word)
        if key not in self._seen:
            idfs = [index.token_idf(t) for t in self.word_tokens[word]]
            known = [x for x in idfs if x is not None]
            if known:
                weight = max(known)
            elif word in self.names or word_script(self.words[word].surface) is Script.GEORGIAN:
                # Georgian has no capitals: an unknown word may well be a name.
                weight = index.unseen_idf()
            else:
                weight = index.mean_idf()
            self._seen[key] = max(weight, 0.1)
        return self._seen[key]

    def coverage(
        self, index: SearchIndex, doc: int, skip: frozenset[int] = frozenset()
    ) -> tuple[float, int]:
        """The idf-weighted share of the question's words (but ``skip``) found in ``doc``, and
        their number. Remembered: every stage weighs the same few documents again."""
        key = (id(index), doc, -3, skip)
        if key not in self._seen:
            total = matched = 0.0
            count = 0
            for i in range(len(self.words)):
                if i in skip:
                    continue
                weight = self._weight(index, i)
                total += weight
                if self._found(index, doc, i):
                    matched += weight
                    count += 1
            self._seen[key] = (matched / total if total else 0.0), count
        return self._seen[key]

    @cached_property
    def _concepts(self) -> list[str]:
        return [c for _, _, c in concept_spans([w.stem for w in self.words])]

    def unknown_names(self, index: SearchIndex) -> list[str]:
        """Names the question uses that no document of the knowledge has, as typed; adjacent
        ones together ("Asian Development Bank"). A name of several words is known when most
        of its telling words are: "Faie Giannarou" is the Φαίη Γιάνναρου of a Greek article,
        whatever her first name's Latin spelling; "Batumi Municipality" is unknown when no
        article names Batumi, however many name a municipality."""

        spaced = " ".join(normalize(self.analysed_text or self.text).split())

        def known(i: int) -> bool:
            return any(t in index.vocabulary for t in self.match_tokens[i])

        def between(i: int) -> str | None:
            """What joins word ``i`` to the one before it as written: a space, or a dot in a
            site's address; None when other words or signs stand between them ("Google for
            the Public Sector" is two names, not one)."""
            a, b = self.words[i - 1].surface, self.words[i].surface
            return next((sep for sep in (" ", ".") if f"{a}{sep}{b}" in spaced), None)

        def written(run: list[int]) -> str:
            rest = "".join(f"{between(i)}{self.words[i].surface}" for i in run[1:])
            return self.words[run[0]].surface + rest

        places = default_glossary().names

        def unknown(run: list[int]) -> bool:
            # A word of the glossary that names no place or body ("Municipality" in "Batumi
            # Municipality") is known everywhere and says nothing about which one is meant.
            telling = [
                i
                for i in run
                if self.word_tokens[i] & places
                or not any(t.startswith(CONCEPT_PREFIX) for t in self.word_tokens[i])
            ] or run
            return sum(known(i) for i in telling) * 2 < len(telling) or not any(map(known, run))

        return [
            written(run)
            for run in _runs(self.names, lambda i: between(i) is not None)
            if unknown(run)
        ]


_TIME_UNITS = frozenset(
    CONCEPT_PREFIX + c for c in ("date", "day", "week", "month", "year", "time", "hour")
)
# A site's address as people type it: "innovation.gov.gr", "www.dga.gov.ge".
_SENTENCE_END = re.compile(r"(?<=[.!?;;])\s+")


def _asking_part(text: str, lang: str) -> str:
    """The sentences that ask, where some end in a question mark and others do not: "who is
    Faie Giannarou? saw her name on the workshop page" asks who she is; where the name was
    seen is no question about a page. Greek asks with ";"."""
    marks = ("?", ";", ";") if lang == "el" else ("?",)
    parts = [p for p in _SENTENCE_END.split(text.strip()) if p]
    asking = [p for p in parts if p.rstrip().endswith(marks)]
    return " ".join(asking) if asking and len(asking) < len(parts) else text


_SITE = re.compile(r"\b[\w-]+(?:\.[\w-]+)*\.[a-z]{2,6}\b")


def _runs(positions: list[int], joined: Callable[[int], bool]) -> list[list[int]]:
    """Ascending word positions grouped into runs of neighbours: word ``i`` joins the run of
    word ``i - 1`` when ``joined(i)``."""
    runs: list[list[int]] = []
    for i in positions:
        if runs and runs[-1][-1] == i - 1 and joined(i):
            runs[-1].append(i)
        else:
            runs.append([i])
    return runs


def _spelt(words: list[Word], index: SearchIndex, spelling: Spelling) -> list[Word]:
    """Latin-script words the index has never seen, replaced by the closest word it has."""
    return [
        (spelling.correct(w) or w)
        if w.stem not in index.vocabulary and word_script(w.surface) is Script.LATIN
        else w
        for w in words
    ]


def _longest_phrase(spans: list[tuple[int, int, str]], word: int) -> set[str]:
    """The concepts of the longest term of several words that covers ``word``."""
    around = [(e - s, c) for s, e, c in spans if s <= word < e and e - s > 1]
    longest = max((size for size, _c in around), default=0)
    return {c for size, c in around if size == longest}


def _borrowed(
    typed: str,
    spelt: str,
    lang: str,
    index: SearchIndex | None,
    native: NativeVocabulary | None,
) -> bool:
    """Whether a word of a romanised question is one the knowledge writes in Latin letters
    ("hackathon", "prompt" in a Greek article) and has no word sounding like its respelling:
    typists borrow such words unchanged, and spelt in Greek or Georgian they match nothing."""
    if index is None or native is None:
        return False
    latin = analyze_word(typed, "en")
    if latin is None or latin.stem not in index.vocabulary:
        return False
    word = analyze_word(spelt, lang)
    return word is None or native.match(word.stem) is None


def _respelt(words: list[Word], native: NativeVocabulary) -> tuple[list[Word], dict[str, str]]:
    """Words of a romanised question whose stem the knowledge lacks, replaced by the known
    stem that sounds the same (ტრენინგ for the თრენინგ a table spells "trening" with)."""
    out, changed = [], {}
    stops = native_stop_keys(native.lang)
    for word in words:
        if sound_key(word.stem, native.lang) in stops and word.stem not in native:
            continue  # a stop word typed another way ("skolko" for сколько)
        if word_script(word.surface) is Script.LATIN or word.stem in native:
            out.append(word)
            continue
        known = native.match(word.stem)
        if known is None or known == word.stem:
            out.append(word)
            continue
        changed[word.stem] = known
        out.append(Word(word.surface, known, (known, *word.tokens[1:])))
    return out, changed


def analyse_question(
    text: str,
    lang: str,
    index: SearchIndex | None = None,
    spelling: Spelling | None = None,
    *,
    romanized: bool = False,
    native: NativeVocabulary | None = None,
    now: datetime | None = None,
) -> Query:
    """The question's analysis; with an index and its spelling, misspelt words are corrected
    first, so the intent and concepts of "trainigs" are those of "trainings". A romanised
    question (``romanized``: Georgian, Russian or Greek in Latin letters) is spelt in its own
    script first and its stems matched by sound to those of ``native``."""
    base = lang.split("-")[0]
    if romanized:
        analysed = to_native_text(
            text, base, keep=lambda typed, spelt: _borrowed(typed, spelt, base, index, native)
        )
    else:
        analysed = text
    smalltalk = smalltalk_kind(text, lang, romanized=romanized)
    fillers = asking_words(analysed, lang)
    found = content_words(analysed, lang)
    # A word that asks but names a thing of the domain stays ("the address", "the venue"):
    # the sentence that answers says it too. Not a unit of time ("which month", "what
    # date"): the answer names the month itself ("in May"), never the word "month".
    named = {
        i
        for s, e, c in concept_spans([w.stem for w in found])
        if c not in _TIME_UNITS
        for i in range(s, e)
    }
    named -= {i for i, w in enumerate(found) if w.surface in time_words(analysed, lang)}
    words = [w for i, w in enumerate(found) if w.surface not in fillers or i in named]
    respelt: dict[str, str] = {}
    if romanized and native is not None:
        words, respelt = _respelt(words, native)
    elif index is not None and spelling is not None:
        words = _spelt(words, index, spelling)
    asks = answer_types(_asking_part(analysed, lang), lang)
    window = time_window(analysed, lang, words, now) if now is not None else None
    spans = concept_spans([w.stem for w in words])
    word_tokens = [
        frozenset(w.tokens) | {c for s, e, c in spans if s <= i < e} for i, w in enumerate(words)
    ]
    phrases = [{c for s, e, c in spans if s <= i < e and e - s > 1} for i in range(len(words))]
    match_tokens = [frozenset(p) if p else t for p, t in zip(phrases, word_tokens, strict=True)]
    longest = [_longest_phrase(spans, i) for i in range(len(words))]
    name_tokens = [frozenset(p) if p else t for p, t in zip(longest, word_tokens, strict=True)]
    # "When/where are the workshops?" lists the workshops, which carry dates and places.
    when = bool(asks & {"date", "place"}) or window is not None
    intent = detect_intent(words, asks_when=when, window_words=window_words(words))
    if intent.name in ("events", "trainings") and asks & {"number", "person"}:
        # "How many registered for the workshops?", "who spoke at them?", "how many were
        # trained?": a fact about the events, which a list of them does not give; search
        # finds the sentence that does.
        intent = Intent("search", intent.event_types, frozenset())
    roles = {i: role for i, w in enumerate(words) if (role := role_asked(w.surface, lang))}
    return Query(
        text,
        words,
        word_tokens,
        match_tokens,
        intent,
        asks,
        frozenset(roles.values()),
        frozenset(roles),
        window,
        smalltalk,
        romanized,
        analysed,
        respelt,
        lang,
        _counted(words, word_tokens, counted_words(analysed, lang)),
        name_tokens,
        _counted(words, word_tokens, listed_words(analysed, lang)),
    )


def _counted(
    words: list[Word], word_tokens: list[frozenset[str]], counted: tuple[str, ...]
) -> frozenset[str]:
    """The tokens of the words ``counted`` ("how many" counts, "which" lists) that the analysis
    kept."""
    return frozenset(
        t for i, w in enumerate(words) if w.surface in counted for t in word_tokens[i]
    )
