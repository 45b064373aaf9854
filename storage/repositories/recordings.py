"""Recorded voice versions of the information pages (Telegram file ids; no personal data)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from storage.dialect import upsert
from storage.models import VoiceRecordingRow


class SqlRecordingRepository:
    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, topic: str, page: int, locale: str) -> str | None:
        return await self._session.scalar(
            select(VoiceRecordingRow.file_id).where(
                VoiceRecordingRow.topic == topic,
                VoiceRecordingRow.page == page,
                VoiceRecordingRow.locale == locale,
            )
        )

    async def put(
        self, topic: str, page: int, locale: str, file_id: str, staff_id: int, now: datetime
    ) -> None:
        """Record, or replace the recording of this page in this language."""
        await self._session.execute(
            upsert(
                self._session.bind.dialect.name if self._session.bind else "sqlite",
                VoiceRecordingRow.__table__,
                {
                    "topic": topic, "page": page, "locale": locale, "file_id": file_id,
                    "recorded_by": staff_id, "recorded_at": now,
                },
                key=["topic", "page", "locale"],
            )
        )  # fmt: skip

    async def pages(self, locales: tuple[str, ...]) -> set[tuple[str, int, str]]:
        """(topic, page, locale) of every recording in these languages."""
        rows = await self._session.execute(
            select(VoiceRecordingRow.topic, VoiceRecordingRow.page, VoiceRecordingRow.locale).where(
                VoiceRecordingRow.locale.in_(locales)
            )
        )
        return {(topic, page, locale) for topic, page, locale in rows}

    async def remove(self, topic: str, page: int, locale: str) -> bool:
        result = await self._session.execute(
            delete(VoiceRecordingRow).where(
                VoiceRecordingRow.topic == topic,
                VoiceRecordingRow.page == page,
                VoiceRecordingRow.locale == locale,
            )
        )
        return bool(result.rowcount)
