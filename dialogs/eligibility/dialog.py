""" "Can I get help?": eight questions with buttons, then an outcome with its reasons."""

from __future__ import annotations

from operator import itemgetter
from typing import Any

from aiogram import F
from aiogram.types import CallbackQuery
from aiogram_dialog import Dialog, DialogManager, Window
from aiogram_dialog.widgets.kbd import Back, Button, Cancel, Column, Select, Start
from aiogram_dialog.widgets.text import Format

from bot.domain.eligibility import Answer, Answers, Outcome, OwnChoice, WhereNow, assess
from bot.i18n import N_, Translator
from bot.services.registration import RegistrationService
from dialogs.danger.dialog import danger_button
from dialogs.eligibility.questions import QUESTIONS, REASON_TEXTS, Question
from dialogs.states import EligibilitySG, InfoSG, MyRegistrationSG, RegistrationSG, TalkSG
from dialogs.widgets import NavRow, T, screen

OUTCOME_TITLES = {
    Outcome.PROTECTION: N_("<b>Your choice is what counts. You do not have to go.</b>"),
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
        return {"outcome": "", "reasons": "", "complete": False}
    result = assess(answers)
    reasons = "\n\n".join("• " + t(REASON_TEXTS[r]) for r in result.reasons)
    unsure = any(str(v) == "not_sure" for v in vars_of(answers))
    write_now = result.outcome is Outcome.PROTECTION or answers.urgent_health is Answer.YES
    return {
        "outcome": result.outcome.value,
        "reasons": reasons,
        "complete": True,
        "decision_note": result.outcome is not Outcome.PROTECTION,
        "likely": result.outcome is Outcome.LIKELY,
        # Someone pushes them to return: the danger entry stands on the result too.
        "unsafe": answers.own_choice is OwnChoice.PUSHED,
        # Write now: someone pushed to return, or urgent health needs; otherwise the usual button.
        "write_now": write_now,
        "write": not write_now,
        # People choose among the solutions with full information (programme-docs 004).
        "other_solutions": result.outcome is not Outcome.LIKELY or unsure,
        "rights": answers.own_choice is OwnChoice.PUSHED,
        "came_home": answers.where_now is WhereNow.OTHER,
    }


def vars_of(answers: Answers) -> tuple[str, ...]:
    return tuple(getattr(answers, q.field) for q in QUESTIONS)


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


async def on_came_home(callback: CallbackQuery, _w: Any, manager: DialogManager) -> None:
    """The bot's own returnee path (the main menu's "I came back home"), for someone abroad."""
    registrations: RegistrationService = manager.middleware_data["registrations"]
    if await registrations.open_for(callback.from_user.id) is not None:
        await manager.start(MyRegistrationSG.main)
        return
    await manager.start(RegistrationSG.consent, data={"kind": "reintegration"})


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
                when="decision_note",
            ),
            T("Some answers are missing. Please start the questions again.", when=_incomplete),
            danger_button(when="unsafe"),
            Start(
                T("✉️ Write to the office now"), id="talk_now", state=TalkSG.chat, when="write_now"
            ),
            Button(
                T("📝 Register my interest"),
                id="register",
                on_click=on_register,
                when=F["outcome"].in_(
                    {Outcome.LIKELY.value, Outcome.TALK_FIRST.value, Outcome.PROTECTION.value}
                ),
            ),
            Start(T("✉️ Write to the office"), id="talk", state=TalkSG.chat, when="write"),
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
                when="other_solutions",
            ),
            Start(
                T("⚖️ Your rights"),
                id="rights",
                state=InfoSG.page,
                data={"topic": "rights"},
                when="rights",
            ),
            Button(
                T("🏡 I came back home: reintegration support"),
                id="came_home",
                on_click=on_came_home,
                when="came_home",
            ),
            Start(T("🔁 Answer again"), id="again", state=EligibilitySG.where_now),
            Cancel(T("🏠 Main menu"), id="menu"),
            getter=result_getter,
            state=EligibilitySG.result,
        ),
    )
