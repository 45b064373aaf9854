"""The staff chat under Telegram's changes: a group upgraded to a supergroup (Telegram answers the
old id with `migrate_to_chat_id`), and a staff chat that must not receive people's data (public,
a channel, the bot not in it). Nothing is lost, nothing goes elsewhere, nothing is sent twice."""

import logging

import pytest
from sqlalchemy import text

from bot.app import create_app
from bot.telegram.entry.local_api import BOT_USER, Fault
from tests.dialogs.booking_steps import registered_person
from tests.support import STAFF_CHAT, STAFF_ID, make_settings

NEW_CHAT = -1009000777
UPGRADED = "Bad Request: group chat was upgraded to a supergroup chat"


async def rows(app, sql):
    async with app.engine.connect() as connection:
        return [tuple(r) for r in (await connection.execute(text(sql))).all()]


def texts(harness, chat_id):
    return [m.get("text") or m.get("caption") or "" for m in harness.api.chat(chat_id)]


def sends_to(harness, chat_id):
    return [
        c for c in harness.api.calls if type(c).__name__.startswith("Send") and c.chat_id == chat_id
    ]


def member(harness, chat_id, user_id=STAFF_ID):
    return harness.person(user_id, "en", chat_id=chat_id, chat_type="supergroup")


async def writing_person(harness, user_id, text_):
    person, t = await registered_person(harness, user_id)
    await person.press(t.gettext("✉️ Write to the office"))
    await person.send(text_)
    return person


async def test_upgraded_group_everything_pending_goes_to_the_supergroup_in_order(harness, caplog):
    talking = await writing_person(harness, 4001, "before the upgrade")
    await harness.worker().run_once()  # header and message in the old group
    old_relay = harness.api.chat(STAFF_CHAT)[-1]

    harness.api.faults.append(
        Fault(400, UPGRADED, chat_id=STAFF_CHAT, migrate_to_chat_id=NEW_CHAT, times=1000)
    )
    await harness.app.registrations.register(4002, (await _draft()))
    await talking.send("after the upgrade")
    with caplog.at_level(logging.WARNING):
        await harness.worker().run_once()

    new = texts(harness, NEW_CHAT)
    assert "MA-2026-000002" in new[0]  # the registration, first as it was first written
    assert new[1].endswith("after the upgrade")
    assert new[2].startswith("ℹ️ This group was upgraded to a supergroup")
    assert f"STAFF_CHAT_ID={NEW_CHAT}" in new[2]
    assert "Conversation MA-2026-000001" in new[3]  # the open conversation, to reply to here
    assert len(new) == 4
    assert len(texts(harness, STAFF_CHAT)) == 3  # nothing more to the old id, nothing twice
    assert await rows(harness.app, "select distinct status from outbox") == [("sent",)]
    assert sum(f"Set STAFF_CHAT_ID={NEW_CHAT}" in r.getMessage() for r in caplog.records) == 1

    # Staff answer in the supergroup; an answer to the old group's message id maps to nobody.
    staff = member(harness, NEW_CHAT)
    header = harness.api.chat(NEW_CHAT)[-1]
    await staff.send("We received it.", reply_to_message=header)
    harness.api.remember({**old_relay, "chat": {"id": NEW_CHAT, "type": "supergroup"}})
    await staff.send("Wrong thread", reply_to_message={**old_relay, "chat": staff.chat})
    await harness.worker().run_once()
    person_texts = texts(harness, 4001)
    assert person_texts[-1].endswith("We received it.")
    assert not any("Wrong thread" in t_ for t_ in person_texts)

    # Staff buttons work in the supergroup.
    notice = harness.api.chat(NEW_CHAT)[0]
    await staff.press("📂", message=notice)
    assert "MA-2026-000002" in texts(harness, STAFF_ID)[-1]


async def _draft():
    from tests.dialogs.booking_steps import draft

    return draft("en")


async def test_the_new_id_survives_a_restart_until_the_setting_is_changed(
    harness, settings, clock, caplog
):
    await harness.app.registrations.register(4101, await _draft())
    harness.api.faults.append(
        Fault(400, UPGRADED, chat_id=STAFF_CHAT, migrate_to_chat_id=NEW_CHAT, times=1000)
    )
    await harness.worker().run_once()
    assert await rows(
        harness.app, "select from_chat_id, to_chat_id from staff_chat_migrations"
    ) == [(STAFF_CHAT, NEW_CHAT)]
    caplog.clear()
    with caplog.at_level(logging.WARNING):
        restarted = await create_app(settings, clock=clock)
    assert restarted.staff_chat.id == NEW_CHAT
    lines = [r.getMessage() for r in caplog.records if "STAFF_CHAT_ID" in r.getMessage()]
    assert len(lines) == 1 and f"Set STAFF_CHAT_ID={NEW_CHAT}" in lines[0]
    await restarted.close()

    for configured in (NEW_CHAT, -1009000999):  # the operator updated it, or chose another
        caplog.clear()
        with caplog.at_level(logging.WARNING):
            updated = await create_app(
                make_settings(settings.DATABASE_URL, STAFF_CHAT_ID=str(configured)), clock=clock
            )
        assert updated.staff_chat.id == configured
        assert not [r for r in caplog.records if "STAFF_CHAT_ID" in r.getMessage()]
        await updated.close()


async def test_the_upgrade_service_message_moves_the_staff_chat_before_any_send(harness):
    await harness.app.registrations.register(4201, await _draft())
    service = {"migrate_to_chat_id": NEW_CHAT}
    await member(harness, STAFF_CHAT, 4299).send(None, **service)
    await harness.worker().run_once()
    assert sends_to(harness, STAFF_CHAT) == []
    assert "MA-2026-000001" in texts(harness, NEW_CHAT)[0]


async def test_the_check_follows_an_upgrade_found_by_getchat(harness):
    await harness.app.registrations.register(4301, await _draft())
    harness.api.faults.append(
        Fault(400, UPGRADED, method="GetChat", chat_id=STAFF_CHAT, migrate_to_chat_id=NEW_CHAT)
    )
    await harness.worker().run_once()
    assert sends_to(harness, STAFF_CHAT) == []
    assert "MA-2026-000001" in texts(harness, NEW_CHAT)[0]


UNFIT = {
    "public group": ({"username": "avrr_staff"}, None),
    "channel": ({"type": "channel", "title": "News"}, None),
    "bot not a member": ({}, "left"),
    "wrong id": (None, None),
}


@pytest.mark.parametrize("case", UNFIT, ids=list(UNFIT))
async def test_an_unfit_staff_chat_receives_nothing_until_it_is_fixed(harness, caplog, case):
    chat, bot_status = UNFIT[case]
    if chat is None:
        harness.api.faults.append(
            Fault(400, "Bad Request: chat not found", method="GetChat", times=3)
        )
    else:
        harness.api.chats[STAFF_CHAT] = chat
    if bot_status:
        harness.api.bot_status[STAFF_CHAT] = bot_status
    await registered_person(harness, 4401)
    await harness.app.registrations.register(4402, await _draft())
    worker = harness.worker()
    with caplog.at_level(logging.ERROR):
        for _ in range(3):
            await worker.run_once()
            harness.app.clock.advance(seconds=61)
    assert sends_to(harness, STAFF_CHAT) == []  # never a message there
    assert await rows(harness.app, "select status, attempts from outbox") == [("pending", 0)] * 2
    refusals = [r for r in caplog.records if "refused" in r.getMessage()]
    assert len(refusals) == 1 and str(STAFF_CHAT) in refusals[0].getMessage()
    assert all(c.chat_id in (STAFF_CHAT, 4401) for c in harness.api.calls if hasattr(c, "chat_id"))

    harness.api.chats.pop(STAFF_CHAT, None)  # fixed: made private, the bot added back
    harness.api.bot_status.pop(STAFF_CHAT, None)
    await worker.run_once()
    assert len(sends_to(harness, STAFF_CHAT)) == 2
    first, second = texts(harness, STAFF_CHAT)
    assert "MA-2026-000001" in first and "MA-2026-000002" in second


async def test_a_fit_staff_chat_is_checked_again_periodically(harness, caplog):
    worker = harness.worker()
    await worker.run_once()
    checks = [c for c in harness.api.calls if type(c).__name__ == "GetChat"]
    assert len(checks) == 1
    harness.api.chats[STAFF_CHAT] = {"username": "now_public"}  # someone made it public
    harness.app.clock.advance(minutes=11)
    await harness.app.registrations.register(4501, await _draft())
    with caplog.at_level(logging.ERROR):
        await worker.run_once()
    assert sends_to(harness, STAFF_CHAT) == []
    assert any("public" in r.getMessage() for r in caplog.records)


async def test_the_bot_removed_from_the_staff_group_is_noticed_at_once(harness):
    worker = harness.worker()
    await worker.run_once()  # checked: fit
    harness.api.bot_status[STAFF_CHAT] = "left"
    await member(harness, STAFF_CHAT, 4601).feed(
        {
            "my_chat_member": {
                "chat": {"id": STAFF_CHAT, "type": "supergroup", "title": "Group"},
                "from": {"id": 4601, "is_bot": False, "first_name": "Admin"},
                "date": 0,
                "old_chat_member": {"status": "member", "user": BOT_USER},
                "new_chat_member": {"status": "left", "user": BOT_USER},
            }
        }
    )
    await harness.app.registrations.register(4602, await _draft())
    await worker.run_once()  # no ten-minute wait: checked again now, and refused
    assert sends_to(harness, STAFF_CHAT) == []
