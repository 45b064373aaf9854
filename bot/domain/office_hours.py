"""When an office is open: weekly periods from `config/offices.toml`, in the office's time zone.

`hours = ["mon-fri 08:30-16:30", "sat 09:00-12:00"]`. An office without hours is treated as
always counting (an urgent alert is repeated after the plain delay), and people are told only
that staff answer during office hours.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from zoneinfo import ZoneInfo

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_PERIOD = re.compile(
    r"^(?P<first>[a-z]{3})(?:-(?P<last>[a-z]{3}))?\s+"
    r"(?P<opens>\d{2}:\d{2})-(?P<closes>\d{2}:\d{2})$"
)


class HoursError(ValueError):
    pass


@dataclass(frozen=True, slots=True)
class OpeningPeriod:
    first_day: int  # 0 = Monday
    last_day: int
    opens: time
    closes: time

    @property
    def weekdays(self) -> tuple[int, ...]:
        return tuple(range(self.first_day, self.last_day + 1))


def parse_period(text: str) -> OpeningPeriod:
    match = _PERIOD.match(text.strip().lower())
    if match is None:
        raise HoursError(f'{text!r} should look like "mon-fri 08:30-16:30"')
    first, last = match["first"], match["last"] or match["first"]
    if first not in DAYS or last not in DAYS or DAYS.index(last) < DAYS.index(first):
        raise HoursError(f"{text!r}: days are mon, tue, wed, thu, fri, sat, sun, in order")
    try:
        opens, closes = time.fromisoformat(match["opens"]), time.fromisoformat(match["closes"])
    except ValueError:
        raise HoursError(f"{text!r}: times are HH:MM") from None
    if closes <= opens:
        raise HoursError(f"{text!r}: the office must close after it opens")
    return OpeningPeriod(DAYS.index(first), DAYS.index(last), opens, closes)


def _intervals(periods: tuple[OpeningPeriod, ...], tz: ZoneInfo, start: datetime, days: int):
    """Open intervals (UTC) from the local day of `start`, for `days` days, in order."""
    local_day = start.astimezone(tz).date()
    found = []
    for offset in range(days):
        day = local_day + timedelta(days=offset)
        for period in periods:
            if day.weekday() in period.weekdays:
                opens = datetime.combine(day, period.opens, tz).astimezone(UTC)
                closes = datetime.combine(day, period.closes, tz).astimezone(UTC)
                found.append((opens, closes))
    return sorted(found)


def is_open(periods: tuple[OpeningPeriod, ...], tz: ZoneInfo, now: datetime) -> bool:
    return any(opens <= now < closes for opens, closes in _intervals(periods, tz, now, 1))


def next_opening(
    periods: tuple[OpeningPeriod, ...], tz: ZoneInfo, now: datetime
) -> datetime | None:
    """When the office next opens after `now` (None without hours)."""
    return next((opens for opens, _ in _intervals(periods, tz, now, 8) if opens > now), None)


def after_office_time(
    periods: tuple[OpeningPeriod, ...], tz: ZoneInfo, start: datetime, duration: timedelta
) -> datetime:
    """The moment when `duration` of office time has passed since `start` (plain time when the
    office has no hours)."""
    if not periods:
        return start + duration
    left = duration
    for opens, closes in _intervals(periods, tz, start - timedelta(days=1), 15):
        begin = max(opens, start)
        if closes <= begin:
            continue
        if begin + left <= closes:
            return begin + left
        left -= closes - begin
    return start + duration  # unreachable with any weekly period; kept as a safe answer
