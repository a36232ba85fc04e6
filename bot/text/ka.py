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

# Longest first: a postposition sits outside the case ending, the plural inside it.
_SUFFIXES = tuple(
    sorted(
        """
            ისთვის თვის იდან დან ამდე მდე კენ ში ზე თან ებრ ებმა ებით ებად ების ებს ებ ის ით ად
            მა ს ი ა ო ე უ თ დ ც
        """.split(),
        key=len,
        reverse=True,
    )
)
_MIN_STEM = 3
# Prefix length kept after stripping: long enough to separate ტრენინგ from ტრენერ, short enough
# to merge syncopated stems (თანამშრომელ-ი / თანამშრომლ-ებ-ი).
_KEEP = 7


def stem(word: str) -> str:
    """Strip up to three layers of endings, never leaving fewer than three letters."""
    for _ in range(3):
        for suffix in _SUFFIXES:
            if word.endswith(suffix) and len(word) - len(suffix) >= _MIN_STEM:
                word = word[: -len(suffix)]
                break
        else:
            break
    return word[:_KEEP]


def fold(word: str) -> str:
    """Mtavruli capitals (used in headings) fold to the everyday Mkhedruli letters."""
    return word.lower()
