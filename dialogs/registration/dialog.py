"""Register interest: consent first, then the form (buttons wherever possible), a summary with
an edit button per answer, and Confirm. Nothing is stored before Confirm."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from aiogram import F
from aiogram.enums import ContentType
from aiogram_dialog import Dialog
from aiogram_dialog.widgets.kbd import (
    Back,
    Button,
    Cancel,
    Column,
    Group,
    Multiselect,
    RequestContact,
    Row,
    Select,
    SwitchTo,
)
from aiogram_dialog.widgets.markup.reply_keyboard import ReplyKeyboardFactory
from aiogram_dialog.widgets.text import Format, Multi

from bot.i18n import N_
from dialogs.calendar import LocalCalendar
from dialogs.inputs import MessageInput
from dialogs.registration import getters
from dialogs.registration import handlers as h
from dialogs.states import RegistrationSG as R
from dialogs.widgets import NavRow, PagedSelect, T, choices, pager, screen

BACK = Back(T("⬅️ Back"), id="back")
TEXT = ContentType.TEXT


def _edit(field: str, label: str, when: Any = None) -> Button:
    return Button(T(label), id=f"edit_{field}", on_click=h.on_edit, when=when)


def create_registration_dialog() -> Dialog:
    return Dialog(
        screen(
            T("<b>Register your interest</b>", when=~F["returnee"]),
            T("<b>Reintegration support</b>", when="returnee"),
            T(
                "We will ask for: your name, country of origin, where you are, a phone number "
                "(if you want), gender, age group, passport, people travelling with you, and "
                "needs the office should know about.",
                when=~F["returnee"],
            ),
            T(
                "Why: so that staff can contact you and prepare your interview.",
                when=~F["returnee"],
            ),
            T(
                "We will ask for: your name, the country you came back from, when you came "
                "back, where you are now, a phone number (if you want), gender, age group, and "
                "needs the office should know about.",
                when="returnee",
            ),
            T(
                "Why: so that staff can contact you about support for your reintegration, and "
                "follow how you are doing after your return.",
                when="returnee",
            ),
            T("Who sees it: the office staff."),
            T(
                "Later, only if you go ahead with a return and you agree: the embassy of your "
                "country (for a travel document) and the IOM office in your country (to prepare "
                "your arrival).",
                when=~F["returnee"],
            ),
            T(
                "You can see your data with /mydata and delete it with /delete, at any time. "
                "Nothing is stored before you confirm."
            ),
            Row(
                Button(T("✅ I agree"), id="agree", on_click=h.on_agree),
                SwitchTo(T("📖 Read more"), id="more", state=R.consent_more),
            ),
            Cancel(T("✖️ Not now"), id="not_now"),
            getter=getters.kind_getter,
            state=R.consent,
        ),
        screen(
            T("<b>Your data, in detail</b>"),
            T(
                "The office of the programme (IOM) keeps what you write here to contact you, "
                "prepare your interview and organise the help you ask for. It is used for "
                "nothing else.",
                when=~F["returnee"],
            ),
            T(
                "The office of the programme (IOM) keeps what you write here to contact you, "
                "organise the reintegration support you ask for and follow how you are doing. "
                "It is used for nothing else.",
                when="returnee",
            ),
            T(
                "Your name, phone number, where you are and your needs are stored encrypted. "
                "Now, only the office staff can read them."
            ),
            T(
                "If you go ahead with a return, and only if you agree, IOM shares what is needed "
                "with the embassy of your country (to get a travel document) and with the IOM "
                "office in your country (to prepare your arrival). If you are afraid of the "
                "authorities of your country, tell staff first.",
                when=~F["returnee"],
            ),
            T(
                "Your data is kept while the programme works with you. You can delete it at any "
                "time with /delete: then only numbers without your name stay, for the "
                "programme's statistics."
            ),
            T(
                "Registering is your choice. If you do not want to, you can still call or visit "
                "the office."
            ),
            Row(
                Button(T("✅ I agree"), id="agree", on_click=h.on_agree),
                Cancel(T("✖️ Not now"), id="not_now"),
            ),
            getter=getters.kind_getter,
            state=R.consent_more,
        ),
        screen(
            T(
                "You answered the questions of “Can I get help?”. Shall we use those answers "
                "to fill in part of the form?"
            ),
            Row(
                Button(T("Yes"), id="use", on_click=h.on_use_self_check),
                Button(T("No"), id="skip", on_click=h.on_skip_self_check),
            ),
            state=R.prefill,
        ),
        screen(
            T("What is your name? You can write the name you want to be called."),
            MessageInput(h.on_name, content_types=TEXT),
            NavRow(BACK),
            state=R.name,
        ),
        screen(
            T("What is your country of origin?", when=~F["returnee"]),
            T("From which country did you come back?", when="returnee"),
            T("Type the first letters of your country to find it faster.", when=~F["filtered"]),
            Format("🔎 {typed}", when="filtered"),
            T("No country found. Try other letters, or show all.", when="nothing"),
            PagedSelect(
                Select(
                    Format("{item[1]}"),
                    id="country",
                    item_id_getter=itemgetter(0),
                    items="countries",
                    on_click=h.on_country,
                ),
                items="countries",
                id="countries",
                width=2,
                height=6,
            ),
            pager("countries"),
            Button(T("🔁 Show all"), id="all", on_click=h.on_show_all_countries, when="filtered"),
            MessageInput(h.on_country_typed, content_types=TEXT),
            NavRow(BACK),
            getter=getters.country_getter,
            state=R.country,
        ),
        screen(
            T("Where are you now?"),
            choices("city", "cities", h.on_city),
            NavRow(BACK),
            getter=getters.city_getter,
            state=R.city,
        ),
        screen(
            T("Write the name of the town or city where you are."),
            MessageInput(h.on_city_typed, content_types=TEXT),
            SwitchTo(T("⬅️ Back"), id="back", state=R.city),
            state=R.city_other,
        ),
        screen(
            T("A phone number lets staff call you. It is not required."),
            T("Press “Share my number”, type a number, or press Skip."),
            RequestContact(T("📱 Share my number")),
            Row(Button(T("Skip"), id="skip", on_click=h.on_skip_phone), BACK),
            MessageInput(h.on_contact, content_types=ContentType.CONTACT),
            MessageInput(h.on_phone_typed, content_types=TEXT),
            markup_factory=ReplyKeyboardFactory(resize_keyboard=True, one_time_keyboard=False),
            state=R.phone,
        ),
        screen(
            T("Gender:"),
            choices("gender", "genders", h.on_gender, width=2),
            NavRow(BACK),
            getter=getters.choices_getter,
            state=R.gender,
        ),
        screen(
            T("Age group:"),
            choices("age", "ages", h.on_age, width=3),
            NavRow(BACK),
            getter=getters.choices_getter,
            state=R.age,
        ),
        screen(
            T("Passport:"),
            choices("passport", "passports", h.on_passport),
            NavRow(BACK),
            getter=getters.choices_getter,
            state=R.passport,
        ),
        screen(
            T("How many people travel with you? (0 if you travel alone)"),
            choices("companions", "companions", h.on_companions, width=4),
            MessageInput(h.on_companions_typed, content_types=TEXT),
            NavRow(BACK),
            getter=getters.choices_getter,
            state=R.companions,
        ),
        screen(
            T(
                "Is there something the office should know? "
                "Choose all that apply, then press Continue."
            ),
            T("This is optional. You can tell staff more at the interview."),
            Column(
                Multiselect(
                    Format("✅ {item[1]}"),
                    Format("▫️ {item[1]}"),
                    id="needs",
                    item_id_getter=itemgetter(0),
                    items="needs",
                )
            ),
            Button(T("Continue ➡️"), id="needs_done", on_click=h.on_needs_done),
            NavRow(BACK),
            getter=getters.choices_getter,
            state=R.needs,
        ),
        screen(
            T("In which language should staff contact you?"),
            choices("language", "languages", h.on_language),
            NavRow(BACK),
            getter=getters.choices_getter,
            state=R.language,
        ),
        screen(
            T("<b>Please check your answers</b>"),
            Multi(
                T("Name: {name}"),
                T("Country of origin: {country}", when=~F["returnee"]),
                T("Came back from: {country}", when="returnee"),
                T("Came back on: {returned_on}", when="returnee"),
                T("Where you are: {city}"),
                T("Phone: {phone}"),
                T("Gender: {gender}"),
                T("Age group: {age}"),
                T("Passport: {passport}", when=~F["returnee"]),
                T("People travelling with you: {companions}", when=~F["returnee"]),
                T("Needs: {needs}"),
                T("Language for contact: {language}"),
            ),
            T("Press an answer to change it, or Confirm."),
            Group(
                _edit("name", N_("✏️ Name")),
                _edit("country", N_("✏️ Country")),
                _edit("city", N_("✏️ Place")),
                _edit("phone", N_("✏️ Phone")),
                _edit("gender", N_("✏️ Gender")),
                _edit("age", N_("✏️ Age")),
                _edit("passport", N_("✏️ Passport"), when=~F["returnee"]),
                _edit("companions", N_("✏️ People"), when=~F["returnee"]),
                _edit("needs", N_("✏️ Needs")),
                _edit("language", N_("✏️ Language")),
                width=2,
            ),
            Button(T("✅ Confirm"), id="confirm", on_click=h.on_confirm),
            Cancel(T("✖️ Cancel, save nothing"), id="cancel"),
            getter=getters.summary_getter,
            state=R.summary,
        ),
        screen(
            T("When did you come back? Choose the day."),
            LocalCalendar(id="returned_on", on_click=h.on_return_day),
            NavRow(BACK),
            getter=getters.return_day_getter,
            state=R.returned_on,
        ),
        screen(
            T("<b>Thank you. Your registration is received.</b>"),
            T("Your reference: <b>{reference}</b>"),
            T(
                "What happens next: staff will contact you to arrange an interview. You can "
                "change your mind and stop at any time.",
                when=~F["returnee"],
            ),
            T(
                "What happens next: staff will contact you about reintegration support. From "
                "time to time the bot will also ask you a few questions about how you are doing; "
                "answering is your choice.",
                when="returnee",
            ),
            T(
                "You can see your registration in the menu: “My registration”.",
                when=~F["returnee"],
            ),
            Cancel(T("🏠 Main menu"), id="menu"),
            getter=getters.done_getter,
            state=R.done,
        ),
        on_start=h.on_start,
    )
