"""The terminal chat: what it prints and how it reads a typed number."""

import io

from bot.telegram.entry.console import ConsolePrinter, act
from bot.telegram.entry.local_api import ApiEvent
from tests.dialogs.registration_steps import open_menu


def _message(text, buttons):
    markup = {"inline_keyboard": [[{"text": b, "callback_data": b} for b in buttons]]}
    return {
        "message_id": 1,
        "chat": {"id": 5, "type": "private"},
        "text": text,
        **({"reply_markup": markup} if buttons else {}),
    }


def test_an_edit_that_changes_only_the_buttons_is_printed():
    out = io.StringIO()
    printer = ConsolePrinter(out, person_chat_id=5)
    before = _message("Choose a day", ["November", "Next ➡️"])
    after = _message("Choose a day", ["December", "⬅️ Back"])
    printer(ApiEvent("edit", 5, after, previous=before))
    assert "[1] December" in out.getvalue() and "[2] ⬅️ Back" in out.getvalue()

    quiet = io.StringIO()
    ConsolePrinter(quiet, 5)(ApiEvent("edit", 5, _message("Choose a day", []), previous=after))
    assert quiet.getvalue() == ""  # buttons of a replaced screen removed: nothing to show


async def test_a_phone_number_is_sent_as_text_and_a_small_number_presses_a_button(harness):
    person, t = await open_menu(harness, 4101, "en")
    await person.press(t.gettext("📝 Register my interest"))
    await person.press(t.gettext("✅ I agree"))
    await person.send("Aminata")
    await person.send("guin")
    await person.press(t.country("GN"))
    await person.press("Rabat")
    out = io.StringIO()
    await act(person, "0612345678", out)
    sent = [m for m in harness.api.chat(person.chat_id) if m.get("from", {}).get("id") == 4101]
    assert sent[-1]["text"] == "0612345678"
    assert out.getvalue() == ""
    assert t.gettext("Woman") in person.button_texts()  # the phone was accepted: next step
    await act(person, "1", out)  # a number within the buttons shown presses that button
    assert t.gettext("Woman") not in person.button_texts()
