"""Calendars open on the month of the app's clock, never of the host's: the office's "today"
is what counts, and the tests' fake clock must not race the real calendar (a run near the end
of a month once opened staff's slot calendar on the next month)."""

from datetime import UTC, datetime

from tests.dialogs.registration_steps import open_menu
from tests.support import STAFF_ID


async def test_slot_calendar_opens_on_the_month_of_the_app_clock(harness, clock):
    clock.current = datetime(2021, 3, 10, 9, 0, tzinfo=UTC)  # far from the host's today
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/slots")
    await staff.press("➕ Publish slots")
    await staff.press("Morocco – Rabat")
    assert "🗓 March 2021" in staff.button_texts()
    await staff.press("10")
    await staff.press("Continue ➡️")
    await staff.press("09:00")
    await staff.press("10:00")
    await staff.press("30 minutes")
    await staff.press("1")
    assert "Days: Wed 10 Mar" in staff.last_text()


async def test_return_day_calendar_opens_on_the_month_of_the_app_clock(harness, clock):
    clock.current = datetime(2021, 3, 10, 9, 0, tzinfo=UTC)
    person, t = await open_menu(harness, 14900, "en")
    await person.press(t.gettext("🏡 I came back home: reintegration support"))
    await person.press(t.gettext("✅ I agree"))
    await person.send("Youssef")
    await person.send("tun")
    await person.press(t.country("TN"))
    await person.press("Oujda")
    assert "🗓 March 2021" in person.button_texts()
    assert "11" not in person.button_texts()  # tomorrow is not a day one came back on
