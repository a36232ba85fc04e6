"""Azerbaijani (az): Turkic letters folded to plain ones, suffix chains stripped, prefix kept.

Azerbaijani is agglutinative like Uzbek (stem + plural + possessive + case: təlim-lər-i-ndə),
so it is analysed the same way: peel the common suffix chains off the right and keep a
prefix. People often type it without ə ı ş ç ğ ö ü ("telimler", "Bakida"), so those letters
fold to their plain neighbours before anything else, and the two spellings are one word.
Turkic dotted and dotless i need their own lower-casing (İ → i, I → ı) before that.
"""

from __future__ import annotations

from functools import lru_cache

from bot.text.scripts import UZ_APOSTROPHE
from bot.text.suffixes import by_length, peel

# Question words, conjunctions, postpositions, pronouns and copulas, written as people type
# them; folded below like every word.
_STOP_WORDS = """
    və ilə üçün haqqında barədə kimi ya yaxud amma lakin ancaq çünki əgər da də ki həm
    nə nədir nəyə niyə necə hansı hansılar harada hara haradan haraya kim kimə kimin kimdir
    nə vaxt vaxt zaman neçə nə qədər qədər bu o bunlar onlar mən biz siz sən həmin bir hər
    bütün var yox varmı yoxdur olacaq olur oldu olub olan idi edir edilir mi mı mu mü
    mənə bizə sizə məni bizi sizi hansı hansının üzrə tərəfindən sonra əvvəl artıq
    barəsində haqda deyin deyə bilərsiniz bilərsinizmi xahiş edirəm
"""

_SUFFIXES = by_length(
    """
        larinda lerinde larindan lerinden larina lerine larini lerini lari leri
        lardan lerden larda lerde lara lere lar ler
        nin nun in un ndan nden dan den nda nde da de na ne ya ye
        si su ni nu dir dur i u a e
    """
)
# Four letters at least, so a stem such as "seminar" never loses a plural-looking ending and
# short words keep what little they have.
_MIN_STEM = 4
_KEEP = 6

_LOOSE = str.maketrans({"ə": "e", "ı": "i", "ş": "s", "ç": "c", "ğ": "g", "ö": "o", "ü": "u"})


@lru_cache(maxsize=65536)
def fold(word: str) -> str:
    """Lower case the Turkic way, without the letters a keyboard may lack, without an
    apostrophe and what follows it (an ending written after a name: "GIZ'in")."""
    word = word.split(UZ_APOSTROPHE)[0].replace("İ", "i").replace("I", "ı").lower()
    return word.translate(_LOOSE)


def key_base(word: str) -> str:
    """The word without one chain of plural, possessive and case suffixes."""
    return peel(word, _SUFFIXES, _MIN_STEM)


def stem(word: str) -> str:
    return key_base(word)[:_KEEP]


STOP_WORDS = frozenset(fold(w) for w in _STOP_WORDS.split())
