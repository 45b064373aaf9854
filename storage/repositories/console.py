"""The staff console's one-time login links and sessions. Only tokens' SHA-256 are stored."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.console import ConsoleSession, LoginLink
from storage.models import ConsoleLoginLinkRow, ConsoleSessionRow, UserRow


class SqlConsoleRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_link(
        self, token_hash: str, user_id: int, now: datetime, expires_at: datetime
    ) -> None:
        self._session.add(
            ConsoleLoginLinkRow(
                token_hash=token_hash, user_id=user_id, created_at=now, expires_at=expires_at
            )
        )
        await self._session.flush()

    async def link(self, token_hash: str) -> LoginLink | None:
        row = await self._session.get(ConsoleLoginLinkRow, token_hash)
        return LoginLink(row.user_id, row.expires_at, row.used_at) if row else None

    async def use_link(self, token_hash: str, now: datetime) -> bool:
        """Marks the link used, only if nobody did before (two tabs, two processes)."""
        result = await self._session.execute(
            update(ConsoleLoginLinkRow)
            .where(
                ConsoleLoginLinkRow.token_hash == token_hash, ConsoleLoginLinkRow.used_at.is_(None)
            )
            .values(used_at=now)
        )
        return result.rowcount == 1  # type: ignore[attr-defined]

    async def add_session(
        self, token_hash: str, user_id: int, csrf_token: str, now: datetime
    ) -> None:
        self._session.add(
            ConsoleSessionRow(
                token_hash=token_hash,
                user_id=user_id,
                csrf_token=csrf_token,
                created_at=now,
                last_seen=now,
            )
        )
        await self._session.flush()

    async def session(self, token_hash: str) -> ConsoleSession | None:
        """The session with its user's language, in one query."""
        found = (
            await self._session.execute(
                select(ConsoleSessionRow, UserRow.locale)
                .outerjoin(UserRow, UserRow.id == ConsoleSessionRow.user_id)
                .where(ConsoleSessionRow.token_hash == token_hash)
            )
        ).first()
        if found is None:
            return None
        row, locale = found
        return ConsoleSession(row.user_id, row.csrf_token, row.created_at, row.last_seen, locale)

    async def touch_session(self, token_hash: str, now: datetime) -> None:
        await self._session.execute(
            update(ConsoleSessionRow)
            .where(ConsoleSessionRow.token_hash == token_hash)
            .values(last_seen=now)
        )

    async def delete_session(self, token_hash: str) -> None:
        await self._session.execute(
            delete(ConsoleSessionRow).where(ConsoleSessionRow.token_hash == token_hash)
        )

    async def delete_sessions_of(self, user_id: int) -> int:
        result = await self._session.execute(
            delete(ConsoleSessionRow).where(ConsoleSessionRow.user_id == user_id)
        )
        return int(result.rowcount)  # type: ignore[attr-defined]
