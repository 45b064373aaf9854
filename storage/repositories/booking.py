"""Slots and bookings. The capacity of a slot is enforced here by the database itself: a
conditional UPDATE that only succeeds while places remain, plus CHECK and UNIQUE constraints."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import ColumnElement, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.booking import Booking, BookingStatus, Slot
from bot.services.ports import AlreadyBookedError, FoundSlot
from storage.models import BookingRow, SlotRow


def _slot(row: SlotRow) -> Slot:
    return Slot(row.id, row.office_id, row.starts_at, row.ends_at, row.capacity, row.booked)


class SqlBookingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add_slots(
        self,
        office_id: str,
        times: list[tuple[datetime, datetime]],
        capacity: int,
        created_by: int,
        now: datetime,
    ) -> int:
        """Create the slots that do not exist yet (publishing twice creates nothing twice)."""
        starts = [start for start, _ in times]
        existing = set(
            await self._session.scalars(
                select(SlotRow.starts_at).where(
                    SlotRow.office_id == office_id, SlotRow.starts_at.in_(starts)
                )
            )
        )
        new = [(s, e) for s, e in times if s not in existing]
        self._session.add_all(
            SlotRow(
                office_id=office_id, starts_at=s, ends_at=e, capacity=capacity, booked=0,
                created_by=created_by, created_at=now,
            )
            for s, e in new
        )  # fmt: skip
        return len(new)

    async def slots(
        self,
        office_id: str | None,
        start: datetime,
        end: datetime,
        *,
        free_only: bool,
    ) -> list[Slot]:
        query = select(SlotRow).where(
            SlotRow.removed_at.is_(None), SlotRow.starts_at >= start, SlotRow.starts_at < end
        )
        if office_id is not None:
            query = query.where(SlotRow.office_id == office_id)
        if free_only:
            query = query.where(SlotRow.booked < SlotRow.capacity)
        rows = await self._session.scalars(query.order_by(SlotRow.starts_at))
        return [_slot(row) for row in rows]

    async def slot(self, slot_id: int) -> FoundSlot | None:
        row = await self._session.get(SlotRow, slot_id)
        return FoundSlot(_slot(row), removed=row.removed_at is not None) if row else None

    async def take_place(self, slot_id: int, now: datetime) -> bool:
        """One place, only while one remains, in a slot still ahead and not removed."""
        result = await self._session.execute(
            update(SlotRow)
            .where(
                SlotRow.id == slot_id,
                SlotRow.booked < SlotRow.capacity,
                SlotRow.removed_at.is_(None),
                SlotRow.starts_at > now,
            )
            .values(booked=SlotRow.booked + 1),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount == 1

    async def release_place(self, slot_id: int) -> None:
        await self._session.execute(
            update(SlotRow)
            .where(SlotRow.id == slot_id, SlotRow.booked > 0)
            .values(booked=SlotRow.booked - 1),
            execution_options={"synchronize_session": False},
        )

    async def remove_slot(self, slot_id: int, now: datetime) -> bool:
        result = await self._session.execute(
            update(SlotRow)
            .where(SlotRow.id == slot_id, SlotRow.removed_at.is_(None))
            .values(removed_at=now),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount == 1

    async def add_booking(self, slot: Slot, registration_id: int, now: datetime) -> Booking:
        row = BookingRow(
            slot_id=slot.id,
            registration_id=registration_id,
            active_registration_id=registration_id,
            status=BookingStatus.ACTIVE.value,
            created_at=now,
        )
        self._session.add(row)
        try:
            await self._session.flush()
        except IntegrityError:
            raise AlreadyBookedError(registration_id) from None
        return Booking(row.id, slot, registration_id, BookingStatus.ACTIVE)

    async def active_booking(self, registration_id: int) -> Booking | None:
        found = await self._bookings(BookingRow.active_registration_id == registration_id)
        return found[0] if found else None

    async def booking(self, booking_id: int) -> Booking | None:
        found = await self._bookings(BookingRow.id == booking_id)
        return found[0] if found else None

    async def bookings_of_slot(self, slot_id: int) -> list[Booking]:
        return await self._bookings(BookingRow.slot_id == slot_id)

    async def _bookings(self, condition: ColumnElement[bool]) -> list[Booking]:
        result = await self._session.execute(
            select(BookingRow, SlotRow)
            .join(SlotRow, BookingRow.slot_id == SlotRow.id)
            .where(condition)
            .order_by(BookingRow.id)
        )
        return [
            Booking(b.id, _slot(s), b.registration_id, BookingStatus(b.status))
            for b, s in result.all()
        ]

    async def set_status(
        self, booking_id: int, expected: BookingStatus, status: BookingStatus, now: datetime
    ) -> bool:
        """Compare-and-set; a booking that is no longer active frees its registration."""
        values: dict[str, object] = {"status": status.value, "changed_at": now}
        if status is not BookingStatus.ACTIVE:
            values["active_registration_id"] = None
        result = await self._session.execute(
            update(BookingRow)
            .where(BookingRow.id == booking_id, BookingRow.status == expected.value)
            .values(**values),
            execution_options={"synchronize_session": False},
        )
        return result.rowcount == 1
