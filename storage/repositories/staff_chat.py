"""Where the staff group lives now: a group upgraded to a supergroup has a new id."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.models import StaffChatMigrationRow


class SqlStaffChatRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def migrated_to(self, chat_id: int) -> int | None:
        return await self._session.scalar(
            select(StaffChatMigrationRow.to_chat_id).where(
                StaffChatMigrationRow.from_chat_id == chat_id
            )
        )

    async def record_migration(self, from_chat_id: int, to_chat_id: int, now: datetime) -> None:
        await self._session.execute(
            delete(StaffChatMigrationRow).where(StaffChatMigrationRow.from_chat_id == from_chat_id)
        )
        self._session.add(
            StaffChatMigrationRow(from_chat_id=from_chat_id, to_chat_id=to_chat_id, migrated_at=now)
        )
