"""The person's control over their data: see it, change it, withdraw, delete it."""

import pytest
from sqlalchemy import inspect, text

from bot.locales import SUPPORTED_LOCALES
from tests.dialogs.registration_steps import open_menu, register


async def all_rows(app):
    """Every value of every table, as text: what a person with the database file would see."""
    out = []
    async with app.engine.connect() as connection:
        tables = await connection.run_sync(lambda c: inspect(c).get_table_names())
        for table in tables:
            for row in (await connection.execute(text(f'select * from "{table}"'))).all():
                out.append((table, [str(v) for v in row]))
    return out


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_mydata_shows_everything_in_the_persons_language(harness, locale):
    person, t = await open_menu(harness, 5001, locale)
    await register(person, t)
    await person.send("/mydata")
    shown = person.last_text()
    assert t.gettext("<b>What the bot stores about you</b>") in shown
    assert "Aminata &lt;Diallo&gt; &amp; Co" in shown
    assert "+212612345678" in shown
    assert t.country("GN") in shown
    assert t.gettext("Medical needs") in shown
    assert "MA-2026-000001" in shown


@pytest.mark.parametrize("locale", SUPPORTED_LOCALES)
async def test_delete_leaves_no_personal_data_in_any_table(harness, locale):
    person, t = await open_menu(harness, 5002, locale)
    await register(person, t)
    await harness.worker().run_once()
    await person.send("/delete")
    await person.press(t.gettext("🗑 Yes, delete everything"))
    assert (
        t.gettext(
            "Your data has been deleted. If you write again, the bot starts from the beginning."
        )
        == person.last_text()
    )

    rows = await all_rows(harness.app)
    flat = " ".join(" ".join(values) for _, values in rows)
    for secret in ("Aminata", "612345678", str(person.user["id"]), "Rabat"):
        assert secret not in flat, secret
    registration = [values for table, values in rows if table == "registrations"]
    assert len(registration) == 1  # the anonymous statistical record stays
    async with harness.app.engine.connect() as connection:
        kept = (await connection.execute(text(
            "select country, gender, age_group, office_id, status, name_enc, phone_enc, needs_enc,"
            " consent_at from registrations"
        ))).one()  # fmt: skip
    assert tuple(kept) == ("GN", "woman", "26_35", "rabat", "withdrawn", None, None, None, None)

    await harness.worker().run_once()
    assert harness.staff_chat()[-1]["text"] == (
        "↩️ Registration MA-2026-000001 was withdrawn: the person deleted their data."
    )


async def test_delete_cancels_what_was_waiting_and_nothing_of_it_is_sent(harness):
    person, t = await open_menu(harness, 5003, "en")
    await register(person, t)  # the staff notice is queued, not yet sent
    await person.send("/delete")
    await person.press("🗑 Yes, delete everything")
    await harness.worker().run_once()
    texts = [m["text"] for m in harness.staff_chat()]
    assert texts == ["↩️ Registration MA-2026-000001 was withdrawn: the person deleted their data."]


async def test_changing_mind_about_delete_keeps_everything(harness):
    person, t = await open_menu(harness, 5004, "en")
    await register(person, t)
    await person.send("/delete")
    await person.press("⬅️ No, keep it")
    await person.send("/mydata")
    assert "Aminata" in person.last_text()


@pytest.mark.parametrize("locale", ["en", "ar"])
async def test_mydata_ends_with_buttons_to_delete_it_or_go_back_to_the_menu(harness, locale):
    """Found by the crawler: the page of one's data had no button, a dead end."""
    person, t = await open_menu(harness, 5006, locale)
    await register(person, t)
    await person.send("/mydata")
    assert person.button_texts(person.last()) == [
        t.gettext("🗑 Delete my data"),
        t.gettext("🏠 Main menu"),
    ]
    page = person.last()
    await person.press(t.gettext("🗑 Delete my data"), page)
    assert t.gettext("🗑 Yes, delete everything") in person.button_texts()
    await person.press(t.gettext("🏠 Main menu"), page)
    assert t.gettext("🌐 Language") in person.button_texts()
    await person.send("/mydata")
    assert "Aminata" in person.last_text()  # nothing was deleted without the confirmation


async def test_withdraw_is_as_easy_as_registering(harness):
    person, t = await open_menu(harness, 5005, "fr")
    await register(person, t)
    await person.press(t.gettext("🏠 Main menu"))
    await person.press(t.gettext("📄 My registration"))
    assert t.gettext("New") in person.last_text()
    await person.press(t.gettext("🚫 Withdraw my registration"))
    await person.press(t.gettext("🚫 Yes, withdraw"))
    assert t.gettext("📝 Register my interest") in person.button_texts()
    await harness.worker().run_once()
    assert harness.staff_chat()[-1]["text"] == "↩️ Registration MA-2026-000001 was withdrawn."
    await person.press(t.gettext("📝 Register my interest"))  # and can register again
    assert t.gettext("✅ I agree") in person.button_texts()


async def test_contact_details_can_be_changed_and_staff_are_told(harness):
    person, t = await open_menu(harness, 5006, "en")
    await register(person, t)
    await person.press("🏠 Main menu")
    await person.press("📄 My registration")
    await person.press("📱 Change my phone number")
    await person.send("not a number")
    assert harness.api.chat(person.chat_id)[-2]["text"].startswith("That does not look like")
    await person.send("+221 77 123 45 67")
    assert "+221771234567" in person.last_text()
    await person.press("✏️ Change my name")
    await person.send("Awa")
    assert "Name: Awa" in person.last_text()
    await harness.worker().run_once()
    assert harness.staff_chat()[-1]["text"] == (
        "✏️ Registration MA-2026-000001: the person changed their contact details."
    )
    assert all("Awa" not in m["text"] for m in harness.staff_chat())
