"""The check-in rules as pure functions: scores, alerts, due dates, the overdue rule."""

from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import pytest

from bot.domain.checkins import (
    QUESTIONS,
    Alert,
    DueCheckin,
    add_months,
    alerts,
    due_times,
    is_complete,
    score,
    split_overdue,
)

BEST = {q.id: q.options[0][0] for q in QUESTIONS}
WORST = {q.id: next(o for o, v in q.options if v == 0) for q in QUESTIONS}


def test_between_eight_and_twelve_scored_questions_plus_help_and_satisfaction():
    scored = [q for q in QUESTIONS if q.dimension is not None]
    assert 8 <= len(scored) <= 12
    assert {q.id for q in QUESTIONS if q.dimension is None} == {"help_received", "help_now"}


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        (BEST, (1.0, 1.0, 1.0)),
        (WORST, (0.0, 0.0, 0.0)),
        ({**BEST, "work": "sometimes", "food": "sometimes_not"}, (0.75, 1.0, 1.0)),
        ({**BEST, "school": "no_children"}, (1.0, 1.0, 1.0)),  # does not apply: left out
        ({**BEST, "school": "no_children", "housing": "no"}, (1.0, 0.667, 1.0)),
        ({**BEST, "leave": "yes", "safe": "sometimes"}, (1.0, 1.0, 0.625)),
        ({}, (None, None, None)),
    ],
)
def test_scores(answers, expected):
    result = score(answers)
    assert (result.economic, result.social, result.psychosocial) == expected


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({}, ()),
        ({"help_now": "yes"}, (Alert.HELP_NOW,)),
        ({"food": "often_not"}, (Alert.NO_FOOD,)),
        ({"food": "sometimes_not"}, ()),
        ({"safe": "no"}, (Alert.UNSAFE,)),
        (
            {"help_now": "yes", "food": "often_not", "safe": "no"},
            (Alert.HELP_NOW, Alert.NO_FOOD, Alert.UNSAFE),
        ),
    ],
)
def test_alerts(changes, expected):
    assert alerts({**BEST, **changes}) == expected


def test_complete_only_with_a_valid_answer_to_every_question():
    assert is_complete(BEST)
    assert not is_complete({**BEST, "work": "maybe"})
    assert not is_complete({k: v for k, v in BEST.items() if k != "help_now"})


@pytest.mark.parametrize(
    ("day", "months", "expected"),
    [
        (date(2026, 1, 31), 1, date(2026, 2, 28)),
        (date(2026, 10, 14), 3, date(2027, 1, 14)),
        (date(2026, 12, 1), 12, date(2027, 12, 1)),
        (date(2028, 1, 31), 1, date(2028, 2, 29)),
    ],
)
def test_add_months(day, months, expected):
    assert add_months(day, months) == expected


def test_due_times_at_ten_office_time():
    tz = ZoneInfo("Africa/Casablanca")
    times = due_times(date(2026, 10, 14), (12, 1, 3, 6), tz)
    assert [m for m, _ in times] == [1, 3, 6, 12]
    assert times[0][1] == datetime(2026, 11, 14, 10, 0, tzinfo=tz)


def test_only_the_most_recent_overdue_checkin_is_sent():
    t = lambda month: datetime(2026, month, 1, tzinfo=UTC)  # noqa: E731
    due = [DueCheckin(1, 7, t(2)), DueCheckin(2, 7, t(4)), DueCheckin(3, 8, t(3))]
    send, missed = split_overdue(due)
    assert sorted(c.id for c in send) == [2, 3]
    assert [c.id for c in missed] == [1]
