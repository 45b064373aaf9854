"""`my_chat_member`: a person who blocks the bot is unreachable at once (check-ins stopped, staff
told, as on a 403), before any message fails; one who unblocks is reachable again."""

from tests.dialogs.test_checkins import returned, rows


async def blocked(harness, user_id):
    async with harness.app.uow(read_only=True) as uow:
        return (await uow.users.get(user_id)).blocked


async def test_blocking_stops_checkins_and_tells_staff_before_any_message_fails(harness):
    person, _ = await returned(harness, 31001, days_ago=10)  # the first check-in is not due yet
    await harness.worker().run_once()
    calls_before = len(harness.api.calls)
    await person.block()
    assert await blocked(harness, 31001)
    assert await rows(harness.app, "select distinct status from checkins") == [("cancelled",)]
    assert await rows(harness.app, "select monitoring from registrations") == [("stopped",)]
    await harness.worker().run_once()
    assert harness.staff_chat()[-1]["text"] == (
        "🔕 MA-2026-000001 cannot be reached (they blocked the bot): check-ins stopped."
    )
    sent_after = [
        c for c in harness.api.calls[calls_before:] if getattr(c, "chat_id", None) == 31001
    ]
    assert sent_after == []  # nothing was tried: no 403 was needed to know

    await person.unblock()
    assert not await blocked(harness, 31001)


async def test_blocking_twice_or_after_a_403_tells_staff_once(harness):
    person, _ = await returned(harness, 31002, days_ago=10)
    await person.block()
    await person.block()
    await harness.worker().run_once()
    notices = [m["text"] for m in harness.staff_chat() if "cannot be reached" in m["text"]]
    assert len(notices) == 1


async def test_a_person_without_checkins_who_blocks_is_only_marked(harness):
    person = harness.person(31003, "en")
    await person.send("/start")
    await person.press("English")
    await person.block()
    assert await blocked(harness, 31003)
    await harness.worker().run_once()
    assert harness.staff_chat() == []
    await person.unblock()
    assert not await blocked(harness, 31003)
