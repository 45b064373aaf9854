"""Every StatesGroup of the bot. State names are stored in the database: treat them as schema."""

from aiogram.fsm.state import State, StatesGroup


class MenuSG(StatesGroup):
    main = State()
    help = State()
    announcements_on = State()  # "Receive announcements again" was pressed


class LanguageSG(StatesGroup):
    pick = State()
    written = State()  # after a listening language: the language of the menus


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


class RegistrationSG(StatesGroup):
    consent = State()
    consent_more = State()
    prefill = State()
    name = State()
    country = State()
    city = State()
    city_other = State()
    phone = State()
    gender = State()
    age = State()
    passport = State()
    companions = State()
    needs = State()
    language = State()
    summary = State()
    done = State()
    returned_on = State()  # returnees asking for reintegration support only


class MyRegistrationSG(StatesGroup):
    main = State()
    edit_name = State()
    edit_phone = State()
    withdraw = State()


class DeleteSG(StatesGroup):
    confirm = State()


class TalkSG(StatesGroup):
    chat = State()


class BookingSG(StatesGroup):
    day = State()
    time = State()
    confirm = State()
    done = State()
    manage = State()
    cancel = State()


class SlotsSG(StatesGroup):
    office = State()
    days = State()
    start = State()
    end = State()
    length = State()
    capacity = State()
    summary = State()
    schedule = State()
    slot = State()


class CheckinSG(StatesGroup):
    question = State()
    done = State()
    manage = State()


class StatsSG(StatesGroup):
    period = State()
    start = State()
    end = State()
    office = State()
    shown = State()
    export_kind = State()
    export_confirm = State()


class DangerSG(StatesGroup):
    main = State()
    sent = State()


class ConcernSG(StatesGroup):
    category = State()
    message = State()
    identity = State()
    done = State()


class RecordSG(StatesGroup):
    waiting = State()


class StaffAnswerSG(StatesGroup):
    write = State()  # staff answer a person from /case or /inbox, in a private chat
