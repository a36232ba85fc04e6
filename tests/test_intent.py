"""Intent detection across languages: what kind of answer a question wants."""

from __future__ import annotations

import pytest

from bot.answers.query import analyse_question


def intent(question: str, lang: str) -> str:
    return analyse_question(question, lang).intent.name


@pytest.mark.parametrize(
    ("question", "lang", "expected"),
    [
        ("Which workshops are coming up?", "en", "events"),
        ("What is on the schedule next?", "en", "events"),
        ("When are the innovation seminars?", "en", "events"),
        ("Πότε θα γίνουν τα σεμινάρια;", "el", "events"),
        ("Какие мероприятия предстоят?", "ru", "events"),
        ("როდის ჩატარდება სემინარი?", "ka", "events"),
        ("Qachon seminar boʻladi?", "uz-Latn", "events"),
        ("What trainings were held in Zugdidi?", "en", "trainings"),
        ("Какие тренинги прошли в Хоби?", "ru", "trainings"),
        ("Қандай тренинглар бор?", "uz-Cyrl", "trainings"),
        ("რა ტრენინგები ჩატარდა?", "ka", "trainings"),
        ("Ποιες εκπαιδεύσεις έγιναν;", "el", "trainings"),
        ("Who are the partners of the bureau?", "en", "partners"),
        ("С какими партнёрами сотрудничает бюро?", "ru", "partners"),
        ("Qaysi xalqaro tashkilotlar bilan hamkorlik qilinadi?", "uz-Latn", "partners"),
        ("Who coordinates the innovation workshops?", "en", "search"),
        ("What is ServiceLab?", "en", "search"),
        ("Πόσες δημόσιες οργανώσεις συμμετέχουν στο δίκτυο;", "el", "search"),
        ("How many employees were trained in Khobi?", "en", "search"),
        ("Сколько сотрудников прошли тренинг в Хоби?", "ru", "search"),
    ],
)
def test_intent(question: str, lang: str, expected: str) -> None:
    assert intent(question, lang) == expected


def test_intent_words_are_separated_from_what_is_asked_about() -> None:
    query = analyse_question("Which trainings were held in Khobi?", "en")
    assert query.intent.name == "trainings"
    assert "khobi" in query.content_tokens()
    assert "train" not in query.content_tokens()


@pytest.mark.parametrize(
    ("question", "lang", "asks"),
    [
        ("skolko okon v centre?", "ru", {"number"}),
        ("gde nahoditsya centr?", "ru", {"place"}),
        ("pote ksekinaei to seminario?", "el", {"date"}),
    ],
)
def test_question_words_typed_in_latin_letters_ask_what_they_ask(
    question: str, lang: str, asks: set[str]
) -> None:
    """A letter-by-letter respelling loses what Latin letters do not write (the soft sign of
    сколько); question words are matched by sound to the language's own."""
    assert analyse_question(question, lang, romanized=True).asks == asks


@pytest.mark.parametrize(
    ("question", "lang", "asks"),
    [
        ("Which countries opened such centres?", "en", {"list"}),
        ("რომელ ქვეყნებში გაიხსნა ცენტრები?", "ka", {"list"}),
        ("Filialda qanday qulayliklar bor?", "uz-Latn", {"list"}),
        ("Филиалда қандай қулайликлар бор?", "uz-Cyrl", {"list"}),
        ("What is ServiceLab?", "en", set()),
        ("რა საათებში მუშაობს ფილიალი?", "ka", {"time", "date"}),
        ("Во сколько начинается семинар?", "ru", {"time", "date"}),
        ("When does the seminar start?", "en", {"date"}),
        ("Until what time is the centre open?", "en", {"time", "date"}),
        ("Markaz soat nechagacha ishlaydi?", "uz-Latn", {"time", "date"}),
        ("До скольки работает центр?", "ru", {"time", "date"}),
        ("Which citizens are exempt from the fee?", "en", {"list"}),
        ("პროექტი რომელ თვეში მთავრდება?", "ka", {"date"}),
        ("В каком году открылся центр?", "ru", {"date"}),
        ("How much is the fee?", "en", {"money"}),
        ("Markazdan necha kishi foydalanadi?", "uz-Latn", {"number"}),  # not "nechada"
        ("Seminar nechada boshlanadi?", "uz-Latn", {"time", "date"}),
        ("Ποιες κατηγορίες πολιτών δεν πληρώνουν;", "el", {"list"}),  # which, not who
        ("Ποιοι δήμοι συμμετέχουν;", "el", {"list"}),
        # Only the sentence that asks: the other says where the name was seen.
        ("Who is Anna Berg? I saw her name on the workshop page.", "en", {"person"}),
        ("Ποιος είναι ο Νίκος; Είδα το όνομά του στη σελίδα.", "el", {"person"}),
    ],
)
def test_what_is_asked_for(question: str, lang: str, asks: set[str]) -> None:
    """A "which" word before a plural asks for every one of them; "at what hours" asks for a
    time of day (and so for when), not for a list of hours."""
    assert analyse_question(question, lang).asks == asks


def test_the_words_of_a_longer_term_match_as_that_term_only() -> None:
    """ "Δημόσιας Υπηρεσίας" alone is the civil service; inside "Γραφείου Δημόσιας Υπηρεσίας"
    it names the Civil Service Bureau, and an article about the civil service at large does
    not name the bureau."""
    query = analyse_question("Πού είναι το Γραφείο Δημόσιας Υπηρεσίας;", "el")
    assert all(query.name_tokens[i] == {"@civil_service_bureau"} for i in query.names)
    query = analyse_question("Τι κάνει η δημόσια υπηρεσία;", "el")
    assert any("@civil_service" in tokens for tokens in query.match_tokens)


@pytest.mark.parametrize(
    ("question", "lang"),
    [
        ("How much did the project cost?", "en"),
        ("Сколько стоил проект?", "ru"),
        ("რა ღირს კურსი?", "ka"),
        ("Kurs qancha turadi?", "uz-Latn"),
        ("Πόσο κοστίζει το σεμινάριο;", "el"),
    ],
)
def test_how_much_it_costs_asks_for_a_sum(question: str, lang: str) -> None:
    assert analyse_question(question, lang).asks == {"money"}


def test_the_unit_of_time_asked_for_is_not_what_the_question_is_about() -> None:
    """ "In which month does the project end?" is answered by "in May", which never says
    "month": the word asks, like "when", and is not searched for, in any language."""
    for question, lang in (
        ("In which month does the project end?", "en"),
        ("პროექტი რომელ თვეში მთავრდება?", "ka"),
        ("В каком месяце заканчивается проект?", "ru"),
    ):
        assert "@month" not in analyse_question(question, lang).tokens, question


@pytest.mark.parametrize(
    ("question", "lang", "listed"),
    [
        ("Which modules does the course have?", "en", "@module"),
        ("Какие темы у вебинаров?", "ru", "тем"),
        ("Ποιες κατηγορίες υπηρεσιών εξυπηρετούνται;", "el", "κατηγορ"),
        ("Kurs qaysi modullardan iborat?", "uz-Latn", "modul"),
    ],
)
def test_what_a_which_question_lists(question: str, lang: str, listed: str) -> None:
    """The plural noun after "which" is what the answer's list must name."""
    assert listed in analyse_question(question, lang).listed
