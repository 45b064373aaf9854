"""Charts in Arabic: every word shaped (joined letters) and in visual order, in a font that has the
glyphs, never replaced by English or ISO codes; "<5" and whole-number axes kept."""

from __future__ import annotations

import re
from datetime import date

import pytest

from bot.domain.stats import Period, Report, country_gender_table
from bot.i18n import Catalogs
from bot.presentation.reports import FUNNEL_LABELS
from tests.support import ARTIFACTS

PRESENTATION_FORMS = re.compile("[\ufe70-\ufeff]")
ARABIC_LETTERS = re.compile("[\u0600-\u06ff\ufb50-\ufdff\ufe70-\ufeff]")
LATIN_LETTERS = re.compile("[A-Za-z]")


def report() -> Report:
    return Report(
        Period(date(2026, 1, 1), date(2026, 12, 31)),
        None,
        registrations=country_gender_table(
            [
                ("MA", "woman", 12),
                ("MA", "man", 20),
                ("GN", "woman", 2),  # a split under 5: drawn without it
                ("GN", "man", 9),
                ("ML", "man", 3),  # a total under 5: "<5"
                ("SN", "woman", 6),
                ("SN", "man", 7),
            ]
        ),
        funnel={
            "registered": 40,
            "interviewed": 22,
            "departed": 9,
            "returned": 7,
            "withdrawn": 3,
            "self_reported": 0,
        },
    )


def words_of(axes) -> list[str]:
    """Every text matplotlib was given on the chart, except the counts at the bars' ends."""
    legend = axes.get_legend()
    return [
        axes.get_title(),
        *(label.get_text() for label in axes.get_yticklabels()),
        *((text.get_text() for text in legend.get_texts()) if legend else ()),
    ]


def glyphs_of_the_font() -> set[int]:
    from matplotlib import font_manager
    from matplotlib.ft2font import FT2Font

    from bot.presentation.charts import FONT

    wanted = font_manager.FontProperties(family=FONT)
    path = font_manager.findfont(wanted, fallback_to_default=False)
    return set(FT2Font(path).get_charmap())


@pytest.mark.parametrize("chart", ["country_gender", "funnel"])
def test_arabic_labels_are_shaped_in_visual_order_and_never_english(chart):
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    from bot.presentation import charts

    t = Catalogs()["ar"]
    english = Catalogs()["en"]
    draw = {"country_gender": charts.draw_country_gender, "funnel": charts.draw_funnel}[chart]
    title = t.gettext("Registrations by country and gender")
    plt_, figure = charts._figure()
    axes = figure.add_subplot()
    draw(axes, report(), t, title)
    figure.canvas.draw()

    words = [w for w in words_of(axes) if w and w != "<5"]
    assert len(words) >= 5
    font = glyphs_of_the_font()
    for word in words:
        assert PRESENTATION_FORMS.search(word), f"not shaped: {word!r}"
        assert not LATIN_LETTERS.search(word), f"English or an ISO code instead of Arabic: {word!r}"
        missing = [c for c in word if ord(c) not in font and not c.isspace()]
        assert not missing, f"{charts.FONT} has no glyph for {missing!r}"
        assert not re.search("[\u200e\u200f\u2066-\u2069]", word)  # no control drawn as a box

    # "المغرب" (Morocco) joined: alef alone, lam initial, meem medial, ghain medial, reh final,
    # beh alone (reh does not join to the left). In visual order (last letter first) unless
    # this matplotlib orders right-to-left text itself (libraqm): then in reading order.
    if chart == "country_gender":
        assert t.country("MA") == "المغرب"
        joined = "\ufe8d\ufedf\ufee4\ufed0\ufeae\ufe8f"
        assert (joined if charts.lays_out_complex_text() else joined[::-1]) in words
    else:
        shown = set(words)
        for stage, msgid in FUNNEL_LABELS.items():
            assert english(msgid) not in shown, stage
    assert title not in words  # the unshaped, logical-order string is never drawn as such

    # The "<5" rule and whole people on the axis are kept.
    counts = [text.get_text().strip() for text in axes.texts]
    assert "<5" in counts and "3" not in counts
    assert all(float(tick).is_integer() for tick in axes.get_xticks())

    ARTIFACTS.joinpath("charts").mkdir(parents=True, exist_ok=True)
    figure.tight_layout()
    figure.savefig(ARTIFACTS / "charts" / f"stats-{chart}-ar.png", format="png")
    plt_.close(figure)
    plt.close("all")


def test_without_a_layout_engine_the_line_is_given_in_visual_order(monkeypatch):
    """matplotlib before 3.11, or built without libraqm: it draws left to right, so the words
    and letters must already be in the order the eye meets them."""
    from bot.presentation import charts

    t = Catalogs()["ar"]
    monkeypatch.setattr(charts, "lays_out_complex_text", lambda: False)
    shown = charts._text(t, "حسب البلد")  # "by country": two words
    words = shown.split(" ")
    assert words == ["\ufeaa\ufee0\ufe92\ufedf\ufe8d", "\ufe90\ufeb4\ufea3"]  # البلد, حسب
    assert PRESENTATION_FORMS.search(shown)


def test_what_the_chart_is_given_draws_as_matplotlibs_own_arabic_layout():
    """With libraqm (the locked matplotlib has it) the joined letters draw pixel for pixel as
    matplotlib shapes the plain words itself: nothing reversed twice, nothing unjoined."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    import numpy as np

    from bot.presentation import charts

    if not charts.lays_out_complex_text():
        pytest.skip("this matplotlib has no libraqm: the visual-order test covers it")

    def pixels(words: str):
        figure = plt.figure(figsize=(6, 1), dpi=100)
        figure.text(0.05, 0.3, words, fontsize=18, family=charts.FONT)
        figure.canvas.draw()
        drawn = np.asarray(figure.canvas.buffer_rgba()).copy()
        plt.close(figure)
        return drawn

    t = Catalogs()["ar"]
    for words in (t.country("MA"), t.gettext("Registrations by country and gender")):
        given = charts._text(t, words)
        assert given != words and PRESENTATION_FORMS.search(given)
        assert (pixels(given) == pixels(words)).all(), words


def test_latin_languages_are_drawn_as_before():
    from bot.presentation import charts

    t = Catalogs()["fr"]
    assert charts._text(t, "Maroc") == "Maroc"
    assert charts._label(t, "MA") == "Maroc"


def test_chart_png_in_arabic_is_a_phone_sized_image():
    from bot.presentation.charts import country_gender_chart, funnel_chart

    t = Catalogs()["ar"]
    for name, draw in (("country_gender", country_gender_chart), ("funnel", funnel_chart)):
        png = draw(report(), t, t.gettext("From registration to return"))
        assert png[:8] == b"\x89PNG\r\n\x1a\n"
        assert int.from_bytes(png[16:20], "big") == 960
        ARTIFACTS.joinpath("charts").mkdir(parents=True, exist_ok=True)
        (ARTIFACTS / "charts" / f"{name}-ar-full.png").write_bytes(png)
