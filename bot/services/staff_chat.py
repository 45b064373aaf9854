"""The staff chat: which chat it is now, and whether anything may be sent there.

- Telegram gives a group upgraded to a supergroup a new id and answers the old one with
  "migrated". The new id is stored and overrides STAFF_CHAT_ID for as long as the setting names
  the old chat (start-up says so in one line); replies and staff buttons are accepted there, and
  what waited is delivered there in order.
- Registrations, photos of documents and voice notes must never reach a public chat: until a
  check (getChat, by the adapter) found a group or supergroup, without a public username, with
  the bot a member, nothing is sent there; messages wait, nothing goes elsewhere.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass

from bot.domain.notices import Notice
from bot.domain.notices import NoticeKind as K
from bot.services.notices import enqueue
from bot.services.ports import Clock, UnitOfWorkFactory

log = logging.getLogger(__name__)
UNCHECKED_WAIT = 10.0  # seconds a staff message waits while the chat is being checked
UNFIT_WAIT = 60.0  # ... while the chat is not fit (public, not a group, bot not a member)


class StaffChatUnavailableError(Exception):
    """Nothing may be sent to the staff chat now; the message waits `wait` seconds."""

    def __init__(self, reason: str, wait: float) -> None:
        super().__init__(reason)
        self.reason = reason
        self.wait = wait


@dataclass(frozen=True, slots=True)
class Verdict:
    fit: bool
    reason: str  # for the log: what is wrong, or what was found


class StaffChat:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, configured: int | None) -> None:
        self._uow = uow
        self._clock = clock
        self.configured = configured  # STAFF_CHAT_ID
        self.id = configured  # where staff messages go now
        self.verdict: Verdict | None = None  # None: not checked yet

    async def _recorded(self) -> int | None:
        if self.configured is None:
            return None
        async with self._uow(read_only=True) as uow:
            return await uow.staff_chat.migrated_to(self.configured)

    async def load(self) -> None:
        """At start-up: follow a migration recorded earlier, and tell the operator."""
        moved_to = await self._recorded()
        if moved_to is not None:
            self.id = moved_to
            log.warning(
                "STAFF_CHAT_ID %s was upgraded to a supergroup; the bot uses its new id %s. "
                "Set STAFF_CHAT_ID=%s in the settings.",
                self.configured,
                moved_to,
                moved_to,
            )

    def is_staff_chat(self, chat_id: int | None) -> bool:
        return chat_id is not None and chat_id == self.id

    async def knows(self, chat_id: int) -> bool:
        """Is this group the staff chat? Another process may have followed a migration since
        (webhooks): a group that is not the staff chat as far as we know is looked up."""
        if chat_id == self.id:
            return True
        moved_to = await self._recorded()
        if moved_to is not None and moved_to != self.id:
            self.id, self.verdict = moved_to, None
        return chat_id == self.id

    def sendable_id(self) -> int | None:
        """The chat to send to now; None when no STAFF_CHAT_ID is set. Raises while the chat is
        not known to be fit."""
        if self.id is None:
            return None
        if self.verdict is None:
            raise StaffChatUnavailableError("staff chat not checked yet", UNCHECKED_WAIT)
        if not self.verdict.fit:
            raise StaffChatUnavailableError(
                f"staff chat refused: {self.verdict.reason}", UNFIT_WAIT
            )
        return self.id

    async def judge(self, verdict: Verdict) -> bool:
        """Record a check's result; log one line when it changes. Returns True when the chat
        just became fit (what waited is then due again, in order)."""
        before, self.verdict = self.verdict, verdict
        if before == verdict:
            return False
        if not verdict.fit:
            log.error(
                "Staff chat %s refused: %s. Nothing is sent there until it is fixed; staff "
                "messages wait.",
                self.id,
                verdict.reason,
            )
            return False
        if before is not None:
            log.warning("Staff chat %s is usable again: staff messages go out.", self.id)
        await self.release_waiting()
        return True

    def recheck(self) -> None:
        """Something changed (the bot was added or removed): check before the next send."""
        self.verdict = None

    async def migrated(self, old: int, new: int) -> bool:
        """Telegram says the staff chat `old` is now `new`. Returns False when `old` is not the
        staff chat (an old answer about a chat we already left)."""
        if old != self.id or old == new:
            return False
        if await self._recorded() == new:  # another process followed it already
            self.id, self.verdict = new, None
            return True
        now = self._clock.now()
        async with self._uow() as uow:
            if self.configured is not None:
                await uow.staff_chat.record_migration(self.configured, new, now)
            reopened = await uow.conversations.forget_staff_messages()
            moved = Notice(K.STAFF_CHAT_MIGRATED, old, data={"to": new}, detail=str(new))
            await enqueue(uow, moved, now)
            for conversation_id in reopened:  # a header to reply to, in the new chat
                header = Notice(K.CONVERSATION_OPENED, conversation_id, detail=str(new))
                await enqueue(uow, header, now)
            await uow.commit()
        self.id = new
        self.verdict = None  # the new chat is checked like any other
        log.warning(
            "Staff chat %s was upgraded to a supergroup with the id %s: the bot now sends there. "
            "Set STAFF_CHAT_ID=%s in the settings.",
            old,
            new,
            new,
        )
        return True

    async def release_waiting(self) -> int:
        """Staff messages that waited are due now, in the order they were written."""
        async with self._uow() as uow:
            released = await uow.outbox.release_staff()
            await uow.commit()
            return released
