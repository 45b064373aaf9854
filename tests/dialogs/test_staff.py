"""Staff commands and buttons: allowlisted staff only, checked on every press, audited."""

import pytest
from sqlalchemy import text

from bot.telegram.entry.local_api import Fault
from tests.dialogs.registration_steps import open_menu, register
from tests.support import STAFF_CHAT, STAFF_ID

OUTSIDER = 6666


async def registered(harness, user_id=7001, locale="fr"):
    person, t = await open_menu(harness, user_id, locale)
    await register(person, t)
    await harness.worker().run_once()
    return person, t, harness.staff_chat()[-1]


def staff_in_group(harness, user_id):
    return harness.person(user_id, "en", chat_id=STAFF_CHAT, chat_type="supergroup")


def staff_private(harness):
    return harness.person(STAFF_ID, "en")


async def case_events(app):
    async with app.engine.connect() as connection:
        rows = await connection.execute(
            text(
                "select actor, actor_id, kind, from_status, to_status from case_events order by id"
            )
        )
        return [tuple(row) for row in rows]


@pytest.mark.parametrize("command", ["/case MA-2026-000001", "/cases", "/cases new rabat"])
async def test_non_staff_get_the_ordinary_unknown_command_answer(harness, command):
    _person, _, _ = await registered(harness)
    outsider = harness.person(OUTSIDER, "en")
    await outsider.send("/start")
    await outsider.press("English")
    await outsider.send(command)
    answer = harness.api.chat(OUTSIDER)[-2]["text"]
    assert answer == "I do not know this command. Please use the buttons below."
    from_bot = [m for m in harness.api.chat(OUTSIDER) if m["from"]["id"] != OUTSIDER]
    assert "MA-2026" not in " ".join(m.get("text", "") for m in from_bot)


async def test_staff_open_a_case_by_reference_with_its_history(harness):
    await registered(harness)
    staff = staff_private(harness)
    await staff.send("/case ma-2026-000001")
    shown = staff.last_text()
    assert "<b>Case MA-2026-000001</b>" in shown
    assert "Name: Aminata &lt;Diallo&gt; &amp; Co" in shown  # escaped for Telegram HTML
    assert "Phone: +212612345678" in shown
    assert "registration received" in shown and "created" not in shown
    assert ("staff", STAFF_ID, "viewed", None, None) in await case_events(harness.app)


async def test_case_command_checks_its_argument(harness):
    staff = staff_private(harness)
    await staff.send("/case <script>")
    assert staff.last_text() == "Write the reference like this: /case MA-2026-000042"
    await staff.send("/case MA-2026-999999")
    assert staff.last_text() == "There is no such case."


async def test_cases_lists_recent_ones_with_filters(harness):
    await registered(harness, 7001)
    await registered(harness, 7002, "ar")
    staff = staff_private(harness)
    await staff.send("/cases")
    assert "MA-2026-000001" in staff.last_text() and "MA-2026-000002" in staff.last_text()
    await staff.send("/cases contacted")
    assert staff.last_text() == "No case matches."
    await staff.send("/cases nonsense")
    assert staff.last_text().startswith("Filters:")


async def test_non_staff_pressing_a_group_button_is_refused_and_nothing_changes(harness):
    _, _, notice = await registered(harness)
    member = staff_in_group(harness, OUTSIDER)
    for label in ("📂 Open case", "☎️ Mark contacted"):
        await member.press(label, message=notice)
        answers = [e.text for e in harness.api.events if e.kind == "answer"]
        assert answers[-1] == "Only office staff can do this."
    assert harness.api.chat(OUTSIDER) == []  # no private message with the case
    assert [e for e in await case_events(harness.app) if e[0] == "staff"] == []


async def test_staff_open_case_from_the_group_in_a_private_message(harness):
    _, _, notice = await registered(harness)
    await staff_in_group(harness, STAFF_ID).press("📂 Open case", message=notice)
    assert "<b>Case MA-2026-000001</b>" in harness.api.chat(STAFF_ID)[-1]["text"]
    assert "Aminata" not in " ".join(m.get("text", "") for m in harness.staff_chat())


async def test_open_case_asks_staff_to_start_the_bot_when_they_never_did(harness):
    _, _, notice = await registered(harness)
    harness.api.faults.append(
        Fault(403, "Forbidden: bot can't initiate conversation with a user", chat_id=STAFF_ID)
    )
    await staff_in_group(harness, STAFF_ID).press("📂 Open case", message=notice)
    answers = [e.text for e in harness.api.events if e.kind == "answer"]
    assert answers[-1] == "Open a private chat with me first (press my name, then Start)."


async def test_status_change_is_audited_and_the_person_is_told_in_their_language(harness):
    person, t, notice = await registered(harness, locale="fr")
    await staff_in_group(harness, STAFF_ID).press("☎️ Mark contacted", message=notice)
    assert ("staff", STAFF_ID, "status", "new", "contacted") in await case_events(harness.app)
    assert "reply_markup" not in harness.staff_chat()[-1]  # no stale buttons left in the group
    await harness.worker().run_once()
    expected = t.gettext(
        "News about your registration {reference}: staff have looked at it and will contact "
        "you to arrange an interview.",
        reference="MA-2026-000001",
    )
    assert person.last_text() == expected


async def test_an_old_status_button_pressed_again_changes_nothing(harness):
    person, t, notice = await registered(harness)
    staff = staff_in_group(harness, STAFF_ID)
    await staff.press("☎️ Mark contacted", message=notice)
    await staff.press_data(notice["reply_markup"]["inline_keyboard"][0][1]["callback_data"], notice)
    answers = [e.text for e in harness.api.events if e.kind == "answer"]
    assert answers[-1].startswith("This case changed meanwhile")
    await harness.worker().run_once()
    told = t.gettext(
        "News about your registration {reference}: staff have looked at it and will contact "
        "you to arrange an interview.",
        reference="MA-2026-000001",
    )
    assert [m.get("text") for m in harness.api.chat(person.chat_id)].count(told) == 1
    assert len([e for e in await case_events(harness.app) if e[2] == "status"]) == 1


async def test_private_case_view_moves_the_case_step_by_step(harness):
    await registered(harness)
    staff = staff_private(harness)
    await staff.send("/case MA-2026-000001")
    await staff.press("→ Interview")
    assert "Status: Interview" in staff.last_text()
    await staff.press("→ Departure planned")
    assert "Status: Departure planned" in staff.last_text()
    await staff.press("→ Returned")
    assert "Status: Returned" in staff.last_text()
    # a returned case has no further step; the person can still be answered
    assert staff.button_texts(staff.last()) == ["✍️ Answer"]


async def test_tampered_case_button_is_refused(harness):
    _, _, notice = await registered(harness)
    staff = staff_in_group(harness, STAFF_ID)
    await staff.press_data("case:set:1:new:nonsense", notice)
    answers = [e.text for e in harness.api.events if e.kind == "answer"]
    assert answers[-1] == "This change is not possible for this case."
    await staff.press_data("case:set:999:new:contacted", notice)
    answers = [e.text for e in harness.api.events if e.kind == "answer"]
    assert answers[-1] == "There is no such case."
