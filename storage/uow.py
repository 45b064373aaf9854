"""The unit of work: one session, one transaction, repositories that share it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from types import TracebackType
from typing import Self

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from storage.crypto import DataCipher
from storage.db import WriteGate
from storage.repositories.announcements import SqlAnnouncementRepository
from storage.repositories.booking import SqlBookingRepository
from storage.repositories.caseload import SqlCaseloadRepository
from storage.repositories.checkins import SqlCheckinRepository
from storage.repositories.console import SqlConsoleRepository
from storage.repositories.conversations import SqlConversationRepository
from storage.repositories.outbox import SqlOutboxRepository
from storage.repositories.protection import SqlAlertRepository, SqlConcernRepository
from storage.repositories.recordings import SqlRecordingRepository
from storage.repositories.registrations import SqlRegistrationRepository
from storage.repositories.staff_chat import SqlStaffChatRepository
from storage.repositories.stats import SqlStatsRepository
from storage.repositories.users import SqlUserRepository


class SqlUnitOfWork:
    """Repositories are made when first used; a commit tells the factory what it may have
    changed (the people, and whether registrations, bookings or check-ins were written), so
    that what the process keeps in memory is dropped at the moment the database changes."""

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        cipher: DataCipher,
        gate: WriteGate | None = None,
        factory: SqlUnitOfWorkFactory | None = None,
    ) -> None:
        self._session_factory = session_factory
        self._cipher = cipher
        self._gate = gate  # writes only; None for read-only work
        self._factory = factory  # told of commits; None for read-only work
        self._changed_users: set[int] = set()
        self._cases_touched = False  # registrations, bookings or check-ins used

    async def __aenter__(self) -> Self:
        if self._gate is not None:
            await self._gate.__aenter__()
        self.session = self._session_factory()
        return self

    @cached_property
    def users(self) -> SqlUserRepository:
        return SqlUserRepository(self.session, self._changed_users)

    @cached_property
    def registrations(self) -> SqlRegistrationRepository:
        self._cases_touched = True
        return SqlRegistrationRepository(self.session, self._cipher)

    @cached_property
    def outbox(self) -> SqlOutboxRepository:
        return SqlOutboxRepository(self.session)

    @cached_property
    def conversations(self) -> SqlConversationRepository:
        return SqlConversationRepository(self.session, self._cipher)

    @cached_property
    def bookings(self) -> SqlBookingRepository:
        self._cases_touched = True
        return SqlBookingRepository(self.session)

    @cached_property
    def checkins(self) -> SqlCheckinRepository:
        self._cases_touched = True
        return SqlCheckinRepository(self.session, self._cipher)

    @cached_property
    def stats(self) -> SqlStatsRepository:
        self._cases_touched = True  # reads cases; audits what staff did to them
        return SqlStatsRepository(self.session, self._cipher)

    @cached_property
    def alerts(self) -> SqlAlertRepository:
        return SqlAlertRepository(self.session)

    @cached_property
    def concerns(self) -> SqlConcernRepository:
        return SqlConcernRepository(self.session, self._cipher)

    @cached_property
    def recordings(self) -> SqlRecordingRepository:
        return SqlRecordingRepository(self.session)

    @cached_property
    def announcements(self) -> SqlAnnouncementRepository:
        self._cases_touched = True  # reads cases for the segment
        return SqlAnnouncementRepository(self.session)

    @cached_property
    def staff_chat(self) -> SqlStaffChatRepository:
        return SqlStaffChatRepository(self.session)

    @cached_property
    def console(self) -> SqlConsoleRepository:
        return SqlConsoleRepository(self.session)

    @cached_property
    def caseload(self) -> SqlCaseloadRepository:
        return SqlCaseloadRepository(self.session, self._cipher)

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
        if self._factory is not None:
            self._factory.committed(self._changed_users, self._cases_touched)
            self._changed_users.clear()


class SqlUnitOfWorkFactory:
    """Callable that the services use: `async with uow() as u: ...; await u.commit()`.

    `uow(read_only=True)` is for use-cases that only read (no write lock on SQLite).

    `generation` grows with every commit that may have changed registrations, bookings or
    check-ins; `on_users_changed` hears which people a commit changed. Both serve what one
    process keeps in memory (SQLite, the only writer).
    """

    generation = 0
    on_users_changed: Callable[[Iterable[int]], None] | None = None

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
        return SqlUnitOfWork(self._session_factory, self._cipher, self._gate, self)

    def committed(self, changed_users: set[int], cases_touched: bool) -> None:
        if cases_touched:
            self.generation += 1
        if changed_users and self.on_users_changed is not None:
            self.on_users_changed(changed_users)
