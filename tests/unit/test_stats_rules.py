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


def _stages(**counts):
    return {
        "registered": 0, "interviewed": 0, "departed": 0, "returned": 0, "withdrawn": 0,
        "self_reported": 0, **counts,
    }  # fmt: skip


@pytest.mark.parametrize(
    ("cases", "expected"),
    [
        ([], _stages()),
        ([{"new"}], _stages(registered=1)),
        (
            # Finding 9 of issue 14: one interview booked then cancelled, one returnee who
            # registered themselves. Neither was interviewed nor had a departure planned.
            [{"new", "contacted", "interview"}, {"new", "returned", "self_reported"}],
            _stages(registered=1, self_reported=1),
        ),
        (
            [
                {"new", "contacted", "interview", "medical_check"},  # interview attended
                {"new", "returned"},  # marked returned without the steps: returned only
                {"new", "interview", "withdrawn"},
            ],
            _stages(registered=3, interviewed=1, returned=1, withdrawn=1),
        ),
        (
            [{"new", "interview", "medical_check", "departure_planned", "returned"}],
            _stages(registered=1, interviewed=1, departed=1, returned=1),
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


def _axes():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    figure = plt.figure()
    return plt, figure, figure.add_subplot()


def test_a_suppressed_count_is_drawn_so_that_its_value_cannot_be_read():
    from datetime import date

    from bot.domain.stats import Period, Report
    from bot.i18n import Catalogs
    from bot.presentation.charts import draw_country_gender, draw_funnel

    t = Catalogs()["en"]
    report = Report(
        Period(date(2026, 1, 1), date(2026, 12, 31)),
        None,
        registrations=country_gender_table(
            [
                ("GN", "woman", 2),
                ("GN", "man", 9),
                ("ML", "man", 3),
                ("SN", "woman", 6),
                ("SN", "man", 7),
            ]
        ),
        funnel=_stages(registered=7, interviewed=3, departed=1),
    )
    for draw in (draw_funnel, draw_country_gender):
        plt, figure, axes = _axes()
        draw(axes, report, t, "title")
        figure.canvas.draw()
        bars = [p for p in axes.patches if p.get_width() > 0]
        small = [p for p in bars if p.get_width() < 5]
        assert not small, f"{draw.__name__}: a bar shorter than 5 gives a small count away"
        hatched = [p for p in bars if p.get_hatch()]
        assert hatched and all(p.get_width() >= 5 for p in hatched)
        ticks = axes.get_xticks()
        assert all(float(tick).is_integer() for tick in ticks), ticks  # whole people only
        labels = [text.get_text().strip() for text in axes.texts]
        assert "<5" in labels and "2" not in labels and "3" not in labels
        plt.close(figure)


def test_an_empty_export_still_has_its_header_row():
    from bot.domain.stats import export_columns
    from bot.presentation.reports import csv_bytes

    empty = csv_bytes([], export_columns("bookings")).decode("utf-8-sig")
    assert empty.splitlines() == ["reference,office,starts_at,status"]
    full = csv_bytes([], export_columns("registrations", full=True)).decode("utf-8-sig")
    assert full.splitlines()[0].endswith(",name,phone,place,needs")
    assert csv_bytes([], export_columns("checkins")).decode("utf-8-sig").startswith("reference,")
