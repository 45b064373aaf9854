"""One staff policy: every service refuses a non-staff caller with the one NotStaffError, and the
adapter's error handler audits and answers that refusal (the last line behind its own checks)."""

import pytest
from aiogram import F
from aiogram.types import Message

from bot.services.staff_policy import NotStaffError, StaffPolicy
from tests.dialogs.test_refused_staff_actions import refusals
from tests.support import STAFF_ID

OUTSIDER = 4242


def test_the_policy_allows_staff_only():
    policy = StaffPolicy([STAFF_ID])
    assert policy.allows(STAFF_ID)
    assert not policy.allows(OUTSIDER)
    assert not policy.allows(None)
    with pytest.raises(NotStaffError) as refused:
        policy.require(OUTSIDER, "cases")
    assert (refused.value.user_id, refused.value.what) == (OUTSIDER, "cases")


@pytest.mark.parametrize(
    "call",
    [
        lambda app: app.cases.recent(OUTSIDER),
        lambda app: app.bookings.mark(OUTSIDER, 1, attended=True),
        lambda app: app.stats.export(OUTSIDER, None, None, full=False),
        lambda app: app.checkins.mark_returned(OUTSIDER, registration_id=1),
        lambda app: app.conversations.close_by_staff(OUTSIDER, 1),
        lambda app: app.urgent.take(OUTSIDER, 1),
        lambda app: app.recordings.remove(OUTSIDER, "return", 1, "en"),
    ],
)
async def test_every_service_refuses_with_the_one_error(app, call):
    with pytest.raises(NotStaffError):
        await call(app)


async def test_a_refusal_by_a_service_is_audited_and_answered(harness):
    async def probe(message: Message) -> None:
        await harness.app.urgent.take(message.from_user.id, 1)

    harness.dp.message.register(probe, F.text == "/probe")
    person = harness.person(OUTSIDER)
    await person.send("/probe")
    assert person.last_text() == "Only office staff can do this."
    assert (OUTSIDER, "urgent alerts") in await refusals(harness.app)
