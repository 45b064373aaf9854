"""The self-check's questions and answer buttons, as data: one window per question."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.fsm.state import State

from bot.domain.eligibility import Answer, Asylum, Destination, Passport, Reason, WhereNow
from bot.i18n import N_
from dialogs.states import EligibilitySG

NOT_SURE = N_("🤔 Not sure yet")


@dataclass(frozen=True)
class Question:
    field: str
    state: State
    text: str
    options: tuple[tuple[str, str], ...]  # (value, label msgid)


QUESTIONS: tuple[Question, ...] = (
    Question(
        "where_now",
        EligibilitySG.where_now,
        N_("Where are you now?"),
        (
            (WhereNow.MOROCCO, N_("In Morocco")),
            (WhereNow.MAURITANIA, N_("In Mauritania")),
            (WhereNow.OTHER, N_("In another country")),
            (WhereNow.NOT_SURE, NOT_SURE),
        ),
    ),
    Question(
        "destination",
        EligibilitySG.destination,
        N_("Where do you want to go?"),
        (
            (Destination.HOME, N_("To my own country (nationality or origin)")),
            (Destination.OTHER_COUNTRY, N_("To another country")),
            (Destination.NOT_SURE, NOT_SURE),
        ),
    ),
    Question(
        "own_choice",
        EligibilitySG.own_choice,
        N_("Do you want to go back because you choose to?"),
        ((Answer.YES, N_("Yes, it is my choice")), (Answer.NOT_SURE, NOT_SURE)),
    ),
    Question(
        "can_pay",
        EligibilitySG.can_pay,
        N_("Can you pay for the journey yourself?"),
        ((Answer.YES, N_("Yes")), (Answer.NO, N_("No")), (Answer.NOT_SURE, NOT_SURE)),
    ),
    Question(
        "passport",
        EligibilitySG.passport,
        N_("Do you have a passport?"),
        (
            (Passport.VALID, N_("Yes, valid")),
            (Passport.EXPIRED, N_("Yes, but expired")),
            (Passport.NONE, N_("No passport")),
            (Passport.NOT_SURE, NOT_SURE),
        ),
    ),
    Question(
        "asylum",
        EligibilitySG.asylum,
        N_("Have you asked for asylum, or are you a refugee?"),
        (
            (Asylum.NONE, N_("No")),
            (Asylum.PENDING, N_("I asked for asylum, no answer yet")),
            (Asylum.REFUGEE, N_("I am a recognised refugee")),
            (Asylum.NOT_SURE, NOT_SURE),
        ),
    ),
    Question(
        "minor_alone",
        EligibilitySG.minor_alone,
        N_("Are you under 18 and without your parents here?"),
        ((Answer.YES, N_("Yes")), (Answer.NO, N_("No")), (Answer.NOT_SURE, NOT_SURE)),
    ),
    Question(
        "urgent_health",
        EligibilitySG.urgent_health,
        N_("Do you have urgent health needs?"),
        ((Answer.YES, N_("Yes")), (Answer.NO, N_("No")), (Answer.NOT_SURE, NOT_SURE)),
    ),
)

REASON_TEXTS: dict[Reason, str] = {
    Reason.NOT_IN_PROGRAMME_COUNTRY: N_(
        "This programme works from Morocco and Mauritania. In another country, please contact "
        "the IOM office of that country."
    ),
    Reason.THIRD_COUNTRY: N_(
        "This programme helps people go back to their own country. Going to another country is "
        "a different solution: read “Other solutions” and ask staff."
    ),
    Reason.RECOGNISED_REFUGEE: N_(
        "You are a recognised refugee. For refugees, a return home is organised differently, as "
        "voluntary repatriation with the UN refugee agency (UNHCR). Tell the office: staff will "
        "show you where to turn."
    ),
    Reason.NOT_SURE_TO_GO: N_(
        "You are not sure yet about going back. That is fine: take your time, read about the "
        "programme, and talk with staff. Nobody will push you."
    ),
    Reason.NOT_SURE_WHERE: N_(
        "You are not sure where you want to go. Staff can talk about it with you."
    ),
    Reason.MINOR_ALONE: N_(
        "You are under 18 and alone. Staff must talk with you first, to make sure you are safe."
    ),
    Reason.ASYLUM_PENDING: N_(
        "Your asylum claim is still open. Talk with staff first: they will explain what a return "
        "would mean for your claim."
    ),
    Reason.CAN_PAY: N_(
        "The programme is for people who cannot pay for their return themselves. Staff will talk "
        "with you about your situation."
    ),
    Reason.SOME_ANSWERS_UNSURE: N_(
        "You were not sure about some answers. That is fine: staff will go through them with you."
    ),
    Reason.LAISSEZ_PASSER: N_(
        "No valid passport? The programme can help you get a laissez-passer (a travel document) "
        "through your embassy."
    ),
    Reason.HEALTH_NEEDS: N_(
        "Tell staff about your health. Before travel there is a medical check, to make sure you "
        "can travel safely."
    ),
    Reason.LACKS_MEANS: N_(
        "You cannot pay for the journey: this is the situation the programme is made for."
    ),
}
