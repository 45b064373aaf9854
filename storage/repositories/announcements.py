"""Announcements, who they are sent to, and where their outbox messages are."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import delete, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.announcements import Announcement, Candidate, Segment
from bot.domain.registration import Status
from storage.models import (
    AnnouncementDeliveryRow,
    AnnouncementRow,
    OutboxRow,
    RegistrationRow,
    UserRow,
)


class SqlAnnouncementRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def candidates(self, segment: Segment) -> list[Candidate]:
        """The live cases of the people who may receive announcements: their own registration
        (not erased), not blocked, not stopped. The segment's office and status narrow it here;
        the rest (returnee, language) is the domain's `recipients`."""
        query = (
            select(
                RegistrationRow.user_id,
                UserRow.locale,
                RegistrationRow.contact_locale,
                RegistrationRow.office_id,
                RegistrationRow.status,
                RegistrationRow.kind,
                RegistrationRow.monitoring,
            )
            .join(UserRow, UserRow.id == RegistrationRow.user_id)
            .where(
                RegistrationRow.erased_at.is_(None),
                UserRow.blocked.is_(False),
                UserRow.announcements_stopped.is_(False),
                RegistrationRow.status != Status.WITHDRAWN.value,
            )
            .order_by(RegistrationRow.user_id, RegistrationRow.id)
        )
        if segment.office_id is not None:
            query = query.where(RegistrationRow.office_id == segment.office_id)
        if segment.status is not None:
            query = query.where(RegistrationRow.status == segment.status.value)
        rows = (await self._session.execute(query)).all()
        return [
            Candidate(
                user_id=row[0],
                user_locale=row[1],
                contact_locale=row[2],
                office_id=row[3],
                status=Status(row[4]),
                kind=row[5],
                monitoring=row[6],
            )
            for row in rows
        ]

    async def add(
        self, created_by: int, segment: Segment, texts: dict[str, str], now: datetime
    ) -> Announcement:
        row = AnnouncementRow(
            created_by=created_by,
            created_at=now,
            segment=segment.to_json(),
            texts=json.dumps(texts, ensure_ascii=False, sort_keys=True),
        )
        self._session.add(row)
        await self._session.flush()
        return _to_domain(row)

    async def get(self, announcement_id: int) -> Announcement | None:
        row = await self._session.get(AnnouncementRow, announcement_id)
        return _to_domain(row) if row is not None else None

    async def recent(self, limit: int) -> list[Announcement]:
        rows = await self._session.scalars(
            select(AnnouncementRow).order_by(AnnouncementRow.id.desc()).limit(limit)
        )
        return [_to_domain(row) for row in rows]

    async def add_delivery(
        self, announcement_id: int, user_id: int, locale: str, dedupe_key: str
    ) -> None:
        self._session.add(
            AnnouncementDeliveryRow(
                announcement_id=announcement_id,
                user_id=user_id,
                locale=locale,
                dedupe_key=dedupe_key,
            )
        )

    async def states(self, announcement_id: int) -> dict[str, int]:
        """{outbox status: how many} of the announcement's deliveries."""
        rows = await self._session.execute(
            select(OutboxRow.status, func.count())
            .select_from(AnnouncementDeliveryRow)
            .join(OutboxRow, OutboxRow.dedupe_key == AnnouncementDeliveryRow.dedupe_key)
            .where(AnnouncementDeliveryRow.announcement_id == announcement_id)
            .group_by(OutboxRow.status)
        )
        return {status: int(count) for status, count in rows.all()}

    async def waiting_keys(self, user_id: int) -> list[str]:
        """The outbox keys of the person's announcements (to withdraw those not sent yet)."""
        return list(
            await self._session.scalars(
                select(AnnouncementDeliveryRow.dedupe_key).where(
                    AnnouncementDeliveryRow.user_id == user_id
                )
            )
        )

    async def forget_user(self, user_id: int) -> None:
        """The person deleted their data (or retention did): no trace of what they received."""
        await self._session.execute(
            delete(AnnouncementDeliveryRow).where(AnnouncementDeliveryRow.user_id == user_id)
        )


def _to_domain(row: AnnouncementRow) -> Announcement:
    return Announcement(
        id=row.id,
        created_by=row.created_by,
        created_at=row.created_at,
        segment=Segment.from_json(row.segment),
        texts=json.loads(row.texts),
    )
