"""Off-topic questions get "I don't know" in every language, even when news or laws among the
distractors share some of their words; known-weak questions get the right lead."""

from __future__ import annotations

import pytest

from bot.answers.plain import to_plain_text
from bot.assistant import Assistant

OFF_TOPIC = {
    "en": [
        "What is the weather in Paris tomorrow?",
        "Who won the football world cup in 2018?",
        "Who is the prime minister of Greece?",
        "How do I renew my passport?",
        "What is the exchange rate of the euro today?",
    ],
    "ka": [
        "როგორი ამინდი იქნება ხვალ თბილისში?",
        "ვინ მოიგო მსოფლიო ჩემპიონატი ფეხბურთში?",
        "ვინ არის საბერძნეთის პრემიერ-მინისტრი?",
        "როგორ გავაგრძელო პასპორტი?",
        "როგორ მოვამზადო ხაჭაპური?",
    ],
    "uz-Cyrl": [
        "Эртага Тошкентда об-ҳаво қандай бўлади?",
        "Греция бош вазири ким?",
        "Паспортни қандай янгилаш мумкин?",
        "Палов қандай тайёрланади?",
    ],
    "uz-Latn": [
        "Ertaga Toshkentda ob-havo qanday boʻladi?",
        "Jahon chempionatida kim gʻolib boʻldi?",
        "Gretsiya bosh vaziri kim?",
        "Pasportni qanday yangilash mumkin?",
    ],
    "el": [
        "Πώς θα είναι ο καιρός αύριο στην Αθήνα;",
        "Ποιος κέρδισε το παγκόσμιο κύπελλο ποδοσφαίρου;",
        "Ποιος είναι ο πρωθυπουργός της Ελλάδας;",
        "Πώς ανανεώνω το διαβατήριό μου;",
    ],
    "ru": [
        "Какая погода будет завтра в Москве?",
        "Кто выиграл чемпионат мира по футболу?",
        "Кто премьер-министр Греции?",
        "Как приготовить борщ?",
    ],
}
CASES = [(lang, q) for lang, questions in OFF_TOPIC.items() for q in questions]


@pytest.mark.parametrize(("lang", "question"), CASES)
def test_off_topic_question_gets_i_dont_know(
    distracted: Assistant, lang: str, question: str
) -> None:
    answer = distracted.ask(question)
    assert answer.lang == lang
    assert not answer.answered and answer.sources == []
    assert not any(s.kind == "quote" for s in answer.sections)


@pytest.mark.parametrize(
    ("question", "organiser"),
    [
        ("Who organises the innovation workshops in Greece?", "Ministry of Interior"),
        ("Кто организует инновационные воркшопы в Греции?", "МВД Греции"),
    ],
)
def test_who_organises_leads_with_the_organiser_most_records_name(
    distracted: Assistant, question: str, organiser: str
) -> None:
    """The Greek article names the Ministry of Interior as organiser of its workshops and OECD
    OPSI as organiser of earlier ones; the ministry's record leads, not OPSI's."""
    answer = distracted.ask(question)
    assert answer.answered and answer.sources[0].id == "004_93ea14b30314b68e"
    heading, summary = answer.sections[0], answer.sections[1]
    assert heading.kind == "heading" and "OPSI" not in heading.text
    assert organiser in summary.text
    assert "OECD" not in to_plain_text(answer).split("\n\n")[0]
