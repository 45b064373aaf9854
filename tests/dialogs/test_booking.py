"""Booking an interview: calendar, confirmation, .ics, moving, cancelling, reminders, staff
slots, and no double booking ever."""

import asyncio
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bot.locales import SUPPORTED_LOCALES
from bot.services.booking import Booked
from tests.dialogs.booking_steps import TOMORROW, publish, registered_person, to_confirm
from tests.support import STAFF_ID


async def scalar(app, sql):
    async with app.engine.connect() as connection:
        return (await connection.execute(text(sql))).scalar()


async def booked_counts(app):
    async with app.engine.connect() as connection:
        rows = await connection.execute(text("select booked from slots order by starts_at"))
        return [row[0] for row in rows]


def answers(harness):
    return [e.text for e in harness.api.events if e.kind == "answer"]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_book_in_every_language_with_a_localized_date_and_a_calendar_file(harness, locale):
    await publish(harness.app)
    person, t = await registered_person(harness, 10001, locale)
    await person.press(t.gettext("📅 Book my interview"))
    calendar = person.last_text()
    assert t.date(TOMORROW, "LLLL y") in " ".join(person.button_texts())  # month in their language
    days = [b for b in person.button_texts() if b.isdigit()]
    # only days with a free slot are choosable; a week reads from the right in Arabic
    assert days == (["25", "24"] if t.rtl else ["24", "25"])
    assert harness.app.offices[0].city_in(locale) in calendar  # "الرباط" in Arabic
    await person.press("24")
    await person.press("10:00")
    await person.press(t.gettext("✅ Confirm"))
    messages = harness.api.chat(person.chat_id)
    confirmation = next(
        m["text"]
        for m in reversed(messages)
        if "text" in m and t.gettext("<b>Your interview is booked.</b>") in m["text"]
    )
    assert t.date(TOMORROW, "full") in confirmation  # e.g. "mardi 24 novembre 2026"
    assert "11, rue Aït Ourir" in confirmation
    document = next(m for m in messages if "document" in m)
    assert document["document"]["file_name"] == "interview.ics"
    await person.press(t.gettext("🏠 Main menu"))
    assert t.gettext("📅 My interview") in person.button_texts()
    assert await scalar(harness.app, "select status from registrations") == "interview"
    await harness.worker().run_once()
    assert harness.staff_chat()[-1]["text"].startswith(
        "📅 MA-2026-000001: interview booked for Tuesday, November 24, 2026"
    )


async def test_french_confirmation_reads_like_the_issue_example(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 10002, "fr")
    await to_confirm(person, t)
    # 10:00 in Rabat (UTC+1) is stored as 09:00 UTC and shown in the office's time zone
    assert "mardi 24 novembre 2026 à 10:00" in person.last_text()


async def test_week_starts_on_the_locales_first_day(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 10003, "fr")
    await person.press(t.gettext("📅 Book my interview"))
    rows = person.last()["reply_markup"]["inline_keyboard"]
    weekday_row = next(
        r
        for r in rows
        if len(r) == 7
        and not r[0]["text"].isdigit()
        and r[0]["text"] != "·"
        and r[0]["text"].strip()
    )
    assert weekday_row[0]["text"] == "lu"  # lundi: the French week starts on Monday


async def test_move_and_cancel_free_the_place_at_once(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 10004)
    await to_confirm(person, t)
    await person.press("✅ Confirm")
    await person.press("🏠 Main menu")
    await person.press("📅 My interview")
    await person.press("🔁 Choose another time")
    await person.press("25")
    await person.press("10:30")
    assert "This will replace your current interview time." in person.last_text()
    await person.press("✅ Confirm")
    counts = await booked_counts(harness.app)
    assert counts == [0, 0, 0, 1]  # the first place is free again, the new one taken
    await person.press("🏠 Main menu")
    await person.press("📅 My interview")
    await person.press("🚫 Cancel my interview")
    await person.press("🚫 Yes, cancel it")
    assert await booked_counts(harness.app) == [0, 0, 0, 0]
    assert answers(harness)[-1] == "Your interview is cancelled. You can book another time."
    await harness.worker().run_once()
    staff = [m["text"] for m in harness.staff_chat()]
    assert any("interview moved to" in s for s in staff) and any("cancelled" in s for s in staff)


async def test_no_change_within_the_cutoff(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 10005)
    await to_confirm(person, t)
    await person.press("✅ Confirm")
    harness.app.clock.current = harness.app.clock.current.replace(day=24, hour=8)  # 1 h before
    await person.press("🏠 Main menu")
    await person.press("📅 My interview")
    assert "It is too late to change it here. Please contact the office." in person.last_text()
    assert "🚫 Cancel my interview" not in person.button_texts()
    assert await harness.app.bookings.cancel(10005) is Booked.TOO_LATE  # the service refuses too
    assert await booked_counts(harness.app) == [1, 0, 0, 0]


async def test_reminders_24h_and_2h_before_in_the_persons_language_once_each(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 10006, "ar")
    await to_confirm(person, t, hour="10:30")  # 09:30 UTC tomorrow: Rabat is UTC+1
    await person.press(t.gettext("✅ Confirm"))
    office = harness.app.offices[0]
    starts = datetime(2026, 11, 24, 9, 30, tzinfo=UTC)
    when = t.gettext(
        "{date} at {time}", date=t.date(TOMORROW, "full"), time=t.time(starts, office.tz)
    )

    def reminders(hours):
        expected = t.ngettext(
            "Reminder: your interview is in {n} hour, {when}.",
            "Reminder: your interview is in {n} hours, {when}.",
            hours,
            when=when,
        )
        return [
            m for m in harness.api.chat(person.chat_id) if m.get("text", "").startswith(expected)
        ]

    worker = harness.worker()
    await worker.run_once()
    assert reminders(24) == []
    harness.app.clock.current = starts - timedelta(hours=24) + timedelta(minutes=1)
    await worker.run_once()
    await worker.run_once()
    assert len(reminders(24)) == 1
    assert reminders(2) == []
    harness.app.clock.current = starts - timedelta(hours=2) + timedelta(minutes=1)
    await worker.run_once()
    await worker.run_once()
    assert len(reminders(24)) == 1 and len(reminders(2)) == 1


async def test_moving_withdraws_the_old_reminders(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 10007)
    await to_confirm(person, t, hour="10:30")
    await person.press("✅ Confirm")
    await person.press("🏠 Main menu")
    await person.press("📅 My interview")
    await person.press("🔁 Choose another time")
    await person.press("25")
    await person.press("10:00")
    await person.press("✅ Confirm")
    async with harness.app.engine.connect() as connection:
        rows = (await connection.execute(text(
            "select dedupe_key, status from outbox where kind='interview_reminder' order by id"
        ))).all()  # fmt: skip
    assert [r[1] for r in rows] == ["cancelled", "cancelled", "pending", "pending"]


async def test_a_full_slot_says_taken_and_shows_the_nearest_times(harness):
    await publish(harness.app, capacity=1)
    first, t = await registered_person(harness, 10008)
    second, _ = await registered_person(harness, 10009)
    await to_confirm(first, t)
    await to_confirm(second, t)
    await first.press("✅ Confirm")
    await second.press("✅ Confirm")
    assert (
        answers(harness)[-1] == "Sorry, this time was just taken. Here are the nearest open times."
    )
    times = " ".join(second.button_texts())
    assert "10:30" in times and "10:00" not in times  # the nearest free time, not the taken one
    assert await scalar(harness.app, "select count(*) from bookings") == 1


async def test_a_past_slot_cannot_be_booked(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 10010)
    await to_confirm(person, t)
    confirm_screen = person.last_with_keyboard()
    harness.app.clock.advance(days=3)
    await person.press("✅ Confirm", message=confirm_screen)
    assert await scalar(harness.app, "select count(*) from bookings") == 0


async def test_without_registration_there_is_no_booking(harness):
    await publish(harness.app)
    person = harness.person(10011, "en")
    await person.send("/start")
    await person.press("English")
    assert "📅 Book my interview" not in person.button_texts()
    result = await harness.app.bookings.book(10011, 1)
    assert result.outcome.value == "not_allowed"


@pytest.mark.slow  # fifty people at once
async def test_fifty_simultaneous_bookings_on_three_places(harness):
    await publish(harness.app, days=(TOMORROW,), start="10:00", end="10:30", capacity=3)
    people = []
    for user_id in range(20001, 20051):
        person, t = await registered_person(harness, user_id)
        await to_confirm(person, t)
        people.append(person)
    await asyncio.gather(*(p.press("✅ Confirm") for p in people))
    assert await scalar(harness.app, "select count(*) from bookings where status='active'") == 3
    assert await booked_counts(harness.app) == [3]
    taken = [
        a
        for a in answers(harness)
        if a == "Sorry, this time was just taken. Here are the nearest open times."
    ]
    assert len(taken) == 47


@pytest.mark.slow  # dozens of people at once
async def test_last_place_of_the_day_with_everyone_pressing_confirm_twice(harness):
    await publish(harness.app, days=(TOMORROW,), start="10:00", end="10:30", capacity=1)
    people = []
    for user_id in range(21001, 21021):
        person, t = await registered_person(harness, user_id)
        await to_confirm(person, t)
        people.append((person, person.last_with_keyboard()))
    await asyncio.gather(*(p.press("✅ Confirm", message=m) for p, m in people for _ in range(2)))
    assert await scalar(harness.app, "select count(*) from bookings") == 1
    assert await booked_counts(harness.app) == [1]


async def test_staff_publish_slots_with_the_dialog(harness):
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/slots")
    assert "No slot yet." in staff.last_text()
    await staff.press("➕ Publish slots")
    await staff.press("Morocco – Rabat")
    await staff.press("24")
    await staff.press("25")
    await staff.press("25")  # unselected again
    await staff.press("Continue ➡️")
    await staff.press("09:00")
    assert "08:30" not in staff.button_texts()  # "to" can only be after "from"
    await staff.press("10:00")
    await staff.press("30 minutes")
    await staff.send("0")
    assert harness.api.chat(STAFF_ID)[-2]["text"] == "Each slot must take from 1 to 10 people."
    await staff.press("2")
    assert "Days: Tue 24 Nov" in staff.last_text()
    await staff.press("✅ Publish")
    assert answers(harness)[-1] == "2 slots created."
    assert await booked_counts(harness.app) == [0, 0]
    assert "· 0/2" in " ".join(staff.button_texts())


async def test_tampered_end_before_start_is_refused(harness):
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/slots")
    await staff.press("➕ Publish slots")
    await staff.press("Morocco – Rabat")
    await staff.press("24")
    await staff.press("Continue ➡️")
    await staff.press("12:00")
    message = staff.last()
    intent = staff.buttons(message)[0]["callback_data"].split("\x1d")[0]
    data = intent + "\x1dend:08:00"  # an "until" before "from", as a tampered client could send
    await staff.press_data(data, message)
    assert answers(harness)[-1] == "The end must be after the start."


async def test_non_staff_cannot_open_slots(harness):
    person, _ = await registered_person(harness, 10012)
    await person.send("/slots")
    assert (
        harness.api.chat(10012)[-2]["text"]
        == "I do not know this command. Please use the buttons below."
    )


async def test_removing_a_slot_tells_the_person_in_their_language_with_a_way_to_rebook(harness):
    await publish(harness.app)
    person, t = await registered_person(harness, 10013, "es")
    await to_confirm(person, t)
    await person.press(t.gettext("✅ Confirm"))
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/slots")
    await staff.press(1)
    assert "MA-2026-000001" in " ".join(staff.button_texts())
    await staff.press("🗑 Remove this slot")
    assert "1 person is booked on this slot." in staff.last_text()  # asks first (issue 14 §6)
    await staff.press("🗑 Yes, remove it")
    assert answers(harness)[-1] == "Removed. 1 person was told."
    await harness.worker().run_once()
    notice = harness.api.last_message(person.chat_id)
    assert t.gettext("📅 Choose another time") in [
        b["text"] for row in notice["reply_markup"]["inline_keyboard"] for b in row
    ]
    await person.press(t.gettext("📅 Choose another time"), message=notice)
    assert t.date(TOMORROW, "LLLL y") in " ".join(person.button_texts())
    async with harness.app.engine.connect() as connection:
        statuses = (
            (
                await connection.execute(
                    text("select status from outbox where kind='interview_reminder'")
                )
            )
            .scalars()
            .all()
        )
    assert set(statuses) == {"cancelled"}


@pytest.mark.parametrize(("mark", "status"), [("✅", "medical_check"), ("❌", "contacted")])
async def test_staff_mark_attended_or_missed_moves_the_case(harness, mark, status):
    await publish(harness.app)
    person, t = await registered_person(harness, 10014)
    await to_confirm(person, t)
    await person.press("✅ Confirm")
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/slots")
    await staff.press(1)
    await staff.press(f"{mark} MA-2026-000001")
    assert await scalar(harness.app, "select status from registrations") == status
    await harness.worker().run_once()
    if status == "contacted":
        assert person.last_text().startswith("You missed your interview of")
