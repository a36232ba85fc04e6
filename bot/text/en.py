"""English (en): British -ise spellings folded to -ize, Snowball (Porter 2) stemming.

Programme documents mix British and American spelling (organisation / organization); Snowball
keeps those apart (organis / organiz), so the -is- forms are folded before stemming.
"""

from __future__ import annotations

import re

import Stemmer

from bot.text.scripts import UZ_APOSTROPHE

_STEMMER = Stemmer.Stemmer("english")
_BRITISH_ISE = re.compile(r"(?<=[a-z]{3})is(e|es|ed|ing|ation|ations|er|ers)$")

STOP_WORDS = frozenset(
    """
        a about above after again against all am an and any are as at be because been before
        being below between both but by can could did do does doing down during each few for
        from further had has have having he her here hers herself him himself his how i if in
        into is it its itself just me more most my myself no nor not now of off on once only or
        other our ours ourselves out over own same she should so some such than that the their
        theirs them themselves then there these they this those through to too under until up
        very was we were what when where which while who whom why will with would you your yours
        yourself yourselves also there's what's which's many much any anything tell please s t
    """.split()
)


def fold(word: str) -> str:
    """Lower case without a possessive ending (Georgia's → georgia)."""
    return word.lower().split(UZ_APOSTROPHE)[0]


def key_base(word: str) -> str:
    """Names are not inflected in English and Snowball mangles them (Paris → pari): the
    cross-script key is made from the word itself."""
    return word


# Where Snowball merges words the glossary must keep apart: "management" (of records, of
# people) is no "manager", who heads something.
_OVERSTEMMED = {"management": "managem", "managements": "managem"}


def stem(word: str) -> str:
    return _OVERSTEMMED.get(word) or _STEMMER.stemWord(_BRITISH_ISE.sub(r"iz\1", word))
