"""A step-by-step dialogue whose state lives in the database, so any bot replica can take
the next step.

It keeps python-telegram-bot's ConversationHandler contract (entry points, states,
fallbacks; a callback returns the next state, ``END``, or None to stay), which /announce and
/newevent were written against, but reads and writes the step through
:class:`bot.dialogue_store.ConversationStore` instead of a dict in one process. The draft a
dialogue builds is ``context.user_data[draft_key]`` while a callback runs; it is loaded before
and stored after, and never kept in memory between updates.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import AsyncIterator, Callable, Sequence
from contextlib import asynccontextmanager
from datetime import datetime
from typing import Any

from telegram import Update
from telegram.ext import Application, BaseHandler, ContextTypes, ConversationHandler

from bot.clock import wall
from bot.dialogue_store import ConversationStore, Step

log = logging.getLogger(__name__)

END = ConversationHandler.END
Check = tuple[Step | None, BaseHandler | None, object]
# How long an update waits for the step before it to be stored: 50 ms at a time, up to 15 s.
WAIT_SECONDS = 0.05
WAIT_ROUNDS = 300


class Dialogues:
    """The store, and the steps of the person each update comes from, read once for all
    dialogues: every text message in a private chat could be some dialogue's answer, so each
    dialogue looks, and one query should serve them all.

    Handlers are matched to an update synchronously (``check_update``), where the database
    must not be called: :meth:`prepared` reads the steps on a worker thread before matching
    starts, and matching reads what it found."""

    def __init__(self, store: ConversationStore, clock: Callable[[], datetime] = wall) -> None:
        self.store = store
        self.clock = clock  # real time: drafts expire by it, whatever time tests give events
        self.dialogues: list[SharedConversation] = []
        self._steps: dict[int, dict[str, Step]] = {}

    @asynccontextmanager
    async def prepared(self, update: object) -> AsyncIterator[None]:
        """While the update is handled, the steps of its sender, when some dialogue may be
        waiting for it."""
        if not isinstance(update, Update) or not any(d.may_take(update) for d in self.dialogues):
            yield
            return
        await self.reread(update)
        try:
            yield
        finally:
            self._steps.pop(update.update_id, None)

    async def reread(self, update: Update) -> None:
        """Read the sender's steps again (the update is handled anew: they moved on)."""
        chat, user = update.effective_chat.id, update.effective_user.id
        steps = await asyncio.to_thread(self.store.steps, chat, user, self.clock())
        self._steps[update.update_id] = steps

    def of(self, update: Update) -> dict[str, Step]:
        steps = self._steps.get(update.update_id)
        if steps is None:  # not prepared (a caller handing updates to the app directly)
            steps = self.store.steps(
                update.effective_chat.id, update.effective_user.id, self.clock()
            )
        return steps


class SharedConversation(BaseHandler[Update, ContextTypes.DEFAULT_TYPE, None]):
    def __init__(
        self,
        name: str,
        draft_key: str,
        dialogues: Dialogues,
        *,
        entry_points: Sequence[BaseHandler],
        states: dict[int, Sequence[BaseHandler]],
        fallbacks: Sequence[BaseHandler],
    ) -> None:
        super().__init__(self._unused)
        self.name = name
        self.draft_key = draft_key
        self.dialogues = dialogues
        self.store = dialogues.store
        self.clock = dialogues.clock
        self.entry_points = list(entry_points)
        self.states = {state: list(handlers) for state, handlers in states.items()}
        self.fallbacks = list(fallbacks)
        self._all = [*self.entry_points, *self.fallbacks]
        self._all += [h for handlers in self.states.values() for h in handlers]
        dialogues.dialogues.append(self)

    async def _unused(self, _update: Update, _context: Any) -> None:  # pragma: no cover
        raise AssertionError("handle_update calls the chosen step's handler")

    @staticmethod
    def _first(handlers: Sequence[BaseHandler], update: Update) -> tuple[BaseHandler, object]:
        for handler in handlers:
            check = handler.check_update(update)
            if check is not None and check is not False:
                return handler, check
        return None, None  # type: ignore[return-value]

    def may_take(self, update: Update) -> bool:
        """Whether some step of this dialogue could take the update (most fit none: no need
        to ask the database)."""
        if update.channel_post or update.edited_channel_post:
            return False
        if update.effective_chat is None or update.effective_user is None:
            return False
        if update.callback_query and not update.callback_query.message:
            return False
        return self._first(self._all, update)[0] is not None

    def check_update(self, update: object) -> Check | None:
        if not isinstance(update, Update) or not self.may_take(update):
            return None
        handler, check = self._first(self.entry_points, update)
        if handler:  # starts the dialogue afresh, wherever it stood
            return None, handler, check
        step = self.dialogues.of(update).get(self.name)
        if step is None:
            return None
        if step.busy:  # the previous step is still being handled: decided once it is stored
            return step, None, None
        handler, check = self._choose(step, update)
        return (step, handler, check) if handler else None

    def _choose(self, step: Step, update: Update) -> tuple[BaseHandler, object]:
        handler, check = self._first(self.states.get(step.state, []), update)
        if handler is None:
            handler, check = self._first(self.fallbacks, update)
        return handler, check

    async def _take(self, update: Update, check_result: Check) -> Check | None:
        """Hold the step for this update, once the one before it is stored.

        A replica answers a step before it stores the next one, so the person's next update
        can reach another replica while the step is still held: it waits for it, then reads
        the step again. Returns None when the update fits no step any more (a double tap
        after the dialogue moved on or ended; ``handle_update`` then hands a message to the
        other handlers), or when the wait is unreasonably long."""
        step, handler, check = check_result
        chat_id, user_id = update.effective_chat.id, update.effective_user.id
        for _attempt in range(WAIT_ROUNDS):
            if handler is not None and await asyncio.to_thread(
                self.store.take, step, self.clock()
            ):
                return step, handler, check
            await asyncio.sleep(WAIT_SECONDS)
            step = await asyncio.to_thread(
                self.store.current, self.name, chat_id, user_id, self.clock()
            )
            if step is None:
                return None
            handler, check = (None, None) if step.busy else self._choose(step, update)
            if not step.busy and handler is None:
                return None
        return None

    async def handle_update(
        self,
        update: Update,
        application: Application,
        check_result: Check,
        context: ContextTypes.DEFAULT_TYPE,
    ) -> None:
        step = check_result[0]
        if step is not None:
            taken = await self._take(update, check_result)
            if taken is None:
                if update.callback_query:
                    log.info("%s: button %s fits no step now", self.name, update.update_id)
                    await update.callback_query.answer()
                    return
                chat_id, user_id = update.effective_chat.id, update.effective_user.id
                now = await asyncio.to_thread(
                    self.store.current, self.name, chat_id, user_id, self.clock()
                )
                if now is None or not now.busy:
                    # The dialogue ended, or moved to a step this message does not fit, while
                    # it waited (a refused /announce): it is not the dialogue's, and must not
                    # vanish. It goes through the handlers again: a question gets its answer.
                    log.info("%s: update %s handled anew", self.name, update.update_id)
                    await self.dialogues.reread(update)
                    await application.process_update(update)
                    return
                log.warning(
                    "%s: step of chat %s held too long; update skipped", self.name, chat_id
                )
                return
            check_result = taken
        step, handler, check = check_result
        chat_id, user_id = update.effective_chat.id, update.effective_user.id
        user_data = context.user_data
        user_data.pop(self.draft_key, None)
        if step is None:
            await asyncio.to_thread(self.store.begin, self.name, chat_id, user_id, self.clock())
        else:
            user_data[self.draft_key] = step.draft
        try:
            new_state = await handler.handle_update(update, application, check, context)
        except BaseException:
            user_data.pop(self.draft_key, None)
            if step is None:
                await asyncio.to_thread(self.store.end, self.name, chat_id, user_id)
            else:
                await asyncio.to_thread(self.store.release, step)
            raise
        draft = user_data.pop(self.draft_key, None)
        if new_state is None and step is not None:
            new_state = step.state  # None: stay in the step
        if new_state is None or new_state == END:
            await asyncio.to_thread(self.store.end, self.name, chat_id, user_id)
        else:
            await asyncio.to_thread(
                self.store.save, self.name, chat_id, user_id, new_state, draft or {}, self.clock()
            )
