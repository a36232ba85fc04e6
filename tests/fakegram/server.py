"""A small, strict Telegram Bot API server on 127.0.0.1 for end-to-end tests.

The real python-telegram-bot ``Application`` talks to it over HTTP exactly as it would to
api.telegram.org: ``/bot<TOKEN>/<method>``, form or multipart bodies, long-polled
``getUpdates`` or pushed webhooks. It answers the way Telegram answers, including the refusals
users meet in production: invalid HTML, over-long text, oversized callback data, unknown
chats, blocked users (403) and flood control (429 with ``retry_after``). Tests act as users
through :mod:`tests.fakegram.client` and read what the bot sent from here.
"""

from __future__ import annotations

import asyncio
import itertools
import json
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from aiohttp import ClientSession, web

from tests.fakegram.html import EntityError, telegram_length, visible_text

MAX_TEXT = 4096
MAX_CAPTION = 1024
MAX_CALLBACK_DATA = 64
MAX_TOPIC_NAME = 128
# Bots may download files of at most 20 MB.
MAX_DOWNLOAD = 20 * 1024 * 1024
MAX_BUTTONS = 100
MAX_INLINE_RESULTS = 50
CHAT_ACTIONS = {
    "typing", "upload_photo", "record_video", "upload_video", "record_voice", "upload_voice",
    "upload_document", "choose_sticker", "find_location", "record_video_note",
    "upload_video_note",
}  # fmt: skip
# Form fields PTB sends JSON-encoded; every other field is a plain string.
_JSON_FIELDS = {
    "chat_id", "message_id", "reply_markup", "results", "commands", "scope", "allowed_updates",
    "offset", "limit", "timeout", "show_alert", "cache_time", "is_personal", "max_connections",
    "drop_pending_updates", "link_preview_options", "reply_parameters", "disable_notification",
    "protect_content", "entities", "button", "message_thread_id",
}  # fmt: skip


class ApiError(Exception):
    def __init__(self, code: int, description: str, retry_after: int | None = None) -> None:
        super().__init__(description)
        self.code, self.description, self.retry_after = code, description, retry_after


def _language_code(params: dict) -> str:
    code = params.get("language_code") or ""
    if code and not (len(code) == 2 and code.isascii() and code.isalpha() and code.islower()):
        raise bad_request("LANGUAGE_CODE_INVALID")
    return code


def bad_request(description: str) -> ApiError:
    return ApiError(400, f"Bad Request: {description}")


@dataclass
class SentMessage:
    """A message the bot sent, as the chat shows it now (edits update it in place)."""

    chat_id: int
    message_id: int
    text: str  # what the user sees
    html: str  # what the bot sent
    reply_markup: dict | None = None
    document: dict | None = None  # {"file_name", "mime_type", "content"} for sendDocument
    edits: int = 0
    reply_to: int | None = None  # the message it answers (reply_parameters.message_id)
    thread: int | None = None  # the forum topic it is in (message_thread_id)
    photo: bytes | None = None  # the picture of a sendPhoto

    @property
    def buttons(self) -> list[dict]:
        rows = (self.reply_markup or {}).get("inline_keyboard", [])
        return [button for row in rows for button in row]

    def button(self, label: str) -> dict:
        """The inline button whose text contains ``label``; fails loudly when there is none."""
        for button in self.buttons:
            if label in button["text"]:
                return button
        shown = [b["text"] for b in self.buttons]
        raise AssertionError(f"no button {label!r} under the message; buttons: {shown}")


@dataclass
class Flood:
    """Answer the next ``times`` sends (to ``chat_id``, or any chat) with 429."""

    retry_after: int
    times: int
    chat_id: int | None = None


@dataclass
class Fault:
    """The next ``times`` calls of ``method`` go wrong: ``"500"`` answers Internal Server Error
    without doing anything; ``"junk"`` does the call and answers 200 with a body that is not
    JSON (a proxy's error page), as Telegram's front ends sometimes do."""

    kind: str
    times: int
    method: str = "sendMessage"


@dataclass
class FakeTelegram:
    token: str
    bot_id: int = 7_000_001
    username: str = "reformbot_test_bot"
    updates: list[dict] = field(default_factory=list)
    sent: list[SentMessage] = field(default_factory=list)
    chats: dict[int, dict] = field(default_factory=dict)  # chats of users who wrote
    blocked: set[int] = field(default_factory=set)
    floods: list[Flood] = field(default_factory=list)
    faults: list[Fault] = field(default_factory=list)
    commands: dict[tuple[str, str], list[dict]] = field(default_factory=dict)
    # The bot's name, description and short description per language code ("": the default),
    # and every set call made, in order.
    profile: dict[tuple[str, str], str] = field(default_factory=dict)
    profile_sets: list[tuple[str, str]] = field(default_factory=list)
    chat_actions: list[tuple[int, str]] = field(default_factory=list)
    callback_answers: dict[str, dict | None] = field(default_factory=dict)
    inline_answers: dict[str, list[dict] | None] = field(default_factory=dict)
    rejected: list[tuple[str, str]] = field(default_factory=list)  # (method, description)
    webhook: dict | None = None
    url: str = ""
    # Forum topics of each forum supergroup: message_thread_id → name.
    topics: dict[int, dict[int, str]] = field(default_factory=dict)
    # Files users sent, by file_id: what getFile describes and the file URL serves.
    files: dict[str, bytes] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._update_ids = itertools.count(1)
        self._message_ids = itertools.count(1)
        self._changed = asyncio.Condition()
        self._confirmed = 0  # updates below this id were fetched with a later offset
        self._runner: web.AppRunner | None = None
        self._client: ClientSession | None = None
        self._closing = False

    # -- lifecycle -----------------------------------------------------------------------

    async def start(self) -> str:
        app = web.Application(client_max_size=60 * 1024 * 1024)
        app.router.add_route("*", "/bot{token}/{method}", self._handle)
        app.router.add_route("GET", "/file/bot{token}/{path:.*}", self._download)
        app.router.add_route("*", "/{tail:.*}", self._not_found)
        self._runner = web.AppRunner(app, access_log=None)
        await self._runner.setup()
        site = web.TCPSite(self._runner, "127.0.0.1", 0)
        await site.start()
        port = site._server.sockets[0].getsockname()[1]  # type: ignore[union-attr]
        self.url = f"http://127.0.0.1:{port}"
        self._client = ClientSession()
        return self.url

    async def release_pollers(self) -> None:
        """Answer pending long polls now, so a bot can stop without waiting out its timeout."""
        self._closing = True
        await self._notify()

    async def stop(self) -> None:
        await self.release_pollers()
        if self._client:
            await self._client.close()
        if self._runner:
            await self._runner.cleanup()

    async def _notify(self) -> None:
        async with self._changed:
            self._changed.notify_all()

    async def wait_for(self, predicate: Callable[[], Any], timeout: float) -> Any:
        """Wait until ``predicate()`` returns something truthy; fail after ``timeout`` s."""
        deadline = time.monotonic() + timeout
        async with self._changed:
            while not (result := predicate()):
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    raise AssertionError(
                        f"nothing arrived within {timeout} s; rejected calls: {self.rejected}"
                    )
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    continue
            return result

    # -- what users do ---------------------------------------------------------------------

    def user_dict(self, user_id: int, first_name: str, language_code: str | None) -> dict:
        user = {"id": user_id, "is_bot": False, "first_name": first_name}
        if language_code:
            user["language_code"] = language_code
        return user

    def private_chat(self, user_id: int, first_name: str) -> dict:
        chat = {"id": user_id, "type": "private", "first_name": first_name}
        self.chats[user_id] = chat
        return chat

    def group_chat(self, chat_id: int, title: str) -> dict:
        chat = {"id": chat_id, "type": "group", "title": title}
        self.chats[chat_id] = chat
        return chat

    def forum_chat(self, chat_id: int, title: str) -> dict:
        """A supergroup with topics, as a staff team keeps one: each topic is a thread."""
        chat = {"id": chat_id, "type": "supergroup", "title": title, "is_forum": True}
        self.chats[chat_id] = chat
        self.topics[chat_id] = {}
        return chat

    def next_message_id(self) -> int:
        return next(self._message_ids)

    async def push_update(self, body: dict) -> int:
        """Queue an update for getUpdates, or post it to the webhook when one is set."""
        update = {"update_id": next(self._update_ids), **body}
        self.updates.append(update)
        if self.webhook and self._client:
            headers = {}
            if self.webhook.get("secret_token"):
                headers["X-Telegram-Bot-Api-Secret-Token"] = self.webhook["secret_token"]
            async with self._client.post(self.webhook["url"], json=update, headers=headers):
                pass
        await self._notify()
        return update["update_id"]

    def flood(self, retry_after: int, times: int = 1, chat_id: int | None = None) -> None:
        self.floods.append(Flood(retry_after, times, chat_id))

    def fail(self, kind: str, times: int = 1, method: str = "sendMessage") -> None:
        self.faults.append(Fault(kind, times, method))

    def messages_to(self, chat_id: int) -> list[SentMessage]:
        return [m for m in self.sent if m.chat_id == chat_id]

    # -- HTTP --------------------------------------------------------------------------------

    def store_file(self, data: bytes) -> dict:
        """Keep a file a user sends; the ids Telegram would give it."""
        number = len(self.files) + 1
        file_id = f"BQACAgIAAxkBAAI{number:06d}"
        self.files[file_id] = data
        return {"file_id": file_id, "file_unique_id": f"AgAD{number:06d}", "file_size": len(data)}

    async def _download(self, request: web.Request) -> web.Response:
        if request.match_info["token"] != self.token:
            return await self._not_found(request)
        file_id = request.match_info["path"].removeprefix("documents/")
        if file_id not in self.files:
            return await self._not_found(request)
        return web.Response(body=self.files[file_id], content_type="application/octet-stream")

    async def _not_found(self, _request: web.Request) -> web.Response:
        return web.json_response(
            {"ok": False, "error_code": 404, "description": "Not Found"}, status=404
        )

    async def _params(self, request: web.Request) -> tuple[dict[str, Any], dict[str, Any]]:
        """Form, multipart or JSON bodies, as PTB sends them; files are returned apart."""
        params: dict[str, Any] = dict(request.query)
        files: dict[str, Any] = {}
        if request.content_type == "application/json":
            params.update(await request.json())
            return params, files
        if request.can_read_body:
            form = await request.post()
            for key, value in form.items():
                if isinstance(value, web.FileField):
                    files[key] = {
                        "file_name": value.filename,
                        "mime_type": value.content_type,
                        "content": value.file.read(),
                    }
                elif key in _JSON_FIELDS:
                    try:
                        params[key] = json.loads(value)
                    except json.JSONDecodeError:
                        params[key] = value
                else:
                    params[key] = value
        return params, files

    async def _handle(self, request: web.Request) -> web.Response:
        method = request.match_info["method"]
        if request.match_info["token"] != self.token:
            return web.json_response(
                {"ok": False, "error_code": 401, "description": "Unauthorized"}, status=401
            )
        handler = getattr(self, f"api_{method.lower()}", None)
        if handler is None:
            return web.json_response(
                {"ok": False, "error_code": 404, "description": "Not Found: method not found"},
                status=404,
            )
        params, files = await self._params(request)
        fault = next(
            (f for f in self.faults if f.times > 0 and f.method.lower() == method.lower()), None
        )
        if fault is not None:
            fault.times -= 1
            if fault.kind == "500":
                return web.json_response(
                    {"ok": False, "error_code": 500, "description": "Internal Server Error"},
                    status=500,
                )
        try:
            result = await handler(params, files)
        except ApiError as exc:
            self.rejected.append((method, exc.description))
            body: dict[str, Any] = {
                "ok": False,
                "error_code": exc.code,
                "description": exc.description,
            }
            if exc.retry_after is not None:
                body["parameters"] = {"retry_after": exc.retry_after}
            await self._notify()
            return web.json_response(body, status=exc.code)
        await self._notify()
        if fault is not None and fault.kind == "junk":
            return web.Response(text="<html><body>502 Bad Gateway</body></html>", status=200)
        return web.json_response({"ok": True, "result": result})

    # -- checks shared by the sending methods --------------------------------------------------

    def _chat(self, params: dict) -> int:
        chat_id = params.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            raise bad_request("chat not found")
        if chat_id in self.blocked:
            raise ApiError(403, "Forbidden: bot was blocked by the user")
        for flood in self.floods:
            if flood.times > 0 and flood.chat_id in (None, chat_id):
                flood.times -= 1
                raise ApiError(
                    429,
                    f"Too Many Requests: retry after {flood.retry_after}",
                    flood.retry_after,
                )
        return chat_id

    @staticmethod
    def _text(value: Any, parse_mode: str | None, limit: int, what: str = "message") -> str:
        text = str(value or "")
        if parse_mode == "HTML":
            try:
                shown = visible_text(text)
            except EntityError as exc:
                raise bad_request(str(exc)) from None
        elif parse_mode is None:
            shown = text
        else:
            raise bad_request(f"unsupported parse_mode {parse_mode!r} in this fake")
        if not shown.strip():
            raise bad_request(f"{what} text is empty")
        if telegram_length(shown) > limit:
            raise bad_request(f"{what} is too long")
        return shown

    @staticmethod
    def _markup(markup: Any) -> dict | None:
        if markup is None:
            return None
        if not isinstance(markup, dict) or "inline_keyboard" not in markup:
            return markup if isinstance(markup, dict) else None
        buttons = [b for row in markup["inline_keyboard"] for b in row]
        if len(buttons) > MAX_BUTTONS:
            raise bad_request("REPLY_MARKUP_TOO_LONG")
        actions = (
            "callback_data",
            "url",
            "switch_inline_query",
            "switch_inline_query_current_chat",
        )
        for button in buttons:
            if not str(button.get("text", "")).strip():
                raise bad_request("BUTTON_TEXT_EMPTY")
            if sum(key in button for key in actions) != 1:
                raise bad_request("can't parse inline keyboard button: one action is needed")
            data = button.get("callback_data")
            if data is not None and not 1 <= len(data.encode()) <= MAX_CALLBACK_DATA:
                raise bad_request("BUTTON_DATA_INVALID")
            if "url" in button and not button["url"].startswith(("http://", "https://", "tg://")):
                raise bad_request("BUTTON_URL_INVALID")
        return markup

    def _message_dict(self, message: SentMessage) -> dict:
        body = {
            "message_id": message.message_id,
            "date": int(time.time()),  # seconds: PTB reads milliseconds as the year 58862
            "chat": self.chats[message.chat_id],
            "from": self._bot_user(),
        }
        if message.photo is not None:
            size = {
                "file_id": f"ph{message.message_id}",
                "file_unique_id": f"p{message.message_id}",
            }
            body["photo"] = [{**size, "width": 1100, "height": 800}]
            if message.text:
                body["caption"] = message.text
        elif message.document:
            body["document"] = {
                "file_id": f"doc{message.message_id}",
                "file_unique_id": f"u{message.message_id}",
                "file_name": message.document["file_name"],
                "mime_type": message.document["mime_type"],
                "file_size": len(message.document["content"]),
            }
            if message.text:
                body["caption"] = message.text
        else:
            body["text"] = message.text
        if message.reply_markup:
            body["reply_markup"] = message.reply_markup
        if message.thread is not None:
            body["message_thread_id"] = message.thread
            body["is_topic_message"] = True
        return body

    def _bot_user(self) -> dict:
        return {
            "id": self.bot_id,
            "is_bot": True,
            "first_name": "Reformbot",
            "username": self.username,
            "can_join_groups": False,
            "can_read_all_group_messages": False,
            "supports_inline_queries": True,
        }

    def _find(self, params: dict) -> SentMessage:
        chat_id, message_id = params.get("chat_id"), params.get("message_id")
        for message in self.sent:
            if message.chat_id == chat_id and message.message_id == message_id:
                return message
        raise bad_request("message to edit not found")

    # -- methods -------------------------------------------------------------------------------

    async def api_getme(self, _params: dict, _files: dict) -> dict:
        return self._bot_user()

    async def api_getupdates(self, params: dict, _files: dict) -> list[dict]:
        if self.webhook:
            raise ApiError(
                409,
                "Conflict: can't use getUpdates method while webhook is active; "
                "use deleteWebhook to delete the webhook first",
            )
        offset = int(params.get("offset") or 0)
        limit = int(params.get("limit") or 100)
        timeout = min(float(params.get("timeout") or 0), 30.0)
        self._confirmed = max(self._confirmed, offset)

        def pending() -> list[dict]:
            return [u for u in self.updates if u["update_id"] >= self._confirmed][:limit]

        deadline = time.monotonic() + timeout
        async with self._changed:
            while not pending() and not self._closing:
                remaining = deadline - time.monotonic()
                if remaining <= 0:
                    break
                try:
                    await asyncio.wait_for(self._changed.wait(), remaining)
                except TimeoutError:
                    break
        return pending()

    async def api_deletewebhook(self, _params: dict, _files: dict) -> bool:
        self.webhook = None
        return True

    async def api_setwebhook(self, params: dict, _files: dict) -> bool:
        url = str(params.get("url") or "")
        if not url.startswith(("http://", "https://")):
            raise bad_request("bad webhook: an HTTPS URL must be provided for webhook")
        self.webhook = {"url": url, "secret_token": params.get("secret_token")}
        return True

    async def api_getwebhookinfo(self, _params: dict, _files: dict) -> dict:
        url = self.webhook["url"] if self.webhook else ""
        return {"url": url, "has_custom_certificate": False, "pending_update_count": 0}

    async def api_setmyname(self, params: dict, _files: dict) -> bool:
        return self._set_profile("name", params, 64)

    async def api_getmyname(self, params: dict, _files: dict) -> dict:
        return {"name": self._get_profile("name", params)}

    async def api_setmydescription(self, params: dict, _files: dict) -> bool:
        return self._set_profile("description", params, 512)

    async def api_getmydescription(self, params: dict, _files: dict) -> dict:
        return {"description": self._get_profile("description", params)}

    async def api_setmyshortdescription(self, params: dict, _files: dict) -> bool:
        return self._set_profile("short_description", params, 120)

    async def api_getmyshortdescription(self, params: dict, _files: dict) -> dict:
        return {"short_description": self._get_profile("short_description", params)}

    def _set_profile(self, field: str, params: dict, limit: int) -> bool:
        """As Telegram checks it: a two-letter ISO 639-1 code or none, and the length."""
        code = _language_code(params)
        text = params.get(field) or ""
        if len(text) > limit:
            raise bad_request(f"{field.upper()}_INVALID")
        self.profile[(field, code)] = text
        self.profile_sets.append((field, code))
        return True

    def _get_profile(self, field: str, params: dict) -> str:
        return self.profile.get((field, _language_code(params)), "")

    async def api_setmycommands(self, params: dict, _files: dict) -> bool:
        commands = params.get("commands") or []
        if not 1 <= len(commands) <= 100:
            raise bad_request("BOT_COMMANDS_TOO_MUCH" if commands else "commands are empty")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not (1 <= len(name) <= 32 and name.islower() and name.replace("_", "").isalnum()):
                raise bad_request("BOT_COMMAND_INVALID")
            if not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_DESCRIPTION_INVALID")
        self.commands[(self._scope(params), params.get("language_code") or "")] = commands
        return True

    async def api_deletemycommands(self, params: dict, _files: dict) -> bool:
        self.commands.pop((self._scope(params), params.get("language_code") or ""), None)
        return True

    def _scope(self, params: dict) -> str:
        """A menu's scope: its type, and for one chat "chat:<id>" (a chat the bot knows)."""
        scope = params.get("scope") or {"type": "default"}
        if scope["type"] != "chat":
            return scope["type"]
        chat_id = scope.get("chat_id")
        if not isinstance(chat_id, int) or chat_id not in self.chats:
            raise bad_request("chat not found")
        return f"chat:{chat_id}"

    async def api_sendchataction(self, params: dict, _files: dict) -> bool:
        chat_id = self._chat(params)
        if params.get("action") not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        self.chat_actions.append((chat_id, params["action"]))
        return True

    async def api_sendmessage(self, params: dict, _files: dict) -> dict:
        chat_id = self._chat(params)
        shown = self._text(params.get("text"), params.get("parse_mode"), MAX_TEXT)
        thread = params.get("message_thread_id")
        if thread is not None and thread not in self.topics.get(chat_id, {}):
            raise bad_request("message thread not found")
        message = SentMessage(
            chat_id,
            self.next_message_id(),
            shown,
            str(params.get("text")),
            self._markup(params.get("reply_markup")),
            reply_to=(params.get("reply_parameters") or {}).get("message_id"),
            thread=thread,
        )
        self.sent.append(message)
        return self._message_dict(message)

    async def api_getfile(self, params: dict, _files: dict) -> dict:
        file_id = params.get("file_id")
        if file_id not in self.files:
            raise bad_request("wrong file_id or the file is temporarily unavailable")
        data = self.files[file_id]
        if len(data) > MAX_DOWNLOAD:
            raise bad_request("file is too big")
        return {
            "file_id": file_id,
            "file_unique_id": f"u{file_id}",
            "file_size": len(data),
            "file_path": f"documents/{file_id}",
        }

    async def api_getchat(self, params: dict, _files: dict) -> dict:
        chat_id = params.get("chat_id")
        if chat_id not in self.chats:
            raise bad_request("chat not found")
        kinds = ("unlimited_gifts", "limited_gifts", "unique_gifts", "gifts_from_channels")
        gifts = dict.fromkeys(kinds, False)
        return {
            **self.chats[chat_id],
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": {**gifts, "premium_subscription": False},
        }

    async def api_createforumtopic(self, params: dict, _files: dict) -> dict:
        chat_id = self._chat(params)
        if not self.chats[chat_id].get("is_forum"):
            raise bad_request("the chat is not a forum")
        name = str(params.get("name") or "")
        if not 1 <= len(name) <= MAX_TOPIC_NAME:
            raise bad_request("TOPIC_NAME_INVALID")
        # A topic's id is that of the service message that opens it.
        thread = self.next_message_id()
        self.topics[chat_id][thread] = name
        return {"message_thread_id": thread, "name": name, "icon_color": 7322096}

    async def api_senddocument(self, params: dict, files: dict) -> dict:
        self._chat(params)
        document = files.get("document")
        if document is None:
            raise bad_request("there is no document in the request")
        return self._captioned(params, document=document)

    async def api_sendphoto(self, params: dict, files: dict) -> dict:
        self._chat(params)
        photo = files.get("photo")
        if photo is None:
            raise bad_request("there is no photo in the request")
        if not photo["content"].startswith((b"\x89PNG\r\n\x1a\n", b"\xff\xd8\xff")):
            raise bad_request("IMAGE_PROCESS_FAILED")
        return self._captioned(params, photo=photo["content"])

    def _captioned(self, params: dict, **attached: Any) -> dict:
        """A file sent with an optional caption (sendDocument, sendPhoto), kept as sent."""
        caption = params.get("caption")
        shown = (
            self._text(caption, params.get("parse_mode"), MAX_CAPTION, "caption")
            if caption
            else ""
        )
        message = SentMessage(
            params["chat_id"],
            self.next_message_id(),
            shown,
            str(caption or ""),
            self._markup(params.get("reply_markup")),
            **attached,
        )
        self.sent.append(message)
        return self._message_dict(message)

    async def api_editmessagetext(self, params: dict, _files: dict) -> dict:
        message = self._find(params)
        self._chat(params)
        shown = self._text(params.get("text"), params.get("parse_mode"), MAX_TEXT)
        markup = self._markup(params.get("reply_markup"))
        if shown == message.text and markup == message.reply_markup:
            raise bad_request(
                "message is not modified: specified new message content and reply markup are "
                "exactly the same as a current content and reply markup of the message"
            )
        message.text, message.html, message.reply_markup = shown, str(params["text"]), markup
        message.edits += 1
        return self._message_dict(message)

    async def api_editmessagereplymarkup(self, params: dict, _files: dict) -> dict:
        message = self._find(params)
        self._chat(params)
        markup = self._markup(params.get("reply_markup"))
        if markup == message.reply_markup:
            raise bad_request("message is not modified")
        message.reply_markup = markup
        message.edits += 1
        return self._message_dict(message)

    async def api_answercallbackquery(self, params: dict, _files: dict) -> bool:
        query_id = str(params.get("callback_query_id"))
        if query_id not in self.callback_answers or self.callback_answers[query_id] is not None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text") or "")) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_answers[query_id] = params
        return True

    async def api_answerinlinequery(self, params: dict, _files: dict) -> bool:
        query_id = str(params.get("inline_query_id"))
        if query_id not in self.inline_answers or self.inline_answers[query_id] is not None:
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        results = params.get("results") or []
        if len(results) > MAX_INLINE_RESULTS:
            raise bad_request("RESULTS_TOO_MUCH")
        ids = [str(r.get("id", "")) for r in results]
        if len(set(ids)) != len(ids) or not all(1 <= len(i.encode()) <= 64 for i in ids):
            raise bad_request("RESULT_ID_INVALID")
        for result in results:
            if result.get("type") != "article" or not result.get("title"):
                raise bad_request("RESULT_TYPE_INVALID")
            content = result.get("input_message_content") or {}
            result["shown_text"] = self._text(
                content.get("message_text"), content.get("parse_mode"), MAX_TEXT
            )
            self._markup(result.get("reply_markup"))
        self.inline_answers[query_id] = results
        return True

    async def api_deletemessage(self, params: dict, _files: dict) -> bool:
        message = self._find(params)
        self.sent.remove(message)
        return True
