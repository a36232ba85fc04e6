"""/mydata and /forget, end to end: a person sees what is kept about them and deletes it."""

from __future__ import annotations

from sqlalchemy import func, select

from bot.models import Exchange, Subscription, User
from tests.handlers.conftest import Bot


def _kept(bot: Bot, user_id: int) -> tuple[int, int, int]:
    with bot.assistant.sessions() as session:
        count = select(func.count())
        return (
            session.scalar(count.select_from(User).where(User.id == user_id)) or 0,
            session.scalar(count.select_from(Exchange).where(Exchange.user_id == user_id)) or 0,
            session.scalar(count.select_from(Subscription).where(Subscription.user_id == user_id))
            or 0,
        )


async def test_a_person_sees_what_is_kept_and_deletes_it(bot: Bot) -> None:
    user = bot.user("ru", "Ирина")
    await user.send("/subscribe")
    await user.press(await user.reply(), "Тренинги")
    await user.send("Какие тренинги прошли в Хоби?")
    answer = await user.reply()
    await user.press(answer, "👍")
    await user.send("/mydata")
    shown = (await user.reply()).text.splitlines()
    assert shown[0] == "Что я храню о вас"
    assert "• Имя: Ирина" in shown and "• Подписки: Тренинги" in shown
    assert "• Сохранённые вопросы: 1, с оценкой: 1" in shown
    assert shown[-1] == "Отправьте /forget, чтобы удалить всё это."
    assert _kept(bot, user.id) == (1, 1, 1)

    await user.send("/forget")
    ask = await user.reply()
    await user.press(ask, "Оставить")
    assert (await user.reply()).text == "Ничего не удалено."
    assert _kept(bot, user.id) == (1, 1, 1)
    assert ask.buttons == []  # answered: the question cannot be answered twice
    await user.send("/forget")
    await user.press(await user.reply(), "Удалить мои данные")
    assert (await user.reply()).text == "Готово: всё, что я хранил о вас, удалено."
    assert _kept(bot, user.id) == (0, 0, 0)
