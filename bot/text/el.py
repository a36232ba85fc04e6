"""Greek (el): accents and final sigma folded, Snowball stemming, trailing stem vowel dropped.

Questions are often typed without tonos, so accents must not decide a match; ς and σ are one
letter. Snowball's Greek stemmer leaves some forms of one lemma apart (εργαστήρια → εργαστηρ,
εργαστήριο → εργαστηρι; καινοτομία → καινοτομ, καινοτομίας → καινοτομι): dropping a final stem
vowel merges them.
"""

from __future__ import annotations

import unicodedata

import Stemmer

_STEMMER = Stemmer.Stemmer("greek")
_VOWELS = "αεηιουω"

_STOP_WORDS = """
    ο η το οι τα τη τις τους του της των τον την στο στη στην στον στα στις στους σε με για από
    προς
    και ή αλλά ότι πως που πού ποιος ποια ποιο ποιες ποιοι ποιους ποιων πότε πόσες πόσοι
    πόσα πόσο γιατί πώς τι θα να δεν μη μην είναι ήταν έχει έχουν ένα μια μία ένας ενός
    γίνει γίνεται γίνουν γίνονται έγινε έγιναν
    αυτό αυτή αυτός αυτά αυτές αυτών αυτού αυτής κατά μετά μέσα όπως επίσης ως εκ όχι
"""


def fold(word: str) -> str:
    """Lower case, no accents or diaeresis, one sigma."""
    decomposed = unicodedata.normalize("NFD", word.lower())
    plain = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    return plain.replace("ς", "σ")


STOP_WORDS = frozenset(fold(w) for w in _STOP_WORDS.split())


def stem(word: str) -> str:
    stemmed = _STEMMER.stemWord(word)
    if len(stemmed) > 4 and stemmed[-1] in _VOWELS:
        stemmed = stemmed[:-1]
    return stemmed
