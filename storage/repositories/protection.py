"""Urgent alerts and confidential concerns. A concern's content is encrypted here."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.protection import Concern, ConcernCategory, UrgentAlert
from storage.crypto import DataCipher
from storage.models import ConcernRow, UrgentAlertRow


def _alert(row: UrgentAlertRow) -> UrgentAlert:
    return UrgentAlert(
        id=row.id,
        user_id=row.user_id,
        conversation_id=row.conversation_id,
        office_id=row.office_id,
        locale=row.locale,
        created_at=row.created_at,
        repeat_at=row.repeat_at,
        taken_at=row.taken_at,
        taken_by=row.taken_by,
    )


class SqlAlertRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(
        self,
        *,
        user_id: int,
        conversation_id: int,
        office_id: str,
        locale: str,
        now: datetime,
        repeat_at: datetime,
    ) -> UrgentAlert:
        row = UrgentAlertRow(
            user_id=user_id,
            conversation_id=conversation_id,
            office_id=office_id,
            locale=locale,
            created_at=now,
            repeat_at=repeat_at,
        )
        self._session.add(row)
        await self._session.flush()
        return _alert(row)

    async def get(self, alert_id: int) -> UrgentAlert | None:
        row = await self._session.get(UrgentAlertRow, alert_id)
        return _alert(row) if row else None

    async def waiting_for(self, user_id: int) -> UrgentAlert | None:
        """The person's alert that no staff member has taken yet."""
        row = await self._session.scalar(
            select(UrgentAlertRow)
            .where(UrgentAlertRow.user_id == user_id, UrgentAlertRow.taken_at.is_(None))
            .order_by(UrgentAlertRow.id.desc())
            .limit(1)
        )
        return _alert(row) if row else None

    async def waiting(self) -> list[UrgentAlert]:
        """Alerts nobody has taken, the oldest first (people who erased their data excepted)."""
        rows = await self._session.scalars(
            select(UrgentAlertRow)
            .where(UrgentAlertRow.taken_at.is_(None), UrgentAlertRow.user_id.is_not(None))
            .order_by(UrgentAlertRow.created_at, UrgentAlertRow.id)
        )
        return [_alert(row) for row in rows]

    async def take(self, alert_id: int, staff_id: int, now: datetime) -> bool:
        """Only the first taker counts: a second press (or an old button) changes nothing."""
        result = await self._session.execute(
            update(UrgentAlertRow)
            .where(UrgentAlertRow.id == alert_id, UrgentAlertRow.taken_at.is_(None))
            .values(taken_at=now, taken_by=staff_id)
        )
        return bool(result.rowcount)

    async def take_for_conversation(
        self, conversation_id: int, staff_id: int, now: datetime
    ) -> list[int]:
        """A staff member answered the person: their waiting alerts are taken."""
        ids = list(
            await self._session.scalars(
                select(UrgentAlertRow.id).where(
                    UrgentAlertRow.conversation_id == conversation_id,
                    UrgentAlertRow.taken_at.is_(None),
                )
            )
        )
        for alert_id in ids:
            await self.take(alert_id, staff_id, now)
        return ids

    async def set_message(self, alert_id: int, message_id: int, *, repeat: bool) -> None:
        column = "repeat_message_id" if repeat else "staff_message_id"
        await self._session.execute(
            update(UrgentAlertRow).where(UrgentAlertRow.id == alert_id).values({column: message_id})
        )

    async def all_for(self, user_id: int) -> list[UrgentAlert]:
        rows = await self._session.scalars(
            select(UrgentAlertRow).where(UrgentAlertRow.user_id == user_id)
        )
        return [_alert(row) for row in rows]

    async def erase_for_user(self, user_id: int) -> None:
        await self._session.execute(
            update(UrgentAlertRow).where(UrgentAlertRow.user_id == user_id).values(user_id=None)
        )


class SqlConcernRepository:
    def __init__(self, session: AsyncSession, cipher: DataCipher) -> None:
        self._session = session
        self._cipher = cipher

    def _concern(self, row: ConcernRow) -> Concern:
        return Concern(
            id=row.id,
            reference=row.reference,
            user_id=row.user_id,
            category=ConcernCategory(row.category),
            kind=row.kind,
            text=self._cipher.decrypt(row.text_enc),
            file_id=self._cipher.decrypt(row.file_enc),
            registration=self._cipher.decrypt(row.registration_enc),
            locale=row.locale,
            created_at=row.created_at,
        )

    async def add(
        self,
        *,
        reference: str,
        user_id: int,
        category: ConcernCategory,
        kind: str,
        text: str | None,
        file_id: str | None,
        registration: str | None,
        locale: str,
        now: datetime,
    ) -> Concern:
        row = ConcernRow(
            reference=reference,
            user_id=user_id,
            category=category.value,
            kind=kind,
            text_enc=self._cipher.encrypt(text),
            file_enc=self._cipher.encrypt(file_id),
            registration_enc=self._cipher.encrypt(registration),
            locale=locale,
            created_at=now,
        )
        self._session.add(row)
        await self._session.flush()
        return self._concern(row)

    async def get(self, concern_id: int) -> Concern | None:
        row = await self._session.get(ConcernRow, concern_id)
        return self._concern(row) if row else None

    async def all_for(self, user_id: int) -> list[Concern]:
        rows = await self._session.scalars(select(ConcernRow).where(ConcernRow.user_id == user_id))
        return [self._concern(row) for row in rows]

    async def erase_for_user(self, user_id: int) -> None:
        """/delete: the reports are removed; one not delivered yet is then never sent."""
        await self._session.execute(delete(ConcernRow).where(ConcernRow.user_id == user_id))
