""" "I am in danger" and "Report a concern": the urgent alert reaches the staff group marked
urgent in one worker round, comes first in /inbox, is repeated once when nobody takes it, and
survives a restart; a concern reaches only the focal points, never the staff group."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.locales import SUPPORTED_LOCALES
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_CHAT, STAFF_ID, make_settings, start_harness

CONCERNS_CHAT = -1009000077
FOCAL_POINT = 900077
DANGER = "🆘 I am in danger / I need help now"
ALERT = "🚨 Send an urgent alert to the office"


async def rows(app, sql):
    async with app.engine.connect() as connection:
        return (await connection.execute(text(sql))).all()


def staff_in_group(harness):
    return harness.person(STAFF_ID, "en", chat_id=STAFF_CHAT, chat_type="supergroup")


async def raise_alert(harness, user_id=7001, locale="fr"):
    person, t = await open_menu(harness, user_id, locale)
    await person.press(t.gettext(DANGER))
    await person.press(f"{t.country('MA')} – Rabat")  # not registered: where are you now?
    await person.press(t.gettext(ALERT))
    return person, t


def urgent_messages(harness, marker="URGENT"):
    return [m for m in harness.staff_chat() if marker in (m.get("text") or "")]


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_danger_alert_reaches_the_staff_group_first_marked_urgent(harness, locale):
    person, t = await raise_alert(harness, 7001, locale)
    assert t.gettext("✅ <b>Your alert was sent to the office.</b>") in person.last_text()
    # No office hours configured: the person is not promised any time.
    assert (
        t.gettext(
            "Staff answer during office hours. We cannot promise how soon someone will see "
            "your alert."
        )
        in person.last_text()
    )
    await harness.worker().run_once()  # one round
    chat = harness.staff_chat()
    assert chat[0]["text"].startswith("🚨 <b>URGENT</b>")
    assert "#" in chat[0]["text"]  # the anonymous handle, never a name
    assert "Test" not in chat[0]["text"]
    assert "Conversation" in chat[1]["text"]  # the conversation header comes after it
    texts = [b["text"] for row in chat[0]["reply_markup"]["inline_keyboard"] for b in row]
    assert "🙋 I take care of it" in texts


async def test_urgent_alert_is_first_in_inbox(harness):
    other, t = await open_menu(harness, 7002, "en")
    await other.press(t.gettext("✉️ Write to the office"))
    await other.send("A question about my papers")
    harness.app.clock.advance(minutes=30)
    await raise_alert(harness, 7003, "ar")
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/inbox")
    lines = staff.last_text().splitlines()
    assert lines[0].startswith("🚨")
    assert lines[1].startswith("🚨 #") and "ar" in lines[1]
    assert "Open conversations" in staff.last_text()


async def test_alert_nobody_takes_is_repeated_once(harness):
    await raise_alert(harness)
    worker = harness.worker()
    await worker.run_once()
    assert len(urgent_messages(harness)) == 1
    harness.app.clock.advance(minutes=14)
    await worker.run_once()
    assert len(urgent_messages(harness)) == 1
    harness.app.clock.advance(minutes=2)
    await worker.run_once()
    again = urgent_messages(harness, "URGENT, AGAIN")
    assert len(again) == 1
    harness.app.clock.advance(hours=5)
    await worker.run_once()
    assert len(urgent_messages(harness)) == 2  # once, not again and again


async def test_taken_alert_is_not_repeated_and_the_person_is_told(harness):
    person, t = await raise_alert(harness, 7004, "es")
    await harness.worker().run_once()
    alert = urgent_messages(harness)[0]
    await staff_in_group(harness).press("🙋 I take care of it", message=alert)
    await harness.worker().run_once()
    assert person.last_text() == t.gettext(
        "👀 A staff member has seen your alert. They will write to you here, in this chat."
    )
    harness.app.clock.advance(minutes=30)
    await harness.worker().run_once()
    assert urgent_messages(harness, "URGENT, AGAIN") == []
    # Pressing again, or an outsider pressing, changes nothing.
    await staff_in_group(harness).press("🙋 I take care of it", message=alert)
    outsider = harness.person(6667, "en", chat_id=STAFF_CHAT, chat_type="supergroup")
    await outsider.press("🙋 I take care of it", message=alert)
    assert (await rows(harness.app, "SELECT taken_by FROM urgent_alerts")) == [(STAFF_ID,)]


async def test_a_reply_to_the_alert_reaches_the_person_and_takes_the_alert(harness):
    person, _t = await raise_alert(harness, 7005, "en")
    await harness.worker().run_once()
    alert = urgent_messages(harness)[0]
    await staff_in_group(harness).send("We are calling you now.", reply_to_message=alert)
    await harness.worker().run_once()
    assert person.last_text().endswith("We are calling you now.")
    harness.app.clock.advance(minutes=30)
    await harness.worker().run_once()
    assert urgent_messages(harness, "URGENT, AGAIN") == []


async def test_pressing_twice_sends_one_alert(harness):
    person, t = await raise_alert(harness, 7006, "en")
    await person.press(t.gettext("🏠 Main menu"))
    await person.press(t.gettext(DANGER))
    await person.press(t.gettext(ALERT))
    assert "already sent" in person.last_text()
    assert len(await rows(harness.app, "SELECT id FROM urgent_alerts")) == 1


async def test_urgent_alert_survives_a_restart(app, settings, clock):
    first = await start_harness(app)
    await raise_alert(first, 7007, "fr")
    await first.bot.session.close()  # stopped before the worker sent anything
    await app.close()

    app2 = await create_app(settings, clock=clock)
    second = await start_harness(app2)
    await second.worker().run_once()
    assert len(urgent_messages(second)) == 1
    clock.advance(minutes=16)
    await second.worker().run_once()
    assert len(urgent_messages(second, "URGENT, AGAIN")) == 1
    await second.bot.session.close()
    await app2.close()


async def test_registered_person_alert_names_the_reference_and_their_office(harness):
    person, t = await open_menu(harness, 7008, "pt")
    await register(person, t)
    await person.press(t.gettext("🏠 Main menu"))
    await person.press(t.gettext(DANGER))  # the office is known: no question
    await person.press(t.gettext(ALERT))
    await harness.worker().run_once()
    alert = urgent_messages(harness)[0]
    assert "MA-2026-000001" in alert["text"]
    texts = [b["text"] for row in alert["reply_markup"]["inline_keyboard"] for b in row]
    assert "📂 Open case" in texts


async def test_the_danger_screen_shows_only_configured_emergency_numbers(harness, monkeypatch):
    from dataclasses import replace

    from bot.domain.offices import EmergencyContact

    offices = harness.app.offices
    police = EmergencyContact((("en", "Police"), ("fr", "Police secours")), "19")
    changed = (replace(offices[0], emergency=(police,)), *offices[1:])
    monkeypatch.setattr(harness.app.urgent, "_offices", changed)
    person, t = await open_menu(harness, 7009, "fr")
    await person.press(t.gettext(DANGER))
    assert "Police" not in person.last_text()  # not before they say where they are
    await person.press(f"{t.country('MA')} – Rabat")
    assert "• Police secours: 19" in person.last_text()
    await person.press(t.gettext("🏠 Main menu"))
    await person.press(t.gettext(DANGER))
    await person.press(f"{t.country('MR')} – Nouakchott")
    assert "Police" not in person.last_text()  # none configured for Nouakchott


# -- Report a concern ------------------------------------------------------------------------


@pytest.fixture
async def concerns_harness(database, clock):
    settings = make_settings(
        database, CONCERNS_CHAT_ID=str(CONCERNS_CHAT), CONCERNS_USER_IDS=str(FOCAL_POINT)
    )
    application = await create_app(settings, clock=clock)
    h = await start_harness(application)
    yield h
    await h.bot.session.close()
    await application.close()


async def test_concern_entry_is_hidden_when_nobody_would_receive_it(harness):
    person, t = await open_menu(harness, 7101, "en")
    assert t.gettext("🔒 Report a concern") not in person.button_texts()


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_concern_reaches_only_the_focal_points_anonymously(concerns_harness, locale):
    h = concerns_harness
    person, t = await open_menu(h, 7102, locale)
    await register(person, t)
    await person.press(t.gettext("🏠 Main menu"))
    await person.press(t.gettext("🔒 Report a concern"))
    await person.press(t.gettext("💰 Asked for money or a favour"))
    await person.send("A driver asked me for money to keep my place")
    await person.press(t.gettext("🙈 Stay anonymous"))
    done = person.last_text()
    (reference,) = [w for w in done.replace("<b>", " ").split() if w.startswith("CN-")]
    await h.worker().run_once()
    for chat in (CONCERNS_CHAT, FOCAL_POINT):
        (report,) = h.api.chat(chat)
        assert reference in report["text"]
        assert report["text"].endswith("A driver asked me for money to keep my place")
        assert "MA-2026-000001" not in report["text"]  # anonymous: no registration number
        assert "The person chose not to give their registration number." in report["text"]
    assert all("driver" not in (m.get("text") or "") for m in h.staff_chat())
    assert all(reference not in (m.get("text") or "") for m in h.staff_chat())


async def test_concern_with_the_reference_and_a_voice_message(concerns_harness):
    h = concerns_harness
    person, t = await open_menu(h, 7103, "fr")
    await register(person, t)
    await person.press(t.gettext("🏠 Main menu"))
    await person.press(t.gettext("🔒 Report a concern"))
    await person.press(t.gettext("⚠️ Sexual abuse or exploitation"))
    await person.send(voice={"file_id": "concern-voice", "file_unique_id": "cv", "duration": 9})
    await person.press(t.gettext("📎 Give my number"))
    await h.worker().run_once()
    (report,) = h.api.chat(CONCERNS_CHAT)
    assert report["voice"]["file_id"] == "concern-voice"
    assert "MA-2026-000001" in report["caption"]
    assert not any((m.get("voice") or {}).get("file_id") == "concern-voice" for m in h.staff_chat())


async def test_concern_survives_a_restart(database, clock):
    settings = make_settings(database, CONCERNS_CHAT_ID=str(CONCERNS_CHAT))
    app1 = await create_app(settings, clock=clock)
    first = await start_harness(app1)
    person, t = await open_menu(first, 7104, "ar")
    await person.press(t.gettext("🔒 Report a concern"))
    await person.press(t.gettext("📝 Something else"))
    await person.press(t.gettext("📨 Send without a message"))
    assert "CN-" in person.last_text()
    await first.bot.session.close()
    await app1.close()

    app2 = await create_app(settings, clock=clock)
    second = await start_harness(app2)
    await second.worker().run_once()
    (report,) = second.api.chat(CONCERNS_CHAT)
    assert "Confidential concern CN-" in report["text"]
    assert second.staff_chat() == []
    await second.bot.session.close()
    await app2.close()


def test_concerns_chat_cannot_be_the_staff_group(database):
    from pydantic import ValidationError

    with pytest.raises(ValidationError, match="CONCERNS_CHAT_ID"):
        make_settings(database, CONCERNS_CHAT_ID=str(STAFF_CHAT))


async def test_concern_and_alert_are_shown_by_mydata_and_erased_by_delete(concerns_harness):
    h = concerns_harness
    person, t = await open_menu(h, 7105, "en")
    await person.press(t.gettext("🔒 Report a concern"))
    await person.press(t.gettext("✋ Insulted, threatened or hurt"))
    await person.send("The guard at the centre hit me")
    await person.press(t.gettext("🏠 Main menu"))
    await person.press(t.gettext(DANGER))
    await person.press(f"{t.country('MA')} – Rabat")
    await person.press(t.gettext(ALERT))
    await person.send("/mydata")
    shown = person.last_text()
    assert "The guard at the centre hit me" in shown and "🔒 Report CN-" in shown
    assert "🆘 Urgent alert sent on" in shown
    await person.send("/delete")
    await person.press(t.gettext("🗑 Yes, delete everything"))
    await h.worker().run_once()
    assert h.api.chat(CONCERNS_CHAT) == []  # erased before it was delivered: never sent
    assert urgent_messages(h) == []
    assert await rows(h.app, "SELECT * FROM concerns") == []
    assert await rows(h.app, "SELECT user_id FROM urgent_alerts") == [(None,)]


async def test_a_focal_point_who_has_not_started_the_bot_gets_the_concern_later(
    concerns_harness,
):
    from bot.telegram.entry.local_api import Fault

    h = concerns_harness
    h.api.faults.append(
        Fault(403, "Forbidden: bot can't initiate conversation with a user", chat_id=FOCAL_POINT)
    )
    person, t = await open_menu(h, 7106, "en")
    await person.press(t.gettext("🔒 Report a concern"))
    await person.press(t.gettext("📝 Something else"))
    await person.press(t.gettext("📨 Send without a message"))
    await h.worker().run_once()
    assert len(h.api.chat(CONCERNS_CHAT)) == 1
    assert h.api.chat(FOCAL_POINT) == []
    assert await rows(h.app, "SELECT blocked FROM users WHERE id = 7106") == [(False,)]
    h.app.clock.advance(minutes=1)
    await h.worker().run_once()
    assert len(h.api.chat(FOCAL_POINT)) == 1  # it waited; the person was never marked blocked


async def test_office_hours_decide_what_the_person_is_told_and_when_the_alert_repeats(
    harness, monkeypatch
):
    from dataclasses import replace

    from bot.domain.office_hours import parse_period

    offices = harness.app.offices
    open_weekdays = (parse_period("mon-fri 09:00-17:00"),)
    changed = (replace(offices[0], hours=open_weekdays), *offices[1:])
    monkeypatch.setattr(harness.app.urgent, "_offices", changed)
    # Monday 23 November 2026, 20:00 in Rabat (UTC+1): the office is closed.
    harness.app.clock.current = harness.app.clock.current.replace(hour=19)
    person, _t = await raise_alert(harness, 7107, "fr")
    shown = person.last_text()
    assert "Le bureau est fermé maintenant." in shown
    assert "mardi 24 novembre 2026" in shown  # opens again on Tuesday morning
    assert "du lundi au vendredi, 09:00–17:00" in shown  # the hours, in French
    worker = harness.worker()
    await worker.run_once()
    assert len(urgent_messages(harness)) == 1  # sent at once, even at night
    harness.app.clock.advance(hours=12, minutes=59)  # Tuesday 08:59 local: still closed
    await worker.run_once()
    assert urgent_messages(harness, "URGENT, AGAIN") == []
    harness.app.clock.advance(minutes=16)  # 09:15 local: 15 minutes of office time
    await worker.run_once()
    assert len(urgent_messages(harness, "URGENT, AGAIN")) == 1
