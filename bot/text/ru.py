"""Russian (ru): ё folded to е, Snowball stemming.

Russian questions mostly write е for ё (партнеры / партнёры); folding first lets one stem serve
both spellings.
"""

from __future__ import annotations

import re

import Stemmer

_STEMMER = Stemmer.Stemmer("russian")

STOP_WORDS = frozenset(
    """
    и в во не что он на я с со как а то все она так его но да ты к у же вы за бы по только
    ее мне было вот от меня еще нет о из ему теперь когда даже ну вдруг ли если уже или ни
    быть был него до вас нибудь опять уж вам ведь там потом себя ничего ей может они тут где
    есть надо ней для мы тебя их чем была сам чтобы без будто чего раз тоже себе под будет
    ж тогда кто этот того потому этого какой какие какая каких каким какими совсем ним здесь
    этом один почти мой тем чтобы нее сейчас были куда зачем всех никогда можно при наконец
    два об другой хоть после над больше тот через эти нас про всего них какая много разве
    три эту моя впрочем хорошо свою этой перед иногда лучше чуть том нельзя такой им более
    всегда конечно всю между сколько который которые которых также это такое
    будут будем будете буду бывает этот эта эти какое каком какую какого каково каков
    """.replace("ё", "е").split()
)


# Case endings a foreign place name takes (Ереван, Еревана, Ереване, Ереваном): Snowball, made
# for Russian words, cuts such names differently in each case, so a place is listed in all.
NAME_ENDINGS = ("а", "е", "у", "ом", "ы", "и", "я", "ю", "ей", "ой")


def fold(word: str) -> str:
    return word.lower().replace("ё", "е")


def stem(word: str) -> str:
    return _STEMMER.stemWord(word)


# A relational adjective made from a place's name: "Астанинский хаб" is Astana's hub,
# "Тбилисский" Tbilisi's, "Самаркандская область" Samarkand's region.
_OF_A_PLACE = re.compile(r"(?:инск|ск|цк)(?:ий|ая|ое|ие|ого|ой|ому|им|ом|их|ими|ую|ей)$")
_ADJECTIVE_STEM = re.compile(r"(?:инск|ск|цк)$")


def key_base(word: str) -> str:
    """The stem, without the adjective suffix where the word is an adjective of a place, so
    that the cross-script key meets the place's own name (Астанинский → астан, Astana)."""
    stemmed = stem(word)
    if _OF_A_PLACE.search(word):
        bare = _ADJECTIVE_STEM.sub("", stemmed)
        if len(bare) >= 5:
            return bare
    return stemmed
