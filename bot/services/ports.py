"""The narrow interfaces the use-cases depend on; storage/ and bot/telegram implement them."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from types import TracebackType
from typing import Any, NamedTuple, Protocol, Self

from bot.domain.booking import Booking, BookingStatus, Slot
from bot.domain.checkins import CheckinStatus, DueCheckin, Scores
from bot.domain.conversations import Conversation, Direction, Kind, RelayMessage
from bot.domain.protection import Concern, ConcernCategory, UrgentAlert
from bot.domain.registration import CaseEvent, Draft, Registration, Status
from bot.domain.stats import Period
from bot.domain.users import User


class Clock(Protocol):
    def now(self) -> datetime: ...


class UserRepository(Protocol):
    async def get(self, user_id: int) -> User | None: ...
    async def add(self, user: User) -> None: ...
    async def seen(self, user_id: int, now: datetime) -> tuple[User, bool]: ...
    async def set_languages(self, user_id: int, locale: str, listen_locale: str | None) -> None: ...
    async def set_source(self, user_id: int, source: str) -> None: ...
    async def set_blocked(self, user_id: int, blocked: bool) -> None: ...
    async def delete(self, user_id: int) -> None: ...
    async def erase_dialog_state(self, user_id: int) -> None: ...


class AlreadyBookedError(Exception):
    """The registration already has an active booking (the unique constraint said so)."""


class AlreadyRegisteredError(Exception):
    """The person already has an open registration (the database's unique constraint said so)."""


class FoundSlot(NamedTuple):
    slot: Slot
    removed: bool  # by staff: kept for the bookings it had, never offered again


@dataclass(frozen=True, slots=True)
class RetentionDue:
    """A person all of whose cases ended (closed, withdrawn, monitoring finished) before the
    retention cut-off: their references and when the last one ended."""

    user_id: int
    references: tuple[str, ...]
    ended_at: datetime


@dataclass(frozen=True, slots=True)
class OutboxMessage:
    id: int
    kind: str
    audience: str  # staff or person
    user_id: int | None
    payload: dict[str, Any]
    attempts: int
    status: str
    next_attempt_at: datetime


@dataclass(frozen=True, slots=True)
class RegistrationFacts:
    """What the menu needs to know of one of a person's registrations: no personal data, so
    nothing is decrypted to draw a menu."""

    open: bool
    kind: str
    status: Status
    monitoring: str | None
    booked: bool  # an active booking
    checkin_waiting: bool  # a check-in sent to the person and not answered


class RegistrationRepository(Protocol):
    async def next_sequence(self, prefix: str) -> int: ...
    async def add(
        self,
        reference: str,
        user_id: int,
        draft: Draft,
        *,
        now: datetime,
        consent_at: datetime,
        consent_version: str,
        source: str | None,
        self_check: dict[str, str] | None,
        kind: str = "return",
        returned_from: str | None = None,
    ) -> Registration: ...
    async def get(self, registration_id: int) -> Registration | None: ...
    async def by_reference(self, reference: str) -> Registration | None: ...
    async def open_for(self, user_id: int) -> Registration | None: ...
    async def all_for(self, user_id: int) -> list[Registration]: ...
    async def facts_for(self, user_id: int) -> list[RegistrationFacts]: ...
    async def recent(
        self, *, status: Status | None, office_id: str | None, limit: int
    ) -> list[Registration]: ...
    async def set_status(
        self, registration_id: int, expected: Status, status: Status, now: datetime
    ) -> bool: ...
    async def set_contact(
        self,
        registration_id: int,
        *,
        name: str | None,
        phone: str | None,
        clear_phone: bool,
        now: datetime,
    ) -> None: ...
    async def set_return(
        self, registration_id: int, returned_on: date, country: str, now: datetime
    ) -> None: ...
    async def set_monitoring(self, registration_id: int, state: str, now: datetime) -> None: ...
    async def erase_personal_data(self, user_id: int, now: datetime) -> list[Registration]: ...
    async def retention_due(
        self, ended_before: datetime, user_id: int | None = None
    ) -> list[RetentionDue]: ...
    async def add_event(self, event: CaseEvent) -> None: ...
    async def move(self, event: CaseEvent) -> bool:
        """Compare-and-set the status the move starts from, and record it; False (nothing
        changed) when the case is no longer at that step."""
        ...

    async def events(self, registration_id: int) -> list[CaseEvent]: ...


class OutboxRepository(Protocol):
    async def add(
        self,
        *,
        kind: str,
        audience: str,
        user_id: int | None,
        payload: dict[str, object],
        dedupe_key: str,
        due: datetime,
        priority: int = 0,
    ) -> bool: ...
    async def claim_due(self, now: datetime, limit: int) -> list[OutboxMessage]: ...
    async def mark_sending(self, message_id: int) -> None: ...
    async def mark_sent(self, message_id: int, now: datetime) -> None: ...
    async def retry_at(
        self, message_id: int, when: datetime, error: str, attempts: int = 0
    ) -> None: ...
    async def fail(self, message_id: int, error: str) -> None: ...
    async def recover_interrupted(self, now: datetime, max_attempts: int) -> int: ...
    async def unclaim(self, message_ids: list[int]) -> int: ...
    async def release_staff(self) -> int: ...
    async def forget_user(self, user_id: int) -> int: ...
    async def cancel_keys(self, keys: list[str]) -> int: ...
    async def count(
        self, status: str, user_id: int | None = None, audience: str | None = None
    ) -> int: ...


class ConversationRepository(Protocol):
    async def open_for(self, user_id: int) -> Conversation | None: ...
    async def get(self, conversation_id: int) -> Conversation | None: ...
    async def create(
        self,
        *,
        user_id: int,
        handle: str,
        reference: str | None,
        office_id: str,
        locale: str,
        now: datetime,
    ) -> Conversation: ...
    async def by_staff_message(self, message_id: int) -> Conversation | None: ...
    async def add_message(
        self,
        conversation_id: int,
        direction: Direction,
        kind: Kind,
        text: str | None,
        file_id: str | None,
        now: datetime,
        staff_id: int | None = None,
    ) -> RelayMessage: ...
    async def message(self, message_id: int) -> RelayMessage | None: ...
    async def messages(self, conversation_id: int) -> list[RelayMessage]: ...
    async def count_in_since(self, user_id: int, since: datetime) -> int: ...
    async def set_header(self, conversation_id: int, message_id: int) -> None: ...
    async def set_staff_message(self, relay_id: int, message_id: int) -> None: ...
    async def close(self, conversation_id: int, now: datetime) -> bool: ...
    async def list_open(self) -> list[Conversation]: ...
    async def all_for(self, user_id: int) -> list[Conversation]: ...
    async def erase_for_user(self, user_id: int, now: datetime) -> list[Conversation]: ...
    async def forget_staff_messages(self) -> list[int]: ...


class StaffChatRepository(Protocol):
    async def migrated_to(self, chat_id: int) -> int | None: ...
    async def record_migration(self, from_chat_id: int, to_chat_id: int, now: datetime) -> None: ...


@dataclass(frozen=True, slots=True)
class Checkin:
    id: int
    registration_id: int
    user_id: int | None
    months: int
    due_at: datetime
    status: CheckinStatus
    sent_at: datetime | None
    answered_at: datetime | None
    scores: Scores
    alerts: tuple[str, ...]


class CheckinRepository(Protocol):
    async def add(
        self, registration_id: int, user_id: int | None, months: int, due_at: datetime
    ) -> bool: ...
    async def due(self, now: datetime, limit: int) -> list[DueCheckin]: ...
    async def set_status(
        self, ids: list[int], status: CheckinStatus, now: datetime, expected: CheckinStatus
    ) -> int: ...
    async def to_remind(self, before: datetime, limit: int) -> list[Checkin]: ...
    async def set_reminded(self, checkin_id: int, now: datetime) -> None: ...
    async def unanswered_since(self, before: datetime, limit: int) -> list[int]: ...
    async def get(self, checkin_id: int) -> Checkin | None: ...
    async def open_for(self, user_id: int) -> Checkin | None: ...
    async def answer(
        self,
        checkin_id: int,
        answers: dict[str, str],
        scores: Scores,
        alerts: tuple[str, ...],
        now: datetime,
    ) -> bool: ...
    async def history(self, registration_id: int) -> list[Checkin]: ...
    async def cancel_open(self, registration_id: int) -> int: ...
    async def erase_for_user(self, user_id: int) -> None: ...


class BookingRepository(Protocol):
    async def add_slots(
        self,
        office_id: str,
        times: list[tuple[datetime, datetime]],
        capacity: int,
        created_by: int,
        now: datetime,
    ) -> int: ...
    async def slots(
        self, office_id: str | None, start: datetime, end: datetime, *, free_only: bool
    ) -> list[Slot]: ...
    async def slot(self, slot_id: int) -> FoundSlot | None: ...
    async def take_place(self, slot_id: int, now: datetime) -> bool: ...
    async def release_place(self, slot_id: int) -> None: ...
    async def remove_slot(self, slot_id: int, now: datetime) -> bool: ...
    async def add_booking(self, slot: Slot, registration_id: int, now: datetime) -> Booking: ...
    async def active_booking(self, registration_id: int) -> Booking | None: ...
    async def booking(self, booking_id: int) -> Booking | None: ...
    async def bookings_of_slot(self, slot_id: int) -> list[Booking]: ...
    async def set_status(
        self, booking_id: int, expected: BookingStatus, status: BookingStatus, now: datetime
    ) -> bool: ...


class StatsRepository(Protocol):
    async def registrations_by_country_gender(
        self, period: Period, office_id: str | None
    ) -> list[tuple[str, str, int]]: ...
    async def returns_by_country_gender(
        self, period: Period, office_id: str | None
    ) -> list[tuple[str, str, int]]: ...
    async def stages_reached(self, period: Period, office_id: str | None) -> list[set[str]]: ...
    async def age_groups(self, period: Period, office_id: str | None) -> dict[str, int]: ...
    async def needs(self, period: Period, office_id: str | None) -> dict[str, int]: ...
    async def slots(self, period: Period, office_id: str | None) -> dict[str, int]: ...
    async def checkins(
        self, period: Period, office_id: str | None
    ) -> tuple[dict[str, int], list[tuple]]: ...
    async def sources(self, period: Period) -> dict[str, int]: ...
    async def export_registrations(
        self, period: Period, office_id: str | None, *, full: bool
    ) -> list[dict[str, object]]: ...
    async def export_bookings(
        self, period: Period, office_id: str | None
    ) -> list[dict[str, object]]: ...
    async def export_checkins(
        self, period: Period, office_id: str | None
    ) -> list[dict[str, object]]: ...
    async def audit(self, at: datetime, actor_id: int, action: str, detail: str) -> None: ...


class AlertRepository(Protocol):
    async def add(
        self,
        *,
        user_id: int,
        conversation_id: int,
        office_id: str,
        locale: str,
        now: datetime,
        repeat_at: datetime,
    ) -> UrgentAlert: ...
    async def get(self, alert_id: int) -> UrgentAlert | None: ...
    async def waiting_for(self, user_id: int) -> UrgentAlert | None: ...
    async def waiting(self) -> list[UrgentAlert]: ...
    async def take(self, alert_id: int, staff_id: int, now: datetime) -> bool: ...
    async def take_for_conversation(
        self, conversation_id: int, staff_id: int, now: datetime
    ) -> list[int]: ...
    async def set_message(self, alert_id: int, message_id: int, *, repeat: bool) -> None: ...
    async def all_for(self, user_id: int) -> list[UrgentAlert]: ...
    async def erase_for_user(self, user_id: int) -> None: ...


class ConcernRepository(Protocol):
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
    ) -> Concern: ...
    async def get(self, concern_id: int) -> Concern | None: ...
    async def all_for(self, user_id: int) -> list[Concern]: ...
    async def erase_for_user(self, user_id: int) -> None: ...


class RecordingRepository(Protocol):
    async def get(self, topic: str, page: int, locale: str) -> str | None: ...
    async def put(
        self, topic: str, page: int, locale: str, file_id: str, staff_id: int, now: datetime
    ) -> None: ...
    async def remove(self, topic: str, page: int, locale: str) -> bool: ...
    async def pages(self, locales: tuple[str, ...]) -> set[tuple[str, int, str]]: ...


class UnitOfWork(Protocol):
    """One transaction. Repositories never commit; the use-case does, once."""

    stats: StatsRepository
    bookings: BookingRepository
    checkins: CheckinRepository
    users: UserRepository
    registrations: RegistrationRepository
    outbox: OutboxRepository
    conversations: ConversationRepository
    alerts: AlertRepository
    concerns: ConcernRepository
    recordings: RecordingRepository
    staff_chat: StaffChatRepository

    async def __aenter__(self) -> Self: ...
    async def __aexit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None: ...
    async def commit(self) -> None: ...


class UnitOfWorkFactory(Protocol):
    def __call__(self, *, read_only: bool = False) -> UnitOfWork: ...
