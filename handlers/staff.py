"""/staff, /addstaff, /removestaff for admins; /myid so a colleague can say who to add."""

from __future__ import annotations

import asyncio
from html import escape

from telegram import Update
from telegram.ext import ContextTypes

from bot.i18n import translations
from bot.staff import Role
from handlers.commands import hide_staff_menu, show_staff_menu
from handlers.permissions import allowed
from handlers.send import send_html
from handlers.services import services, user_lang


async def my_id(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    _ = translations(await user_lang(update, context)).gettext
    text = _("Your Telegram id is {id}. An admin adds staff with /addstaff {id}.").format(
        id=update.effective_user.id
    )
    await send_html(context, update.effective_chat.id, escape(text))


async def list_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await allowed(update, context, admin=True):
        return
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    members = await asyncio.to_thread(services(context).staff.members)
    title = _("Programme staff")
    lines = [f"<b>{escape(title)}</b>"]
    for member in members:
        role = _("admin") if member.role is Role.ADMIN else _("staff")
        from_settings = _("from the settings")
        note = f" — {escape(from_settings)}" if member.from_settings else ""
        lines.append(f"• <code>{member.user_id}</code> ({escape(role)}){note}")
    if not members:
        lines.append(escape(_("Nobody yet.")))
    await send_html(context, update.effective_chat.id, "\n".join(lines))


def _target(context: ContextTypes.DEFAULT_TYPE) -> int | None:
    """The user id in ``/addstaff 123`` (None when missing or not a Telegram id). ASCII digits
    only: ``str.isdigit`` and ``int`` accept "٣", "１２３" and "²", which name nobody the admin
    meant (or crash)."""
    args = context.args or []
    if not args or not (args[0].isascii() and args[0].isdigit()):
        return None
    number = int(args[0])
    return number if 0 < number < 2**63 else None


async def add_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    """``/addstaff <id>`` appoints staff; ``/addstaff <id> admin`` an admin."""
    if not await allowed(update, context, admin=True):
        return
    lang = await user_lang(update, context)
    _ = translations(lang).gettext
    target = _target(context)
    chat = update.effective_chat.id
    if target is None:
        usage = _("Send /addstaff followed by the person's Telegram id (they see it with /myid).")
        await send_html(context, chat, escape(usage))
        return
    svc = services(context)
    admin = len(context.args) > 1 and context.args[1].lower() == "admin"
    role = Role.ADMIN if admin else Role.STAFF
    await asyncio.to_thread(
        svc.staff.add, target, role, by=update.effective_user.id, now=svc.clock()
    )
    done = _("{id} is now an admin.") if admin else _("{id} is now programme staff.")
    await send_html(context, chat, escape(done.format(id=target)))
    person = await asyncio.to_thread(svc.users.get, target)
    await show_staff_menu(context.bot, person, target, svc.settings.default_lang)


async def remove_staff(update: Update, context: ContextTypes.DEFAULT_TYPE) -> None:
    if not await allowed(update, context, admin=True):
        return
    _ = translations(await user_lang(update, context)).gettext
    target = _target(context)
    chat = update.effective_chat.id
    svc = services(context)
    if target is None:
        text = _("Send /removestaff followed by the person's Telegram id.")
    elif target in svc.staff.admins:
        text = _("{id} is an admin in the settings (REFORMBOT_ADMINS); remove them there.")
    elif await asyncio.to_thread(svc.staff.remove, target):
        text = _("{id} is no longer staff.")
        await hide_staff_menu(context.bot, target)
    else:
        text = _("{id} is not staff.")
    await send_html(context, chat, escape(text.format(id=target)))
