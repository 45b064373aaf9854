"""Announcements: staff write a message once per language and send it to a segment; the outbox
delivers it at Telegram's pace (one notice per person, after every notice about a case); each
carries a "Stop announcements" button, which the person can undo from the menu.

Creating one is a staff action: `StaffPolicy.require` (the caller audits a refusal, as every
adapter does: `AuditService.refused`), and the announcement itself is written to the audit log.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping

from bot.domain.announcements import (
    Announcement,
    Created,
    Progress,
    Segment,
    clean_texts,
    count_by_language,
    recipients,
)
from bot.domain.notices import Notice
from bot.domain.notices import NoticeKind as K
from bot.services.notices import enqueue
from bot.services.ports import Clock, UnitOfWorkFactory
from bot.services.staff_policy import StaffPolicy

AUDIT_ACTION = "announcement"
DETAIL_MAX = 200
# outbox status -> what the announcement's page shows
_PROGRESS = {
    "pending": "pending",
    "claimed": "pending",
    "sending": "pending",
    "sent": "sent",
    "failed": "unreachable",
    "cancelled": "cancelled",
}


class AnnouncementService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, staff_ids: Collection[int]) -> None:
        self._uow = uow
        self._clock = clock
        self._policy = StaffPolicy(staff_ids)

    async def audience(self, segment: Segment) -> dict[str, int]:
        """How many people the segment reaches now, by the language they read ({"ar": 12})."""
        async with self._uow(read_only=True) as uow:
            candidates = await uow.announcements.candidates(segment)
        return count_by_language(recipients(candidates, segment))

    async def create(
        self, staff_id: int, segment: Segment, texts_by_language: Mapping[str, str]
    ) -> Created:
        """Queue the announcement for every person of the segment whose language has a text;
        say how many of the segment get none (no text in their language). Staff only (raises
        NotStaffError); InvalidAnnouncementError for texts that cannot be sent."""
        self._policy.require(staff_id, "announcement")
        texts = clean_texts(dict(texts_by_language))
        now = self._clock.now()
        async with self._uow() as uow:
            people = recipients(await uow.announcements.candidates(segment), segment)
            announcement = await uow.announcements.add(staff_id, segment, texts, now)
            queued: dict[str, int] = {}
            for user_id, locale in people.items():
                if locale not in texts:
                    continue
                notice = Notice(
                    K.ANNOUNCEMENT,
                    announcement.id,
                    user_id,
                    data={"locale": locale},
                    detail=str(user_id),
                )
                if await enqueue(uow, notice, now):
                    await uow.announcements.add_delivery(
                        announcement.id, user_id, locale, notice.dedupe_key
                    )
                    queued[locale] = queued.get(locale, 0) + 1
            without = count_by_language(
                {user: locale for user, locale in people.items() if locale not in texts}
            )
            detail = (
                f"#{announcement.id} to {sum(queued.values())} people; "
                f"segment {segment.to_json()}; languages {','.join(sorted(texts))}"
            )
            await uow.stats.audit(now, staff_id, AUDIT_ACTION, detail[:DETAIL_MAX])
            await uow.commit()
        return Created(announcement.id, dict(sorted(queued.items())), without)

    async def get(self, announcement_id: int) -> Announcement | None:
        async with self._uow(read_only=True) as uow:
            return await uow.announcements.get(announcement_id)

    async def recent(self, limit: int = 20) -> list[Announcement]:
        """The latest announcements, newest first (staff-written texts, no personal data)."""
        async with self._uow(read_only=True) as uow:
            return await uow.announcements.recent(limit)

    async def progress(self, announcement_id: int) -> Progress:
        """Sent, waiting, unreachable and cancelled messages of one announcement."""
        async with self._uow(read_only=True) as uow:
            states = await uow.announcements.states(announcement_id)
        counts = {"sent": 0, "pending": 0, "unreachable": 0, "cancelled": 0}
        for status, count in states.items():
            counts[_PROGRESS.get(status, "pending")] += count
        return Progress(**counts)

    async def stop(self, user_id: int) -> None:
        """The person pressed "Stop announcements": none is sent to them any more, those
        waiting included."""
        async with self._uow() as uow:
            await uow.users.set_announcements_stopped(user_id, True)
            await uow.outbox.cancel_keys(await uow.announcements.waiting_keys(user_id))
            await uow.commit()

    async def resume(self, user_id: int) -> None:
        """The person asked for announcements again (from the menu): the next ones reach them."""
        async with self._uow() as uow:
            await uow.users.set_announcements_stopped(user_id, False)
            await uow.commit()
