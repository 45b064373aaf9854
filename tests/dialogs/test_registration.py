"""Registering interest end to end: consent, form, summary, reference, staff notice, the
person's control over their data, and the bad inputs."""

import asyncio
import re
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.locales import SUPPORTED_LOCALES
from tests.dialogs.registration_steps import fill_form, open_menu, register

REFERENCE = re.compile(r"MA-2026-\d{6}")


async def count(app, sql):
    async with app.engine.connect() as connection:
        return (await connection.execute(text(sql))).scalar()


async def dialog_state_mentions(app, needle):
    """Dialog state is encrypted at rest: decrypt every row to look for the text."""
    async with app.engine.connect() as connection:
        rows = (await connection.execute(text("select data from fsm_records"))).scalars().all()
    assert all(row is None or not row.startswith("{") for row in rows)  # encrypted, not JSON
    return sum(needle in app.cipher.decrypt(row) for row in rows if row)


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_register_in_every_language_and_staff_are_told(harness, locale):
    person, t = await open_menu(harness, 4001, locale)
    await register(person, t)
    done = person.last_text()
    assert t.gettext("<b>Thank you. Your registration is received.</b>") in done
    reference = REFERENCE.search(done).group(0)
    assert reference == "MA-2026-000001"

    await harness.worker().run_once()
    notice = harness.staff_chat()[-1]["text"]
    en = harness.app.catalogs["en"]
    assert reference in notice
    assert notice.splitlines()[1] == "⚠️ Urgent: Medical needs"  # urgent flags at the top
    assert "Guinea" in notice and "Woman" in notice and "No passport" in notice
    assert "Aminata" not in notice and "612345678" not in notice  # never in the group
    assert en.gettext("📂 Open case") in [
        b["text"]
        for row in harness.staff_chat()[-1]["reply_markup"]["inline_keyboard"]
        for b in row
    ]

    await person.press(t.gettext("🏠 Main menu"))
    assert t.gettext("📄 My registration") in person.button_texts()
    assert t.gettext("📝 Register my interest") not in person.button_texts()


async def test_summary_shows_every_answer_escaped_and_each_can_be_changed(harness):
    person, t = await open_menu(harness, 4002, "en")
    await fill_form(person, t)
    summary = person.last_text()
    assert "Name: Aminata &lt;Diallo&gt; &amp; Co" in summary
    assert "Phone: +212612345678" in summary
    assert "People travelling with you: 2" in summary
    await person.press("✏️ Phone")
    await person.press("Skip")
    assert "Phone: not given" in person.last_text()  # straight back to the summary
    await person.press("✏️ Needs")
    await person.press("✅ Medical needs")  # untick
    await person.press("▫️ Pregnancy")
    await person.press("Continue ➡️")
    assert "Needs: Pregnancy" in person.last_text()


async def test_confirm_twice_or_an_old_confirm_button_makes_one_registration(harness):
    person, t = await open_menu(harness, 4003, "en")
    await fill_form(person, t)
    summary = person.last_with_keyboard()
    await person.press("✅ Confirm", message=summary)
    await person.press("✅ Confirm", message=summary)
    await person.send("/start")
    await person.press("✅ Confirm", message=summary)
    assert await count(harness.app, "select count(*) from registrations") == 1
    await harness.worker().run_once()
    assert len(harness.staff_chat()) == 1


async def test_one_open_registration_per_person(harness):
    person, t = await open_menu(harness, 4004, "en")
    await register(person, t)
    await person.send("/start")
    await person.press("✅ Can I get help?")
    for label in ("In Morocco", "To my own country (nationality or origin)", "Yes, it is my choice",
                  "No", "No passport", "No", "No", "No"):  # fmt: skip
        await person.press(label)
    await person.press("📝 Register my interest")
    assert "<b>My registration</b>" in person.last_text()  # not a second form


async def test_nothing_is_stored_before_confirm(harness):
    person, t = await open_menu(harness, 4005, "en")
    await fill_form(person, t)
    await person.send("/cancel")
    assert await count(harness.app, "select count(*) from registrations") == 0
    assert await count(harness.app, "select count(*) from outbox") == 0
    assert await dialog_state_mentions(harness.app, "Aminata") == 0  # no copy left behind


async def test_not_now_stores_nothing(harness):
    person, _t = await open_menu(harness, 4006, "en")
    await person.press("📝 Register my interest")
    await person.press("📖 Read more")
    assert "stored encrypted" in person.last_text()
    await person.press("✖️ Not now")
    assert "Choose what you need:" in person.last_text()
    assert await count(harness.app, "select count(*) from registrations") == 0


async def test_self_check_answers_prefill_the_form_when_the_person_agrees(harness):
    person, _t = await open_menu(harness, 4007, "en")
    await person.press("✅ Can I get help?")
    for label in ("In Morocco", "To my own country (nationality or origin)", "Yes, it is my choice",
                  "No", "Yes, but expired", "No", "Yes", "Yes"):  # fmt: skip
        await person.press(label)
    await person.press("📝 Register my interest")
    await person.press("✅ I agree")
    assert "Shall we use those answers" in person.last_text()
    await person.press("Yes")
    await person.send("Awa")
    await person.send("Mali")
    await person.press("Mali")
    await person.press("Oujda")
    await person.press("Skip")
    await person.press("Woman")
    await person.press("Under 18")
    await person.press("Expired passport")
    await person.press("0")
    assert "✅ Under 18 and alone" in person.button_texts()  # ticked from the self-check
    assert "✅ Medical needs" in person.button_texts()
    await person.press("Continue ➡️")
    await person.press("English")
    assert "Needs: Medical needs, Under 18 and alone" in person.last_text()


@pytest.mark.parametrize(
    ("answer", "hint"),
    [
        ("12345", "Please write a name with letters."),
        ("🙂🙂🙂🙂", "Please write a name with letters."),
        ("x" * 61, "That is too long: 60 characters at most. Please write a shorter answer."),
        ("x" * 300, "That is too long: 60 characters at most. Please write a shorter answer."),
        ("\u200b\u202e", "Please write your answer as text."),
    ],
)
async def test_bad_names_are_refused_with_a_hint(harness, answer, hint):
    person, _t = await open_menu(harness, 4008, "en")
    await person.press("📝 Register my interest")
    await person.press("✅ I agree")
    await person.send(answer)
    texts = [m.get("text") for m in harness.api.chat(person.chat_id)[-2:]]
    assert texts[0] == hint
    assert "What is your name?" in texts[1]


async def test_media_instead_of_a_name_gets_a_hint(harness):
    person, _t = await open_menu(harness, 4009, "en")
    await person.press("📝 Register my interest")
    await person.press("✅ I agree")
    await person.send_photo()
    texts = [m.get("text") for m in harness.api.chat(person.chat_id)[-2:]]
    assert texts[0] == (
        "I can only read buttons here. To send this to the office, press ✉️ Write to the "
        "office and send it again."
    )
    assert "What is your name?" in texts[1]


@pytest.mark.parametrize("phone", ["123", "hello", "+999 12", "0" * 40])
async def test_invalid_phone_numbers_are_refused(harness, phone):
    person, _t = await open_menu(harness, 4010, "en")
    await person.press("📝 Register my interest")
    await person.press("✅ I agree")
    await person.send("Awa")
    await person.send("Mali")
    await person.press("Mali")
    await person.press("Rabat")
    await person.send(phone)
    assert harness.api.chat(person.chat_id)[-2]["text"] == (
        "That does not look like a phone number. Please check it, or press Skip."
    )


async def test_shared_contact_must_be_the_persons_own(harness):
    person, _t = await open_menu(harness, 4011, "en")
    await person.press("📝 Register my interest")
    await person.press("✅ I agree")
    await person.send("Awa")
    await person.send("Mali")
    await person.press("Mali")
    await person.press("Rabat")
    assert "📱 Share my number" in person.button_texts()
    await person.send_contact("+212612345678", user_id=999)
    assert (
        harness.api.chat(person.chat_id)[-2]["text"] == "Please share your own number, or type it."
    )
    await person.send_contact("+212612345678")
    assert "Gender:" in person.last_text()


@pytest.mark.sqlite_only  # reads the database file itself
async def test_personal_data_is_encrypted_at_rest(harness):
    person, t = await open_menu(harness, 4012, "en")
    await register(person, t)
    raw = Path(harness.app.settings.DATABASE_URL.split(":///", 1)[1])
    wal = raw.with_name(raw.name + "-wal")
    content = await asyncio.to_thread(lambda: raw.read_bytes() + wal.read_bytes())
    assert b"Aminata" not in content
    assert b"612345678" not in content
