"""Every StatesGroup of the bot. State names are stored in the database: treat them as schema."""

from aiogram.fsm.state import State, StatesGroup


class MenuSG(StatesGroup):
    main = State()
    help = State()


class LanguageSG(StatesGroup):
    pick = State()
