"""Conversations and their relayed messages. Content is encrypted here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.conversations import Conversation, Direction, Kind, RelayMessage
from storage.crypto import DataCipher
from storage.models import ConversationRow, RelayMessageRow, UrgentAlertRow

OPEN, CLOSED = "open", "closed"


def _conversation(row: ConversationRow) -> Conversation:
    return Conversation(
        id=row.id,
        user_id=row.user_id,
        handle=row.handle,
        reference=row.reference,
        office_id=row.office_id,
        locale=row.locale,
        is_open=row.status == OPEN,
        opened_at=row.opened_at,
        waiting_since=row.waiting_since,
        header_message_id=row.header_message_id,
    )


class SqlConversationRepository:
    def __init__(self, session: AsyncSession, cipher: DataCipher) -> None:
        self._session = session
        self._cipher = cipher

    def _message(self, row: RelayMessageRow) -> RelayMessage:
        return RelayMessage(
            id=row.id,
            conversation_id=row.conversation_id,
            direction=Direction(row.direction),
            kind=Kind(row.kind),
            text=self._cipher.decrypt(row.text_enc),
            file_id=self._cipher.decrypt(row.file_enc),
            created_at=row.created_at,
        )

    async def open_for(self, user_id: int) -> Conversation | None:
        row = await self._session.scalar(
            select(ConversationRow).where(ConversationRow.open_user_id == user_id)
        )
        return _conversation(row) if row else None

    async def get(self, conversation_id: int) -> Conversation | None:
        row = await self._session.get(ConversationRow, conversation_id)
        return _conversation(row) if row else None

    async def create(
        self,
        *,
        user_id: int,
        handle: str,
        reference: str | None,
        office_id: str,
        locale: str,
        now: datetime,
    ) -> Conversation:
        row = ConversationRow(
            user_id=user_id,
            open_user_id=user_id,
            handle=handle,
            reference=reference,
            office_id=office_id,
            locale=locale,
            status=OPEN,
            opened_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return _conversation(row)

    async def by_staff_message(self, message_id: int) -> Conversation | None:
        """The conversation a staff-group message belongs to (its header or a relayed one)."""
        row = await self._session.scalar(
            select(ConversationRow).where(ConversationRow.header_message_id == message_id)
        )
        if row is None:
            row = await self._session.scalar(
                select(ConversationRow)
                .join(RelayMessageRow, RelayMessageRow.conversation_id == ConversationRow.id)
                .where(RelayMessageRow.staff_chat_message_id == message_id)
            )
        if row is None:  # an urgent alert: staff answer the person by replying to it
            row = await self._session.scalar(
                select(ConversationRow)
                .join(UrgentAlertRow, UrgentAlertRow.conversation_id == ConversationRow.id)
                .where(
                    (UrgentAlertRow.staff_message_id == message_id)
                    | (UrgentAlertRow.repeat_message_id == message_id)
                )
            )
        return _conversation(row) if row else None

    async def add_message(
        self,
        conversation_id: int,
        direction: Direction,
        kind: Kind,
        text: str | None,
        file_id: str | None,
        now: datetime,
        staff_id: int | None = None,
    ) -> RelayMessage:
        row = RelayMessageRow(
            conversation_id=conversation_id,
            direction=direction.value,
            kind=kind.value,
            text_enc=self._cipher.encrypt(text),
            file_enc=self._cipher.encrypt(file_id),
            staff_id=staff_id,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        waiting = {"waiting_since": func.coalesce(ConversationRow.waiting_since, now)}
        if direction is Direction.OUT:
            waiting = {"waiting_since": None}
        await self._session.execute(
            update(ConversationRow).where(ConversationRow.id == conversation_id).values(**waiting)
        )
        return self._message(row)

    async def message(self, message_id: int) -> RelayMessage | None:
        row = await self._session.get(RelayMessageRow, message_id)
        return self._message(row) if row else None

    async def messages(self, conversation_id: int) -> list[RelayMessage]:
        rows = await self._session.scalars(
            select(RelayMessageRow)
            .where(RelayMessageRow.conversation_id == conversation_id)
            .order_by(RelayMessageRow.id)
        )
        return [self._message(row) for row in rows]

    async def count_in_since(self, user_id: int, since: datetime) -> int:
        return int(
            await self._session.scalar(
                select(func.count())
                .select_from(RelayMessageRow)
                .join(ConversationRow, RelayMessageRow.conversation_id == ConversationRow.id)
                .where(
                    ConversationRow.user_id == user_id,
                    RelayMessageRow.direction == Direction.IN.value,
                    RelayMessageRow.created_at >= since,
                )
            )
            or 0
        )

    async def set_header(self, conversation_id: int, message_id: int) -> None:
        await self._session.execute(
            update(ConversationRow)
            .where(ConversationRow.id == conversation_id)
            .values(header_message_id=message_id)
        )

    async def set_staff_message(self, relay_id: int, message_id: int) -> None:
        await self._session.execute(
            update(RelayMessageRow)
            .where(RelayMessageRow.id == relay_id)
            .values(staff_chat_message_id=message_id)
        )

    async def close(self, conversation_id: int, now: datetime) -> bool:
        result = await self._session.execute(
            update(ConversationRow)
            .where(ConversationRow.id == conversation_id, ConversationRow.status == OPEN)
            .values(status=CLOSED, open_user_id=None, closed_at=now, waiting_since=None)
        )
        return bool(result.rowcount)

    async def list_open(self) -> list[Conversation]:
        rows = await self._session.scalars(
            select(ConversationRow)
            .where(ConversationRow.status == OPEN)
            .order_by(ConversationRow.waiting_since.is_(None), ConversationRow.waiting_since)
        )
        return [_conversation(row) for row in rows]

    async def all_for(self, user_id: int) -> list[Conversation]:
        rows = await self._session.scalars(
            select(ConversationRow).where(ConversationRow.user_id == user_id)
        )
        return [_conversation(row) for row in rows]

    async def erase_for_user(self, user_id: int, now: datetime) -> list[Conversation]:
        """Erase every message's content and unlink the person; return the open ones."""
        conversations = await self.all_for(user_id)
        ids = [c.id for c in conversations]
        if ids:
            await self._session.execute(
                update(RelayMessageRow)
                .where(RelayMessageRow.conversation_id.in_(ids))
                .values(text_enc=None, file_enc=None)
            )
            await self._session.execute(
                update(ConversationRow)
                .where(ConversationRow.id.in_(ids))
                .values(
                    user_id=None, open_user_id=None, status=CLOSED, waiting_since=None,
                    closed_at=func.coalesce(ConversationRow.closed_at, now),
                )
            )  # fmt: skip
        return [c for c in conversations if c.is_open]

    async def forget_staff_messages(self) -> list[int]:
        """The staff chat moved: message ids of the old chat mean nothing in the new one (and
        could collide with new ones), so no reply there may be mapped to them. Returns the open
        conversations, to be announced again in the new chat."""
        await self._session.execute(update(ConversationRow).values(header_message_id=None))
        await self._session.execute(update(RelayMessageRow).values(staff_chat_message_id=None))
        await self._session.execute(  # urgent alerts are answered by replying to them too
            update(UrgentAlertRow).values(staff_message_id=None, repeat_message_id=None)
        )
        rows = await self._session.scalars(
            select(ConversationRow.id)
            .where(ConversationRow.status == "open", ConversationRow.user_id.is_not(None))
            .order_by(ConversationRow.id)
        )
        return list(rows)
