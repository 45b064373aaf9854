"""The console's Slots page, over the real BookingService, database and outbox: staff publish a
week's slots (shown in the office's time), remove one (asked first when people are booked, who
are then told in their language), mark interviews attended or missed; refusals are audited."""

from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import text

from bot.app import create_app
from tests.dialogs.booking_steps import TOMORROW, publish, registered_person, to_confirm
from tests.dialogs.registration_steps import open_menu
from tests.support import STAFF_ID, make_settings
from tests.web.console_support import (
    audit_rows,
    console_client,
    count_rows,
    csrf_of,
    sign_in,
)

WEEK = "/staff/slots?office=rabat&week=2026-11-24"


@pytest.fixture
async def client(app):
    client = await console_client(app)
    yield client
    await client.close()


async def rows(app, sql):
    async with app.engine.connect() as connection:
        return [tuple(row) for row in await connection.execute(text(sql))]


def plan(csrf, **changes):
    form = {
        "csrf": csrf, "office": "rabat", "week": "2026-11-24", "day": "2026-11-24",
        "start": "10:00", "end": "11:00", "length": "30", "capacity": "2",
    }  # fmt: skip
    form.update(changes)
    return form


async def booked_person(harness, user_id=10013, locale="es"):
    """Slots at 10:00 and 10:30 (Rabat) tomorrow and the day after; the person books the
    first one through the bot."""
    await publish(harness.app)
    person, t = await registered_person(harness, user_id, locale)
    await to_confirm(person, t)
    await person.press(t.gettext("✅ Confirm"))
    await harness.worker().run_once()  # the booking's own notices
    return person, t


def slot_ids(page):
    return [int(s) for s in re.findall(r'data-slot="(\d+)"', page)]


async def test_publish_creates_slots_shown_in_the_offices_time(client, app):
    await sign_in(client, app)
    page = await (await client.get("/staff/slots")).text()
    assert "Morocco – Rabat" in page and "No slot yet." in page
    assert 'aria-current="page">Slots</a>' in page  # the nav link
    data = plan(csrf_of(page), day=["2026-11-24", "2026-11-25"], capacity="2")
    response = await client.post("/staff/slots/publish", data=data)
    page = await response.text()
    assert response.status == 200 and str(response.url).endswith(
        "/staff/slots?office=rabat&week=2026-11-23&done=created&n=4"
    )  # the week of the first day chosen (from Monday, as English counts weeks)
    assert "4 slots created." in page
    assert "Tuesday 24 November" in page and "Wednesday 25 November" in page
    # 10:00 in Rabat (UTC+1) is stored 09:00 UTC and shown 10:00.
    assert "10:00\u202fAM–10:30\u202fAM" in page and "10:30\u202fAM–11:00\u202fAM" in page
    assert page.count("Booked: 0/2") == 4
    stored = await rows(app, "select starts_at, capacity from slots order by starts_at")
    assert [str(s)[:16] for s, _ in stored][:2] == ["2026-11-24 09:00", "2026-11-24 09:30"]
    assert {c for _, c in stored} == {2}
    assert (STAFF_ID, "console", "publish 4 slots office rabat") in await audit_rows(app)


async def test_the_week_moves_and_the_office_is_chosen(client, app):
    await sign_in(client, app)
    page = await (await client.get("/staff/slots?office=nouakchott&week=2026-11-24")).text()
    assert '<option value="nouakchott" selected>' in page
    assert 'href="/staff/slots?office=nouakchott&amp;week=2026-11-30"' in page  # next week
    assert 'href="/staff/slots?office=nouakchott&amp;week=2026-11-16"' in page  # previous
    assert 'name="day" value="2026-11-23"' in page  # today can take new slots
    past = await (await client.get("/staff/slots?office=rabat&week=2026-11-01")).text()
    assert 'name="day"' not in past
    assert "No day of this week can take new slots. Choose a later week." in past


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"capacity": "0"}, "Each slot must take from 1 to 10 people."),
        ({"capacity": "many"}, "Each slot must take from 1 to 10 people."),
        ({"length": "25"}, "Choose one of the interview lengths offered."),
        ({"start": "11:00", "end": "10:00"}, "The end must be after the start."),
        ({"start": "10:15"}, "Choose one of the hours offered."),
        ({"day": []}, "Choose at least one day."),
        ({"day": "2026-11-22"}, "Choose days from today to Jan 21, 2027."),
        ({"day": "2027-03-01"}, "Choose days from today to Jan 21, 2027."),
        (
            {"day": "2026-11-23", "start": "07:00", "end": "09:00"},
            "These times are all in the past",
        ),
        ({"office": "atlantis"}, "Choose one of the offices offered."),
    ],
)
async def test_invalid_input_is_refused_with_a_message_and_changes_nothing(
    client, app, changes, message
):
    await sign_in(client, app)
    page = await (await client.get(WEEK)).text()
    response = await client.post("/staff/slots/publish", data=plan(csrf_of(page), **changes))
    assert response.status == 400
    assert message in await response.text()
    assert await count_rows(app, "slots") == 0
    assert not [r for r in await audit_rows(app) if r[2].startswith("publish")]


async def test_removing_a_booked_slot_asks_then_the_person_is_told_in_their_language(
    harness, client, app
):
    person, t = await booked_person(harness, locale="es")
    await sign_in(client, app)
    page = await (await client.get(WEEK)).text()
    assert "MA-2026-000001" in page and "Booked: 1/3" in page
    first = slot_ids(page)[0]
    response = await client.post(f"/staff/slots/{first}/remove", data={"csrf": csrf_of(page)})
    asked = await response.text()
    assert response.status == 200
    assert "1 person is booked on this slot. They will be told it is cancelled" in asked
    assert "Tuesday, November 24, 2026 10:00\u202fAM" in asked  # in the office's time
    assert await rows(app, "select removed_at from slots where id = 1") == [(None,)]
    confirm = {"csrf": csrf_of(asked), "confirm": "yes"}
    response = await client.post(f"/staff/slots/{first}/remove", data=confirm)
    page = await response.text()
    assert "Removed. 1 person was told." in page
    assert first not in slot_ids(page)
    assert await rows(app, "select status from bookings") == [("slot_removed",)]
    assert (STAFF_ID, "console", f"remove slot {first} (1 told)") in await audit_rows(app)
    await harness.worker().run_once()
    notice = harness.api.last_message(person.chat_id)
    assert notice["text"].startswith(
        t.gettext(
            "Your interview of {when} had to be cancelled by the office. Please choose "
            "another time.",
            when=t.gettext("{date} at {time}", date=t.date(TOMORROW, "full"), time="10:00"),
        )
    )  # in Spanish: "martes, 24 de noviembre de 2026 ..."
    assert t.gettext("📅 Choose another time") in [
        b["text"] for row in notice["reply_markup"]["inline_keyboard"] for b in row
    ]


async def test_no_on_the_confirmation_keeps_the_slot_and_tells_nobody(harness, client, app):
    person, _ = await booked_person(harness)
    sent = len(harness.api.chat(person.chat_id))
    await sign_in(client, app)
    page = await (await client.get(WEEK)).text()
    first = slot_ids(page)[0]
    asked = await (
        await client.post(f"/staff/slots/{first}/remove", data={"csrf": csrf_of(page)})
    ).text()
    response = await client.post(f"/staff/slots/{first}/keep", data={"csrf": csrf_of(asked)})
    page = await response.text()
    assert "The slot was kept." in page and first in slot_ids(page)
    assert await rows(app, "select status from bookings") == [("active",)]
    await harness.worker().run_once()
    assert len(harness.api.chat(person.chat_id)) == sent


async def test_a_slot_without_bookings_is_removed_at_once(client, app):
    await publish(app)
    await sign_in(client, app)
    page = await (await client.get(WEEK)).text()
    first = slot_ids(page)[0]
    response = await client.post(f"/staff/slots/{first}/remove", data={"csrf": csrf_of(page)})
    page = await response.text()
    assert "Removed. 0 people were told." in page and first not in slot_ids(page)
    again = await client.post(f"/staff/slots/{first}/remove", data={"csrf": csrf_of(page)})
    assert "This slot was already removed." in await again.text()


async def test_a_form_without_the_csrf_token_is_refused_and_audited(client, app):
    await publish(app)
    await sign_in(client, app)
    page = await (await client.get(WEEK)).text()
    del_form = plan("")
    del del_form["csrf"]
    response = await client.post("/staff/slots/publish", data=del_form)
    assert response.status == 403 and "This form has expired" in await response.text()
    response = await client.post(f"/staff/slots/{slot_ids(page)[0]}/remove", data={})
    assert response.status == 403
    assert await count_rows(app, "slots") == 4
    assert await rows(app, "select count(*) from slots where removed_at is not null") == [(0,)]
    refused = [r for r in await audit_rows(app) if r[1] == "refused"]
    assert refused == [(STAFF_ID, "refused", "console: bad CSRF token")] * 2


async def test_someone_no_longer_staff_is_refused_and_audited(client, app, database, clock):
    await publish(app)
    await sign_in(client, app)
    page = await (await client.get(WEEK)).text()
    csrf, first = csrf_of(page), slot_ids(page)[0]
    removed = await create_app(make_settings(database, STAFF_USER_IDS="900009"), clock=clock)
    other = await console_client(removed)
    try:
        cookie = client.session.cookie_jar.filter_cookies(client.make_url("/staff/slots"))
        other.session.cookie_jar.update_cookies({"avrr_console": cookie["avrr_console"].value})
        response = await other.post(f"/staff/slots/{first}/remove", data={"csrf": csrf})
        assert response.status == 403 and "Only office staff" in await response.text()
        assert (STAFF_ID, "refused", "console: no longer staff") in await audit_rows(removed)
    finally:
        await other.close()
        await removed.close()
    assert await rows(app, "select count(*) from slots where removed_at is not null") == [(0,)]
    stranger = await console_client(app)
    try:
        assert (await stranger.get(WEEK)).status == 401  # never signed in
    finally:
        await stranger.close()


@pytest.mark.parametrize(
    ("outcome", "status"), [("attended", "medical_check"), ("missed", "contacted")]
)
async def test_marking_a_past_interview_moves_the_case(
    harness, client, app, clock, outcome, status
):
    person, _ = await booked_person(harness, locale="en")
    clock.advance(days=1, hours=1, minutes=30)  # 10:30 in Rabat on the 24th: it has started
    await sign_in(client, app)
    page = await (await client.get(WEEK)).text()
    card = page[page.index('data-slot="1"') : page.index('data-slot="2"')]
    assert "MA-2026-000001" in card and "🗑" not in card  # started: no removing any more
    assert 'value="attended"' in card and 'value="missed"' in card
    booking = re.search(r"/staff/slots/bookings/(\d+)/mark", card).group(1)
    form = {"csrf": csrf_of(page), "outcome": outcome, "office": "rabat", "week": "2026-11-24"}
    response = await client.post(f"/staff/slots/bookings/{booking}/mark", data=form)
    page = await response.text()
    assert "Done." in page
    assert await rows(app, "select status from registrations") == [(status,)]
    assert await rows(app, "select status from bookings") == [(outcome,)]
    label = "attended" if outcome == "attended" else "not attended"
    card = page[page.index('data-slot="1"') : page.index('data-slot="2"')]
    assert f'<span class="hint">{label}</span>' in card and 'value="missed"' not in card
    assert (STAFF_ID, "console", f"mark booking {booking} {outcome}") in await audit_rows(app)
    again = await client.post(f"/staff/slots/bookings/{booking}/mark", data=form)
    assert "This was already recorded." in await again.text()
    await harness.worker().run_once()
    if outcome == "missed":
        assert person.last_text().startswith("You missed your interview of")


async def test_an_arabic_speaking_staff_member_gets_the_page_in_arabic(harness, client, app):
    await publish(app)
    await open_menu(harness, STAFF_ID, "ar")  # the staff member chose Arabic in the bot
    await sign_in(client, app)
    page = await (await client.get(WEEK)).text()
    ar = app.catalogs["ar"]
    assert '<html lang="ar" dir="rtl">' in page
    assert ar.gettext("Slots") in page and ar.gettext("Previous week") in page
    assert ar.date(date(2026, 11, 24), "EEEE d MMMM") in page


async def test_a_slot_that_has_started_can_no_longer_be_removed(harness, client, app, clock):
    await booked_person(harness)
    clock.advance(days=1, minutes=30)  # 10:30 in Rabat on the 24th: the first slot has started
    await sign_in(client, app)
    page = await (await client.get(WEEK)).text()
    response = await client.post("/staff/slots/1/remove", data={"csrf": csrf_of(page)})
    assert "This slot has already started: it can no longer be removed." in await response.text()
    assert await rows(app, "select status from bookings") == [("active",)]
    assert await rows(app, "select count(*) from slots where removed_at is not null") == [(0,)]
