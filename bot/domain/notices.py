"""What the bot tells someone outside the conversation they are in: a notice, queued by a service
in its transaction and rendered at send time, in the reader's language.

A kind's value is the outbox row's `kind` column (no migration: they are the strings it always
held). Each kind says once who reads it, what its subject id refers to (so the sender knows what
to read), under which payload key the id is stored (the older kinds keep their key, so messages
queued before an upgrade still render; a new kind needs none) and how urgent it is.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from bot.domain.protection import URGENT_PRIORITY


class Audience(StrEnum):
    STAFF = "staff"  # the staff group (STAFF_CHAT_ID), in DEFAULT_LOCALE
    PERSON = "person"  # the person, in the language they use now
    CONCERNS = "concerns"  # one focal point's chat (payload chat_id), never the staff group


class Subject(StrEnum):
    """What the subject id of a notice refers to: what is read to render it."""

    REGISTRATION = "registration"
    BOOKING = "booking"
    CHECKIN = "checkin"
    CONVERSATION = "conversation"
    RELAY = "relay"  # one relayed message
    ALERT = "alert"
    CONCERN = "concern"
    ANNOUNCEMENT = "announcement"
    NOTHING = "nothing"  # everything it says is in the payload


STAFF, PERSON, CONCERNS = Audience.STAFF, Audience.PERSON, Audience.CONCERNS
ANNOUNCEMENT_PRIORITY = -1
S = Subject


class NoticeKind(StrEnum):
    audience: Audience
    subject: Subject
    subject_key: str | None
    priority: int

    def __new__(
        cls,
        value: str,
        audience: Audience,
        subject: Subject,
        subject_key: str | None = "id",
        priority: int = 0,
    ) -> NoticeKind:
        member = str.__new__(cls, value)
        member._value_ = value
        member.audience, member.subject = audience, subject
        member.subject_key, member.priority = subject_key, priority
        return member

    # registration and case
    REGISTRATION_NEW = "registration_new", STAFF, S.REGISTRATION, "registration_id"
    REGISTRATION_EDITED = "registration_edited", STAFF, S.REGISTRATION, "registration_id"
    REGISTRATION_WITHDRAWN = "registration_withdrawn", STAFF, S.NOTHING, None
    REGISTRATION_ERASED = "registration_erased", STAFF, S.NOTHING, None
    STATUS_CHANGED = "status_changed", PERSON, S.REGISTRATION, "registration_id"
    # interview booking
    INTERVIEW_BOOKED = "interview_booked", STAFF, S.BOOKING, "booking_id"
    INTERVIEW_MOVED = "interview_moved", STAFF, S.BOOKING, "booking_id"
    INTERVIEW_CANCELLED = "interview_cancelled", STAFF, S.BOOKING, "booking_id"
    INTERVIEW_REMINDER = "interview_reminder", PERSON, S.BOOKING, "booking_id"
    SLOT_REMOVED = "slot_removed", PERSON, S.BOOKING, "booking_id"
    INTERVIEW_MISSED = "interview_missed", PERSON, S.BOOKING, "booking_id"
    # reintegration check-ins
    CHECKINS_WELCOME = "checkins_welcome", PERSON, S.REGISTRATION, "registration_id"
    CHECKIN = "checkin", PERSON, S.CHECKIN, "checkin_id"
    CHECKIN_REMINDER = "checkin_reminder", PERSON, S.CHECKIN, "checkin_id"
    CHECKIN_ALERT = "checkin_alert", STAFF, S.CHECKIN, "checkin_id"
    CHECKINS_STOPPED = "checkins_stopped", STAFF, S.REGISTRATION, "registration_id"
    PERSON_UNREACHABLE = "person_unreachable", STAFF, S.REGISTRATION, "registration_id"
    # conversations with the office
    CONVERSATION_OPENED = "conversation_opened", STAFF, S.CONVERSATION
    RELAY_IN = "relay_in", STAFF, S.RELAY
    CONVERSATION_CLOSED = "conversation_closed", STAFF, S.CONVERSATION, "conversation_id"
    RELAY_OUT = "relay_out", PERSON, S.RELAY, "relay_id"
    CONVERSATION_CLOSED_BY_OFFICE = (
        "conversation_closed_by_office", PERSON, S.CONVERSATION, "conversation_id"
    )  # fmt: skip
    # protection
    URGENT_ALERT = "urgent_alert", STAFF, S.ALERT, "id", URGENT_PRIORITY
    URGENT_REPEAT = "urgent_repeat", STAFF, S.ALERT, "id", URGENT_PRIORITY
    URGENT_TAKEN = "urgent_taken", PERSON, S.ALERT, "id", URGENT_PRIORITY
    CONCERN = "concern", CONCERNS, S.CONCERN
    # staff to many people, at the lowest priority: never ahead of a notice about a case
    ANNOUNCEMENT = "announcement", PERSON, S.ANNOUNCEMENT, "announcement_id", ANNOUNCEMENT_PRIORITY
    # the bot itself
    STAFF_CHAT_MIGRATED = "staff_chat_migrated", STAFF, S.NOTHING, "from"
    REPLY = "reply", PERSON, S.NOTHING, None  # a reply deferred by a 429, sealed


@dataclass(frozen=True, slots=True)
class Notice:
    """One notice about one subject. `user_id` is the person written to, or whose data a staff
    notice shows (then it is cancelled if they erase their data first). `detail` tells apart
    notices of one kind about one subject that must all be sent (a time, a status, a chat)."""

    kind: NoticeKind
    subject: int | str
    user_id: int | None = None
    data: Mapping[str, Any] = field(default_factory=dict)
    detail: str | None = None

    @property
    def audience(self) -> Audience:
        return self.kind.audience

    @property
    def dedupe_key(self) -> str:
        key = f"{self.kind.value}:{self.subject}"
        return f"{key}:{self.detail}" if self.detail is not None else key

    def payload(self) -> dict[str, Any]:
        key = self.kind.subject_key
        return {**({key: self.subject} if key else {}), **self.data}


def subject_id(kind: NoticeKind, payload: Mapping[str, Any]) -> int | None:
    """The subject id of a queued notice, read back from its payload."""
    key = kind.subject_key
    return int(payload[key]) if key and kind.subject is not Subject.NOTHING else None
