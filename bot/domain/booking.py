"""Interview slots and bookings: the rules, without I/O.

Capacity is enforced by the database (a conditional update and constraints); these functions
decide everything else: which times a slot plan makes, what may still be moved, when reminders go.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

REMINDER_HOURS = (24, 2)
LENGTHS_MINUTES = (15, 20, 30, 45, 60)
MAX_CAPACITY = 10
BOOKING_HORIZON_DAYS = 60


class BookingStatus(StrEnum):
    ACTIVE = "active"
    CANCELLED = "cancelled"
    MOVED = "moved"
    SLOT_REMOVED = "slot_removed"
    ATTENDED = "attended"
    MISSED = "missed"


@dataclass(frozen=True, slots=True)
class Slot:
    id: int
    office_id: str
    starts_at: datetime  # UTC
    ends_at: datetime
    capacity: int
    booked: int

    @property
    def free(self) -> int:
        return max(0, self.capacity - self.booked)


@dataclass(frozen=True, slots=True)
class Booking:
    id: int
    slot: Slot
    registration_id: int
    status: BookingStatus


class PlanError(ValueError):
    """Why a slot plan cannot be made; the reason is a code the adapter translates."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


@dataclass(frozen=True, slots=True)
class SlotPlan:
    office_id: str
    days: tuple[date, ...]
    start: time
    end: time
    length_minutes: int
    capacity: int


def slot_times(plan: SlotPlan, tz: ZoneInfo, now: datetime) -> list[tuple[datetime, datetime]]:
    """The (start, end) of every slot the plan makes, in UTC; past ones left out."""
    if plan.capacity < 1 or plan.capacity > MAX_CAPACITY:
        raise PlanError("capacity")
    if plan.length_minutes not in LENGTHS_MINUTES:
        raise PlanError("length")
    if plan.end <= plan.start:
        raise PlanError("end_before_start")
    if not plan.days:
        raise PlanError("no_days")
    length = timedelta(minutes=plan.length_minutes)
    times = []
    for day in sorted(set(plan.days)):
        start = datetime.combine(day, plan.start, tzinfo=tz)
        end_of_day = datetime.combine(day, plan.end, tzinfo=tz)
        while start + length <= end_of_day:
            if start > now:
                times.append((start.astimezone(UTC), (start + length).astimezone(UTC)))
            start += length
    if not times:
        raise PlanError("nothing_in_future")
    return times


def can_change(starts_at: datetime, now: datetime, cutoff: timedelta) -> bool:
    """A booking can be moved or cancelled until `cutoff` before the interview."""
    return now < starts_at - cutoff


def reminder_times(starts_at: datetime, now: datetime) -> list[tuple[int, datetime]]:
    """(hours before, when) of the reminders still ahead: none is sent late."""
    return [
        (hours, starts_at - timedelta(hours=hours))
        for hours in REMINDER_HOURS
        if starts_at - timedelta(hours=hours) > now
    ]


def nearest(slots: list[Slot], around: datetime, count: int = 3) -> list[Slot]:
    """The free slots closest in time to the one that was just taken."""
    free = [s for s in slots if s.free > 0]
    return sorted(free, key=lambda s: abs((s.starts_at - around).total_seconds()))[:count]


def ics_event(
    uid: str, start: datetime, end: datetime, summary: str, location: str, description: str
) -> str:
    """A minimal iCalendar (RFC 5545) event, in UTC, that phones add to their calendar."""

    def escape(text: str) -> str:
        for raw, quoted in (("\\", "\\\\"), (";", "\\;"), (",", "\\,"), ("\n", "\\n")):
            text = text.replace(raw, quoted)
        return text

    def stamp(value: datetime) -> str:
        return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")

    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//AVRR Assistant//EN",
        "BEGIN:VEVENT",
        f"UID:{uid}",
        f"DTSTAMP:{stamp(start)}",
        f"DTSTART:{stamp(start)}",
        f"DTEND:{stamp(end)}",
        f"SUMMARY:{escape(summary)}",
        f"LOCATION:{escape(location)}",
        f"DESCRIPTION:{escape(description)}",
        "END:VEVENT",
        "END:VCALENDAR",
    ]
    return "\r\n".join(lines) + "\r\n"
