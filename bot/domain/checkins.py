"""Monitoring after return: when check-ins are due, the survey, its scores and its alerts.

The survey follows the three dimensions of sustainable reintegration the programme uses
(economic, social, psychosocial). Each answer is worth 1 (good), 0.5 or 0; "does not apply"
answers are left out of the average. A dimension's score is the mean of its answers, 0 to 1.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from enum import StrEnum
from zoneinfo import ZoneInfo

REMIND_AFTER = timedelta(days=3)
MISSED_AFTER = timedelta(days=14)
SEND_AT = time(10, 0)  # local time of the office, on the due day


class Dimension(StrEnum):
    ECONOMIC = "economic"
    SOCIAL = "social"
    PSYCHOSOCIAL = "psychosocial"


class CheckinStatus(StrEnum):
    SCHEDULED = "scheduled"
    SENT = "sent"
    ANSWERED = "answered"
    MISSED = "missed"
    CANCELLED = "cancelled"


class Alert(StrEnum):
    HELP_NOW = "help_now"
    NO_FOOD = "no_food"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Question:
    id: str
    dimension: Dimension | None  # None: asked, not scored
    options: tuple[tuple[str, float | None], ...]  # (answer id, value; None = does not apply)


QUESTIONS: tuple[Question, ...] = (
    Question("work", Dimension.ECONOMIC, (("regular", 1), ("sometimes", 0.5), ("none", 0))),
    Question("food", Dimension.ECONOMIC, (("always", 1), ("sometimes_not", 0.5), ("often_not", 0))),
    Question("borrow", Dimension.ECONOMIC, (("yes", 1), ("not_sure", 0.5), ("no", 0))),
    Question(
        "economy", Dimension.ECONOMIC, (("satisfied", 1), ("so_so", 0.5), ("not_satisfied", 0))
    ),
    Question("housing", Dimension.SOCIAL, (("yes", 1), ("temporary", 0.5), ("no", 0))),
    Question("health", Dimension.SOCIAL, (("yes", 1), ("hard", 0.5), ("no", 0))),
    Question(
        "school", Dimension.SOCIAL, (("yes", 1), ("some", 0.5), ("no", 0), ("no_children", None))
    ),
    Question("documents", Dimension.SOCIAL, (("yes", 1), ("in_progress", 0.5), ("no", 0))),
    Question("safe", Dimension.PSYCHOSOCIAL, (("yes", 1), ("sometimes", 0.5), ("no", 0))),
    Question("support", Dimension.PSYCHOSOCIAL, (("yes", 1), ("a_few", 0.5), ("no", 0))),
    Question("community", Dimension.PSYCHOSOCIAL, (("yes", 1), ("a_little", 0.5), ("no", 0))),
    Question("leave", Dimension.PSYCHOSOCIAL, (("no", 1), ("maybe", 0.5), ("yes", 0))),
    Question("help_received", None, (("satisfied", 1), ("partly", 0.5), ("not_satisfied", 0))),
    Question("help_now", None, (("no", 1), ("yes", 0))),
)
BY_ID = {question.id: question for question in QUESTIONS}


@dataclass(frozen=True, slots=True)
class Scores:
    economic: float | None
    social: float | None
    psychosocial: float | None


def is_complete(answers: dict[str, str]) -> bool:
    return all(valid_answer(q.id, answers.get(q.id)) for q in QUESTIONS)


def valid_answer(question_id: str, answer: str | None) -> bool:
    question = BY_ID.get(question_id)
    return question is not None and answer in {option for option, _ in question.options}


def score(answers: dict[str, str]) -> Scores:
    """Mean of the answers' values per dimension; None where nothing applies."""
    values: dict[Dimension, list[float]] = {d: [] for d in Dimension}
    for question in QUESTIONS:
        if question.dimension is None or question.id not in answers:
            continue
        value = dict(question.options).get(answers[question.id])
        if value is not None:
            values[question.dimension].append(value)

    def mean(items: list[float]) -> float | None:
        return round(sum(items) / len(items), 3) if items else None

    return Scores(
        economic=mean(values[Dimension.ECONOMIC]),
        social=mean(values[Dimension.SOCIAL]),
        psychosocial=mean(values[Dimension.PSYCHOSOCIAL]),
    )


def alerts(answers: dict[str, str]) -> tuple[Alert, ...]:
    """What staff must hear about at once (the reason only, never the answers)."""
    found = []
    if answers.get("help_now") == "yes":
        found.append(Alert.HELP_NOW)
    if answers.get("food") == "often_not":
        found.append(Alert.NO_FOOD)
    if answers.get("safe") == "no":
        found.append(Alert.UNSAFE)
    return tuple(found)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise ValueError(day)  # pragma: no cover


def due_times(
    returned_on: date, offsets_months: tuple[int, ...], tz: ZoneInfo
) -> list[tuple[int, datetime]]:
    """(months after return, when) of each check-in: 10:00 office time on the due day."""
    return [
        (months, datetime.combine(add_months(returned_on, months), SEND_AT, tzinfo=tz))
        for months in sorted(set(offsets_months))
    ]


@dataclass(frozen=True, slots=True)
class DueCheckin:
    id: int
    registration_id: int
    due_at: datetime
    user_id: int | None = None


def split_overdue(due: list[DueCheckin]) -> tuple[list[DueCheckin], list[DueCheckin]]:
    """Of several overdue check-ins of one person, only the most recent is sent; the others
    are missed (no burst of old surveys after a downtime). Returns (to send, to mark missed)."""
    latest: dict[int, DueCheckin] = {}
    for item in due:
        current = latest.get(item.registration_id)
        if current is None or item.due_at > current.due_at:
            latest[item.registration_id] = item
    send = list(latest.values())
    chosen = {item.id for item in send}
    return send, [item for item in due if item.id not in chosen]
