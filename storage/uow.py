"""The unit of work: one session, one transaction, repositories that share it."""

from __future__ import annotations

from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.crypto import DataCipher
from storage.db import WriteGate
from storage.repositories.booking import SqlBookingRepository
from storage.repositories.checkins import SqlCheckinRepository
from storage.repositories.conversations import SqlConversationRepository
from storage.repositories.outbox import SqlOutboxRepository
from storage.repositories.protection import SqlAlertRepository, SqlConcernRepository
from storage.repositories.recordings import SqlRecordingRepository
from storage.repositories.registrations import SqlRegistrationRepository
from storage.repositories.staff_chat import SqlStaffChatRepository
from storage.repositories.stats import SqlStatsRepository
from storage.repositories.users import SqlUserRepository


class SqlUnitOfWork:
    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        cipher: DataCipher,
        gate: WriteGate | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._cipher = cipher
        self._gate = gate  # writes only; None for read-only work

    async def __aenter__(self) -> Self:
        if self._gate is not None:
            await self._gate.__aenter__()
        self.session = self._session_factory()
        self.users = SqlUserRepository(self.session)
        self.registrations = SqlRegistrationRepository(self.session, self._cipher)
        self.outbox = SqlOutboxRepository(self.session)
        self.conversations = SqlConversationRepository(self.session, self._cipher)
        self.bookings = SqlBookingRepository(self.session)
        self.checkins = SqlCheckinRepository(self.session, self._cipher)
        self.stats = SqlStatsRepository(self.session, self._cipher)
        self.alerts = SqlAlertRepository(self.session)
        self.concerns = SqlConcernRepository(self.session, self._cipher)
        self.recordings = SqlRecordingRepository(self.session)
        self.staff_chat = SqlStaffChatRepository(self.session)
        return self

    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        try:
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()
            if self._gate is not None:
                await self._gate.__aexit__()

    async def commit(self) -> None:
        await self.session.commit()


class SqlUnitOfWorkFactory:
    """Callable that the services use: `async with uow() as u: ...; await u.commit()`.

    `uow(read_only=True)` is for use-cases that only read (no write lock on SQLite).
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        read_session_factory: async_sessionmaker[AsyncSession],
        cipher: DataCipher,
        gate: WriteGate | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._read_session_factory = read_session_factory
        self._cipher = cipher
        self._gate = gate

    def __call__(self, *, read_only: bool = False) -> SqlUnitOfWork:
        if read_only:
            return SqlUnitOfWork(self._read_session_factory, self._cipher)
        return SqlUnitOfWork(self._session_factory, self._cipher, self._gate)
