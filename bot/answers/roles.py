"""Which record field a question asks for ("who organises ..." → ``organiser``).

Search ranks what a question is *about*; a question that asks *who organises* it wants, among
the records about it, one that names an organiser. The lexicon (roles.yaml) lists word forms as
written, folded like every word of their script (Uzbek folds both scripts to one key).
"""

from __future__ import annotations

from functools import cache
from pathlib import Path

from bot.languages import LEXICON_LANG
from bot.records import ProjectRecord
from bot.text.analyzer import fold_word
from bot.yamlfiles import read_yaml

ROLES_FILE = Path(__file__).with_name("roles.yaml")


@cache
def _forms() -> dict[str, str]:
    """Folded word form → the record field it asks for."""
    data = read_yaml(ROLES_FILE)
    forms = {}
    for role, by_lang in data.items():
        for lang, phrases in by_lang.items():
            for phrase in phrases:
                forms[fold_word(phrase, LEXICON_LANG[lang])] = role
    return forms


def role_asked(word: str, lang: str) -> str | None:
    """The record field a question word asks for, if it is one of the lexicon's forms."""
    return _forms().get(fold_word(word, lang))


def fills_role(record: ProjectRecord, roles: frozenset[str]) -> bool:
    """Whether the record names what the question asks for."""
    return any(getattr(record, role, None) for role in roles)
