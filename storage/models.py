"""SQLAlchemy models. Table and column names are schema: change them only with a migration."""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    CheckConstraint,
    Date,
    Float,
    ForeignKey,
    Index,
    Integer,
    MetaData,
    String,
    Text,
    UniqueConstraint,
    false,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column

from storage.types import UTCDateTime

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class UserRow(Base):
    """A Telegram user who talked to the bot. No names: only what the bot needs to serve them."""

    __tablename__ = "users"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    locale: Mapped[str | None] = mapped_column(String(8))
    source: Mapped[str | None] = mapped_column(String(64))
    first_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
    blocked: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    listen_locale: Mapped[str | None] = mapped_column(String(8))  # a LISTENING_LOCALES one
    # They pressed "Stop announcements": no announcement is sent to them until they undo it.
    announcements_stopped: Mapped[bool] = mapped_column(
        Boolean, default=False, server_default=false()
    )


class FsmRecordRow(Base):
    """aiogram FSM state and data (aiogram-dialog stacks and contexts live here too)."""

    __tablename__ = "fsm_records"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger)
    chat_id: Mapped[int | None] = mapped_column(BigInteger)
    state: Mapped[str | None] = mapped_column(String(255))
    data: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (Index("ix_fsm_records_user_id", "user_id"),)


class RegistrationRow(Base):
    """A registration of interest. Columns ending in _enc are encrypted with DATA_KEY.

    `open_user_id` equals `user_id` while the case is open and is NULL otherwise: its unique
    constraint allows one open registration per person on every database.
    """

    __tablename__ = "registrations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    open_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)
    office_id: Mapped[str] = mapped_column(String(32))
    country: Mapped[str] = mapped_column(String(2))
    gender: Mapped[str] = mapped_column(String(10))
    age_group: Mapped[str] = mapped_column(String(10))
    passport: Mapped[str] = mapped_column(String(10))
    companions: Mapped[int] = mapped_column(Integer)
    contact_locale: Mapped[str] = mapped_column(String(8))
    source: Mapped[str | None] = mapped_column(String(64))
    status: Mapped[str] = mapped_column(String(20), index=True)
    name_enc: Mapped[str | None] = mapped_column(Text)
    phone_enc: Mapped[str | None] = mapped_column(Text)
    city_enc: Mapped[str | None] = mapped_column(Text)
    needs_enc: Mapped[str | None] = mapped_column(Text)
    self_check_enc: Mapped[str | None] = mapped_column(Text)
    consent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    consent_version: Mapped[str | None] = mapped_column(String(20))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())
    erased_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    # After return: the day, the country of return, and the check-ins' state.
    kind: Mapped[str] = mapped_column(String(14), default="return", server_default="return")
    returned_on: Mapped[date | None] = mapped_column(Date)
    return_country: Mapped[str | None] = mapped_column(String(2))
    returned_from: Mapped[str | None] = mapped_column(String(2))  # self-registered returnees
    monitoring: Mapped[str | None] = mapped_column(String(10))  # active, paused, stopped


class ReferenceCounterRow(Base):
    """The last sequence number given per office country and year (MA-2026-000042)."""

    __tablename__ = "reference_counters"

    prefix: Mapped[str] = mapped_column(String(12), primary_key=True)
    value: Mapped[int] = mapped_column(Integer)


class CaseEventRow(Base):
    """The audit trail: who did what to a case, when."""

    __tablename__ = "case_events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor: Mapped[str] = mapped_column(String(10))  # person, staff, system
    actor_id: Mapped[int | None] = mapped_column(BigInteger)  # a staff member's id only
    kind: Mapped[str] = mapped_column(String(20))
    from_status: Mapped[str | None] = mapped_column(String(20))
    to_status: Mapped[str | None] = mapped_column(String(20))


class OutboxRow(Base):
    """A message to deliver, written in the same transaction as the change it reports.

    It holds what to say (kind and ids), not the text: the worker renders it at send time in
    the reader's language, from the data as it is then (erased data is never sent).
    """

    __tablename__ = "outbox"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    kind: Mapped[str] = mapped_column(String(40))
    audience: Mapped[str] = mapped_column(String(10))  # staff or person
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)  # whom it is about
    payload: Mapped[str] = mapped_column(Text)
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)
    status: Mapped[str] = mapped_column(String(12))  # pending, sending, sent, failed, cancelled
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(UTCDateTime())
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    last_error: Mapped[str | None] = mapped_column(String(80))
    # Higher first: an urgent alert overtakes whatever is waiting (0 for everything else).
    priority: Mapped[int] = mapped_column(Integer, default=0, server_default="0")

    __table_args__ = (Index("ix_outbox_status_next_attempt_at", "status", "next_attempt_at"),)


class ConversationRow(Base):
    """A conversation between a person and the office, relayed through the staff group."""

    __tablename__ = "conversations"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    open_user_id: Mapped[int | None] = mapped_column(BigInteger, unique=True)  # one open each
    handle: Mapped[str] = mapped_column(String(12), unique=True)  # anonymous, e.g. "K7Q2"
    reference: Mapped[str | None] = mapped_column(String(20))
    office_id: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(8))
    status: Mapped[str] = mapped_column(String(10))  # open, closed
    opened_at: Mapped[datetime] = mapped_column(UTCDateTime())
    closed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    waiting_since: Mapped[datetime | None] = mapped_column(UTCDateTime())
    header_message_id: Mapped[int | None] = mapped_column(BigInteger)


class RelayMessageRow(Base):
    """One message of a conversation, either way. Content and file ids are encrypted."""

    __tablename__ = "relay_messages"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(
        ForeignKey("conversations.id", ondelete="CASCADE"), index=True
    )
    direction: Mapped[str] = mapped_column(String(4))  # in (person -> office), out
    kind: Mapped[str] = mapped_column(String(10))  # text, photo, voice, document
    text_enc: Mapped[str | None] = mapped_column(Text)
    file_enc: Mapped[str | None] = mapped_column(Text)
    staff_id: Mapped[int | None] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    staff_chat_message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)


class SlotRow(Base):
    """An interview time. `booked` never exceeds `capacity`: the database refuses it."""

    __tablename__ = "slots"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    office_id: Mapped[str] = mapped_column(String(32))
    starts_at: Mapped[datetime] = mapped_column(UTCDateTime())
    ends_at: Mapped[datetime] = mapped_column(UTCDateTime())
    capacity: Mapped[int] = mapped_column(Integer)
    booked: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    removed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())

    __table_args__ = (
        CheckConstraint("capacity > 0", name="capacity_positive"),
        CheckConstraint("booked >= 0 AND booked <= capacity", name="booked_within_capacity"),
        UniqueConstraint("office_id", "starts_at", name="uq_slots_office_id_starts_at"),
        Index("ix_slots_office_id_starts_at_booked", "office_id", "starts_at"),
    )


class BookingRow(Base):
    """A person's booking of a slot. `active_registration_id` is set only while the booking is
    active: its unique constraint allows one active booking per registration."""

    __tablename__ = "bookings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    slot_id: Mapped[int] = mapped_column(ForeignKey("slots.id"), index=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    active_registration_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    status: Mapped[str] = mapped_column(String(14))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    changed_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class CheckinRow(Base):
    """A monitoring check-in after return: scheduled, sent, answered (scored) or missed."""

    __tablename__ = "checkins"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    registration_id: Mapped[int] = mapped_column(
        ForeignKey("registrations.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    months: Mapped[int] = mapped_column(Integer)
    due_at: Mapped[datetime] = mapped_column(UTCDateTime())
    status: Mapped[str] = mapped_column(String(10))
    sent_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    reminded_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answered_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    answers_enc: Mapped[str | None] = mapped_column(Text)
    score_economic: Mapped[float | None] = mapped_column(Float)
    score_social: Mapped[float | None] = mapped_column(Float)
    score_psychosocial: Mapped[float | None] = mapped_column(Float)
    alerts: Mapped[str | None] = mapped_column(String(60))

    __table_args__ = (
        UniqueConstraint("registration_id", "months", name="uq_checkins_registration_id_months"),
        Index("ix_checkins_status_due_at", "status", "due_at"),
    )


class AuditRow(Base):
    """Staff actions on data that are not about one case (e.g. an export with names)."""

    __tablename__ = "audit_log"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    at: Mapped[datetime] = mapped_column(UTCDateTime())
    actor_id: Mapped[int] = mapped_column(BigInteger)
    action: Mapped[str] = mapped_column(String(30))
    detail: Mapped[str] = mapped_column(String(200))


class DataKeyCheckRow(Base):
    """One row: a known text encrypted with DATA_KEY at first start, so that a different key is
    refused at start-up; `pending_value` is the new key's while `rotate-key` runs."""

    __tablename__ = "data_key_check"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    check_value: Mapped[str] = mapped_column(Text)
    pending_value: Mapped[str | None] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class ProcessedUpdateRow(Base):
    """Webhook updates already handled: Telegram re-sends after a timeout; each is handled once."""

    __tablename__ = "processed_updates"

    update_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    at: Mapped[datetime] = mapped_column(UTCDateTime(), index=True)


class UrgentAlertRow(Base):
    """ "I am in danger": an urgent alert to the office, until a staff member takes it.

    It carries no words of the person: who (reference or the conversation's handle), the
    office, the language and the times. `conversation_id` lets staff answer by replying to it.
    """

    __tablename__ = "urgent_alerts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    conversation_id: Mapped[int | None] = mapped_column(Integer)
    office_id: Mapped[str] = mapped_column(String(32))
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    repeat_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    taken_at: Mapped[datetime | None] = mapped_column(UTCDateTime())
    taken_by: Mapped[int | None] = mapped_column(BigInteger)
    staff_message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    repeat_message_id: Mapped[int | None] = mapped_column(BigInteger, index=True)


class ConcernRow(Base):
    """A confidential report about the programme's staff or partners. Never sent to the staff
    group: only to CONCERNS_CHAT_ID / CONCERNS_USER_IDS. Content encrypted."""

    __tablename__ = "concerns"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    reference: Mapped[str] = mapped_column(String(20), unique=True)
    user_id: Mapped[int | None] = mapped_column(BigInteger, index=True)
    category: Mapped[str] = mapped_column(String(20))
    kind: Mapped[str] = mapped_column(String(10))  # text, voice, none
    text_enc: Mapped[str | None] = mapped_column(Text)
    file_enc: Mapped[str | None] = mapped_column(Text)
    registration_enc: Mapped[str | None] = mapped_column(Text)  # only if the person chose so
    locale: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())


class VoiceRecordingRow(Base):
    """A recorded voice version of one information page in one language (a Telegram file id)."""

    __tablename__ = "voice_recordings"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    topic: Mapped[str] = mapped_column(String(40))
    page: Mapped[int] = mapped_column(Integer)  # 1-based
    locale: Mapped[str] = mapped_column(String(8))
    file_id: Mapped[str] = mapped_column(String(255))
    recorded_by: Mapped[int] = mapped_column(BigInteger)
    recorded_at: Mapped[datetime] = mapped_column(UTCDateTime())

    __table_args__ = (
        UniqueConstraint("topic", "page", "locale", name="uq_voice_recordings_topic_page_locale"),
    )


class StaffChatMigrationRow(Base):
    """The staff group was upgraded to a supergroup (Telegram gave it a new id). The new id
    overrides STAFF_CHAT_ID while the setting still names the old one."""

    __tablename__ = "staff_chat_migrations"

    from_chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    to_chat_id: Mapped[int] = mapped_column(BigInteger)
    migrated_at: Mapped[datetime] = mapped_column(UTCDateTime())


class AnnouncementRow(Base):
    """A message staff sent to a segment of people, in each language they read. The texts are
    written by staff for everyone (no personal data); `segment` and `texts` are JSON."""

    __tablename__ = "announcements"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_by: Mapped[int] = mapped_column(BigInteger)  # a staff member's id
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    segment: Mapped[str] = mapped_column(Text)  # {"office", "status", "language", "returnees"}
    texts: Mapped[str] = mapped_column(Text)  # {language: text}


class AnnouncementDeliveryRow(Base):
    """One person an announcement is sent to. Its state is its outbox message's (joined by the
    message's dedupe key): pending, sent, failed, cancelled. Deleted with the person's data."""

    __tablename__ = "announcement_deliveries"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    announcement_id: Mapped[int] = mapped_column(
        ForeignKey("announcements.id", ondelete="CASCADE"), index=True
    )
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    locale: Mapped[str] = mapped_column(String(8))  # the text chosen for them
    dedupe_key: Mapped[str] = mapped_column(String(120), unique=True)  # its outbox message

    __table_args__ = (
        UniqueConstraint(
            "announcement_id", "user_id", name="uq_announcement_deliveries_announcement_id_user_id"
        ),
    )


class ConsoleLoginLinkRow(Base):
    """A one-time link into the staff console, sent by /console: only its SHA-256 is kept, bound
    to the staff member it was sent to; usable once (`used_at`), until `expires_at`."""

    __tablename__ = "console_login_links"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    expires_at: Mapped[datetime] = mapped_column(UTCDateTime())
    used_at: Mapped[datetime | None] = mapped_column(UTCDateTime())


class ConsoleSessionRow(Base):
    """A signed-in staff member in the console (the cookie holds the token; only its SHA-256
    is kept). Ends after CONSOLE_IDLE of no use, or at once when the user leaves STAFF_USER_IDS."""

    __tablename__ = "console_sessions"

    token_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, index=True)
    csrf_token: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UTCDateTime())
    last_seen: Mapped[datetime] = mapped_column(UTCDateTime())
