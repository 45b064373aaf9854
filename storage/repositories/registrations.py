"""Registrations, reference numbers and the audit trail. Encryption happens here, nowhere else."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime
from typing import Any

from sqlalchemy import bindparam, func, insert, select, update
from sqlalchemy.dialects import sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain.checkins import CheckinStatus
from bot.domain.registration import (
    AgeGroup,
    Draft,
    Gender,
    Monitoring,
    Need,
    PassportState,
    Registration,
    Status,
)
from bot.services.ports import AlreadyRegisteredError, CaseEvent, RegistrationFacts, RetentionDue
from storage.crypto import DataCipher
from storage.dialect import upsert_increment
from storage.direct import Direct
from storage.loop_sqlite import LoopConnection
from storage.models import (
    BookingRow,
    CaseEventRow,
    CheckinRow,
    ConversationRow,
    ReferenceCounterRow,
    RegistrationRow,
    UserRow,
)

SENT = CheckinStatus.SENT.value
_ADD_EVENT = Direct(lambda _dialect: insert(CaseEventRow.__table__))
# The registration keeps the link its person first came from: read in the same statement.
_ADD = Direct(
    lambda _dialect: (
        insert(RegistrationRow.__table__)
        .values(
            source=select(UserRow.source).where(UserRow.id == bindparam("person")).scalar_subquery()
        )
        .returning(RegistrationRow.__table__.c.id, RegistrationRow.__table__.c.source)
    )
)
_NEXT_SEQUENCE = Direct(
    lambda dialect: upsert_increment(
        dialect, ReferenceCounterRow.__table__, "prefix", bindparam("prefix")
    )
)
# What the menu needs of each of a person's registrations (built once: see facts_for).
_FACTS = select(
    RegistrationRow.open_user_id,
    RegistrationRow.kind,
    RegistrationRow.status,
    RegistrationRow.monitoring,
    select(BookingRow.id).where(BookingRow.active_registration_id == RegistrationRow.id).exists(),
    select(CheckinRow.id)
    .where(CheckinRow.registration_id == RegistrationRow.id, CheckinRow.status == SENT)
    .exists(),
).where(RegistrationRow.user_id == bindparam("user_id"))


def _facts(rows: Iterable[Any]) -> list[RegistrationFacts]:
    return [
        RegistrationFacts(
            open=open_user_id is not None,
            kind=kind,
            status=Status(status),
            monitoring=monitoring,
            booked=bool(is_booked),
            checkin_waiting=bool(is_waiting),
        )
        for open_user_id, kind, status, monitoring, is_booked, is_waiting in rows
    ]


_FACTS_SQLITE = _FACTS.compile(dialect=sqlite.dialect(paramstyle="named"))


def facts_on_loop(loop: LoopConnection, user_id: int) -> list[RegistrationFacts] | None:
    """`facts_for` on the event loop's own SQLite connection (storage/loop_sqlite.py): the
    menu's one read without a thread; None when SQLite cannot answer at once."""
    rows = loop.rows(str(_FACTS_SQLITE), {**_FACTS_SQLITE.params, "user_id": user_id})
    return None if rows is None else _facts(rows)


class SqlRegistrationRepository:
    def __init__(self, session: AsyncSession, cipher: DataCipher) -> None:
        self._session = session
        self._cipher = cipher

    def _to_domain(self, row: RegistrationRow) -> Registration:
        c = self._cipher
        needs = c.decrypt_json(row.needs_enc) or []
        draft = Draft(
            name=c.decrypt(row.name_enc) or "",
            country=row.country,
            office_id=row.office_id,
            city=c.decrypt(row.city_enc) or "",
            phone=c.decrypt(row.phone_enc),
            gender=Gender(row.gender),
            age_group=AgeGroup(row.age_group),
            passport=PassportState(row.passport),
            companions=row.companions,
            needs=frozenset(Need(n) for n in needs),
            contact_locale=row.contact_locale,
        )
        return Registration(
            id=row.id,
            reference=row.reference,
            user_id=row.user_id,
            status=Status(row.status),
            draft=draft,
            consent_version=row.consent_version,
            consent_at=row.consent_at,
            created_at=row.created_at,
            updated_at=row.updated_at,
            source=row.source,
            kind=row.kind,
            returned_on=row.returned_on,
            return_country=row.return_country,
            returned_from=row.returned_from,
            monitoring=row.monitoring,
        )

    async def next_sequence(self, prefix: str) -> int:
        (row,) = await _NEXT_SEQUENCE.rows(self._session, {"prefix": prefix})
        return int(row[0])

    async def add(
        self,
        reference: str,
        user_id: int,
        draft: Draft,
        *,
        now: datetime,
        consent_at: datetime,
        consent_version: str,
        self_check: dict[str, str] | None,
        kind: str = "return",
        returned_from: str | None = None,
    ) -> Registration:
        c = self._cipher
        values = {
            "reference": reference,
            "person": user_id,  # whose source
            "user_id": user_id,
            "open_user_id": user_id,
            "office_id": draft.office_id,
            "country": draft.country,
            "gender": draft.gender.value,
            "age_group": draft.age_group.value,
            "passport": draft.passport.value,
            "companions": draft.companions,
            "contact_locale": draft.contact_locale,
            "status": Status.NEW.value,
            "name_enc": c.encrypt(draft.name),
            "phone_enc": c.encrypt(draft.phone),
            "city_enc": c.encrypt(draft.city),
            "needs_enc": c.encrypt_json(sorted(n.value for n in draft.needs)),
            "self_check_enc": c.encrypt_json(self_check),
            "consent_at": consent_at,
            "consent_version": consent_version,
            "created_at": now,
            "updated_at": now,
            "kind": kind,
            "returned_from": returned_from,
        }
        try:  # one INSERT (a Core statement: no ORM unit of work for a row not read back)
            ((registration_id, source),) = await _ADD.rows(self._session, values)
        except IntegrityError:
            raise AlreadyRegisteredError(user_id) from None
        # What was just written, from what we had (not decrypted back from the row).
        return Registration(
            id=registration_id,
            reference=reference,
            user_id=user_id,
            status=Status.NEW,
            draft=draft,
            consent_version=consent_version,
            consent_at=consent_at,
            created_at=now,
            updated_at=now,
            source=source,
            kind=kind,
            returned_from=returned_from,
        )

    async def get(self, registration_id: int) -> Registration | None:
        row = await self._session.get(RegistrationRow, registration_id)
        return self._to_domain(row) if row else None

    async def by_reference(self, reference: str) -> Registration | None:
        row = await self._session.scalar(
            select(RegistrationRow).where(RegistrationRow.reference == reference)
        )
        return self._to_domain(row) if row else None

    async def open_for(self, user_id: int) -> Registration | None:
        row = await self._session.scalar(
            select(RegistrationRow).where(RegistrationRow.open_user_id == user_id)
        )
        return self._to_domain(row) if row else None

    async def all_for(self, user_id: int) -> list[Registration]:
        rows = await self._session.scalars(
            select(RegistrationRow)
            .where(RegistrationRow.user_id == user_id)
            .order_by(RegistrationRow.id)
        )
        return [self._to_domain(row) for row in rows]

    async def facts_for(self, user_id: int) -> list[RegistrationFacts]:
        """One statement, no decryption: the menu is drawn on most updates."""
        result = await self._session.execute(_FACTS, {"user_id": user_id})
        return _facts(result)

    async def recent(
        self, *, status: Status | None, office_id: str | None, limit: int
    ) -> list[Registration]:
        query = select(RegistrationRow).where(RegistrationRow.erased_at.is_(None))
        if status is not None:
            query = query.where(RegistrationRow.status == status.value)
        if office_id is not None:
            query = query.where(RegistrationRow.office_id == office_id)
        rows = await self._session.scalars(query.order_by(RegistrationRow.id.desc()).limit(limit))
        return [self._to_domain(row) for row in rows]

    async def set_status(
        self, registration_id: int, expected: Status, status: Status, now: datetime
    ) -> bool:
        """Compare-and-set: a second press of an old button changes nothing."""
        still_open = status not in (Status.RETURNED, Status.WITHDRAWN, Status.CLOSED)
        values: dict[str, object] = {"status": status.value, "updated_at": now}
        if not still_open:
            values["open_user_id"] = None
        result = await self._session.execute(
            update(RegistrationRow)
            .where(RegistrationRow.id == registration_id, RegistrationRow.status == expected.value)
            .values(**values)
        )
        return bool(result.rowcount)

    async def set_contact(
        self,
        registration_id: int,
        *,
        name: str | None,
        phone: str | None,
        clear_phone: bool,
        now: datetime,
    ) -> None:
        values: dict[str, object] = {"updated_at": now}
        if name is not None:
            values["name_enc"] = self._cipher.encrypt(name)
        if phone is not None or clear_phone:
            values["phone_enc"] = self._cipher.encrypt(phone)
        await self._session.execute(
            update(RegistrationRow).where(RegistrationRow.id == registration_id).values(**values)
        )

    async def set_return(
        self, registration_id: int, returned_on: date, country: str, now: datetime
    ) -> None:
        await self._session.execute(
            update(RegistrationRow)
            .where(RegistrationRow.id == registration_id)
            .values(
                returned_on=returned_on,
                return_country=country,
                monitoring=Monitoring.ACTIVE.value,
                updated_at=now,
            )
        )

    async def set_monitoring(self, registration_id: int, state: str, now: datetime) -> None:
        await self._session.execute(
            update(RegistrationRow)
            .where(RegistrationRow.id == registration_id)
            .values(monitoring=state, updated_at=now)
        )

    async def erase_personal_data(self, user_id: int, now: datetime) -> list[Registration]:
        """Keep an anonymous statistical record only; return what was there, for the notices."""
        before = await self.all_for(user_id)
        await self._session.execute(
            update(RegistrationRow)
            .where(RegistrationRow.user_id == user_id)
            .values(
                user_id=None,
                open_user_id=None,
                name_enc=None,
                phone_enc=None,
                city_enc=None,
                needs_enc=None,
                self_check_enc=None,
                consent_at=None,
                consent_version=None,
                source=None,
                monitoring=None,
                erased_at=now,
                updated_at=now,
            )
        )
        for registration in before:
            if registration.status not in (Status.RETURNED, Status.CLOSED, Status.WITHDRAWN):
                await self._session.execute(
                    update(RegistrationRow)
                    .where(RegistrationRow.id == registration.id)
                    .values(status=Status.WITHDRAWN.value)
                )
        return before

    async def retention_due(
        self, ended_before: datetime, user_id: int | None = None
    ) -> list[RetentionDue]:
        """People whose every case ended before `ended_before`: closed or withdrawn, or returned
        with no check-in left to send; no open conversation. A case's end is its last trace
        (status change, check-in, conversation), so any later activity keeps the data."""
        ended = (Status.CLOSED.value, Status.WITHDRAWN.value, Status.RETURNED.value)
        # Only people with a case whose last change is old enough, and none still open: a few
        # rows to look at closely, not every registration (the daily job must stay cheap).
        old_enough = select(RegistrationRow.user_id).where(
            RegistrationRow.erased_at.is_(None),
            RegistrationRow.status.in_(ended),
            RegistrationRow.updated_at < ended_before,
        )
        still_open = select(RegistrationRow.user_id).where(
            RegistrationRow.user_id.is_not(None), RegistrationRow.status.not_in(ended)
        )
        query = select(RegistrationRow).where(
            RegistrationRow.user_id.is_not(None),
            RegistrationRow.erased_at.is_(None),
            RegistrationRow.user_id.in_(old_enough),
            RegistrationRow.user_id.not_in(still_open),
        )
        if user_id is not None:
            query = query.where(RegistrationRow.user_id == user_id)
        people: dict[int, list[RegistrationRow]] = {}
        for row in await self._session.scalars(query.order_by(RegistrationRow.id)):
            people.setdefault(row.user_id, []).append(row)  # type: ignore[arg-type]
        due = []
        for person, rows in people.items():
            ended = [await self._ended_at(row) for row in rows]
            last_talk = await self._last_conversation(person)
            if any(end is None for end in ended) or last_talk is False:
                continue
            ends = [end for end in ended if end is not None]
            ended_at = max([*ends, last_talk] if isinstance(last_talk, datetime) else ends)
            if ended_at < ended_before:
                due.append(RetentionDue(person, tuple(r.reference for r in rows), ended_at))
        return due

    async def _ended_at(self, row: RegistrationRow) -> datetime | None:
        """When the case ended, or None while it goes on."""
        if row.status not in (Status.CLOSED, Status.WITHDRAWN, Status.RETURNED):
            return None
        checkins = CheckinRow.registration_id == row.id
        if row.status == Status.RETURNED and row.monitoring != Monitoring.STOPPED:
            waiting = await self._session.scalar(
                select(CheckinRow.id).where(checkins, CheckinRow.status.in_(["scheduled", "sent"]))
            )
            if waiting is not None:
                return None
        last_event = await self._session.scalar(
            select(func.max(CaseEventRow.at)).where(CaseEventRow.registration_id == row.id)
        )
        last_checkin = await self._session.execute(
            select(
                func.max(CheckinRow.due_at),
                func.max(CheckinRow.sent_at),
                func.max(CheckinRow.answered_at),
            ).where(checkins)
        )
        times = [row.updated_at, last_event, *last_checkin.one()]
        return max(_utc(t) for t in times if t is not None)

    async def _last_conversation(self, user_id: int) -> datetime | bool | None:
        """False while a conversation is open; else when the last one closed (or None)."""
        rows = (
            await self._session.execute(
                select(ConversationRow.status, ConversationRow.closed_at).where(
                    ConversationRow.user_id == user_id
                )
            )
        ).all()
        if any(status == "open" for status, _ in rows):
            return False
        closed = [_utc(at) for _, at in rows if at is not None]
        return max(closed) if closed else None

    async def move(self, event: CaseEvent) -> bool:
        assert event.from_status is not None and event.to_status is not None
        moved = await self.set_status(
            event.registration_id, event.from_status, event.to_status, event.at
        )
        if moved:
            await self.add_event(event)
        return moved

    async def add_event(self, event: CaseEvent) -> None:
        """One INSERT, at once (a Core statement: the ORM's unit of work is not needed for a
        row nobody reads back in this transaction)."""
        await _ADD_EVENT.rows(
            self._session,
            {
                "registration_id": event.registration_id,
                "at": event.at,
                "actor": event.actor,
                "actor_id": event.actor_id,
                "kind": event.kind,
                "from_status": event.from_status.value if event.from_status else None,
                "to_status": event.to_status.value if event.to_status else None,
            },
        )

    async def events(self, registration_id: int) -> list[CaseEvent]:
        rows = await self._session.scalars(
            select(CaseEventRow)
            .where(CaseEventRow.registration_id == registration_id)
            .order_by(CaseEventRow.id)
        )
        return [
            CaseEvent(
                registration_id=row.registration_id,
                at=row.at,
                actor=row.actor,
                actor_id=row.actor_id,
                kind=row.kind,
                from_status=Status(row.from_status) if row.from_status else None,
                to_status=Status(row.to_status) if row.to_status else None,
            )
            for row in rows
        ]


def _utc(value: datetime) -> datetime:
    """max() over raw aggregates: SQLite returns them naive (UTC), PostgreSQL aware."""
    if isinstance(value, str):  # SQLite's max() of a datetime column, through the raw driver
        value = datetime.fromisoformat(value)
    return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)
