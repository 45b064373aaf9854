"""Dialogs opened in the same second get different intent ids (aiogram-dialog's own ids
collide one time in a hundred then: one dialog's context replaced another's)."""

from aiogram.fsm.state import State, StatesGroup
from aiogram_dialog.api.entities.stack import Stack

from bot.telegram.entry.intent_ids import use_unique_intent_ids


class Form(StatesGroup):
    step = State()


def test_a_thousand_dialogs_opened_at_once_have_a_thousand_short_ids():
    use_unique_intent_ids()
    ids = [Stack().push(Form.step, None).id for _ in range(1000)]  # aiogram-dialog's 1 in 100
    assert len(set(ids)) == 1000
    assert all(0 < len(i) <= 6 and i.isalnum() for i in ids)


async def test_building_the_bot_puts_them_in_place(app):
    from aiogram_dialog.api.entities import stack

    from bot.telegram.entry.factory import build_dispatcher
    from bot.telegram.entry.intent_ids import unique_intent_id

    theirs = stack.id_to_str  # any function but ours: as before the bot is built
    stack.new_id = theirs
    build_dispatcher(app)
    assert stack.new_id is unique_intent_id
