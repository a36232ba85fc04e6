from __future__ import annotations

import pytest

from bot.text.detect import detect, detect_language


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("რა ტრენინგები ჩატარდა ზუგდიდში?", "ka"),
        ("Ποιοι συμμετέχουν στα εργαστήρια;", "el"),
        ("Фарғонада қандай лойиҳалар бор?", "uz-Cyrl"),
        ("Лойиҳа раҳбари ким?", "uz-Cyrl"),
        ("Fargʻonada qanday loyihalar bor?", "uz-Latn"),
        ("Loyiha rahbari kim?", "uz-Latn"),
        ("Где пройдут семинары для госслужащих?", "ru"),
        ("Where do the seminars for civil servants take place?", "en"),
    ],
)
def test_detects_the_question_language(question: str, lang: str) -> None:
    assert detect_language(question) == lang


def test_falls_back_to_the_default_when_nothing_is_telling() -> None:
    assert detect_language("2021", default="ka") == "ka"


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("ra treningebi chatarda khobshi?", "ka"),
        ("kakie treningi proshli v Khobi?", "ru"),
        ("pote einai ta ergastiria kainotomias?", "el"),
        ("What is NATO's role in the reform?", "en"),
        ("keyingi hafta seminar bormi", "uz-Latn"),
    ],
)
def test_latin_typed_questions_are_told_apart(question: str, lang: str) -> None:
    assert detect(question).lang == lang


def test_a_question_too_short_to_tell_is_not_confident() -> None:
    assert not detect("GIZ?").confident
