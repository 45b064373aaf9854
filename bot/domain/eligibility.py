"""The self-check "Can I get help?": a pure rule from button answers to an outcome and reasons.

It never says a final no: the decision is always taken by staff at the interview. "Not sure"
is a valid answer to every question and leads to information, not pressure.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class WhereNow(StrEnum):
    MOROCCO = "MA"
    MAURITANIA = "MR"
    OTHER = "other"
    NOT_SURE = "not_sure"


class Destination(StrEnum):
    HOME = "home"  # country of nationality or origin
    OTHER_COUNTRY = "other_country"
    NOT_SURE = "not_sure"


class Passport(StrEnum):
    VALID = "valid"
    EXPIRED = "expired"
    NONE = "none"
    NOT_SURE = "not_sure"


class Asylum(StrEnum):
    NONE = "none"
    PENDING = "pending"
    REFUGEE = "refugee"
    NOT_SURE = "not_sure"


class Outcome(StrEnum):
    LIKELY = "likely"  # the programme looks able to help: offer to register
    TALK_FIRST = "talk_first"  # staff need to talk with the person first
    OTHER_ROUTE = "other_route"  # another route may fit better


class Reason(StrEnum):
    # Point to another route
    NOT_IN_PROGRAMME_COUNTRY = "not_in_programme_country"
    THIRD_COUNTRY = "third_country"
    RECOGNISED_REFUGEE = "recognised_refugee"
    # Staff need to talk first
    NOT_SURE_TO_GO = "not_sure_to_go"
    NOT_SURE_WHERE = "not_sure_where"
    MINOR_ALONE = "minor_alone"
    ASYLUM_PENDING = "asylum_pending"
    CAN_PAY = "can_pay"
    SOME_ANSWERS_UNSURE = "some_answers_unsure"
    # Good to know, whatever the outcome
    LAISSEZ_PASSER = "laissez_passer"
    HEALTH_NEEDS = "health_needs"
    LACKS_MEANS = "lacks_means"


@dataclass(frozen=True, slots=True)
class Answers:
    where_now: WhereNow
    destination: Destination
    own_choice: Answer  # YES or NOT_SURE (a "no" is not offered: nobody is pushed)
    can_pay: Answer
    passport: Passport
    asylum: Asylum
    minor_alone: Answer
    urgent_health: Answer


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    reasons: tuple[Reason, ...]


def assess(a: Answers) -> Result:  # noqa: PLR0912 - a flat list of rules reads best
    other_route: list[Reason] = []
    talk: list[Reason] = []
    notes: list[Reason] = []

    if a.where_now is WhereNow.OTHER:
        other_route.append(Reason.NOT_IN_PROGRAMME_COUNTRY)
    if a.destination is Destination.OTHER_COUNTRY:
        other_route.append(Reason.THIRD_COUNTRY)
    if a.asylum is Asylum.REFUGEE:
        other_route.append(Reason.RECOGNISED_REFUGEE)

    if a.own_choice is not Answer.YES:
        talk.append(Reason.NOT_SURE_TO_GO)
    if a.destination is Destination.NOT_SURE:
        talk.append(Reason.NOT_SURE_WHERE)
    if a.minor_alone is Answer.YES:
        talk.append(Reason.MINOR_ALONE)
    if a.asylum is Asylum.PENDING:
        talk.append(Reason.ASYLUM_PENDING)
    if a.can_pay is Answer.YES:
        talk.append(Reason.CAN_PAY)
    unsure = [a.where_now, a.passport, a.asylum, a.minor_alone, a.urgent_health]
    if not talk and any(value == "not_sure" for value in unsure):
        talk.append(Reason.SOME_ANSWERS_UNSURE)

    if a.can_pay is Answer.NO:
        notes.append(Reason.LACKS_MEANS)
    if a.passport in (Passport.EXPIRED, Passport.NONE):
        notes.append(Reason.LAISSEZ_PASSER)
    if a.urgent_health is Answer.YES:
        notes.append(Reason.HEALTH_NEEDS)

    if other_route:
        return Result(Outcome.OTHER_ROUTE, tuple(other_route + talk + notes))
    if talk:
        return Result(Outcome.TALK_FIRST, tuple(talk + notes))
    return Result(Outcome.LIKELY, tuple(notes))
