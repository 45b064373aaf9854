"""A calendar in the person's language: month and day names from Babel's CLDR data, the week
starting on the locale's first day, and only the days given by the window marked as choosable."""

from __future__ import annotations

from datetime import UTC, date
from typing import Any

from aiogram_dialog import DialogManager
from aiogram_dialog.widgets.kbd import Calendar
from aiogram_dialog.widgets.kbd.calendar_kbd import (
    CalendarDaysView,
    CalendarMonthView,
    CalendarScope,
    CalendarScopeView,
    CalendarUserConfig,
    CalendarYearsView,
)
from aiogram_dialog.widgets.text import Format, Text
from babel.dates import format_date

from dialogs.widgets import translator

UNAVAILABLE = "·"


class BabelDate(Text):
    """`data["date"]` formatted with a CLDR pattern in the reader's language."""

    def __init__(self, pattern: str, template: str = "{}") -> None:
        super().__init__()
        self.pattern = pattern
        self.template = template

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        text = format_date(data["date"], self.pattern, locale=translator(manager).babel)
        return self.template.format(text)


class ChoosableDay(Text):
    """The day number if the window's getter lists the day in `choosable_days`, else a dot."""

    async def _render_text(self, data: dict[str, Any], manager: DialogManager) -> str:
        day: date = data["date"]
        choosable = data["data"].get("choosable_days", ())
        return str(day.day) if day.isoformat() in choosable else UNAVAILABLE


class LocalCalendar(Calendar):
    """Reads `calendar_tz`, `min_date`, `max_date` and `choosable_days` from the getter.

    With `open_on_first_choosable`, it opens on the month of the first choosable day (not on a
    month with nothing to choose). For right-to-left readers each row is mirrored, as NavRow
    does: the week reads from the right, and "‹ previous month" sits on the right.
    """

    def __init__(self, *args: Any, open_on_first_choosable: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.open_on_first_choosable = open_on_first_choosable

    async def _render_keyboard(self, data: dict[str, Any], manager: DialogManager) -> Any:
        if self.get_offset(manager) is None:
            days = sorted(data.get("choosable_days") or ())
            if self.open_on_first_choosable and days:
                self.set_offset(date.fromisoformat(days[0]), manager)
            else:  # the app's clock, not the host's: "today" is the office's day
                now = manager.middleware_data["clock"].now()
                self.set_offset(now.astimezone(data.get("calendar_tz") or UTC).date(), manager)
        keyboard = await super()._render_keyboard(data, manager)
        if translator(manager).rtl:
            return [list(reversed(row)) for row in keyboard]
        return keyboard

    def _init_views(self) -> dict[CalendarScope, CalendarScopeView]:
        return {
            CalendarScope.DAYS: CalendarDaysView(
                self._item_callback_data,
                date_text=ChoosableDay(),
                today_text=ChoosableDay(),
                weekday_text=BabelDate("EEEEEE"),
                header_text=BabelDate("LLLL y", "🗓 {}"),
                prev_month_text=BabelDate("LLL", "‹ {}"),
                next_month_text=BabelDate("LLL", "{} ›"),
                zoom_out_text=Format("🗓"),
            ),
            CalendarScope.MONTHS: CalendarMonthView(
                self._item_callback_data,
                month_text=BabelDate("LLL"),
                this_month_text=BabelDate("LLL", "[{}]"),
                header_text=BabelDate("y"),
                prev_year_text=BabelDate("y", "‹ {}"),
                next_year_text=BabelDate("y", "{} ›"),
            ),
            CalendarScope.YEARS: CalendarYearsView(self._item_callback_data),
        }

    async def _get_user_config(
        self, data: dict[str, Any], manager: DialogManager
    ) -> CalendarUserConfig:
        return CalendarUserConfig(
            firstweekday=translator(manager).babel.first_week_day,
            timezone=data.get("calendar_tz"),
            min_date=data.get("min_date"),
            max_date=data.get("max_date"),
        )
