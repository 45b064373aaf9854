"""Retention: RETENTION_MONTHS after a person's last case ended (closed, withdrawn, or its
monitoring finished), their personal data is erased exactly as /delete does, keeping the
anonymous statistical record. Each person in one transaction with its audit entry, so a purge
interrupted half-way leaves no half-erased case; run again, it finishes the job."""

from __future__ import annotations

import logging
from collections.abc import Awaitable, Callable
from datetime import datetime, time

from bot.domain.checkins import add_months
from bot.services.ports import Clock, RetentionDue, UnitOfWorkFactory
from bot.services.registration import erase_person

log = logging.getLogger(__name__)
SYSTEM_ACTOR = 0  # audit_log.actor_id of what the bot does by itself
DETAIL_MAX = 200


def retention_cutoff(now: datetime, months: int) -> datetime:
    """Cases that ended before this are past retention."""
    day = add_months(now.date(), -months)
    return datetime.combine(day, time(now.hour, now.minute), tzinfo=now.tzinfo)


class RetentionService:
    def __init__(
        self,
        uow: UnitOfWorkFactory,
        clock: Clock,
        months: int,
        after_erase: Callable[[int], Awaitable[object]] | None = None,
    ) -> None:
        self._uow = uow
        self._clock = clock
        self._months = months
        self.after_erase = after_erase  # e.g. forget the person's cached dialog state

    async def due(self) -> list[RetentionDue]:
        """What a purge would erase now (`purge --dry-run`)."""
        cutoff = retention_cutoff(self._clock.now(), self._months)
        async with self._uow(read_only=True) as uow:
            return await uow.registrations.retention_due(cutoff)

    async def purge(self) -> list[RetentionDue]:
        """Erase every person past retention; return who was erased."""
        erased = []
        for candidate in await self.due():
            if await self._erase(candidate.user_id):
                erased.append(candidate)
        if erased:
            log.info("retention: personal data of %s people erased", len(erased))
        return erased

    async def _erase(self, user_id: int) -> bool:
        now = self._clock.now()
        async with self._uow() as uow:
            # Checked again inside the transaction: they may have come back meanwhile.
            (still,) = await uow.registrations.retention_due(
                retention_cutoff(now, self._months), user_id
            ) or (None,)
            if still is None:
                return False
            await erase_person(uow, user_id, now, by_retention=True)
            await uow.users.erase_dialog_state(user_id)
            detail = f"retention {self._months} months: " + " ".join(still.references)
            await uow.stats.audit(now, SYSTEM_ACTOR, "purge", detail[:DETAIL_MAX])
            await uow.commit()
        if self.after_erase is not None:
            await self.after_erase(user_id)
        return True
