"""Names match across Georgian, Cyrillic, Greek and Latin spellings through their keys."""

from __future__ import annotations

import pytest

from bot.text.analyzer import analyze


def shared(a: tuple[str, str], b: tuple[str, str]) -> set[str]:
    return set(analyze(*a)) & set(analyze(*b))


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("Khobi", "en"), ("ხობის მუნიციპალიტეტი", "ka")),
        (("Хоби", "ru"), ("ხობი", "ka")),
        (("Mtskheta", "en"), ("მცხეთის", "ka")),
        (("Мцхета", "ru"), ("მცხეთა", "ka")),
        (("Samarkand", "en"), ("Самарқандда", "uz-Cyrl")),
        (("Samarqand", "uz-Latn"), ("Самарқанд", "uz-Cyrl")),
        (("Самарканд", "ru"), ("Самарқанд", "uz-Cyrl")),
        (("Fergana", "en"), ("Фарғона", "uz-Cyrl")),
        (("NATO", "en"), ("ნატოს", "ka")),
        (("Kessler", "en"), ("Кесслер", "uz-Cyrl")),
        (("Jvaniya", "uz-Latn"), ("ჟვანიას", "ka")),
        (("Жвания", "ru"), ("Jvania", "en")),
        (("Київ", "ru"), ("Kyiv", "en")),  # Ukrainian letters
        (("Қарағанды", "ru"), ("Karaganda", "en")),  # Kazakh letters
        (("Нарынский филиал", "ru"), ("Naryn", "en")),  # an adjective of the place
        (("Центр Дія", "ru"), ("Diia.Centre", "en")),  # short: keeps its final vowels
        (("Κουρμπόνοφ", "el"), ("Курбонов", "uz-Cyrl")),  # ου is u, μπ is b
        (("Ντόναλντ", "el"), ("Donald", "en")),
        (("Γιαννάρου", "el"), ("Giannarou", "en")),
    ],
)
def test_name_matches_across_scripts(a: tuple[str, str], b: tuple[str, str]) -> None:
    assert shared(a, b)


@pytest.mark.parametrize(
    ("a", "b"),
    [
        (("training", "en"), ("ტრენინგები", "ka")),
        (("workshops", "en"), ("εργαστήρια", "el")),
        (("study visit", "en"), ("სასწავლო ვიზიტი", "ka")),
        (("partners", "en"), ("ҳамкорлик", "uz-Cyrl")),
        (("e-governance", "en"), ("ელექტრონული მმართველობის", "ka")),
        (("семинар", "ru"), ("σεμινάριο", "el")),
        (("ელ. მმართველობა", "ka"), ("e-governance", "en")),  # the usual abbreviation
        (("Астанинский хаб госслужбы", "ru"), ("Astana Civil Service Hub", "en")),
        (("on Saturday", "en"), ("shanba kuni", "uz-Latn")),
        (("в субботу", "ru"), ("შაბათს", "ka")),
        (("Κυριακή", "el"), ("Sunday", "en")),
    ],
)
def test_domain_terms_match_across_languages(a: tuple[str, str], b: tuple[str, str]) -> None:
    assert any(t.startswith("@") for t in shared(a, b))


def test_unrelated_words_share_nothing() -> None:
    assert not shared(("weather", "en"), ("ტრენინგი", "ka"))


def test_a_day_name_that_is_also_a_common_word_names_no_day() -> None:
    """Greek Τρίτη is Tuesday and "third": a third phase is not held on a Tuesday."""
    assert not shared(("τρίτη φάση", "el"), ("Tuesday", "en"))
