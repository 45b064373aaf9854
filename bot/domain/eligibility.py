"""The self-check "Can I get help?": a pure rule from button answers to an outcome and reasons.

It never says a final no: the decision is always taken by staff at the interview. "Not sure"
is a valid answer to every question and leads to information, not pressure.

Protection comes before logistics: a person pushed to return gets a protection result, never
"the programme can help you"; a refugee, an asylum seeker or a person who fears the authorities
of their country is never pointed to their embassy (staff talk with them first); and one
outcome carries one message (the "lacks means" note never stands beside "another route").
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


class Answer(StrEnum):
    YES = "yes"
    NO = "no"
    NOT_SURE = "not_sure"


class OwnChoice(StrEnum):
    YES = "yes"
    PUSHED = "pushed"  # someone is pushing the person to return
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
    FEARS_AUTHORITIES = "fears_authorities"  # no claim, but afraid of their country's authorities
    NOT_SURE = "not_sure"


class Outcome(StrEnum):
    PROTECTION = "protection"  # pushed to return: the choice is theirs, staff talk in confidence
    LIKELY = "likely"  # the programme looks able to help: offer to register
    TALK_FIRST = "talk_first"  # staff need to talk with the person first
    OTHER_ROUTE = "other_route"  # another route may fit better


class Reason(StrEnum):
    # Protection first
    PUSHED = "pushed"
    # Point to another route
    NOT_IN_PROGRAMME_COUNTRY = "not_in_programme_country"
    NATIONAL_ABROAD = "national_abroad"  # a Moroccan or Mauritanian abroad: help at home too
    THIRD_COUNTRY = "third_country"
    RECOGNISED_REFUGEE = "recognised_refugee"
    # Staff need to talk first
    NOT_SURE_TO_GO = "not_sure_to_go"
    NOT_SURE_WHERE = "not_sure_where"
    MINOR_ALONE = "minor_alone"
    ASYLUM_PENDING = "asylum_pending"
    FEARS_AUTHORITIES = "fears_authorities"
    CAN_PAY = "can_pay"
    SOME_ANSWERS_UNSURE = "some_answers_unsure"
    # Good to know, whatever the outcome
    LAISSEZ_PASSER = "laissez_passer"
    PAPERS_TALK_FIRST = "papers_talk_first"  # no passport, and the embassy is a risk
    HEALTH_NEEDS = "health_needs"
    LACKS_MEANS = "lacks_means"


@dataclass(frozen=True, slots=True)
class Answers:
    where_now: WhereNow
    destination: Destination
    own_choice: OwnChoice
    can_pay: Answer
    passport: Passport
    asylum: Asylum
    minor_alone: Answer
    urgent_health: Answer


@dataclass(frozen=True, slots=True)
class Result:
    outcome: Outcome
    reasons: tuple[Reason, ...]


# Answers after which nothing may suggest the embassy: contact with the authorities of the
# country a person fled, or fears, is a protection risk (programme-docs 004: confidentiality).
EMBASSY_RISK = frozenset({Asylum.PENDING, Asylum.REFUGEE, Asylum.FEARS_AUTHORITIES})


def embassy_is_a_risk(a: Answers) -> bool:
    return a.asylum in EMBASSY_RISK


def assess(a: Answers) -> Result:  # noqa: PLR0912 - a flat list of rules reads best
    other_route: list[Reason] = []
    talk: list[Reason] = []
    notes: list[Reason] = []

    if a.where_now is WhereNow.OTHER:
        other_route += [Reason.NOT_IN_PROGRAMME_COUNTRY, Reason.NATIONAL_ABROAD]
    if a.destination is Destination.OTHER_COUNTRY:
        other_route.append(Reason.THIRD_COUNTRY)
    if a.asylum is Asylum.REFUGEE:
        other_route.append(Reason.RECOGNISED_REFUGEE)

    if a.own_choice is OwnChoice.NOT_SURE:
        talk.append(Reason.NOT_SURE_TO_GO)
    if a.destination is Destination.NOT_SURE:
        talk.append(Reason.NOT_SURE_WHERE)
    if a.minor_alone is Answer.YES:
        talk.append(Reason.MINOR_ALONE)
    if a.asylum is Asylum.PENDING:
        talk.append(Reason.ASYLUM_PENDING)
    if a.asylum is Asylum.FEARS_AUTHORITIES:
        talk.append(Reason.FEARS_AUTHORITIES)
    if a.can_pay is Answer.YES:
        talk.append(Reason.CAN_PAY)
    unsure = [a.where_now, a.passport, a.asylum, a.minor_alone, a.urgent_health]
    if not talk and any(value == "not_sure" for value in unsure):
        talk.append(Reason.SOME_ANSWERS_UNSURE)

    logistics: list[Reason] = []  # about organising a return: only where a return is the path
    if a.can_pay is Answer.NO:
        logistics.append(Reason.LACKS_MEANS)
    if a.passport in (Passport.EXPIRED, Passport.NONE):
        papers = Reason.PAPERS_TALK_FIRST if embassy_is_a_risk(a) else Reason.LAISSEZ_PASSER
        logistics.append(papers)
    if a.urgent_health is Answer.YES:
        notes.append(Reason.HEALTH_NEEDS)

    if a.own_choice is OwnChoice.PUSHED:
        # Nothing about organising the return: first the person's safety and free choice.
        vulnerable = [r for r in talk if r in (Reason.MINOR_ALONE, Reason.FEARS_AUTHORITIES)]
        return Result(Outcome.PROTECTION, (Reason.PUSHED, *vulnerable, *notes))
    if other_route:
        # One message: another route; nothing about organising a return from here.
        return Result(Outcome.OTHER_ROUTE, tuple(other_route + talk + notes))
    if talk:
        return Result(Outcome.TALK_FIRST, tuple(talk + logistics + notes))
    return Result(Outcome.LIKELY, tuple(logistics + notes))
