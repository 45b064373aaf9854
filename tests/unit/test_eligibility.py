"""The self-check rule, table-driven: every outcome and every reason."""

from dataclasses import replace

import pytest

from bot.domain.eligibility import (
    Answer,
    Answers,
    Asylum,
    Destination,
    Outcome,
    Passport,
    Reason,
    WhereNow,
    assess,
)

# A person in Morocco who wants to go home by their own choice, cannot pay, has a valid passport.
BASE = Answers(
    where_now=WhereNow.MOROCCO,
    destination=Destination.HOME,
    own_choice=Answer.YES,
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
        (R.RECOGNISED_REFUGEE, R.LACKS_MEANS),
    ),
    (
        "wants a third country",
        {"destination": Destination.OTHER_COUNTRY},
        Outcome.OTHER_ROUTE,
        (R.THIRD_COUNTRY, R.LACKS_MEANS),
    ),
    (
        "elsewhere",
        {"where_now": WhereNow.OTHER},
        Outcome.OTHER_ROUTE,
        (R.NOT_IN_PROGRAMME_COUNTRY, R.LACKS_MEANS),
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
        "not sure to go",
        {"own_choice": Answer.NOT_SURE},
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
        (R.RECOGNISED_REFUGEE, R.MINOR_ALONE, R.LACKS_MEANS),
    ),
    (
        "several reasons to talk are all given",
        {"minor_alone": Answer.YES, "asylum": Asylum.PENDING, "passport": Passport.NONE},
        Outcome.TALK_FIRST,
        (R.MINOR_ALONE, R.ASYLUM_PENDING, R.LACKS_MEANS, R.LAISSEZ_PASSER),
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
