"""Users of the fake Telegram: they write, tap buttons and type inline queries, and read what
the bot sent them — the way a test of a chat bot should read (push a message, pop the reply)."""

from __future__ import annotations

import itertools
import re
import time

from tests.fakegram.server import FakeTelegram, SentMessage

REPLY_TIMEOUT = 20.0
_ids = itertools.count(1)


class TelegramUser:
    def __init__(
        self,
        server: FakeTelegram,
        user_id: int,
        first_name: str = "Nino",
        language_code: str | None = "en",
    ) -> None:
        self.server = server
        self.id = user_id
        self.first_name = first_name
        self.language_code = language_code
        self.chat = server.private_chat(user_id, first_name)
        self._read = 0  # how many of the bot's messages to this chat were already popped

    def _from(self) -> dict:
        return self.server.user_dict(self.id, self.first_name, self.language_code)

    def _message(self, **content: object) -> dict:
        return {
            "message_id": self.server.next_message_id(),
            "date": int(time.time()),
            "chat": self.chat,
            "from": self._from(),
            **content,
        }

    async def send(self, text: str) -> None:
        """Type ``text`` and send it; a leading /command is marked as Telegram marks it."""
        content: dict[str, object] = {"text": text}
        if text.startswith("/"):
            command = text.split()[0]
            content["entities"] = [{"type": "bot_command", "offset": 0, "length": len(command)}]
        await self.server.push_update({"message": self._message(**content)})

    async def send_in_group(
        self,
        group: dict,
        text: str,
        reply_to: SentMessage | None = None,
        topic: int | None = None,
    ) -> int:
        """Send ``text`` in a group chat (``server.group_chat``, ``server.forum_chat``), as
        this user, marking a leading /command and every @mention as Telegram does;
        ``reply_to`` makes it a reply to one of the bot's messages, ``topic`` puts it in a
        forum topic (Telegram marks it a topic message). Returns the message's id."""
        message = {**self._message(text=text), "chat": group}
        if topic is not None:
            message["message_thread_id"] = topic
            message["is_topic_message"] = True
        entities = [
            {"type": "mention", "offset": m.start(), "length": len(m[0])}
            for m in re.finditer(r"@\w+", text)
        ]
        if text.startswith("/"):
            command = text.split()[0]
            entities.insert(0, {"type": "bot_command", "offset": 0, "length": len(command)})
        if entities:
            message["entities"] = entities
        if reply_to is not None:
            message["reply_to_message"] = self.server._message_dict(reply_to)
        await self.server.push_update({"message": message})
        return message["message_id"]

    async def send_document(
        self, file_name: str, data: bytes, mime_type: str = "application/octet-stream"
    ) -> None:
        """Send a file as a document (the server keeps it for getFile and the file URL)."""
        document = {**self.server.store_file(data), "file_name": file_name, "mime_type": mime_type}
        await self.server.push_update({"message": self._message(document=document)})

    async def forward_post(self, channel: str, text: str) -> None:
        """Forward a channel's post into the chat with the bot, as Telegram marks it."""
        origin = {
            "type": "channel",
            "chat": {"id": -1_001_234_567_890, "type": "channel", "title": channel},
            "message_id": 77,
            "date": int(time.time()) - 3600,
        }
        message = self._message(text=text, forward_origin=origin)
        await self.server.push_update({"message": message})

    async def send_sticker(self) -> None:
        sticker = {
            "file_id": "CAACAgIAAxkBAAI",
            "file_unique_id": "AgADsticker",
            "type": "regular",
            "width": 512,
            "height": 512,
            "is_animated": False,
            "is_video": False,
            "emoji": "👍",
        }
        await self.server.push_update({"message": self._message(sticker=sticker)})

    async def press(self, message: SentMessage, label: str) -> str:
        """Tap the inline button labelled ``label`` under ``message``; returns the query id."""
        data = message.button(label)["callback_data"]
        return await self.press_data(message, data)

    async def press_data(self, message: SentMessage, data: str) -> str:
        return await self._tap({"message": self.server._message_dict(message), "data": data})

    async def press_on_inline_message(self, data: str) -> str:
        """Tap a button of a message sent through inline mode: Telegram gives no message and
        no chat then, only ``inline_message_id``."""
        return await self._tap({"inline_message_id": f"im{next(_ids)}", "data": data})

    async def _tap(self, fields: dict) -> str:
        query_id = f"cq{next(_ids)}"
        self.server.callback_answers[query_id] = None
        query = {"id": query_id, "from": self._from(), "chat_instance": f"ci{self.id}", **fields}
        await self.server.push_update({"callback_query": query})
        return query_id

    async def edit_sent(self, text: str) -> None:
        """Edit an earlier message of one's own: Telegram sends ``edited_message`` (and no
        ``message``)."""
        message = self._message(text=text)
        message["edit_date"] = int(time.time())
        await self.server.push_update({"edited_message": message})

    async def inline(self, query: str) -> list[dict]:
        """Type ``@bot query`` in some chat and wait for the offered results."""
        query_id = f"iq{next(_ids)}"
        self.server.inline_answers[query_id] = None
        await self.server.push_update(
            {"inline_query": {"id": query_id, "from": self._from(), "query": query, "offset": ""}}
        )
        return await self.server.wait_for(lambda: self.server.inline_answers[query_id], 20)

    async def callback_answer(self, query_id: str) -> dict:
        """What the bot answered to a button tap (the small toast the app shows)."""
        return await self.server.wait_for(
            lambda: self.server.callback_answers.get(query_id), REPLY_TIMEOUT
        )

    async def reply(self, timeout: float = REPLY_TIMEOUT) -> SentMessage:
        """The next message the bot sent to this chat."""
        return (await self.replies(1, timeout))[0]

    async def replies(self, count: int, timeout: float = REPLY_TIMEOUT) -> list[SentMessage]:
        def arrived() -> list[SentMessage] | None:
            mine = self.server.messages_to(self.id)
            return (
                mine[self._read : self._read + count] if len(mine) >= self._read + count else None
            )

        messages = await self.server.wait_for(arrived, timeout)
        self._read += count
        return messages

    async def edited(self, message: SentMessage, edits: int = 1) -> SentMessage:
        """Wait until ``message`` has been edited ``edits`` times in all."""
        await self.server.wait_for(lambda: message.edits >= edits, REPLY_TIMEOUT)
        return message

    def unread(self) -> list[SentMessage]:
        return self.server.messages_to(self.id)[self._read :]

    async def block_bot(self, blocked: bool = True) -> None:
        """Block (or unblock) the bot in the app: sends fail with 403 and Telegram tells the
        bot with a ``my_chat_member`` update, as it does."""
        if blocked:
            self.server.blocked.add(self.id)
        else:
            self.server.blocked.discard(self.id)
        old, new = ("member", "kicked") if blocked else ("kicked", "member")
        bot_user = self.server._bot_user()
        await self.server.push_update(
            {
                "my_chat_member": {
                    "chat": self.chat,
                    "from": self._from(),
                    "date": int(time.time()),
                    "old_chat_member": {"status": old, "user": bot_user, "until_date": 0},
                    "new_chat_member": {"status": new, "user": bot_user, "until_date": 0},
                }
            }
        )
