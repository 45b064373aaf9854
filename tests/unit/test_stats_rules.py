"""The aggregation functions, table-driven."""

from datetime import date

import pytest

from bot.domain.stats import CountryRow, Period, country_gender_table, funnel, mean, suppress


def test_country_gender_table_in_the_reports_shape():
    rows = [
        ("GN", "woman", 129), ("GN", "man", 537), ("CI", "woman", 269), ("CI", "man", 334),
        ("SN", "man", 416), ("SN", "woman", 65), ("SD", "man", 8), ("GN", "unsaid", 2),
    ]  # fmt: skip
    table = country_gender_table(rows)
    assert table == [
        CountryRow("GN", 129, 537, 668),
        CountryRow("CI", 269, 334, 603),
        CountryRow("SN", 65, 416, 481),
        CountryRow("SD", 0, 8, 8),
        CountryRow("", 463, 1295, 1760),
    ]


def test_ties_are_sorted_by_country_and_an_empty_table_has_a_zero_total():
    assert [r.country for r in country_gender_table([("ML", "man", 3), ("BF", "woman", 3)])] == [
        "BF",
        "ML",
        "",
    ]
    assert country_gender_table([]) == [CountryRow("", 0, 0, 0)]


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        ([], {"registered": 0, "interviewed": 0, "departed": 0, "returned": 0, "withdrawn": 0}),
        (
            [{"new"}],
            {"registered": 1, "interviewed": 0, "departed": 0, "returned": 0, "withdrawn": 0},
        ),
        (
            [
                {"new", "contacted", "interview"},
                {"new", "returned"},
                {"new", "interview", "withdrawn"},
            ],
            {"registered": 3, "interviewed": 3, "departed": 1, "returned": 1, "withdrawn": 1},
        ),
        (
            [{"new", "departure_planned"}],
            {"registered": 1, "interviewed": 1, "departed": 1, "returned": 0, "withdrawn": 0},
        ),
    ],
)
def test_funnel(cases, expected):
    assert funnel(cases) == expected


@pytest.mark.parametrize(
    ("value", "exact", "shown"),
    [(0, False, "0"), (1, False, "<5"), (4, False, "<5"), (5, False, "5"), (4, True, "4")],
)
def test_small_numbers_are_suppressed_outside_the_staff_chat(value, exact, shown):
    assert suppress(value, exact) == shown


def test_mean_ignores_missing_values():
    assert mean([1.0, 0.5, None]) == 0.75
    assert mean([None]) is None


def test_a_period_cannot_end_before_it_starts():
    with pytest.raises(ValueError, match="before its start"):
        Period(date(2026, 2, 1), date(2026, 1, 1))
