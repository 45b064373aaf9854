"""The self-check's questions and answer buttons, as data: one window per question."""

from __future__ import annotations

from dataclasses import dataclass

from aiogram.fsm.state import State

from bot.domain.eligibility import (
    Answer,
    Asylum,
    Destination,
    OwnChoice,
    Passport,
    Reason,
    WhereNow,
)
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
        (
            (OwnChoice.YES, N_("Yes, it is my choice")),
            (OwnChoice.PUSHED, N_("No, someone is pushing me")),
            (OwnChoice.NOT_SURE, NOT_SURE),
        ),
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
            (Asylum.FEARS_AUTHORITIES, N_("No, but I am afraid of the authorities of my country")),
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

# Every sentence rests on programme-docs/ (the report of issue 13 names the passage of each).
REASON_TEXTS: dict[Reason, str] = {
    Reason.PUSHED: N_(
        "The return must be voluntary: you decide. Staff can talk with you safely and in "
        "confidence. Write to the office when you can.\n\nFor victims of human trafficking, "
        "the return follows special protection rules, to protect them while the trip is "
        "prepared and after they arrive."
    ),
    Reason.NOT_IN_PROGRAMME_COUNTRY: N_(
        "This programme works from Morocco and Mauritania. IOM helps people return in many "
        "countries: where you are now, contact the IOM office of that country."
    ),
    Reason.NATIONAL_ABROAD: N_(
        "Are you Moroccan or Mauritanian? The programme in Mauritania covers returns from and to "
        "Mauritania. Moroccans who come back home can get reintegration help (help to start "
        "again at home), from a programme of the country they were in or from IOM Morocco. "
        "Once you are home, press “🏡 I came back home”."
    ),
    Reason.THIRD_COUNTRY: N_(
        "This programme helps people go back to their own country. Going to another country is "
        "a different solution: read “Other solutions” and ask staff."
    ),
    Reason.RECOGNISED_REFUGEE: N_(
        "You are a recognised refugee. Talk with staff first, before you do anything about a "
        "return: they will direct you."
    ),
    Reason.NOT_SURE_TO_GO: N_(
        "You are not sure yet about going back. That is fine: the choice is yours. Take your "
        "time, read about the programme and the other solutions, and talk with staff."
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
    Reason.FEARS_AUTHORITIES: N_(
        "You are afraid of the authorities of your country. Your safety comes first: talk with "
        "staff before anything else. They talk with you in confidence."
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
    Reason.PAPERS_TALK_FIRST: N_(
        "No valid passport? Talk with staff first about travel documents. They will explain, in "
        "confidence, what is possible for you. Nothing is done without your agreement."
    ),
    Reason.HEALTH_NEEDS: N_(
        "Tell staff about your health now: write to the office. Depending on your needs, you may "
        "get medical care before departure. Before travel, a doctor checks that your health "
        "allows you to travel."
    ),
    Reason.LACKS_MEANS: N_(
        "You cannot pay for the journey: this is the situation the programme is made for."
    ),
}
