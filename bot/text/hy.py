"""Armenian (hy): articles, plural and case endings stripped by rule, then truncated.

Snowball's Armenian stemmer cuts too deep for this domain (սեմինար → սեմ, Երևան → երև), so
loanwords and place names collided with unrelated words. Eastern Armenian noun inflection is
regular at the end of the word: stem + plural -ներ/-եր + case (-ի, -ից, -ով, -ում, -ին) +
article -ը, and -ություն nouns change to -ության in the oblique cases; peeling those off from
the right merges the forms a question and an article use. The article's other form -ն stays:
so many names end in -ան (Երևան, Հայաստան) that stripping it would cut them.
"""

from __future__ import annotations

from bot.text.suffixes import by_length

# Question words, conjunctions, postpositions, pronouns and copulas.
STOP_WORDS = frozenset(
    """
        և եւ ու կամ բայց իսկ որ թե եթե նաև էլ ինչ ինչը ինչի ինչու ինչպես ինչպիսի որտեղ
        որտեղից երբ ով ովքեր ում ումից որը որի որոնք որ որքան քանի քանիսն որևէ այս այդ այն
        այստեղ այնտեղ սա դա նա նրանք մենք դուք ես դու իմ մեր ձեր նրա նրանց է են էր էին
        եմ ենք եք լինի լինում լինելու կլինի կա կան կար չկա չի չեն ոչ այո մի մեկ բոլոր
        համար մասին հետ մեջ վրա տակ մոտ կողմից միջոցով շնորհիվ պես նման արդեն դեռ հետո
        առաջ խնդրում ասեք ասել կարող կարելի
    """.split()
)

_SUFFIXES = by_length(
    """
        ներից ներով ներում ներին ների ները ներն ներ երից երով երում երին երի երը երն եր
        ության ությամբ ությունը ությունն
        ից ով ում ին ի ը
    """
)
# The -ություն nouns with an ending: -ության, -ությամբ, -ությունը are -ություն.
_RESTORE = dict.fromkeys(("ության", "ությամբ", "ությունը", "ությունն"), "ություն")
_VOWELS = "աեէըիոօ"
_GLIDES = ("այ", "ոյ")
_MIN_STEM = 3
# Long enough to keep վերապատրաստում apart from վերապահում, short enough to merge the
# -ում/-ման forms of one verbal noun (վերապատրաստում / վերապատրաստման).
_KEEP = 8


def fold(word: str) -> str:
    """Lower case; the ligature և and its spelt-out եւ are one."""
    return word.lower().replace("և", "եւ")


def key_base(word: str) -> str:
    """The word without its article, case ending and plural."""
    for _ in range(3):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                restored = _RESTORE.get(suffix)
                word = word[: -len(suffix)] + (restored or "")
                if restored:
                    return word
                # A vowel ending meets a stem's vowel through a յ (առաջիկա, առաջիկայում).
                if suffix[0] in _VOWELS and word.endswith(_GLIDES):
                    word = word[:-1]
                break
        else:
            break
    return word


def stem(word: str) -> str:
    return key_base(word)[:_KEEP]
