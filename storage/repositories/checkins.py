"""Check-ins after return. Answers are encrypted; scores stay (they say nothing of who)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.checkins import CheckinStatus, DueCheckin, Scores
from bot.domain.registration import Monitoring
from bot.services.ports import Checkin
from storage.crypto import DataCipher
from storage.models import CheckinRow, RegistrationRow

SCHEDULED, SENT = CheckinStatus.SCHEDULED.value, CheckinStatus.SENT.value


def _checkin(row: CheckinRow) -> Checkin:
    return Checkin(
        id=row.id,
        registration_id=row.registration_id,
        user_id=row.user_id,
        months=row.months,
        due_at=row.due_at,
        status=CheckinStatus(row.status),
        sent_at=row.sent_at,
        answered_at=row.answered_at,
        scores=Scores(row.score_economic, row.score_social, row.score_psychosocial),
        alerts=tuple(filter(None, (row.alerts or "").split(","))),
    )


class SqlCheckinRepository:
    def __init__(self, session: AsyncSession, cipher: DataCipher) -> None:
        self._session = session
        self._cipher = cipher

    async def add(
        self, registration_id: int, user_id: int | None, months: int, due_at: datetime
    ) -> bool:
        exists = await self._session.scalar(
            select(CheckinRow.id).where(
                CheckinRow.registration_id == registration_id, CheckinRow.months == months
            )
        )
        if exists is not None:
            return False
        self._session.add(
            CheckinRow(
                registration_id=registration_id, user_id=user_id, months=months, due_at=due_at,
                status=SCHEDULED,
            )
        )  # fmt: skip
        return True

    async def due(self, now: datetime, limit: int) -> list[DueCheckin]:
        """Scheduled check-ins whose time has come, of people whose monitoring is active."""
        rows = await self._session.execute(
            select(CheckinRow.id, CheckinRow.registration_id, CheckinRow.due_at, CheckinRow.user_id)
            .join(RegistrationRow, RegistrationRow.id == CheckinRow.registration_id)
            .where(
                CheckinRow.status == SCHEDULED,
                CheckinRow.due_at <= now,
                RegistrationRow.monitoring == Monitoring.ACTIVE.value,
                CheckinRow.user_id.is_not(None),
            )
            .order_by(CheckinRow.due_at)
            .limit(limit)
        )
        return [DueCheckin(*row) for row in rows.all()]

    async def set_status(
        self, ids: list[int], status: CheckinStatus, now: datetime, expected: CheckinStatus
    ) -> int:
        if not ids:
            return 0
        values: dict[str, object] = {"status": status.value}
        if status is CheckinStatus.SENT:
            values["sent_at"] = now
        result = await self._session.execute(
            update(CheckinRow)
            .where(CheckinRow.id.in_(ids), CheckinRow.status == expected.value)
            .values(**values)
        )
        return result.rowcount or 0

    async def to_remind(self, before: datetime, limit: int) -> list[Checkin]:
        rows = await self._session.scalars(
            select(CheckinRow)
            .where(
                CheckinRow.status == SENT,
                CheckinRow.reminded_at.is_(None),
                CheckinRow.sent_at <= before,
            )
            .limit(limit)
        )
        return [_checkin(row) for row in rows]

    async def set_reminded(self, checkin_id: int, now: datetime) -> None:
        await self._session.execute(
            update(CheckinRow).where(CheckinRow.id == checkin_id).values(reminded_at=now)
        )

    async def unanswered_since(self, before: datetime, limit: int) -> list[int]:
        return list(
            await self._session.scalars(
                select(CheckinRow.id)
                .where(CheckinRow.status == SENT, CheckinRow.sent_at <= before)
                .limit(limit)
            )
        )

    async def get(self, checkin_id: int) -> Checkin | None:
        row = await self._session.get(CheckinRow, checkin_id)
        return _checkin(row) if row else None

    async def open_for(self, user_id: int) -> Checkin | None:
        """The check-in waiting for an answer, if any (the most recent)."""
        row = await self._session.scalar(
            select(CheckinRow)
            .where(CheckinRow.user_id == user_id, CheckinRow.status == SENT)
            .order_by(CheckinRow.due_at.desc())
            .limit(1)
        )
        return _checkin(row) if row else None

    async def answer(
        self,
        checkin_id: int,
        answers: dict[str, str],
        scores: Scores,
        alerts: tuple[str, ...],
        now: datetime,
    ) -> bool:
        """Compare-and-set: an answered, missed or stopped check-in takes no answer."""
        result = await self._session.execute(
            update(CheckinRow)
            .where(CheckinRow.id == checkin_id, CheckinRow.status == SENT)
            .values(
                status=CheckinStatus.ANSWERED.value,
                answered_at=now,
                answers_enc=self._cipher.encrypt_json(answers),
                score_economic=scores.economic,
                score_social=scores.social,
                score_psychosocial=scores.psychosocial,
                alerts=",".join(alerts) or None,
            )
        )
        return bool(result.rowcount)

    async def history(self, registration_id: int) -> list[Checkin]:
        rows = await self._session.scalars(
            select(CheckinRow)
            .where(CheckinRow.registration_id == registration_id)
            .order_by(CheckinRow.months)
        )
        return [_checkin(row) for row in rows]

    async def cancel_open(self, registration_id: int) -> int:
        result = await self._session.execute(
            update(CheckinRow)
            .where(
                CheckinRow.registration_id == registration_id,
                CheckinRow.status.in_([SCHEDULED, SENT]),
            )
            .values(status=CheckinStatus.CANCELLED.value)
        )
        return result.rowcount or 0

    async def erase_for_user(self, user_id: int) -> None:
        """Answers are erased with the person; scores stay, unlinked, for the statistics."""
        await self._session.execute(
            update(CheckinRow)
            .where(CheckinRow.user_id == user_id, CheckinRow.status.in_([SCHEDULED, SENT]))
            .values(status=CheckinStatus.CANCELLED.value)
        )
        await self._session.execute(
            update(CheckinRow)
            .where(CheckinRow.user_id == user_id)
            .values(user_id=None, answers_enc=None)
        )
