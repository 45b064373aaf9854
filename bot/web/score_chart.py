"""Check-in scores over time, as a small SVG drawn on the server (no script, CSP-safe).

Scores are 0 to 1 per dimension; x is the check-in (1, 3, 6, 12 months after return).
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.i18n import N_
from bot.services.ports import Checkin

WIDTH, HEIGHT = 320, 160
LEFT, RIGHT, TOP, BOTTOM = 34, 10, 10, 26
SERIES = (
    ("economic", N_("economic"), "#1f6feb"),
    ("social", N_("social"), "#2da44e"),
    ("psychosocial", N_("psychosocial"), "#bf8700"),
)


@dataclass(frozen=True, slots=True)
class Line:
    label: str  # a msgid
    colour: str
    points: str  # "x,y x,y" for <polyline>
    dots: list[tuple[float, float]]


@dataclass(frozen=True, slots=True)
class Chart:
    width: int
    height: int
    lines: list[Line]
    x_ticks: list[tuple[float, int]]  # (x, months)
    y_ticks: list[tuple[float, str]]  # (y, "0.5")
    plot: tuple[float, float, float, float]  # left, top, right, bottom


def score_chart(checkins: list[Checkin]) -> Chart | None:
    scored = [c for c in checkins if c.scores.economic is not None or c.scores.social is not None]
    if not scored:
        return None
    scored.sort(key=lambda c: c.months)
    right, bottom = WIDTH - RIGHT, HEIGHT - BOTTOM
    span = max(1, len(scored) - 1)

    def x(index: int) -> float:
        if len(scored) == 1:
            return (LEFT + right) / 2
        return round(LEFT + (right - LEFT) * index / span, 1)

    def y(value: float) -> float:
        return round(bottom - (bottom - TOP) * max(0.0, min(1.0, value)), 1)

    lines = []
    for attribute, label, colour in SERIES:
        dots = [
            (x(i), y(value))
            for i, c in enumerate(scored)
            if (value := getattr(c.scores, attribute)) is not None
        ]
        points = " ".join(f"{px},{py}" for px, py in dots)
        lines.append(Line(label, colour, points, dots))
    return Chart(
        WIDTH,
        HEIGHT,
        lines,
        [(x(i), c.months) for i, c in enumerate(scored)],
        [(y(v), f"{v:.1f}") for v in (0.0, 0.5, 1.0)],
        (LEFT, TOP, right, bottom),
    )
