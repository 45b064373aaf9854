"""The unit of work: one session, one transaction, repositories that share it."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from functools import cached_property
from types import TracebackType
from typing import Any, Protocol, Self

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


class UpdateWrites(Protocol):
    """The writes an update holds until its end (storage/fsm.py: the dialog state, and on
    SQLite the person's own row)."""

    def deferred_people(self) -> bool: ...
    async def write_now(self) -> None: ...
    async def ride(self, session: AsyncSession, riding: Any) -> Any: ...
    def settled(self, riding: Any, *, committed: bool) -> None: ...
    def forsake(self, riding: Any) -> None: ...


class SqlUnitOfWork:
    """Repositories are made when first used; a commit tells the factory what it may have
    changed (the people, and whether registrations, bookings or check-ins were written), so
    that what the process keeps in memory is dropped at the moment the database changes.

    A unit of work that writes, inside an update, takes the update's pending writes along
    (`UpdateWrites`): those held when it starts (so that its reads see them), and those made
    until it commits. The update then needs no transaction of its own for them: Confirm writes
    the registration and the screen that shows its reference in one transaction. A unit that
    only reads first has a person's deferred row written, so that it reads it.
    """

    def __init__(
        self,
        session_factory: async_sessionmaker[AsyncSession],
        cipher: DataCipher,
        gate: WriteGate | None = None,
        factory: SqlUnitOfWorkFactory | None = None,
        reads_after: UpdateWrites | None = None,
    ) -> None:
        self._reads_after = reads_after  # read-only work: the update writes to wait for
        self._session_factory = session_factory
        self._cipher = cipher
        self._gate = gate  # writes only; None for read-only work
        self._factory = factory  # told of commits; None for read-only work
        self._changed_users: set[int] = set()
        self._cases_touched = False  # registrations, bookings or check-ins used
        self._riding: Any = None  # what of the update's writes this unit took along

    async def __aenter__(self) -> Self:
        update_writes = self._update_writes
        if self._factory is None and update_writes and update_writes.deferred_people():
            await update_writes.write_now()  # before the gate: that write takes it
        if self._gate is not None:
            await self._gate.__aenter__()
        self.session = self._session_factory()
        if self._factory is not None and update_writes is not None:
            try:
                await self._ride(update_writes)
            except BaseException:
                await self.__aexit__(None, None, None)
                raise
        return self

    @property
    def _update_writes(self) -> UpdateWrites | None:
        return self._factory.update_writes if self._factory is not None else self._reads_after

    async def _ride(self, update_writes: UpdateWrites) -> None:
        self._riding = await update_writes.ride(self.session, self._riding)

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
            self._settle(committed=False)  # not committed: the update still holds them
            if self.session.in_transaction():
                await self.session.rollback()
        finally:
            await self.session.close()
            if self._gate is not None:
                await self._gate.__aexit__()

    def _settle(self, *, committed: bool) -> None:
        update_writes = self._update_writes
        if update_writes is not None and self._riding is not None:
            update_writes.settled(self._riding, committed=committed)
        self._riding = None

    async def commit(self) -> None:
        update_writes = self._update_writes
        if self._factory is not None and update_writes is not None:
            await self._ride(update_writes)
        try:
            await self.session.commit()
        except BaseException:
            if update_writes is not None and self._riding is not None:
                update_writes.forsake(self._riding)  # what rode along: neither written nor kept
            self._riding = None
            raise
        self._settle(committed=True)
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
    update_writes: UpdateWrites | None = None  # the dispatcher's dialog-state storage

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
            return SqlUnitOfWork(
                self._read_session_factory, self._cipher, reads_after=self.update_writes
            )
        return SqlUnitOfWork(self._session_factory, self._cipher, self._gate, self)

    def committed(self, changed_users: set[int], cases_touched: bool) -> None:
        if cases_touched:
            self.generation += 1
        if changed_users and self.on_users_changed is not None:
            self.on_users_changed(changed_users)
