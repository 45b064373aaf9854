"""Announcements: staff write once per language, the outbox delivers at Telegram's pace, each
person can stop them from the message and receive them again from the menu; people who deleted
their data, stopped announcements, blocked the bot or withdrew are never written to."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.domain.announcements import InvalidAnnouncementError, Progress, Segment
from bot.domain.registration import Status
from bot.services.staff_policy import NotStaffError
from bot.telegram.entry.local_api import Fault
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_ID

TEXTS = {
    "en": "The office is closed on Friday <b>1 May</b>.",
    "ar": "المكتب مغلق يوم الجمعة ١ مايو.",
    "es": "La oficina cierra el viernes 1 de mayo.",
}
HEADER = "📣 <b>A message from the programme office</b>"


async def registered(harness, user_id, locale):
    person, t = await open_menu(harness, user_id, locale)
    await register(person, t)
    return person, t


async def flag(app, user_id):
    """The person's "stopped announcements" choice, as stored."""
    async with app.uow(read_only=True) as uow:
        return (await uow.users.get(user_id)).announcements_stopped


def announcements_in(person):
    """The announcements in the person's chat (whatever the language: by the header's sign)."""
    return [m for m in person.api.chat(person.chat_id) if (m.get("text") or "").startswith("📣")]


async def test_each_person_gets_it_in_their_language_with_a_stop_button(harness):
    app = harness.app
    en, _ = await registered(harness, 7101, "en")
    ar, t_ar = await registered(harness, 7102, "ar")
    fr, _ = await registered(harness, 7103, "fr")
    await harness.worker().run_once()  # the registrations' own notices first

    assert await app.announcements.audience(Segment()) == {"ar": 1, "en": 1, "fr": 1}
    created = await app.announcements.create(STAFF_ID, Segment(), TEXTS)
    assert created.queued == {"ar": 1, "en": 1}
    assert created.without_text == {"fr": 1}  # no French text: the French reader gets none
    assert await app.announcements.progress(created.announcement_id) == Progress(pending=2)

    await harness.worker().run_once()
    message = en.last()
    assert message["text"] == (
        HEADER + "\n\nThe office is closed on Friday &lt;b&gt;1 May&lt;/b&gt;."
    )  # staff's text is shown as written, never as markup
    assert en.button_texts(message) == ["🔕 Stop announcements"]
    arabic = ar.last()
    assert arabic["text"] == (
        t_ar.gettext("📣 <b>A message from the programme office</b>") + "\n\n" + TEXTS["ar"]
    )
    assert ar.button_texts(arabic) == [t_ar.gettext("🔕 Stop announcements")]
    assert t_ar.gettext("🔕 Stop announcements") != "🔕 Stop announcements"
    assert announcements_in(fr) == []
    assert await app.announcements.progress(created.announcement_id) == Progress(sent=2)

    async with app.engine.connect() as connection:
        audit = (
            await connection.execute(
                text("select actor_id, detail from audit_log where action = 'announcement'")
            )
        ).all()
    assert len(audit) == 1 and audit[0][0] == STAFF_ID
    assert f"#{created.announcement_id} to 2 people" in audit[0][1]
    (shown,) = await app.announcements.recent()
    assert shown.id == created.announcement_id and shown.created_by == STAFF_ID
    assert shown.texts == TEXTS and shown.segment == Segment()
    assert await app.announcements.get(created.announcement_id) == shown


@pytest.mark.parametrize("locale", ["fr", "ar", "es", "pt"])
async def test_stop_and_receive_again_are_translated_and_undo_each_other(harness, locale):
    app = harness.app
    person, t = await registered(harness, 7201, locale)
    await registered(harness, 7202, "en")
    texts = {locale: "Texte", "en": "Text"}
    await app.announcements.create(STAFF_ID, Segment(), texts)
    await harness.worker().run_once()

    await person.press(t.gettext("🔕 Stop announcements"))
    confirmation = person.last_text()
    assert confirmation == t.gettext(
        "🔕 You will not receive announcements from the office any more. Messages about "
        "your own case still reach you. To receive announcements again, open the menu "
        "(/start) and press “{button}”.",
        button=t.gettext("🔔 Receive announcements again"),
    )
    assert confirmation != t.gettext("Stopped. Nothing was saved.")
    assert await flag(app, 7201) is True
    assert await flag(app, 7202) is False  # only the one who pressed

    second = await app.announcements.create(STAFF_ID, Segment(), texts)
    assert second.queued == {"en": 1}
    await harness.worker().run_once()
    assert len(announcements_in(person)) == 1  # the first one only

    await person.send("/start")
    await person.press(t.gettext("🔔 Receive announcements again"))
    assert person.last_text() == t.gettext(
        "🔔 You will receive announcements from the office again. To stop them, press "
        "“🔕 Stop announcements” under any announcement."
    )
    assert await flag(app, 7201) is False
    await person.press(t.gettext("⬅️ Back to the menu"))
    assert t.gettext("🔔 Receive announcements again") not in person.button_texts()
    assert await app.announcements.audience(Segment()) == dict(sorted({locale: 1, "en": 1}.items()))


async def test_menu_offers_receive_again_only_to_who_stopped(harness):
    person, _ = await registered(harness, 7301, "en")
    await person.send("/start")
    assert "🔔 Receive announcements again" not in person.button_texts()
    await harness.app.announcements.stop(7301)
    await person.send("/start")
    assert "🔔 Receive announcements again" in person.button_texts()


async def test_an_old_or_forged_stop_button_changes_only_the_pressers_own_choice(harness):
    app = harness.app
    one, _ = await registered(harness, 7401, "en")
    two, _ = await registered(harness, 7402, "en")
    await app.announcements.create(STAFF_ID, Segment(), {"en": "Hello"})
    await harness.worker().run_once()
    message_of_one = one.last()

    # The other person's client sends a press on the first person's message (forged).
    await two.press_data("ann:stop", message_of_one)
    assert await flag(app, 7401) is False
    assert await flag(app, 7402) is False
    # Tampered data under the same prefix: matches no handler, changes nothing.
    await one.press_data("ann:stop:7402", message_of_one)
    await one.press_data("ann:start", message_of_one)
    assert await flag(app, 7401) is False and await flag(app, 7402) is False

    # An old button, pressed twice, weeks later: stops once, says so again, nothing else.
    await one.press("🔕 Stop announcements", message_of_one)
    await one.press("🔕 Stop announcements", message_of_one)
    assert await flag(app, 7401) is True
    assert await flag(app, 7402) is False
    assert one.last_text().startswith("🔕 You will not receive announcements")


async def test_stopping_withdraws_what_was_not_sent_yet(harness):
    app = harness.app
    person, _ = await registered(harness, 7501, "en")
    await app.announcements.create(STAFF_ID, Segment(), {"en": "First"})
    await harness.worker().run_once()
    waiting = await app.announcements.create(STAFF_ID, Segment(), {"en": "Second"})
    await person.press("🔕 Stop announcements")  # under the first, before the second went out
    await harness.worker().run_once()
    assert [m["text"] for m in announcements_in(person)] == [HEADER + "\n\nFirst"]
    assert await app.announcements.progress(waiting.announcement_id) == Progress(cancelled=1)


async def test_deleted_blocked_stopped_and_withdrawn_people_are_never_included(harness):
    app = harness.app
    await registered(harness, 7601, "en")  # stays
    deleted, _ = await registered(harness, 7602, "en")
    blocked, _ = await registered(harness, 7603, "en")
    await registered(harness, 7604, "en")
    withdrawn, _ = await registered(harness, 7605, "en")
    await open_menu(harness, 7606, "en")  # never registered: no consent to be contacted

    await deleted.send("/delete")
    await deleted.press("🗑 Yes, delete everything")
    await deleted.send("/start")  # they come back: a new person, with no registration
    await blocked.block()
    await app.announcements.stop(7604)
    await app.registrations.withdraw(7605)

    assert await app.announcements.audience(Segment()) == {"en": 1}
    created = await app.announcements.create(STAFF_ID, Segment(), {"en": "Hello"})
    assert created.queued == {"en": 1} and created.without_text == {}
    with pytest.raises(InvalidAnnouncementError):
        Segment(status=Status.WITHDRAWN)  # never chosen on purpose either
    with pytest.raises(InvalidAnnouncementError):
        Segment(status="withdrawn")  # nor as a form's value
    await harness.worker().run_once()
    for person in (deleted, blocked, withdrawn):
        assert announcements_in(person) == []


async def test_unreachable_is_counted_when_telegram_refuses(harness):
    app = harness.app
    await registered(harness, 7701, "en")
    await registered(harness, 7702, "en")
    created = await app.announcements.create(STAFF_ID, Segment(), {"en": "Hello"})
    harness.api.faults.append(
        Fault(403, "Forbidden: bot was blocked by the user", method="SendMessage", chat_id=7702)
    )
    await harness.worker().run_once()
    assert await app.announcements.progress(created.announcement_id) == Progress(
        sent=1, unreachable=1
    )
    assert await app.announcements.audience(Segment()) == {"en": 1}  # blocked now


async def test_delete_removes_the_persons_deliveries(harness):
    app = harness.app
    person, _ = await registered(harness, 7801, "en")
    await registered(harness, 7802, "en")
    created = await app.announcements.create(STAFF_ID, Segment(), {"en": "Hello"})
    await harness.worker().run_once()
    await person.send("/delete")
    await person.press("🗑 Yes, delete everything")
    async with app.engine.connect() as connection:
        users = (
            await connection.execute(text("select user_id from announcement_deliveries"))
        ).scalars()
        assert list(users) == [7802]
    assert await app.announcements.progress(created.announcement_id) == Progress(sent=1)


async def test_retention_purge_removes_the_persons_deliveries(harness, clock):
    app = harness.app
    await registered(harness, 7851, "en")
    created = await app.announcements.create(STAFF_ID, Segment(), {"en": "Hello"})
    await harness.worker().run_once()
    await app.registrations.withdraw(7851)
    clock.advance(days=31 * (app.settings.RETENTION_MONTHS + 1))
    assert [due.user_id for due in await app.retention.purge()] == [7851]
    async with app.engine.connect() as connection:
        count = await connection.scalar(text("select count(*) from announcement_deliveries"))
    assert count == 0
    assert await app.announcements.progress(created.announcement_id) == Progress()


async def test_the_segment_narrows_by_office_status_language_and_returnees(harness):
    app = harness.app
    await registered(harness, 7901, "en")
    await registered(harness, 7902, "ar")
    assert await app.announcements.audience(Segment(office_id="rabat")) == {"ar": 1, "en": 1}
    assert await app.announcements.audience(Segment(office_id="elsewhere")) == {}
    assert await app.announcements.audience(Segment(status=Status.NEW)) == {"ar": 1, "en": 1}
    assert await app.announcements.audience(Segment(status=Status.CONTACTED)) == {}
    assert await app.announcements.audience(Segment(status="new")) == {"ar": 1, "en": 1}
    assert await app.announcements.audience(Segment(locale="ar")) == {"ar": 1}
    assert await app.announcements.audience(Segment(returnees=True)) == {}
    assert await app.announcements.audience(Segment(returnees=False)) == {"ar": 1, "en": 1}


async def test_only_staff_may_send_one(harness):
    app = harness.app
    await registered(harness, 7951, "en")
    with pytest.raises(NotStaffError):
        await app.announcements.create(7951, Segment(), {"en": "Not from staff"})
    with pytest.raises(InvalidAnnouncementError):
        await app.announcements.create(STAFF_ID, Segment(), {"en": "   "})
    with pytest.raises(InvalidAnnouncementError):
        await app.announcements.create(STAFF_ID, Segment(), {"xx": "Unknown language"})
    async with app.engine.connect() as connection:
        assert await connection.scalar(text("select count(*) from announcements")) == 0
    await harness.worker().run_once()
    assert announcements_in(harness.person(7951)) == []


async def test_announcements_wait_behind_notices_about_a_case(harness):
    app = harness.app
    person, _ = await registered(harness, 7961, "en")
    await harness.worker().run_once()
    await app.announcements.create(STAFF_ID, Segment(), {"en": "General news"})
    registration = await app.registrations.open_for(7961)
    await app.cases.change_status(STAFF_ID, registration.id, Status.NEW, Status.CONTACTED)
    await harness.worker().run_once()
    texts = [m.get("text") or "" for m in person.api.chat(7961)][-2:]
    assert texts[1] == HEADER + "\n\nGeneral news"  # the status notice went first
