"""What the bot keeps in memory on SQLite (the person's row, the menu's context, dialog state)
is never older than the database: every writer of those rows makes the next update read again.

Each test changes the row through one writer, then proves that the very next update of the
person sees the change (without the invalidation, memory would answer with the old row)."""

import pytest
from sqlalchemy import text

from bot.domain.registration import Status
from tests.dialogs.booking_steps import registered_person
from tests.dialogs.test_checkins import returned
from tests.support import STAFF_ID

LANGUAGE_PICKER = {"English", "Français"}


async def user_row(app, user_id):
    async with app.engine.connect() as connection:
        result = await connection.execute(
            text("select locale, listen_locale, blocked from users where id = :id"),
            {"id": user_id},
        )
        return result.first()


@pytest.mark.sqlite_only  # one process, the only writer: PostgreSQL runs without them
async def test_the_caches_are_on_for_sqlite(harness):
    person = harness.person(16001, "en")
    await person.send("/start")
    await person.press("English")
    assert harness.app.users.active() == 1  # the person's row is answered from memory


async def test_a_person_who_blocked_the_bot_and_writes_again_is_reachable_again(harness):
    person = harness.person(16002, "en")
    await person.send("/start")
    await person.press("English")
    await person.block()  # my_chat_member: the outbox service marks them unreachable
    assert (await user_row(harness.app, 16002)).blocked
    await person.send("/start")  # a message, not an unblock: only `seen` can notice
    assert not (await user_row(harness.app, 16002)).blocked


async def test_a_403_then_a_message_makes_the_person_reachable_again(harness):
    person = harness.person(16003, "en")
    await person.send("/start")
    await person.press("English")
    await harness.app.outbox.reachability(16003, reachable=False)  # as a 403 or a block
    assert (await user_row(harness.app, 16003)).blocked
    await person.press("❓ How this bot works")
    assert not (await user_row(harness.app, 16003)).blocked


async def test_a_changed_language_is_the_next_updates_language(harness):
    person = harness.person(16004, "en")
    await person.send("/start")
    await person.press("English")
    await person.send("/language")
    await person.press("Français")
    fr = harness.app.catalogs["fr"]
    await person.send("/start")
    assert fr.gettext("ℹ️ About the programme") in person.button_texts()
    seen = await harness.app.users.seen(16004)  # what the next update's middleware gets
    assert (seen.user.locale, seen.user.listen_locale) == ("fr", None)


async def test_a_listening_language_chosen_elsewhere_is_seen_by_the_next_update(harness):
    person = harness.person(16005, "en")
    await person.send("/start")
    await person.press("English")
    await harness.app.users.choose_listening(16005, "wo", "fr")
    seen = await harness.app.users.seen(16005)
    assert (seen.user.locale, seen.user.listen_locale) == ("fr", "wo")
    await harness.app.users.choose_locale(16005, "ar")
    seen = await harness.app.users.seen(16005)
    assert (seen.user.locale, seen.user.listen_locale) == ("ar", None)


async def test_after_delete_the_next_update_starts_from_the_beginning(harness):
    person, t = await registered_person(harness, 16006, "en")
    await person.send("/delete")
    await person.press(t.gettext("🗑 Yes, delete everything"))
    await person.send("/start")
    assert set(person.button_texts()) >= LANGUAGE_PICKER  # a new person: their language first
    seen = await harness.app.users.seen(16006)
    assert seen.user.locale is None


async def test_after_a_purge_the_menu_no_longer_shows_the_registration(harness):
    app = harness.app
    person, t = await registered_person(harness, 16007, "en")
    assert t.gettext("📄 My registration") in person.button_texts()
    registration = await app.registrations.open_for(16007)
    await app.cases.change_status(STAFF_ID, registration.id, Status.NEW, Status.CLOSED)
    app.clock.advance(days=25 * 31)
    assert [d.user_id for d in await app.retention.purge()] == [16007]
    await person.send("/start")
    assert set(person.button_texts()) >= LANGUAGE_PICKER
    await person.press("English")
    assert "📝 Register my interest" in person.button_texts()
    assert "📄 My registration" not in person.button_texts()


async def test_the_menu_follows_a_staff_action_at_once(harness):
    # Registered and shown the menu (kept in memory), then staff mark the return (/returned).
    person, _ = await returned(harness, 16008)
    await person.send("/start")
    assert "🏡 My reintegration" in person.button_texts()
    assert "📄 My registration" not in person.button_texts()
