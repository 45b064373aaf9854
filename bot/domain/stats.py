"""The programme's figures, as pure functions over plain rows (table-driven tests).

Small numbers identify people: in anything that leaves the staff chat (charts, exports, reports
from the command line) a count under 5 is shown as "<5".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from bot.domain.checkins import QUESTIONS

SMALL = 5
FUNNEL = ("registered", "interviewed", "departed", "returned", "withdrawn", "self_reported")
# Statuses in a case's history that prove a stage was passed. "interview" is not one of them:
# it only means an interview was booked (and may have been cancelled or missed); the steps
# after it come only from an interview that took place.
INTERVIEWED = frozenset({"medical_check", "travel_documents", "departure_planned"})
DEPARTED = frozenset({"departure_planned"})
SELF_REPORTED = "self_reported"  # a returnee who asked for reintegration support themselves


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the end of the period is before its start")


PRESETS = ("month", "year", "last_year")  # the periods /stats and the console offer first


def preset_period(name: str, today: date) -> Period:
    """This month or this year (to today), or last year (whole)."""
    start, end = {
        "month": (today.replace(day=1), today),
        "year": (today.replace(month=1, day=1), today),
        "last_year": (date(today.year - 1, 1, 1), date(today.year - 1, 12, 31)),
    }[name]
    return Period(start, end)


def earliest_day(today: date) -> date:
    """The first day a chosen period may start: three calendar years back."""
    return date(today.year - 3, 1, 1)


@dataclass(frozen=True, slots=True)
class CountryRow:
    country: str  # ISO code, or "" for the total row
    female: int
    male: int
    total: int  # includes "another gender" and "prefer not to say"


def country_gender_table(rows: Iterable[tuple[str, str, int]]) -> list[CountryRow]:
    """(country, gender, count) rows -> the report's table, by total then name, with a total."""
    female: Counter[str] = Counter()
    male: Counter[str] = Counter()
    total: Counter[str] = Counter()
    for country, gender, count in rows:
        total[country] += count
        if gender == "woman":
            female[country] += count
        elif gender == "man":
            male[country] += count
    table = [CountryRow(c, female[c], male[c], total[c]) for c in total]
    table.sort(key=lambda row: (-row.total, row.country))
    table.append(CountryRow("", sum(female.values()), sum(male.values()), sum(total.values())))
    return table


def funnel(stages_by_case: Iterable[set[str]]) -> dict[str, int]:
    """Each case's history (every status it was ever moved to, and SELF_REPORTED for a returnee
    who asked for reintegration support themselves) -> how many really passed each stage.

    A stage counts only what the history proves: "interview" is reached when an interview is
    booked, so a case counts as interviewed only once it went past it (the interview attended
    moves it to the medical check); "departure planned" only if it was ever set; a return only
    if staff marked it. Returnees who registered themselves came back on their own: they are
    counted apart, in no stage of the programme's own funnel."""
    counts = dict.fromkeys(FUNNEL, 0)
    for reached in stages_by_case:
        if SELF_REPORTED in reached:
            counts["self_reported"] += 1
            continue
        counts["registered"] += 1
        if reached & INTERVIEWED:
            counts["interviewed"] += 1
        if reached & DEPARTED:
            counts["departed"] += 1
        if "returned" in reached:
            counts["returned"] += 1
        if "withdrawn" in reached:
            counts["withdrawn"] += 1
    return counts


# Columns of each export, so that an empty export still has its header row.
EXPORT_COLUMNS: dict[str, tuple[str, ...]] = {
    "registrations": (
        "reference", "office", "kind", "country_of_origin", "gender", "age_group", "passport",
        "companions", "language", "status", "registered_at", "returned_on", "source",
    ),
    "bookings": ("reference", "office", "starts_at", "status"),
    "checkins": (
        "reference", "months", "status", "due_at", "answered_at", "economic", "social",
        "psychosocial", "alerts", *(f"q_{q}" for q in sorted(q.id for q in QUESTIONS)),
    ),
}  # fmt: skip
FULL_EXPORT_COLUMNS = ("name", "phone", "place", "needs")


def export_columns(table: str, full: bool = False) -> tuple[str, ...]:
    columns = EXPORT_COLUMNS.get(table, ())
    return columns + FULL_EXPORT_COLUMNS if full and table == "registrations" else columns


def suppress(value: int, exact: bool = False) -> str:
    """A count as it may leave the staff chat: under 5 (but not 0) becomes "<5"."""
    if exact or value == 0 or value >= SMALL:
        return str(value)
    return f"<{SMALL}"


def mean(values: Iterable[float | None]) -> float | None:
    present = [v for v in values if v is not None]
    return round(sum(present) / len(present), 2) if present else None


@dataclass
class Report:
    period: Period
    office_id: str | None
    registrations: list[CountryRow] = field(default_factory=list)
    returns: list[CountryRow] = field(default_factory=list)
    funnel: dict[str, int] = field(default_factory=dict)
    age_groups: dict[str, int] = field(default_factory=dict)
    needs: dict[str, int] = field(default_factory=dict)
    slots: dict[str, int] = field(default_factory=dict)
    checkins: dict[str, int] = field(default_factory=dict)
    scores: dict[str, float | None] = field(default_factory=dict)
    sources: dict[str, int] = field(default_factory=dict)
