"""Registration form handlers: read the answer, validate it, store it in dialog_data, move on."""

from __future__ import annotations

from datetime import date, datetime, timedelta
from typing import Any

from aiogram.types import CallbackQuery, Message
from aiogram_dialog import DialogManager, ShowMode
from aiogram_dialog.widgets.kbd import Multiselect

from bot.domain.countries import is_choosable
from bot.domain.eligibility import EMBASSY_RISK, Answer, Asylum, OwnChoice, Passport
from bot.domain.offices import Office
from bot.domain.registration import (
    CITY_MAX,
    MAX_COMPANIONS,
    NAME_MAX,
    AgeGroup,
    Draft,
    Gender,
    InvalidInput,
    Need,
    PassportState,
    Registration,
    clean_name,
    clean_text,
    needs_that_apply,
    normalise_phone,
)
from bot.i18n import N_, Translator
from bot.locales import SUPPORTED_LOCALES
from bot.services.registration import RegistrationService
from dialogs.dialog_state import keep_dialog_state
from dialogs.registration.getters import OTHER_PLACE
from dialogs.states import RegistrationSG as R
from dialogs.widgets import translator

NEXT = {
    R.name: R.country,
    R.country: R.city,
    R.city: R.phone,
    R.city_other: R.phone,
    R.returned_on: R.phone,
    R.phone: R.gender,
    R.gender: R.age,
    R.age: R.passport,
    R.passport: R.companions,
    R.companions: R.needs,
    R.needs: R.language,
    R.language: R.summary,
}
EDITABLE = {
    "name": R.name,
    "country": R.country,
    "city": R.city,
    "phone": R.phone,
    "gender": R.gender,
    "age": R.age,
    "passport": R.passport,
    "companions": R.companions,
    "needs": R.needs,
    "language": R.language,
}
RETURN_WITHIN_DAYS = 730
HINTS = {
    "empty": N_("Please write your answer as text."),
    "too_long": N_("That is too long. Please write a shorter answer."),
    "not_a_name": N_("Please write a name with letters."),
    "phone": N_("That does not look like a phone number. Please check it, or press Skip."),
}


REINTEGRATION = "reintegration"  # a returnee asking for support after coming home


def is_returnee(manager: DialogManager) -> bool:
    return manager.dialog_data.get("kind") == REINTEGRATION


async def step_done(manager: DialogManager) -> None:
    """Next question, or back to the summary when the person was correcting one answer."""
    if manager.dialog_data.pop("editing", False):
        await manager.switch_to(R.summary)
        return
    state = manager.current_context().state
    if state in (R.city, R.city_other) and is_returnee(manager):
        await manager.switch_to(R.returned_on)  # returnees: when did you come back?
        return
    if state is R.age and is_returnee(manager):
        await manager.switch_to(R.needs)
        return
    await manager.switch_to(NEXT[state])


async def hint(
    message: Message, manager: DialogManager, reason: str, maximum: int | None = None
) -> None:
    t = translator(manager)
    if reason == "too_long" and maximum is not None:  # say why, and how long it may be
        text = t.ngettext(
            "That is too long: {n} character at most. Please write a shorter answer.",
            "That is too long: {n} characters at most. Please write a shorter answer.",
            maximum,
        )
    else:
        text = t(HINTS[reason])
    await message.answer(text)
    manager.show_mode = ShowMode.SEND


# -- consent ------------------------------------------------------------------------------
async def on_start(start_data: Any, manager: DialogManager) -> None:
    if not isinstance(start_data, dict):
        return
    if isinstance(start_data.get("self_check"), dict):
        manager.dialog_data["self_check"] = start_data["self_check"]
    if start_data.get("kind") == REINTEGRATION:
        # Only the questions that serve reintegration: no passport, nobody travelling along.
        manager.dialog_data.update(
            kind=REINTEGRATION, passport=PassportState.NOT_ASKED.value, companions="0"
        )


async def on_return_day(
    callback: CallbackQuery, _w: Any, manager: DialogManager, day: date
) -> None:
    today = manager.middleware_data["clock"].now().date()
    if not today - timedelta(days=RETURN_WITHIN_DAYS) <= day <= today:
        await callback.answer(
            translator(manager).gettext("Please choose a day in the past two years.")
        )
        return
    manager.dialog_data["returned_on"] = day.isoformat()
    await step_done(manager)


async def on_agree(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data["consent_at"] = manager.middleware_data["clock"].now().isoformat()
    await manager.switch_to(R.prefill if manager.dialog_data.get("self_check") else R.name)


async def on_use_self_check(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    data = manager.dialog_data
    answers = data.get("self_check") or {}
    passport = {Passport.VALID: PassportState.VALID, Passport.EXPIRED: PassportState.EXPIRED,
                Passport.NONE: PassportState.NONE}.get(answers.get("passport"))  # fmt: skip
    if passport:
        data["passport"] = passport.value
    needs = set(data.get("needs", []))
    if answers.get("minor_alone") == Answer.YES:
        needs.add(Need.MINOR_ALONE.value)
        data["age_group"] = AgeGroup.UNDER_18.value
    if answers.get("urgent_health") == Answer.YES:
        needs.add(Need.MEDICAL.value)
    if answers.get("own_choice") == OwnChoice.PUSHED:
        needs.add(Need.PUSHED.value)  # an urgent flag: staff see it first in their group
    if answers.get("asylum") in EMBASSY_RISK:
        needs.add(Need.NO_EMBASSY.value)  # staff talk with them before any embassy contact
    data["needs"] = sorted(needs)
    widget: Multiselect = manager.find("needs")  # type: ignore[assignment]
    for need in needs:  # ticked already when the person reaches that question
        await widget.set_checked(need, True)
    data["keep_self_check"] = answers.get("asylum") in {a.value for a in Asylum}
    await manager.switch_to(R.name)


async def on_skip_self_check(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data.pop("self_check", None)  # not kept: the person did not agree
    await manager.switch_to(R.name)


# -- answers ------------------------------------------------------------------------------
async def on_name(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data["name"] = clean_name(message.text or "")
    except InvalidInput as error:
        await hint(message, manager, error.reason, NAME_MAX)
        return
    await step_done(manager)


async def on_country(_c: CallbackQuery, _w: Any, manager: DialogManager, code: str) -> None:
    if not is_choosable(code):
        return
    manager.dialog_data["country"] = code
    manager.dialog_data.pop("country_filter", None)
    await step_done(manager)


async def on_country_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data["country_filter"] = clean_text(message.text or "", 30)
    except InvalidInput as error:
        await hint(message, manager, error.reason)


async def on_show_all_countries(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data.pop("country_filter", None)


async def on_city(_c: CallbackQuery, _w: Any, manager: DialogManager, choice: str) -> None:
    offices: tuple[Office, ...] = manager.middleware_data["offices"]
    if choice.startswith(OTHER_PLACE):
        office = next((o for o in offices if o.id == choice.removeprefix(OTHER_PLACE)), None)
        if office is not None:
            manager.dialog_data["office_id"] = office.id
            await manager.switch_to(R.city_other)
        return
    office = next((o for o in offices if choice in o.cities_served), None)
    if office is None:
        return
    manager.dialog_data.update(office_id=office.id, city=choice)
    await step_done(manager)


async def on_city_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data["city"] = clean_text(message.text or "", CITY_MAX)
    except InvalidInput as error:
        await hint(message, manager, error.reason, CITY_MAX)
        return
    await step_done(manager)


def _office_country(manager: DialogManager) -> str:
    offices: tuple[Office, ...] = manager.middleware_data["offices"]
    office_id = manager.dialog_data.get("office_id")
    return next((o.country for o in offices if o.id == office_id), offices[0].country)


async def on_phone_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    try:
        manager.dialog_data["phone"] = normalise_phone(message.text or "", _office_country(manager))
    except InvalidInput:
        await hint(message, manager, "phone")
        return
    await step_done(manager)


async def on_contact(message: Message, _w: Any, manager: DialogManager) -> None:
    contact = message.contact
    t = translator(manager)
    if contact is None or contact.user_id != message.from_user.id:  # type: ignore[union-attr]
        await message.answer(t.gettext("Please share your own number, or type it."))
        manager.show_mode = ShowMode.SEND
        return
    try:
        phone = normalise_phone(contact.phone_number, _office_country(manager))
    except InvalidInput:
        await hint(message, manager, "phone")
        return
    manager.dialog_data["phone"] = phone
    await step_done(manager)


async def on_skip_phone(_c: Any, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data["phone"] = None
    await step_done(manager)


def _chooser(field: str, allowed: set[str]):
    async def handler(_c: CallbackQuery, _w: Any, manager: DialogManager, value: str) -> None:
        if value not in allowed:
            return  # a tampered button: the question stays
        manager.dialog_data[field] = value
        await step_done(manager)

    return handler


on_gender = _chooser("gender", {g.value for g in Gender})
on_age = _chooser("age_group", {a.value for a in AgeGroup})
on_passport = _chooser("passport", {p.value for p in PassportState})
on_companions = _chooser("companions", {str(n) for n in range(7)})
on_language = _chooser("contact_locale", set(SUPPORTED_LOCALES))


async def on_companions_typed(message: Message, _w: Any, manager: DialogManager) -> None:
    text = (message.text or "").strip()
    if not text.isdecimal() or int(text) > MAX_COMPANIONS:
        t = translator(manager)
        await message.answer(
            t.gettext(
                "Please choose a number, or write a number from 0 to {max}.", max=MAX_COMPANIONS
            )
        )
        manager.show_mode = ShowMode.SEND
        return
    manager.dialog_data["companions"] = str(int(text))
    await step_done(manager)


async def on_needs_done(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    widget = manager.find("needs")
    offered = needs_that_apply(
        manager.dialog_data.get("gender"), manager.dialog_data.get("age_group")
    )
    checked = [n for n in widget.get_checked() if n in {need.value for need in offered}]  # type: ignore[union-attr]
    manager.dialog_data["needs"] = sorted(checked)
    await step_done(manager)


async def on_edit(_c: CallbackQuery, button: Any, manager: DialogManager) -> None:
    field = button.widget_id.removeprefix("edit_")
    manager.dialog_data["editing"] = True
    await manager.switch_to(EDITABLE[field])


def draft_from(data: dict[str, Any]) -> Draft | None:
    try:
        return Draft(
            name=data["name"],
            country=data["country"],
            office_id=data["office_id"],
            city=data["city"],
            phone=data.get("phone"),
            gender=Gender(data["gender"]),
            age_group=AgeGroup(data["age_group"]),
            passport=PassportState(data["passport"]),
            companions=int(data["companions"]),
            # a need that no longer applies (the gender or age was changed since) is left out
            needs=frozenset(Need(n) for n in data.get("needs", []))
            & needs_that_apply(data["gender"], data["age_group"]),
            contact_locale=data["contact_locale"],
        )
    except (KeyError, ValueError):
        return None


async def on_confirm(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    t: Translator = translator(manager)
    draft = draft_from(manager.dialog_data)
    if draft is None:
        await callback.answer(t.gettext("Some answers are missing. Please check the form."))
        return
    service: RegistrationService = manager.middleware_data["registrations"]
    self_check = (
        manager.dialog_data.get("self_check")
        if manager.dialog_data.get("keep_self_check")
        else None
    )
    consent_at = datetime.fromisoformat(manager.dialog_data["consent_at"])
    returned = None
    if is_returnee(manager) and manager.dialog_data.get("returned_on"):
        returned = (date.fromisoformat(manager.dialog_data["returned_on"]), draft.country)
    kind = manager.dialog_data.get("kind")

    async def show_done(registration: Registration) -> None:
        manager.dialog_data.clear()  # the answers are stored now; keep no copy in the state
        manager.dialog_data.update(reference=registration.reference, kind=kind)
        await manager.switch_to(R.done)
        await keep_dialog_state(manager)  # written with the registration, in its transaction

    registration, created = await service.register(
        callback.from_user.id, draft, self_check, consent_at, returned=returned, then=show_done
    )
    if not created:  # a second Confirm: the registration made by the first
        await show_done(registration)
