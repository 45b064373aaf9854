""" "Can I get help?": eight questions with buttons, then an outcome with its reasons."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, Column, Select, Start
from aiogram_dialog.widgets.text import Format

from bot.domain.eligibility import Answer, Answers, Outcome, assess
from bot.i18n import N_, Translator
from bot.services.registration import RegistrationService
from dialogs.danger.dialog import danger_button
from dialogs.eligibility.questions import QUESTIONS, REASON_TEXTS, Question
from dialogs.states import EligibilitySG, InfoSG, MyRegistrationSG, RegistrationSG, TalkSG
from dialogs.widgets import NavRow, T, screen

OUTCOME_TITLES = {
    Outcome.LIKELY: N_("<b>It looks like the programme can help you.</b>"),
    Outcome.TALK_FIRST: N_("<b>Staff need to talk with you first.</b>"),
    Outcome.OTHER_ROUTE: N_("<b>Another route may fit you better.</b>"),
}


def _question_window(number: int, question: Question) -> Window:
    async def getter(t: Translator, **_: Any) -> dict[str, Any]:
        return {
            "question": t(question.text),
            "options": [(str(value), t(label)) for value, label in question.options],
            "number": t.number(number),
            "count": t.number(len(QUESTIONS)),
        }

    async def on_answer(_c: CallbackQuery, _w: Any, manager: DialogManager, value: str) -> None:
        if value not in {str(v) for v, _ in question.options}:
            return  # a tampered button: the question stays on screen
        manager.dialog_data[question.field] = value
        await manager.next()

    back = Back(T("⬅️ Back"), id="back") if number > 1 else Cancel(T("⬅️ Back"), id="back")
    return screen(
        Format("{number}/{count}\n\n<b>{question}</b>"),
        Column(
            Select(
                Format("{item[1]}"),
                id=f"q_{question.field}",
                item_id_getter=itemgetter(0),
                items="options",
                on_click=on_answer,
            )
        ),
        NavRow(back),
        getter=getter,
        state=question.state,
    )


def answers_from(data: dict[str, Any]) -> Answers | None:
    try:
        return Answers(**{q.field: type(q.options[0][0])(data[q.field]) for q in QUESTIONS})
    except (KeyError, ValueError):
        return None  # an incomplete or old context: the result screen asks to start again


async def result_getter(dialog_manager: DialogManager, t: Translator, **_: Any) -> dict[str, Any]:
    answers = answers_from(dialog_manager.dialog_data)
    if answers is None:
        return {
            "outcome": "", "reasons": "", "complete": False, "likely": False, "other": False,
            "unsafe": False,
        }  # fmt: skip
    result = assess(answers)
    reasons = "\n\n".join("• " + t(REASON_TEXTS[r]) for r in result.reasons)
    return {
        "outcome": result.outcome.value,
        "reasons": reasons,
        "complete": True,
        "likely": result.outcome is Outcome.LIKELY,
        "other": result.outcome is Outcome.OTHER_ROUTE,
        # Anything but "yes" or "not sure" to "your own choice?" means someone pushes them.
        "unsafe": answers.own_choice not in (Answer.YES, Answer.NOT_SURE),
    }


def _outcome_is(outcome: Outcome):
    def predicate(data: dict[str, Any], _widget: Any, _manager: DialogManager) -> bool:
        return data.get("outcome") == outcome.value

    return predicate


async def on_register(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    """Register, offering the self-check's answers to pre-fill the form (if the person agrees)."""
    registrations: RegistrationService = manager.middleware_data["registrations"]
    if await registrations.open_for(callback.from_user.id) is not None:
        await manager.start(MyRegistrationSG.main)
        return
    answers = {
        q.field: manager.dialog_data[q.field] for q in QUESTIONS if q.field in manager.dialog_data
    }
    await manager.start(RegistrationSG.consent, data={"self_check": answers})


def _incomplete(data: dict[str, Any], _widget: Any, _manager: DialogManager) -> bool:
    return not data.get("complete")


def create_eligibility_dialog() -> Dialog:
    titles = [T(OUTCOME_TITLES[outcome], when=_outcome_is(outcome)) for outcome in Outcome]
    return Dialog(
        *(_question_window(n, q) for n, q in enumerate(QUESTIONS, start=1)),
        screen(
            *titles,
            Format("\n{reasons}\n", when="complete"),
            T(
                "The answers are not a decision. "
                "The final decision is taken by staff at the interview.",
                when="complete",
            ),
            T("Some answers are missing. Please start the questions again.", when=_incomplete),
            danger_button(when="unsafe"),
            Button(
                T("📝 Register my interest"),
                id="register",
                on_click=on_register,
                when=F["outcome"].in_({Outcome.LIKELY.value, Outcome.TALK_FIRST.value}),
            ),
            Start(T("✉️ Write to the office"), id="talk", state=TalkSG.chat),
            Start(T("📞 How to reach the office"), id="contact", state=InfoSG.contact),
            Start(
                T("✈️ Steps of the return"),
                id="steps",
                state=InfoSG.page,
                data={"topic": "return_steps"},
                when="likely",
            ),
            Start(
                T("🧭 Other solutions"),
                id="other",
                state=InfoSG.page,
                data={"topic": "other_solutions"},
                when="other",
            ),
            Start(T("🔁 Answer again"), id="again", state=EligibilitySG.where_now),
            Cancel(T("🏠 Main menu"), id="menu"),
            getter=result_getter,
            state=EligibilitySG.result,
        ),
    )
