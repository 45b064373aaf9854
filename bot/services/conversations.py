"""Talk to a person: the person writes to the office, staff answer from their group.

Every message both ways goes through the outbox (none lost, each delivered once); contents are
stored encrypted and covered by /mydata and /delete; nothing of them is logged.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum

from bot.domain.conversations import (
    RATE_WINDOW,
    Conversation,
    Direction,
    Kind,
    RelayMessage,
    new_handle,
    over_limit,
)
from bot.domain.notices import Notice
from bot.domain.notices import NoticeKind as K
from bot.domain.offices import Office
from bot.services.notices import enqueue
from bot.services.ports import Clock, UnitOfWork, UnitOfWorkFactory
from bot.services.staff_policy import StaffPolicy


class Relay(StrEnum):
    SENT = "sent"
    RATE_LIMITED = "rate_limited"
    NO_CONVERSATION = "no_conversation"
    CLOSED = "closed"


@dataclass(frozen=True, slots=True)
class InboxItem:
    conversation: Conversation
    messages: int


class ConversationService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        offices: tuple[Office, ...],
        staff_ids: Collection[int],
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._offices = offices
        self._policy = StaffPolicy(staff_ids)

    async def open(self, user_id: int, locale: str) -> Conversation:
        """The person's open conversation, or a new one announced to staff."""
        now = self._clock.now()
        async with self._uow() as uow:
            conversation = await open_conversation(uow, user_id, locale, self._offices[0].id, now)
            await uow.commit()
            return conversation

    async def office_of(self, user_id: int) -> Office:
        async with self._uow(read_only=True) as uow:
            conversation = await uow.conversations.open_for(user_id)
        office_id = conversation.office_id if conversation else self._offices[0].id
        return next((o for o in self._offices if o.id == office_id), self._offices[0])

    async def from_person(
        self, user_id: int, kind: Kind, text: str | None, file_id: str | None
    ) -> Relay:
        now = self._clock.now()
        async with self._uow() as uow:
            conversation = await uow.conversations.open_for(user_id)
            if conversation is None:
                return Relay.NO_CONVERSATION
            if over_limit(await uow.conversations.count_in_since(user_id, now - RATE_WINDOW)):
                return Relay.RATE_LIMITED
            message = await uow.conversations.add_message(
                conversation.id, Direction.IN, kind, text, file_id, now
            )
            # The person's words: cancelled if they erase their data before it is sent.
            await enqueue(uow, Notice(K.RELAY_IN, message.id, user_id), now)
            await uow.commit()
            return Relay.SENT

    async def from_staff(
        self,
        staff_id: int,
        replied_to_message_id: int,
        kind: Kind,
        text: str | None,
        file_id: str | None,
    ) -> Relay:
        self._policy.require(staff_id, "conversations")
        now = self._clock.now()
        async with self._uow() as uow:
            conversation = await uow.conversations.by_staff_message(replied_to_message_id)
            if conversation is None:
                return Relay.NO_CONVERSATION  # staff talking among themselves
            if not conversation.is_open or conversation.user_id is None:
                return Relay.CLOSED
            message = await uow.conversations.add_message(
                conversation.id, Direction.OUT, kind, text, file_id, now, staff_id
            )
            # Answering the person takes their urgent alerts: no repeat alarm for them.
            for alert_id in await uow.alerts.take_for_conversation(conversation.id, staff_id, now):
                await uow.outbox.cancel_keys([Notice(K.URGENT_REPEAT, alert_id).dedupe_key])
            await enqueue(uow, Notice(K.RELAY_OUT, message.id, conversation.user_id), now)
            await uow.commit()
            return Relay.SENT

    async def answer(
        self,
        staff_id: int,
        kind: Kind,
        text: str | None,
        file_id: str | None,
        *,
        conversation_id: int | None = None,
        registration_id: int | None = None,
    ) -> Relay:
        """Staff answer a person from a private chat (/case or /inbox): the person receives it
        exactly as a reply in the staff group. With no open conversation (from /case), one is
        opened and announced to the group, so that the person's answers are threaded there."""
        self._policy.require(staff_id, "conversations")
        now = self._clock.now()
        async with self._uow() as uow:
            if conversation_id is not None:
                conversation = await uow.conversations.get(conversation_id)
            else:
                registration = (
                    await uow.registrations.get(registration_id)
                    if registration_id is not None
                    else None
                )
                if registration is None or registration.user_id is None:
                    return Relay.CLOSED
                conversation = await uow.conversations.open_for(registration.user_id)
                if conversation is None:
                    user = await uow.users.get(registration.user_id)
                    conversation = await uow.conversations.create(
                        user_id=registration.user_id,
                        handle=new_handle(),
                        reference=registration.reference,
                        office_id=registration.draft.office_id,
                        locale=(user.locale if user and user.locale else None)
                        or registration.draft.contact_locale,
                        now=now,
                    )
                    opened = Notice(K.CONVERSATION_OPENED, conversation.id, registration.user_id)
                    await enqueue(uow, opened, now)
            if conversation is None:
                return Relay.NO_CONVERSATION
            if not conversation.is_open or conversation.user_id is None:
                return Relay.CLOSED
            message = await uow.conversations.add_message(
                conversation.id, Direction.OUT, kind, text, file_id, now, staff_id
            )
            await enqueue(uow, Notice(K.RELAY_OUT, message.id, conversation.user_id), now)
            await uow.commit()
            return Relay.SENT

    async def conversation(
        self, staff_id: int, conversation_id: int
    ) -> tuple[Conversation, list[RelayMessage]] | None:
        """One conversation with its messages, for staff (/inbox)."""
        self._policy.require(staff_id, "conversations")
        async with self._uow(read_only=True) as uow:
            conversation = await uow.conversations.get(conversation_id)
            if conversation is None or conversation.user_id is None:
                return None
            return conversation, await uow.conversations.messages(conversation.id)

    async def close_by_person(self, user_id: int) -> bool:
        now = self._clock.now()
        async with self._uow() as uow:
            conversation = await uow.conversations.open_for(user_id)
            if conversation is None or not await uow.conversations.close(conversation.id, now):
                return False
            closed = Notice(K.CONVERSATION_CLOSED, conversation.id, data={"by": "person"})
            await enqueue(uow, closed, now)
            await uow.commit()
            return True

    async def close_by_staff(self, staff_id: int, conversation_id: int) -> Relay:
        self._policy.require(staff_id, "conversations")
        now = self._clock.now()
        async with self._uow() as uow:
            conversation = await uow.conversations.get(conversation_id)
            if conversation is None:
                return Relay.NO_CONVERSATION
            if conversation.user_id is None or not await uow.conversations.close(
                conversation_id, now
            ):
                return Relay.CLOSED
            closed = Notice(K.CONVERSATION_CLOSED_BY_OFFICE, conversation_id, conversation.user_id)
            await enqueue(uow, closed, now)
            await uow.commit()
            return Relay.SENT

    async def inbox(self, staff_id: int) -> list[InboxItem]:
        self._policy.require(staff_id, "conversations")
        async with self._uow(read_only=True) as uow:
            return [
                InboxItem(c, len(await uow.conversations.messages(c.id)))
                for c in await uow.conversations.list_open()
            ]

    async def all_for(self, user_id: int) -> list[tuple[Conversation, list[RelayMessage]]]:
        async with self._uow(read_only=True) as uow:
            return [
                (c, await uow.conversations.messages(c.id))
                for c in await uow.conversations.all_for(user_id)
            ]


async def open_conversation(
    uow: UnitOfWork, user_id: int, locale: str, office_id: str, now: datetime
) -> Conversation:
    """The person's open conversation, or a new one announced to staff (the office of their
    registration if they have one, else `office_id`)."""
    existing = await uow.conversations.open_for(user_id)
    if existing is not None:
        return existing
    registration = await uow.registrations.open_for(user_id)
    conversation = await uow.conversations.create(
        user_id=user_id,
        handle=new_handle(),
        reference=registration.reference if registration else None,
        office_id=registration.draft.office_id if registration else office_id,
        locale=locale,
        now=now,
    )
    await enqueue(uow, Notice(K.CONVERSATION_OPENED, conversation.id, user_id), now)
    return conversation
