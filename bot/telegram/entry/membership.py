"""`my_chat_member`: Telegram says when a person blocks or unblocks the bot, before any 403; and
in the staff group, when the bot was added or removed (the staff chat is checked again). The
service message of a staff group upgraded to a supergroup moves the staff chat at once.

A person who blocks the bot is unreachable at once (their check-ins stop and staff are told, as
on a 403); one who unblocks is reachable again.
"""

from __future__ import annotations

from aiogram import Router
from aiogram.filters import BaseFilter
from aiogram.types import ChatMemberUpdated, Message

from bot.services.outbox import OutboxService
from bot.services.staff_chat import StaffChat

GONE = frozenset({"kicked", "left"})


def create_membership_router() -> Router:
    router = Router(name="membership")

    @router.my_chat_member()
    async def membership_changed(
        event: ChatMemberUpdated, outbox: OutboxService, staff_chat: StaffChat
    ) -> None:
        if event.chat.type != "private":
            if staff_chat.is_staff_chat(event.chat.id):
                staff_chat.recheck()  # the bot was added, removed or restricted: look again
            return
        reachable = event.new_chat_member.status not in GONE
        await outbox.reachability(event.chat.id, reachable=reachable)

    @router.message(MigratesChat())
    async def staff_group_migrated(message: Message, staff_chat: StaffChat) -> None:
        """The service message in the old group: follow it before any send fails."""
        if await staff_chat.migrated(message.chat.id, message.migrate_to_chat_id):  # type: ignore[arg-type]
            await staff_chat.release_waiting()

    return router


class MigratesChat(BaseFilter):
    """The service message of a group becoming a supergroup (a coroutine, not `F`: aiogram runs
    a plain filter on a worker thread, and this one is checked on every message)."""

    async def __call__(self, message: Message) -> bool:
        return message.migrate_to_chat_id is not None
