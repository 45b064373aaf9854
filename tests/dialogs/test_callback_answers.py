"""Every callback query gets exactly one answer: forged or malformed data, in the staff group or a
private chat, in a chat the bot ignores, and ordinary presses that a handler answers itself."""

import pytest

from tests.support import STAFF_CHAT, STAFF_ID

MALFORMED = [
    "case:open:notanint",  # a staff prefix that does not parse
    "case:set:1:new",  # too few parts
    "conv:close:x",
    "\x1d",  # a bare control character (aiogram-dialog's separator)
    "\x00",
    "\x1dabc\x1d",
    "",
]


def answers(harness, since):
    return [c for c in harness.api.calls[since:] if type(c).__name__ == "AnswerCallbackQuery"]


def bot_message(chat):
    bot = {"id": 7000000001, "is_bot": True, "first_name": "AVRR Assistant"}
    return {"message_id": 1, "date": 0, "chat": chat, "text": "x", "from": bot}


@pytest.mark.parametrize("data", MALFORMED)
@pytest.mark.parametrize("chat", ["staff group", "other group"])
async def test_malformed_data_in_a_group_is_answered_once(harness, data, chat):
    chat_id = STAFF_CHAT if chat == "staff group" else -100555
    member = harness.person(STAFF_ID, "en", chat_id=chat_id, chat_type="supergroup")
    before = len(harness.api.calls)
    await member.press_data(data, bot_message(member.chat))
    assert len(answers(harness, before)) == 1


@pytest.mark.parametrize("data", MALFORMED)
async def test_malformed_data_in_a_private_chat_is_answered_once(harness, data):
    person = harness.person(2101, "en")
    await person.send("/start")
    await person.press(1)
    before = len(harness.api.calls)
    await person.press_data(data, person.last_with_keyboard())
    assert len(answers(harness, before)) == 1


async def test_ordinary_presses_are_answered_once_each(harness):
    person = harness.person(2102, "en")
    await person.send("/start")
    for label in ("English", "ℹ️", "🏠"):
        before = len(harness.api.calls)
        await person.press(label)
        assert len(answers(harness, before)) == 1, label
