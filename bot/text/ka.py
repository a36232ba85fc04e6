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

# Endings peeled from the right, one layer each, outermost first: postposition, case ending,
# plural, and finally a stem vowel that only some case forms keep (ბიურო / ბიუროს → ბიურ).
_LAYERS = tuple(
    tuple(sorted(layer.split(), key=len, reverse=True))
    for layer in (
        "ისთვის თვის იდან დან ამდე მდე კენ ში ზე თან ებრ",
        "ის ით ად მა ს ი ა ო ე უ",
        "ებ",
        "ა ე ო უ ი",
    )
)
_MIN_STEM = 3
# Prefix length kept after stripping: long enough to separate ტრენინგ from ტრენერ, short enough
# to merge syncopated stems (თანამშრომელ-ი / თანამშრომლ-ებ-ი).
_KEEP = 7


def key_base(word: str) -> str:
    """The word without its endings: what a name's cross-script key is made from."""
    for layer in _LAYERS:
        for suffix in layer:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                word = word[: -len(suffix)]
                break
    return word


def stem(word: str) -> str:
    return key_base(word)[:_KEEP]


def fold(word: str) -> str:
    """Mtavruli capitals (used in headings) fold to the everyday Mkhedruli letters."""
    return word.lower()
