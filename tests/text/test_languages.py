"""Each language's analyser merges the forms questions and articles use, on real seed words."""

from __future__ import annotations

import pytest

from bot.text.analyzer import analyze_word


def stem(word: str, lang: str) -> str:
    analysed = analyze_word(word, lang)
    assert analysed is not None, f"{word} was dropped as a stop word"
    return analysed.stem


@pytest.mark.parametrize(
    ("forms", "lang"),
    [
        (["მუნიციპალიტეტის", "მუნიციპალიტეტებში", "მუნიციპალიტეტი"], "ka"),
        (["ტრენინგი", "ტრენინგები", "ტრენინგს", "ტრენინგების"], "ka"),
        (["თანამშრომელი", "თანამშრომლებს", "თანამშრომლის"], "ka"),
        (["ხობის", "ხობი"], "ka"),
        (["Самарқандда", "Samarqand", "Самарқанд"], "uz-Cyrl"),
        (["Фарғона", "Farg'ona", "Fargʻona", "Farg‘ona"], "uz-Latn"),
        (["ходимлари", "xodimlar", "ходим"], "uz-Cyrl"),
        (["тренинглар", "trening"], "uz-Latn"),
        (["εργαστήρια", "εργαστήριο", "εργαστηρίων", "Εργαστήρια"], "el"),
        (["καινοτομίας", "καινοτομία", "καινοτομιας"], "el"),
        (["οργανώσεις", "οργάνωση"], "el"),
        (["партнёрами", "партнеры", "партнёр"], "ru"),
        (["муниципалитета", "муниципалитет"], "ru"),
        (["organisations", "organizations", "organisation"], "en"),
        (["trainings", "trained", "training"], "en"),
    ],
)
def test_forms_of_one_word_share_a_stem(forms: list[str], lang: str) -> None:
    assert len({stem(f, lang) for f in forms}) == 1


@pytest.mark.parametrize(
    ("different", "lang"),
    [
        (["ტრენინგი", "ტრენერი"], "ka"),
        (["მცხეთა", "მუნიციპალიტეტი"], "ka"),
        (["viloyat", "vazirlik"], "uz-Latn"),
        (["εργαστήρια", "εργαλεία"], "el"),
        (["тренинг", "территория"], "ru"),
    ],
)
def test_different_words_stay_apart(different: list[str], lang: str) -> None:
    assert len({stem(f, lang) for f in different}) == len(different)


@pytest.mark.parametrize(
    ("word", "lang"),
    [
        ("რომელ", "ka"),
        ("და", "ka"),
        ("қандай", "uz-Cyrl"),
        ("uchun", "uz-Latn"),
        ("πότε", "el"),
        ("Πότε", "el"),
        ("какие", "ru"),
        ("which", "en"),
        ("the", "en"),
    ],
)
def test_question_and_function_words_are_not_indexed(word: str, lang: str) -> None:
    assert analyze_word(word, lang) is None


def test_latin_acronym_in_georgian_text_is_kept_as_latin() -> None:
    assert stem("USAID", "ka") == stem("USAID", "en") == "usaid"
