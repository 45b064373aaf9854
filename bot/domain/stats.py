"""The programme's figures, as pure functions over plain rows (table-driven tests).

Small numbers identify people: in anything that leaves the staff chat (charts, exports, reports
from the command line) a count under 5 is shown as "<5".
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

SMALL = 5
FUNNEL = ("registered", "interviewed", "departed", "returned", "withdrawn")
# Statuses that prove a stage was reached (a later step implies the earlier ones).
INTERVIEWED = frozenset(
    {"interview", "medical_check", "travel_documents", "departure_planned", "returned"}
)
DEPARTED = frozenset({"departure_planned", "returned"})


@dataclass(frozen=True, slots=True)
class Period:
    start: date
    end: date  # inclusive

    def __post_init__(self) -> None:
        if self.end < self.start:
            raise ValueError("the end of the period is before its start")


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
    """Each case's set of statuses ever reached -> how many reached each stage."""
    counts = dict.fromkeys(FUNNEL, 0)
    for reached in stages_by_case:
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
