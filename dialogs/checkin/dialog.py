"""The check-in survey (buttons only, one question a screen) and the returnee's control over
their check-ins: answer later, pause, resume, stop."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, StartMode
from aiogram_dialog.widgets.kbd import Button, Column, Select, Start
from aiogram_dialog.widgets.text import Format

from bot.domain.checkins import QUESTIONS, valid_answer
from bot.i18n import N_, Translator
from bot.presentation.labels import STATUSES
from bot.services.checkins import Answered, CheckinService
from dialogs.checkin.texts import ANSWER_TEXTS, QUESTION_TEXTS
from dialogs.danger.dialog import danger_button
from dialogs.states import CheckinSG as C
from dialogs.states import MenuSG, TalkSG
from dialogs.widgets import NavRow, T, close_button, main_menu_button, screen, translator


async def on_start(start_data: Any, manager: DialogManager) -> None:
    if isinstance(start_data, dict) and isinstance(start_data.get("checkin_id"), int):
        manager.dialog_data.update(checkin_id=start_data["checkin_id"], step=0, answers={})


async def question_getter(dialog_manager: DialogManager, t: Translator, **_: Any) -> dict[str, Any]:
    step = min(int(dialog_manager.dialog_data.get("step", 0)), len(QUESTIONS) - 1)
    question = QUESTIONS[step]
    return {
        "position": f"{t.number(step + 1)}/{t.number(len(QUESTIONS))}",
        "question": t(QUESTION_TEXTS[question.id]),
        "options": [(o, t(ANSWER_TEXTS[(question.id, o)])) for o, _ in question.options],
        "first": step == 0,
    }


async def on_answer(callback: CallbackQuery, _w: Any, manager: DialogManager, option: str) -> None:
    data = manager.dialog_data
    step = int(data.get("step", 0))
    if step >= len(QUESTIONS) or not valid_answer(QUESTIONS[step].id, option):
        return  # an old or tampered button: the question stays
    data.setdefault("answers", {})[QUESTIONS[step].id] = option
    if step + 1 < len(QUESTIONS):
        data["step"] = step + 1
        return
    service: CheckinService = manager.middleware_data["checkins"]
    result = await service.answer(
        callback.from_user.id, int(data.get("checkin_id", 0)), data["answers"]
    )
    t = translator(manager)
    if result is not Answered.ANSWERED:
        await callback.answer(
            t.gettext("This check-in is closed: it was already answered or has expired."),
            show_alert=True,
        )
        await manager.start(MenuSG.main, mode=StartMode.RESET_STACK)
        return
    data["help_now"] = data["answers"].get("help_now") == "yes"
    data["unsafe"] = data["answers"].get("safe") == "no"
    data.pop("answers")  # stored, encrypted; no copy left in the dialog state
    await manager.switch_to(C.done)


async def on_previous(_c: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    manager.dialog_data["step"] = max(0, int(manager.dialog_data.get("step", 0)) - 1)


async def done_getter(dialog_manager: DialogManager, **_: Any) -> dict[str, Any]:
    data = dialog_manager.dialog_data
    return {
        "help_now": bool(data.get("help_now")),
        "unsafe": bool(data.get("unsafe") or data.get("help_now")),
    }


async def manage_getter(
    dialog_manager: DialogManager, checkins: CheckinService, **_: Any
) -> dict[str, Any]:
    registration, checkin = await checkins.state(
        dialog_manager.middleware_data["event_from_user"].id
    )
    state = registration.monitoring if registration else None
    user_id = dialog_manager.middleware_data["event_from_user"].id
    t: Translator = dialog_manager.middleware_data["t"]
    case = registration or await dialog_manager.middleware_data["registrations"].open_for(user_id)
    coming = await checkins.next_due(user_id)
    return {
        "has_case": case is not None,
        "reference": t.isolate(case.reference) if case else "",
        "status": t(STATUSES[case.status]) if case else "",
        "next": t.date(coming[0].astimezone(coming[1].tz).date(), "long") if coming else "",
        "has_next": coming is not None and state == "active",
        "monitored": registration is not None,
        "active": state == "active",
        "paused": state == "paused",
        "waiting": checkin is not None,
        "checkin_id": checkin.id if checkin else 0,
    }


async def on_answer_now(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    service: CheckinService = manager.middleware_data["checkins"]
    _, checkin = await service.state(callback.from_user.id)
    if checkin is not None:
        await manager.start(C.question, data={"checkin_id": checkin.id})


PAUSED = N_("Check-ins are paused.")
RESUMED = N_("Check-ins are back on.")
STOPPED = N_("Check-ins are stopped. Staff have been told.")


def _set(state: str, msgid: str):
    async def handler(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
        service: CheckinService = manager.middleware_data["checkins"]
        await service.set_monitoring(callback.from_user.id, state)
        await callback.answer(translator(manager)(msgid))

    return handler


def create_checkin_dialog() -> Dialog:
    return Dialog(
        screen(
            Format("{position}"),
            Format("<b>{question}</b>"),
            Column(
                Select(
                    Format("{item[1]}"),
                    id="answer",
                    item_id_getter=itemgetter(0),
                    items="options",
                    on_click=on_answer,
                )
            ),
            NavRow(Button(T("⬅️ Back"), id="previous", on_click=on_previous, when=~F["first"])),
            close_button(T("⏸ Answer later"), "later"),
            getter=question_getter,
            state=C.question,
        ),
        screen(
            T("<b>Thank you for your answers.</b>"),
            T("They help the programme support you and other people who come back."),
            T("Staff will contact you as soon as possible.", when="help_now"),
            danger_button(when="unsafe"),
            Start(T("✉️ Write to the office"), id="talk", state=TalkSG.chat),
            main_menu_button(),
            getter=done_getter,
            state=C.done,
        ),
        screen(
            T("<b>My reintegration</b>"),
            T("Your case: {reference} · {status}", when="has_case"),
            T("Next check-in: {next}", when="has_next"),
            T(
                "After your return, the programme asks you a few questions from time to time, "
                "to follow how you are doing. Answering is your choice."
            ),
            T("A check-in is waiting for your answers.", when="waiting"),
            T("Your check-ins are paused.", when="paused"),
            Button(T("📝 Answer now"), id="answer_now", on_click=on_answer_now, when="waiting"),
            Button(
                T("⏸ Pause check-ins"), id="pause", on_click=_set("paused", PAUSED), when="active"
            ),
            Button(
                T("▶️ Resume check-ins"),
                id="resume",
                on_click=_set("active", RESUMED),
                when="paused",
            ),
            Button(
                T("🛑 Stop check-ins"),
                id="stop",
                on_click=_set("stopped", STOPPED),
                when="monitored",
            ),
            Start(T("✉️ Write to the office"), id="talk", state=TalkSG.chat),
            main_menu_button(),
            getter=manage_getter,
            state=C.manage,
        ),
        on_start=on_start,
    )
