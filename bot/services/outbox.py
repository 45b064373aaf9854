"""Delivery bookkeeping for the outbox worker: claim, sent, retry, give up."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import replace
from datetime import datetime, timedelta

from bot.domain.notices import Notice
from bot.domain.notices import NoticeKind as K
from bot.services.notices import enqueue
from bot.services.ports import Clock, OutboxMessage, UnitOfWork, UnitOfWorkFactory

# A message whose send was interrupted (crash) is tried again once at most: its first try may
# have reached Telegram, so a blind loop of resends is worse than one possible duplicate.
MAX_ATTEMPTS_AFTER_INTERRUPTION = 2
MAX_BACKOFF = timedelta(minutes=15)
PERSON_MAX_ATTEMPTS = 12  # about two hours of backoff, then the message is dropped


def backoff(attempts: int) -> timedelta:
    return min(timedelta(seconds=5 * 2 ** max(0, attempts - 1)), MAX_BACKOFF)


# a 403 on any of these stops the check-ins (the person blocked the bot)
CHECKIN_KINDS = frozenset({"checkin", "checkin_reminder", "checkins_welcome"})
Unreachable = Callable[[UnitOfWork, int, datetime], Awaitable[None]]


class OutboxService:
    def __init__(
        self, uow: UnitOfWorkFactory, clock: Clock, on_unreachable: Unreachable | None = None
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._on_unreachable = on_unreachable  # e.g. stop check-ins of a person who blocked us

    async def recover(self) -> int:
        async with self._uow() as uow:
            count = await uow.outbox.recover_interrupted(
                self._clock.now(), MAX_ATTEMPTS_AFTER_INTERRUPTION
            )
            await uow.commit()
            return count

    async def claim(self, limit: int) -> list[OutboxMessage]:
        async with self._uow() as uow:
            messages = await uow.outbox.claim_due(self._clock.now(), limit)
            await uow.commit()
            return messages

    async def unclaim(self, messages: list[OutboxMessage]) -> None:
        """The worker stops: what it claimed and did not try goes back, untouched."""
        async with self._uow() as uow:
            await uow.outbox.unclaim([message.id for message in messages])
            await uow.commit()

    async def sending(self, message: OutboxMessage) -> OutboxMessage:
        """Record that this message's Telegram call starts now (one attempt)."""
        async with self._uow() as uow:
            await uow.outbox.mark_sending(message.id)
            await uow.commit()
        return replace(message, status="sending", attempts=message.attempts + 1)

    async def sent(self, message: OutboxMessage) -> None:
        async with self._uow() as uow:
            await uow.outbox.mark_sent(message.id, self._clock.now())
            await uow.commit()

    async def retry(self, message: OutboxMessage, error: str) -> float:
        """Try again later (returns the delay in seconds, 0 when given up: person messages
        are dropped after PERSON_MAX_ATTEMPTS, staff messages wait as long as it takes)."""
        if message.audience == "person" and message.attempts >= PERSON_MAX_ATTEMPTS:
            await self.give_up(message, error)
            return 0.0
        delay = backoff(message.attempts)
        async with self._uow() as uow:
            await uow.outbox.retry_at(message.id, self._clock.now() + delay, error)
            await uow.commit()
        return delay.total_seconds()

    async def postpone(self, message: OutboxMessage, seconds: float, error: str) -> None:
        """Not an attempt that failed (a 429 pause, a held chat): the attempt is not counted."""
        undo = -1 if message.status == "sending" else 0
        async with self._uow() as uow:
            await uow.outbox.retry_at(
                message.id, self._clock.now() + timedelta(seconds=seconds), error, attempts=undo
            )
            await uow.commit()

    async def give_up(self, message: OutboxMessage, error: str) -> None:
        async with self._uow() as uow:
            await uow.outbox.fail(message.id, error)
            await uow.commit()

    async def person_unreachable(self, message: OutboxMessage, error: str) -> None:
        """403: the person blocked the bot. Stop writing to them until they write again."""
        async with self._uow() as uow:
            await uow.outbox.fail(message.id, error)
            if message.user_id is not None:
                await uow.users.set_blocked(message.user_id, True)
                if message.kind in CHECKIN_KINDS and self._on_unreachable is not None:
                    await self._on_unreachable(uow, message.user_id, self._clock.now())
            await uow.commit()

    async def reachability(self, user_id: int, *, reachable: bool) -> None:
        """Telegram told us (my_chat_member) that the person blocked or unblocked the bot: the
        same as a 403 (check-ins stop, staff are told), only sooner; or reachable again."""
        async with self._uow() as uow:
            user = await uow.users.get(user_id)
            if user is None or user.blocked == (not reachable):
                return
            await uow.users.set_blocked(user_id, not reachable)
            if not reachable and self._on_unreachable is not None:
                await self._on_unreachable(uow, user_id, self._clock.now())
            await uow.commit()

    async def defer_reply(
        self, user_id: int, payload: dict[str, object], seconds: float, token: str
    ) -> None:
        """A reply Telegram would not take now (429): it waits in the outbox for that chat."""
        due = self._clock.now() + timedelta(seconds=seconds)
        async with self._uow() as uow:
            await enqueue(uow, Notice(K.REPLY, token, user_id, payload), due)
            await uow.commit()
