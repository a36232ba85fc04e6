"""Georgian (ka): case endings, postpositions and plural stripped by rule, then truncated.

Why rules and not simplemma: simplemma knows about two thirds of the seed vocabulary and leaves
loanwords such as ტრენინგი/ტრენინგები/ტრენინგს unmerged, which are exactly the domain words
questions use. Georgian inflection is agglutinative and regular at the end of the noun:
stem + plural -ებ- + case ending + postposition, so peeling those off from the right merges the
forms a question and an article use.
"""

from __future__ import annotations

# Function words, question words and the most frequent copulas: they carry no topic and,
# because rank-bm25's idf floor favours very common words, would otherwise outweigh content.
STOP_WORDS = frozenset(
    """
        და ან თუ კი რომ რა რას რამ რომელ რომელი რომელიც რომლის რომლებიც რომელსაც ვინ ვის ვისი
        როდის სად საიდან როგორ რატომ რამდენი რამდენ რამდენმა ეს ეს ის ამ იმ ამის იმის ამას მის
        მისი მათი მათ მას იგი ისინი ჩვენ თქვენ მე შენ არის იყო იქნება არიან იყვნენ აქვს ჰქონდა
        ასევე უკვე ხოლო მაგრამ ან არც არა არ ვერ უნდა მიერ შესახებ მიმართ ერთ ერთი ყველა სხვა
        ამავე მხოლოდ ძალიან ასე აგრეთვე ანუ ა.შ შემდეგ შემდგომ ის
    """.split()
)

# Endings peeled from the right, outermost first: a postposition, then a case ending, then the
# plural -ებ-, then a stem vowel that only some case forms keep (ბიურო / ბიუროს → ბიურ).
_POSTPOSITIONS = ("ისთვის", "თვის", "იდან", "დან", "ამდე", "მდე", "კენ", "ში", "ზე", "თან", "ებრ")
# These replace the dative's -ს (სახლ-ში, ბიურო-ზე, თბილის-ში), so what they leave is the bare
# stem with no case ending to strip: თბილისში is Tbilisi, not თბილ- "warm". (-თან keeps the -ს
# after a vowel, ბიუროს-თან, so it is not one of them.)
_ON_BARE_STEM = ("ში", "ზე")
_CASE_ENDINGS = ("ის", "ით", "ად", "მა", "ს", "ი", "ა", "ო", "ე", "უ")
# After a vowel-only ending the word was singular (-ება is a noun suffix, the plural is -ები),
# so -ებ- is only a plural after a consonant case ending, -ი, or a bare postposition.
_SINGULAR_ENDINGS = ("ა", "ო", "ე", "უ")
# Not ი: it ends the stem of the -ია nouns (გერმანი-ა, გერმანი-ის, გერმანი-ა-ში), which
# would otherwise lose it in some cases and keep it in others.
_VOWELS = ("ა", "ე", "ო", "უ")
_MIN_STEM = 3
# Prefix length kept after stripping: long enough to separate ტრენინგ from ტრენერ, short enough
# to merge syncopated stems (თანამშრომელ-ი / თანამშრომლ-ებ-ი).
_KEEP = 7


def _strip(word: str, endings: tuple[str, ...]) -> tuple[str, str]:
    for ending in sorted(endings, key=len, reverse=True):
        if word.endswith(ending) and len(word) - len(ending) >= _MIN_STEM:
            return word[: -len(ending)], ending
    return word, ""


def key_base(word: str) -> str:
    """The word without its endings: what a name's cross-script key is made from."""
    word, postposition = _strip(word, _POSTPOSITIONS)
    case = ""
    if postposition not in _ON_BARE_STEM:
        word, case = _strip(word, _CASE_ENDINGS)
    if case not in _SINGULAR_ENDINGS:
        word, _ = _strip(word, ("ებ",))
    word, _ = _strip(word, _VOWELS)
    return word


def stem(word: str) -> str:
    return key_base(word)[:_KEEP]


def fold(word: str) -> str:
    """Mtavruli capitals (used in headings) fold to the everyday Mkhedruli letters."""
    return word.lower()
