"""Every staff command, button or export refused to someone not in STAFF_USER_IDS is written to
the audit log: who, what, when — never the arguments (no reference, nothing of the case)."""

import pytest
from sqlalchemy import text

from tests.dialogs.test_conversations import group_member, writing
from tests.dialogs.test_staff import OUTSIDER, registered, staff_in_group
from tests.support import STAFF_ID


async def audit_log(app):
    async with app.engine.connect() as connection:
        rows = await connection.execute(
            text("select actor_id, action, detail, at from audit_log order by id")
        )
        return [tuple(row) for row in rows]


async def refusals(app):
    return [
        (actor, detail) for actor, action, detail, _ in await audit_log(app) if action == "refused"
    ]


@pytest.mark.parametrize(
    ("command", "name"),
    [
        ("/case MA-2026-000001", "case"),
        ("/cases new rabat", "cases"),
        ("/returned MA-2026-000001 2026-10-01", "returned"),
        ("/slots", "slots"),
        ("/stats", "stats"),
        ("/export", "export"),
        ("/inbox", "inbox"),
        ("/case@avrr_bot MA-2026-000001", "case"),
    ],
)
async def test_a_refused_staff_command_is_audited_without_its_arguments(harness, command, name):
    await registered(harness)
    outsider = harness.person(OUTSIDER, "en")
    await outsider.send("/start")
    await outsider.press("English")
    await outsider.send(command)
    assert harness.api.chat(OUTSIDER)[-2]["text"] == (
        "I do not know this command. Please use the buttons below."
    )  # the ordinary answer: nothing tells them a staff command exists
    ((actor, action, detail, at),) = await audit_log(harness.app)
    assert (actor, action, detail) == (OUTSIDER, "refused", f"command /{name}")
    assert str(at).startswith("2026-11-23 09:00")  # when: the clock of the refusal
    assert "MA-2026" not in detail


async def test_ordinary_commands_and_staff_s_own_commands_are_not_refusals(harness):
    await registered(harness)
    outsider = harness.person(OUTSIDER, "en")
    await outsider.send("/start")
    await outsider.press("English")
    await outsider.send("/help")
    await outsider.send("/nonsense")
    staff = harness.person(STAFF_ID, "en")
    await staff.send("/case MA-2026-000001")
    await staff.send("/cases")
    assert await refusals(harness.app) == []


async def test_refused_group_buttons_are_audited(harness):
    _, _, notice = await registered(harness)
    member = staff_in_group(harness, OUTSIDER)
    await member.press("📂 Open case", message=notice)
    await member.press("☎️ Mark contacted", message=notice)
    assert await refusals(harness.app) == [
        (OUTSIDER, "button case:open"),
        (OUTSIDER, "button case:set"),
    ]


async def test_a_refused_reply_and_close_in_the_staff_chat_are_audited(harness):
    person, _t = await writing(harness)
    await person.send("I lost my passport")
    await harness.worker().run_once()
    header, relayed = harness.staff_chat()[-2:]
    await group_member(harness, OUTSIDER).send("Bonjour !", reply_to_message=relayed)
    await group_member(harness, OUTSIDER).press("✖️ Close conversation", message=header)
    details = await refusals(harness.app)
    assert details == [
        (OUTSIDER, "reply to a person in the staff chat"),
        (OUTSIDER, "button conv"),
    ]
    assert all("passport" not in detail for _, detail in details)


async def test_an_export_refused_to_someone_no_longer_staff_is_audited(harness):
    """A staff member removed from STAFF_USER_IDS while the export screen was open."""
    member = harness.person(STAFF_ID, "en")
    await member.send("/export")
    await member.press("This year")
    harness.app.settings.STAFF_USER_IDS = frozenset()  # the list changed (a restart)
    await member.press("All offices")
    answers = [e.text for e in harness.api.events if e.kind == "answer"]
    assert answers[-1] == "Only office staff can do this."
    assert await refusals(harness.app) == [(STAFF_ID, "export")]


def test_the_audited_staff_commands_are_the_registered_ones():
    from bot.telegram.entry.polling import STAFF_COMMANDS
    from bot.telegram.staff.cases import STAFF_COMMAND_NAMES

    assert {name for name, _ in STAFF_COMMANDS} == STAFF_COMMAND_NAMES
