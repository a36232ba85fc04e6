"""The multilingual domain glossary: concept tokens shared by every language.

Stems never match across languages, and most domain terms are not names that transliterate
(training / ტრენინგი works, workshop / εργαστήριο does not). The glossary says which words and
phrases in each language mean one concept; ingestion and questions both add ``@concept``
tokens wherever a term occurs, so BM25 sees the shared concept like a shared word.

Two concepts may share a term once stemmed (Georgian თანამშრომელი "employee" and თანამშრომლობა
"cooperation" truncate alike; English "e-governance" loses its "e"): such a term carries both.
Concepts marked ``topic: false`` are no subject of a question (``Glossary.topics``). Concepts
marked ``name: true`` are places (``name: country`` countries, ``name: organisation``
organisations such as the World Bank): a question naming one is about that place or body, in
any script, the way a capitalised name is (bot.answers.query).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from bot.yamlfiles import read_yaml

GLOSSARY_FILE = Path(__file__).with_name("glossary.yaml")
# The wider public-administration vocabulary, kept apart from the core concepts and places.
THESAURUS_FILE = Path(__file__).with_name("thesaurus.yaml")
LEXICON_FILES = tuple(p for p in (GLOSSARY_FILE, THESAURUS_FILE) if p.exists())
CONCEPT_PREFIX = "@"


class Glossary:
    """Finds concept terms, each a sequence of stems, in a text's stem sequence."""

    def __init__(
        self,
        terms: dict[tuple[str, ...], set[str]],
        names: frozenset[str] = frozenset(),
        core: frozenset[str] = frozenset(),
        countries: frozenset[str] = frozenset(),
        organisations: frozenset[str] = frozenset(),
        labels: dict[str, dict[str, str]] | None = None,
        untopical: frozenset[str] = frozenset(),
    ) -> None:
        self.names = names  # concept tokens that name places and organisations
        self.countries = countries  # those of them that name countries
        self.organisations = organisations  # those that name organisations, not places
        # Concepts of glossary.yaml: what this bot is about. The thesaurus's wider vocabulary
        # (passports, budgets, laws) matches across languages but does not make a question one
        # the bot is for.
        self.core = core
        # Those of them a question can be said to be about, for staff's statistics: not the
        # ones saying how or when ("held", "start") or that nearly every question has
        # ("organisation"), marked ``topic: false``.
        self.topics = core - untopical
        # concept → lexicon language → its first term: how a concept is named to a reader.
        self.labels = labels or {}
        self._by_first: dict[str, list[tuple[tuple[str, ...], str]]] = {}
        for stems, concepts in sorted(terms.items(), key=lambda kv: -len(kv[0])):
            for concept in sorted(concepts):
                self._by_first.setdefault(stems[0], []).append((stems, concept))

    def find(self, stems: list[str]) -> list[tuple[int, int, str]]:
        """Every occurrence, longest term first at each position; overlaps are allowed."""
        found = []
        for i, stem in enumerate(stems):
            for term, concept in self._by_first.get(stem, ()):
                if tuple(stems[i : i + len(term)]) == term:
                    found.append((i, i + len(term), concept))
        return found


def load_glossary(
    phrase_stems: Callable[[str, str], tuple[str, ...]],
    paths: tuple[Path, ...] = LEXICON_FILES,
    extra: dict[str, dict[str, list[str]]] | None = None,
    name_endings: dict[str, tuple[str, ...]] | None = None,
) -> Glossary:
    """Analyse every term with its language's rules, so terms match analysed text exactly;
    ``extra`` adds concepts made in code (month names from CLDR). A place of one word is also
    found in the case forms ``name_endings`` give for its language: a stemmer made for the
    language's own words cuts a foreign name differently in each case (Ереван → ерева, but
    Ереване → ереван)."""
    data: dict = dict(extra or {})
    core = set()
    for path in paths:
        entries = read_yaml(path)
        if path == GLOSSARY_FILE:
            core = {CONCEPT_PREFIX + concept for concept in entries}
        data.update(entries)
    terms: dict[tuple[str, ...], set[str]] = {}
    names, countries, organisations, untopical = set(), set(), set(), set()
    labels: dict[str, dict[str, str]] = {}
    for concept, entry in data.items():
        entry = dict(entry)
        is_name = entry.pop("name", False)
        if not entry.pop("topic", True):
            untopical.add(CONCEPT_PREFIX + concept)
        if is_name:
            names.add(CONCEPT_PREFIX + concept)
        if is_name == "country":
            countries.add(CONCEPT_PREFIX + concept)
        if is_name == "organisation":
            organisations.add(CONCEPT_PREFIX + concept)
        for lang, phrases in entry.items():
            if phrases:
                labels.setdefault(CONCEPT_PREFIX + concept, {})[lang] = phrases[0]
            for phrase in phrases:
                forms = [phrase]
                if is_name and " " not in phrase:
                    forms += [phrase + end for end in (name_endings or {}).get(lang, ())]
                for form in forms:
                    if stems := phrase_stems(form, lang):
                        terms.setdefault(stems, set()).add(CONCEPT_PREFIX + concept)
    return Glossary(
        terms,
        frozenset(names),
        frozenset(core),
        frozenset(countries),
        frozenset(organisations),
        labels,
        frozenset(untopical),
    )
