"""Slots and registered people for the booking tests, made through the services."""

from __future__ import annotations

from datetime import date, time

from bot.domain.booking import SlotPlan
from bot.domain.registration import AgeGroup, Draft, Gender, PassportState
from bot.locales import SUPPORTED_LOCALES
from tests.support import STAFF_ID

TOMORROW = date(2026, 11, 24)  # the fake clock says 2026-11-23 09:00 UTC
AFTER = date(2026, 11, 25)


async def publish(app, days=(TOMORROW, AFTER), start="10:00", end="11:00", length=30, capacity=3):
    plan = SlotPlan(
        "rabat", tuple(days), time.fromisoformat(start), time.fromisoformat(end), length, capacity
    )
    return await app.bookings.publish(STAFF_ID, plan)


def draft(locale="en"):
    return Draft(
        name="Test Person", country="GN", office_id="rabat", city="Rabat", phone=None,
        gender=Gender.MAN, age_group=AgeGroup.FROM_18_TO_25, passport=PassportState.NONE,
        companions=0, contact_locale=locale,
    )  # fmt: skip


async def registered_person(harness, user_id, locale="en"):
    """A person with an open registration, on the main menu in their language."""
    await harness.app.registrations.register(user_id, draft(locale))
    person = harness.person(user_id, "en")
    await person.send("/start")
    await person.press(SUPPORTED_LOCALES.index(locale) + 1)
    return person, harness.app.catalogs[locale]


async def to_confirm(person, t, day=TOMORROW, hour="10:00"):
    await person.press(t.gettext("📅 Book my interview"))
    await person.press(str(day.day))
    await person.press(hour)
