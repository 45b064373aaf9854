"""Webhook bookkeeping: which Telegram updates were handled (a re-sent one is skipped), and
whether the database answers at all (the health check)."""

from __future__ import annotations

import contextlib
from datetime import datetime

from sqlalchemy import delete, select, text
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncEngine, AsyncSession, async_sessionmaker

from storage.models import ProcessedUpdateRow


class ProcessedUpdates:
    def __init__(
        self,
        sessions: async_sessionmaker[AsyncSession],
        read_sessions: async_sessionmaker[AsyncSession],
    ) -> None:
        self._sessions = sessions
        self._read_sessions = read_sessions

    async def seen(self, update_id: int) -> bool:
        async with self._read_sessions() as session:
            found = await session.scalar(
                select(ProcessedUpdateRow.update_id).where(
                    ProcessedUpdateRow.update_id == update_id
                )
            )
        return found is not None

    async def record(self, update_id: int, now: datetime) -> None:
        """Once handled; a second process that handled it too changes nothing."""
        async with self._sessions() as session, session.begin():
            session.add(ProcessedUpdateRow(update_id=update_id, at=now))
            with contextlib.suppress(IntegrityError):
                await session.flush()

    async def forget_before(self, when: datetime) -> None:
        async with self._sessions() as session, session.begin():
            await session.execute(delete(ProcessedUpdateRow).where(ProcessedUpdateRow.at < when))


async def ping(engine: AsyncEngine) -> None:
    """Raises unless the database answers (the health check)."""
    async with engine.connect() as connection:
        await connection.execute(text("SELECT 1"))
