"""The programme's figures from the bot's own data, and exports for staff."""

from __future__ import annotations

from collections.abc import Collection

from bot.domain.stats import Period, Report, country_gender_table, funnel, mean
from bot.services.ports import Clock, UnitOfWorkFactory
from bot.services.staff_policy import NotStaffError, StaffPolicy

__all__ = ["NotStaffError", "StatsService"]


class StatsService:
    def __init__(self, uow: UnitOfWorkFactory, clock: Clock, staff_ids: Collection[int]) -> None:
        self._uow = uow
        self._clock = clock
        self._policy = StaffPolicy(staff_ids)

    async def report(self, period: Period, office_id: str | None = None) -> Report:
        async with self._uow(read_only=True) as uow:
            stats = uow.stats
            checkin_counts, scores = await stats.checkins(period, office_id)
            return Report(
                period=period,
                office_id=office_id,
                registrations=country_gender_table(
                    await stats.registrations_by_country_gender(period, office_id)
                ),
                returns=country_gender_table(
                    await stats.returns_by_country_gender(period, office_id)
                ),
                funnel=funnel(await stats.stages_reached(period, office_id)),
                age_groups=await stats.age_groups(period, office_id),
                needs=await stats.needs(period, office_id),
                slots=await stats.slots(period, office_id),
                checkins=checkin_counts,
                scores={
                    "economic": mean(s[0] for s in scores),
                    "social": mean(s[1] for s in scores),
                    "psychosocial": mean(s[2] for s in scores),
                },
                sources=await stats.sources(period),
            )

    async def export(
        self, staff_id: int, period: Period, office_id: str | None, *, full: bool
    ) -> dict[str, list[dict[str, object]]]:
        """Registrations, bookings and check-in answers; the full version (names, phones) is
        recorded in the audit log."""
        self._policy.require(staff_id, "export")
        async with self._uow() as uow:
            tables = {
                "registrations": await uow.stats.export_registrations(period, office_id, full=full),
                "bookings": await uow.stats.export_bookings(period, office_id),
                "checkins": await uow.stats.export_checkins(period, office_id),
            }
            detail = f"{period.start}..{period.end} office={office_id or 'all'} full={full}"
            await uow.stats.audit(self._clock.now(), staff_id, "export", detail)
            await uow.commit()
            return tables
