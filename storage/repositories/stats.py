"""Aggregate queries for the figures: GROUP BY in the database, few round trips."""

from __future__ import annotations

from collections import Counter
from datetime import UTC, datetime, time, timedelta

from sqlalchemy import Select, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.stats import SELF_REPORTED, Period
from storage.crypto import DataCipher
from storage.models import (
    AuditRow,
    BookingRow,
    CaseEventRow,
    CheckinRow,
    RegistrationRow,
    SlotRow,
    UserRow,
)


def bounds(period: Period) -> tuple[datetime, datetime]:
    """[start 00:00 UTC, the day after the end 00:00 UTC)."""
    start = datetime.combine(period.start, time(0), tzinfo=UTC)
    return start, datetime.combine(period.end + timedelta(days=1), time(0), tzinfo=UTC)


class SqlStatsRepository:
    def __init__(self, session: AsyncSession, cipher: DataCipher) -> None:
        self._session = session
        self._cipher = cipher

    def _cohort(self, query: Select, period: Period, office_id: str | None) -> Select:
        start, end = bounds(period)
        query = query.where(RegistrationRow.created_at >= start, RegistrationRow.created_at < end)
        return query.where(RegistrationRow.office_id == office_id) if office_id else query

    async def registrations_by_country_gender(
        self, period: Period, office_id: str | None
    ) -> list[tuple[str, str, int]]:
        query = select(RegistrationRow.country, RegistrationRow.gender, func.count()).group_by(
            RegistrationRow.country, RegistrationRow.gender
        )
        rows = await self._session.execute(self._cohort(query, period, office_id))
        return [tuple(row) for row in rows.all()]  # type: ignore[misc]

    async def returns_by_country_gender(
        self, period: Period, office_id: str | None
    ) -> list[tuple[str, str, int]]:
        query = (
            select(RegistrationRow.country, RegistrationRow.gender, func.count())
            .where(
                RegistrationRow.returned_on >= period.start,
                RegistrationRow.returned_on <= period.end,
            )
            .group_by(RegistrationRow.country, RegistrationRow.gender)
        )
        if office_id:
            query = query.where(RegistrationRow.office_id == office_id)
        return [tuple(row) for row in (await self._session.execute(query)).all()]  # type: ignore[misc]

    async def stages_reached(self, period: Period, office_id: str | None) -> list[set[str]]:
        cohort = self._cohort(
            select(RegistrationRow.id, RegistrationRow.status, RegistrationRow.kind),
            period,
            office_id,
        )
        reached: dict[int, set[str]] = {
            row.id: {"new", row.status}
            | ({SELF_REPORTED} if row.kind == "reintegration" else set())
            for row in await self._session.execute(cohort)
        }
        if reached:
            events = await self._session.execute(
                select(CaseEventRow.registration_id, CaseEventRow.to_status).where(
                    CaseEventRow.registration_id.in_(list(reached)),
                    CaseEventRow.to_status.is_not(None),
                )
            )
            for registration_id, status in events.all():
                reached[registration_id].add(status)
        return list(reached.values())

    async def age_groups(self, period: Period, office_id: str | None) -> dict[str, int]:
        query = select(RegistrationRow.age_group, func.count()).group_by(RegistrationRow.age_group)
        return dict((await self._session.execute(self._cohort(query, period, office_id))).all())  # type: ignore[arg-type]

    async def needs(self, period: Period, office_id: str | None) -> dict[str, int]:
        """Need flags are encrypted: counted here, in memory, never listed."""
        query = self._cohort(select(RegistrationRow.needs_enc), period, office_id).where(
            RegistrationRow.needs_enc.is_not(None)
        )
        counts: Counter[str] = Counter()
        for token in (await self._session.scalars(query)).all():
            counts.update(self._cipher.decrypt_json(token) or [])
        return dict(counts)

    async def slots(self, period: Period, office_id: str | None) -> dict[str, int]:
        start, end = bounds(period)
        in_period = (
            SlotRow.starts_at >= start,
            SlotRow.starts_at < end,
            SlotRow.removed_at.is_(None),
        )
        offered_query = select(func.coalesce(func.sum(SlotRow.capacity), 0)).where(*in_period)
        bookings_query = (
            select(BookingRow.status, func.count())
            .join(SlotRow, BookingRow.slot_id == SlotRow.id)
            .where(*in_period)
            .group_by(BookingRow.status)
        )
        if office_id:
            offered_query = offered_query.where(SlotRow.office_id == office_id)
            bookings_query = bookings_query.where(SlotRow.office_id == office_id)
        by_status = dict((await self._session.execute(bookings_query)).all())  # type: ignore[arg-type]
        return {
            "offered": int(await self._session.scalar(offered_query) or 0),
            "booked": sum(by_status.get(s, 0) for s in ("active", "attended", "missed")),
            "attended": by_status.get("attended", 0),
            "missed": by_status.get("missed", 0),
        }

    async def checkins(
        self, period: Period, office_id: str | None
    ) -> tuple[dict[str, int], list[tuple]]:
        start, end = bounds(period)
        query = select(
            CheckinRow.status,
            CheckinRow.alerts,
            CheckinRow.score_economic,
            CheckinRow.score_social,
            CheckinRow.score_psychosocial,
        ).where(CheckinRow.due_at >= start, CheckinRow.due_at < end)
        if office_id:
            query = query.join(
                RegistrationRow, RegistrationRow.id == CheckinRow.registration_id
            ).where(RegistrationRow.office_id == office_id)
        rows = (await self._session.execute(query)).all()
        statuses = Counter(row.status for row in rows)
        counts = {
            "sent": statuses["sent"] + statuses["answered"] + statuses["missed"],
            "answered": statuses["answered"],
            "missed": statuses["missed"],
            "alerts": sum(1 for row in rows if row.alerts),
        }
        scores = [
            (r.score_economic, r.score_social, r.score_psychosocial)
            for r in rows
            if r.status == "answered"
        ]
        return counts, scores

    async def sources(self, period: Period) -> dict[str, int]:
        start, end = bounds(period)
        query = (
            select(UserRow.source, func.count())
            .where(
                UserRow.first_seen >= start, UserRow.first_seen < end, UserRow.source.is_not(None)
            )
            .group_by(UserRow.source)
        )
        return dict((await self._session.execute(query)).all())  # type: ignore[arg-type]

    async def export_registrations(
        self, period: Period, office_id: str | None, *, full: bool
    ) -> list[dict[str, object]]:
        """Erased people never appear. Pseudonymised: the reference stands for the person."""
        query = self._cohort(select(RegistrationRow), period, office_id).where(
            RegistrationRow.erased_at.is_(None)
        )
        rows = []
        for row in (await self._session.scalars(query.order_by(RegistrationRow.id))).all():
            item: dict[str, object] = {
                "reference": row.reference, "office": row.office_id, "kind": row.kind,
                "country_of_origin": row.country, "gender": row.gender, "age_group": row.age_group,
                "passport": row.passport, "companions": row.companions,
                "language": row.contact_locale, "status": row.status,
                "registered_at": row.created_at.isoformat(),
                "returned_on": row.returned_on.isoformat() if row.returned_on else "",
                "source": row.source or "",
            }  # fmt: skip
            if full:
                item["name"] = self._cipher.decrypt(row.name_enc) or ""
                item["phone"] = self._cipher.decrypt(row.phone_enc) or ""
                item["place"] = self._cipher.decrypt(row.city_enc) or ""
                item["needs"] = " ".join(self._cipher.decrypt_json(row.needs_enc) or [])
            rows.append(item)
        return rows

    async def export_bookings(
        self, period: Period, office_id: str | None
    ) -> list[dict[str, object]]:
        start, end = bounds(period)
        query = (
            select(
                RegistrationRow.reference, SlotRow.office_id, SlotRow.starts_at, BookingRow.status
            )
            .join(SlotRow, BookingRow.slot_id == SlotRow.id)
            .join(RegistrationRow, BookingRow.registration_id == RegistrationRow.id)
            .where(
                SlotRow.starts_at >= start,
                SlotRow.starts_at < end,
                RegistrationRow.erased_at.is_(None),
            )
            .order_by(SlotRow.starts_at)
        )
        if office_id:
            query = query.where(SlotRow.office_id == office_id)
        return [
            {
                "reference": r.reference,
                "office": r.office_id,
                "starts_at": r.starts_at.isoformat(),
                "status": r.status,
            }
            for r in (await self._session.execute(query)).all()
        ]

    async def export_checkins(
        self, period: Period, office_id: str | None
    ) -> list[dict[str, object]]:
        start, end = bounds(period)
        query = (
            select(CheckinRow, RegistrationRow.reference)
            .join(RegistrationRow, RegistrationRow.id == CheckinRow.registration_id)
            .where(
                CheckinRow.due_at >= start,
                CheckinRow.due_at < end,
                RegistrationRow.erased_at.is_(None),
            )
            .order_by(CheckinRow.due_at)
        )
        if office_id:
            query = query.where(RegistrationRow.office_id == office_id)
        rows = []
        for checkin, reference in (await self._session.execute(query)).all():
            answers = self._cipher.decrypt_json(checkin.answers_enc) or {}
            rows.append(
                {
                    "reference": reference, "months": checkin.months, "status": checkin.status,
                    "due_at": checkin.due_at.isoformat(),
                    "answered_at": checkin.answered_at.isoformat() if checkin.answered_at else "",
                    "economic": checkin.score_economic, "social": checkin.score_social,
                    "psychosocial": checkin.score_psychosocial, "alerts": checkin.alerts or "",
                    **{f"q_{key}": value for key, value in sorted(answers.items())},
                }
            )  # fmt: skip
        return rows

    async def audit(self, at: datetime, actor_id: int, action: str, detail: str) -> None:
        self._session.add(AuditRow(at=at, actor_id=actor_id, action=action, detail=detail))
