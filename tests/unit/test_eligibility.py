"""The self-check rule, table-driven: every outcome and every reason."""

from dataclasses import replace
from itertools import product

import pytest

from bot.domain.eligibility import (
    Answer,
    Answers,
    Asylum,
    Destination,
    Outcome,
    OwnChoice,
    Passport,
    Reason,
    WhereNow,
    assess,
)

# A person in Morocco who wants to go home by their own choice, cannot pay, has a valid passport.
BASE = Answers(
    where_now=WhereNow.MOROCCO,
    destination=Destination.HOME,
    own_choice=OwnChoice.YES,
    can_pay=Answer.NO,
    passport=Passport.VALID,
    asylum=Asylum.NONE,
    minor_alone=Answer.NO,
    urgent_health=Answer.NO,
)

R = Reason
CASES = [
    ("base case", {}, Outcome.LIKELY, (R.LACKS_MEANS,)),
    (
        "from Guinea, no passport, cannot pay (the issue's example)",
        {"passport": Passport.NONE},
        Outcome.LIKELY,
        (R.LACKS_MEANS, R.LAISSEZ_PASSER),
    ),
    (
        "expired passport",
        {"passport": Passport.EXPIRED},
        Outcome.LIKELY,
        (R.LACKS_MEANS, R.LAISSEZ_PASSER),
    ),
    ("in Mauritania", {"where_now": WhereNow.MAURITANIA}, Outcome.LIKELY, (R.LACKS_MEANS,)),
    (
        "urgent health needs",
        {"urgent_health": Answer.YES},
        Outcome.LIKELY,
        (R.LACKS_MEANS, R.HEALTH_NEEDS),
    ),
    ("not sure about paying", {"can_pay": Answer.NOT_SURE}, Outcome.LIKELY, ()),
    (
        "recognised refugee",
        {"asylum": Asylum.REFUGEE},
        Outcome.OTHER_ROUTE,
        (R.RECOGNISED_REFUGEE,),
    ),
    (
        "recognised refugee without passport: no laissez-passer, no lacks-means note",
        {"asylum": Asylum.REFUGEE, "passport": Passport.NONE},
        Outcome.OTHER_ROUTE,
        (R.RECOGNISED_REFUGEE,),
    ),
    (
        "wants a third country",
        {"destination": Destination.OTHER_COUNTRY},
        Outcome.OTHER_ROUTE,
        (R.THIRD_COUNTRY,),
    ),
    (
        "elsewhere",
        {"where_now": WhereNow.OTHER},
        Outcome.OTHER_ROUTE,
        (R.NOT_IN_PROGRAMME_COUNTRY, R.NATIONAL_ABROAD),
    ),
    (
        "elsewhere with urgent health needs",
        {"where_now": WhereNow.OTHER, "urgent_health": Answer.YES},
        Outcome.OTHER_ROUTE,
        (R.NOT_IN_PROGRAMME_COUNTRY, R.NATIONAL_ABROAD, R.HEALTH_NEEDS),
    ),
    (
        "16 and alone",
        {"minor_alone": Answer.YES},
        Outcome.TALK_FIRST,
        (R.MINOR_ALONE, R.LACKS_MEANS),
    ),
    (
        "asylum claim pending",
        {"asylum": Asylum.PENDING},
        Outcome.TALK_FIRST,
        (R.ASYLUM_PENDING, R.LACKS_MEANS),
    ),
    (
        "asylum claim pending, no passport: papers with staff first, no embassy",
        {"asylum": Asylum.PENDING, "passport": Passport.NONE},
        Outcome.TALK_FIRST,
        (R.ASYLUM_PENDING, R.LACKS_MEANS, R.PAPERS_TALK_FIRST),
    ),
    (
        "afraid of the authorities, expired passport: papers with staff first",
        {"asylum": Asylum.FEARS_AUTHORITIES, "passport": Passport.EXPIRED},
        Outcome.TALK_FIRST,
        (R.FEARS_AUTHORITIES, R.LACKS_MEANS, R.PAPERS_TALK_FIRST),
    ),
    (
        "someone is pushing them: protection, nothing about organising a return",
        {"own_choice": OwnChoice.PUSHED, "passport": Passport.NONE},
        Outcome.PROTECTION,
        (R.PUSHED,),
    ),
    (
        "pushed, under 18, afraid of the authorities, ill: protection keeps what keeps them safe",
        {
            "own_choice": OwnChoice.PUSHED,
            "minor_alone": Answer.YES,
            "asylum": Asylum.FEARS_AUTHORITIES,
            "urgent_health": Answer.YES,
            "where_now": WhereNow.OTHER,
        },
        Outcome.PROTECTION,
        (R.PUSHED, R.MINOR_ALONE, R.FEARS_AUTHORITIES, R.HEALTH_NEEDS),
    ),
    (
        "not sure to go",
        {"own_choice": OwnChoice.NOT_SURE},
        Outcome.TALK_FIRST,
        (R.NOT_SURE_TO_GO, R.LACKS_MEANS),
    ),
    (
        "not sure where",
        {"destination": Destination.NOT_SURE},
        Outcome.TALK_FIRST,
        (R.NOT_SURE_WHERE, R.LACKS_MEANS),
    ),
    ("can pay", {"can_pay": Answer.YES}, Outcome.TALK_FIRST, (R.CAN_PAY,)),
    (
        "unsure of the passport",
        {"passport": Passport.NOT_SURE},
        Outcome.TALK_FIRST,
        (R.SOME_ANSWERS_UNSURE, R.LACKS_MEANS),
    ),
    (
        "unsure where they are",
        {"where_now": WhereNow.NOT_SURE},
        Outcome.TALK_FIRST,
        (R.SOME_ANSWERS_UNSURE, R.LACKS_MEANS),
    ),
    (
        "refugee and alone: another route, and staff talk first",
        {"asylum": Asylum.REFUGEE, "minor_alone": Answer.YES},
        Outcome.OTHER_ROUTE,
        (R.RECOGNISED_REFUGEE, R.MINOR_ALONE),
    ),
    (
        "several reasons to talk are all given",
        {"minor_alone": Answer.YES, "asylum": Asylum.PENDING, "passport": Passport.NONE},
        Outcome.TALK_FIRST,
        (R.MINOR_ALONE, R.ASYLUM_PENDING, R.LACKS_MEANS, R.PAPERS_TALK_FIRST),
    ),
]


@pytest.mark.parametrize(
    ("name", "changes", "outcome", "reasons"), CASES, ids=[c[0] for c in CASES]
)
def test_assess(name, changes, outcome, reasons):
    result = assess(replace(BASE, **changes))
    assert result.outcome is outcome
    assert result.reasons == reasons


def test_every_outcome_and_reason_is_reachable():
    results = [assess(replace(BASE, **changes)) for _, changes, _, _ in CASES]
    assert {r.outcome for r in results} == set(Outcome)
    assert {reason for r in results for reason in r.reasons} == set(Reason)


def _every_answers():
    """Every combination of answers (4·3·3·3·4·5·3·3 = 38,880): small enough to check all."""
    fields = {
        "where_now": list(WhereNow),
        "destination": list(Destination),
        "own_choice": list(OwnChoice),
        "can_pay": list(Answer),
        "passport": list(Passport),
        "asylum": list(Asylum),
        "minor_alone": list(Answer),
        "urgent_health": list(Answer),
    }
    for values in product(*fields.values()):
        yield Answers(**dict(zip(fields, values, strict=True)))


def test_the_rules_hold_for_every_combination_of_answers():
    for answers in _every_answers():
        result = assess(answers)
        reasons = set(result.reasons)
        # One message per outcome: "another route" never comes with the "lacks means" note.
        if result.outcome is Outcome.OTHER_ROUTE:
            assert not reasons & {R.LACKS_MEANS, R.LAISSEZ_PASSER, R.PAPERS_TALK_FIRST}
        # Pushed to return: always protection, never "can help you" nor return logistics.
        if answers.own_choice is OwnChoice.PUSHED:
            assert result.outcome is Outcome.PROTECTION
            assert result.reasons[0] is R.PUSHED
            assert not reasons & {R.LACKS_MEANS, R.LAISSEZ_PASSER, R.PAPERS_TALK_FIRST}
        # The embassy (laissez-passer note) never for refugees, asylum seekers, the afraid.
        if answers.asylum in (Asylum.REFUGEE, Asylum.PENDING, Asylum.FEARS_AUTHORITIES):
            assert R.LAISSEZ_PASSER not in reasons
        if result.outcome is Outcome.LIKELY:
            assert answers.own_choice is OwnChoice.YES
