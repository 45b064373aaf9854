"""Figures: what /stats gives, for a period and an office chosen in a GET form.

The report comes from StatsService.report, its sections from bot.presentation.reports (the same
labels, order and "<5" rule as /stats) and its two charts from bot.presentation.charts (hatched
bars for counts under 5, whole-number axes, Arabic shaped for an Arabic-speaking staff member),
inlined as data: URLs (the CSP allows `img-src data:`), drawn in a worker thread.

A page can be printed, screenshotted or shown on a projector: its tables are suppressed ("<5"),
as everything that leaves the staff chat. Only staff see it (staff_only, refusals audited, as a
refused /stats is).
"""

from __future__ import annotations

import asyncio
import base64
from dataclasses import dataclass
from datetime import date
from typing import Any

from aiohttp import web
from markupsafe import Markup

from bot.domain.offices import Office
from bot.domain.stats import PRESETS, Period, earliest_day, preset_period
from bot.i18n import N_, Translator
from bot.presentation.reports import Table, office_label, report_sections
from bot.web.access import STAFF, console_of, staff_only
from bot.web.rendering import render

ALL = "all"
CUSTOM = "custom"
PERIOD_LABELS = {
    "month": N_("This month"),
    "year": N_("This year"),
    "last_year": N_("Last year"),
    CUSTOM: N_("🗓 Choose dates"),
}
PERIOD_ERRORS = {
    "order": N_("The end must be after the start."),
    "range": N_("Choose days between {first} and today."),
}


@dataclass(frozen=True, slots=True)
class Choice:
    """The period and office asked for in the address; anything unknown falls back to /stats's
    first choice (this month, all offices)."""

    preset: str
    period: Period
    office_id: str | None
    start: date
    end: date
    error: str | None = None  # a key of PERIOD_ERRORS: the period asked for was not used


def _day(value: str) -> date | None:
    try:
        return date.fromisoformat(value) if len(value) == 10 else None
    except ValueError:
        return None


def _field(query: Any, key: str, default: str = "") -> str:
    """A field of the address or of a form, as text (a file sent in its place is ignored)."""
    value = query.get(key, default)
    return value if isinstance(value, str) else default


def parse_choice(query: Any, offices: tuple[Office, ...], today: date) -> Choice:
    office = _field(query, "office", ALL)
    office_id = office if office in {o.id for o in offices} else None
    preset = _field(query, "period", "month")
    if preset in PRESETS:
        period = preset_period(preset, today)
        return Choice(preset, period, office_id, period.start, period.end)
    default = preset_period("month", today)
    if preset != CUSTOM:
        return Choice("month", default, office_id, default.start, default.end)
    start, end = _day(_field(query, "from")), _day(_field(query, "to"))
    if start is None or end is None:
        return Choice(CUSTOM, default, office_id, start or default.start, end or default.end)
    if not earliest_day(today) <= start <= today or not earliest_day(today) <= end <= today:
        return Choice(CUSTOM, default, office_id, start, end, "range")
    if end < start:
        return Choice(CUSTOM, default, office_id, start, end, "order")
    return Choice(CUSTOM, Period(start, end), office_id, start, end)


def _plain(title: str) -> Markup:
    """A section title of the Telegram report (translated, with <b>) as plain text."""
    return Markup(title).striptags()


def _png_url(png: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(png).decode("ascii")


@staff_only
async def figures_page(request: web.Request) -> web.Response:
    from bot.presentation.charts import country_gender_chart, funnel_chart

    console = console_of(request)
    staff = request[STAFF]
    t: Translator = staff.t
    offices = console.app.offices
    today = console.app.clock.now().date()
    choice = parse_choice(request.query, offices, today)
    report = await console.app.stats.report(choice.period, choice.office_id)
    office_name = next(
        (office_label(o, t) for o in offices if o.id == choice.office_id),
        t.gettext("All offices"),
    )
    sections = [
        {
            "title": _plain(section.title),
            "blocks": [
                {"table": block} if isinstance(block, Table) else {"text": block}
                for block in section.blocks
            ],
        }
        for section in report_sections(report, t, exact=False)
    ]
    # The charts draw in the staff member's language (charts.py shapes and orders Arabic), in a
    # worker thread: about half a second each, while the bot goes on serving people.
    titles = (
        t.gettext("Registrations by country and gender"),
        t.gettext("From registration to return"),
    )
    charts = [
        (title, _png_url(await asyncio.to_thread(draw, report, t, title)))
        for title, draw in zip(titles, (country_gender_chart, funnel_chart), strict=True)
    ]
    error = PERIOD_ERRORS.get(choice.error or "")
    return render(
        console.templates,
        "figures.html",
        t,
        staff=staff,
        current="figures",
        choice=choice,
        presets=[(key, t(label)) for key, label in PERIOD_LABELS.items()],
        offices=[(ALL, t.gettext("All offices"))] + [(o.id, office_label(o, t)) for o in offices],
        earliest=earliest_day(today).isoformat(),
        today=today.isoformat(),
        error=t(error, first=t.date(earliest_day(today), "medium")) if error else None,
        heading=_plain(
            t.gettext(
                "<b>Figures</b> · {period} · {office}",
                period=f"{t.date(report.period.start, 'medium')} – "
                f"{t.date(report.period.end, 'medium')}",
                office=Markup.escape(office_name),
            )
        ),
        sections=sections,
        charts=charts,
    )


def add_routes(router: web.UrlDispatcher) -> None:
    router.add_get("/figures", figures_page)
