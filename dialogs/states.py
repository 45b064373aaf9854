"""Every StatesGroup of the bot. State names are stored in the database: treat them as schema."""

from aiogram.fsm.state import State, StatesGroup


class MenuSG(StatesGroup):
    main = State()
    help = State()


class LanguageSG(StatesGroup):
    pick = State()


class InfoSG(StatesGroup):
    topics = State()
    page = State()
    faq = State()
    contact = State()


class EligibilitySG(StatesGroup):
    where_now = State()
    destination = State()
    own_choice = State()
    can_pay = State()
    passport = State()
    asylum = State()
    minor_alone = State()
    urgent_health = State()
    result = State()
