"""Charts as PNG images, sized and lettered to be read on a phone (matplotlib, Agg backend).

Imported only when a chart is drawn: matplotlib is heavy and the bot rarely needs it.
Counts under 5 are labelled "<5" and drawn as a hatched bar to 5 (a chart leaves the staff chat
easily: a bar drawn to its true length would give the number away).

Right-to-left languages: every word of the chart (title, names on the axis, legend) goes through
`_text` (letters joined, and in visual order where matplotlib would not order them itself); the
font is DejaVu Sans, bundled with matplotlib, which has the Arabic letters and their joined
(presentation) forms.
"""

from __future__ import annotations

import io
import re
import threading

from bot.domain.stats import FUNNEL, SMALL, Report, suppress
from bot.i18n import Translator
from bot.presentation.reports import FUNNEL_LABELS

# pyplot's state (rcParams, its figure list) is global: one chart is drawn at a time, so that
# callers may draw in a worker thread (asyncio.to_thread) and keep the event loop serving people.
_DRAWING = threading.Lock()
WIDTH, HEIGHT, DPI = 6.0, 8.0, 160  # 960 x 1280 pixels, portrait
TOP_COUNTRIES = 12
FONT = "DejaVu Sans"  # bundled with matplotlib: Latin, and Arabic with its presentation forms
# Direction marks and isolates (t.isolate) are for Telegram's renderer; matplotlib would draw
# them as empty boxes. The line is ordered by the layout (matplotlib's or python-bidi's).
BIDI_CONTROLS = re.compile("[\u200e\u200f\u202a-\u202e\u2066-\u2069]")


def lays_out_complex_text() -> bool:
    """Whether this matplotlib orders right-to-left text itself: 3.11 and later, built with
    libraqm (HarfBuzz and FriBiDi), do; earlier ones draw characters strictly left to right."""
    from matplotlib import ft2font

    return bool(getattr(ft2font, "__libraqm_version__", None))


def _text(t: Translator, text: str) -> str:
    """A chart's words as matplotlib must be given them, in a right-to-left language.

    matplotlib before 3.11 (or built without libraqm) does no Arabic shaping and no bidi: it
    draws each character's isolated form, left to right, so Arabic would come out as separate
    letters in reverse order. arabic-reshaper joins the letters (their initial, medial and final
    presentation forms, which need no shaping engine to look right) and python-bidi puts the
    line in visual order. A matplotlib that lays text out with libraqm reorders it itself: the
    letters are still joined, but handing it visual order would reverse the line twice."""
    if not t.rtl:
        return text
    from arabic_reshaper import reshape

    shaped = reshape(BIDI_CONTROLS.sub("", text))
    if lays_out_complex_text():
        return shaped
    from bidi.algorithm import get_display

    return get_display(shaped, base_dir="R")


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update(
        {
            "font.size": 15,
            "axes.titlesize": 18,
            "axes.titleweight": "bold",
            "font.family": "sans-serif",
            "font.sans-serif": [FONT],
        }
    )
    return plt, plt.figure(figsize=(WIDTH, HEIGHT), dpi=DPI)


def _png(plt, figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _label(t: Translator, code: str) -> str:
    return _text(t, t.country(code))


def _hidden(value: int) -> bool:
    return 0 < value < SMALL


def _whole_numbers(axes) -> None:
    """Count axes show whole numbers only (no 0.5 person)."""
    from matplotlib.ticker import MaxNLocator

    axes.xaxis.set_major_locator(MaxNLocator(integer=True))


SUPPRESSED = {"facecolor": "#d5d8dc", "hatch": "//", "edgecolor": "#7f8c8d"}


def draw_country_gender(axes, report: Report, t: Translator, title: str) -> None:
    """Stacked F/M bars. A row with a count under 5 anywhere (total, F or M) is drawn as one
    hatched bar to the threshold (total under 5) or to its total (only the split is small),
    without the split, so that no bar's length gives a small number away."""
    rows = [r for r in report.registrations if r.country][:TOP_COUNTRIES][::-1]
    names = [_label(t, r.country) for r in rows]
    for index, row in enumerate(rows):
        if _hidden(row.total):
            axes.barh(names[index], SMALL, **SUPPRESSED)
            end = SMALL
        elif _hidden(row.female) or _hidden(row.male):
            axes.barh(names[index], row.total, **SUPPRESSED)
            end = row.total
        else:
            axes.barh(names[index], row.female, color="#c0392b")
            axes.barh(names[index], row.male, left=row.female, color="#2471a3")
            end = row.female + row.male
        axes.text(end, index, " " + suppress(row.total), va="center", fontsize=14)
    from matplotlib.patches import Patch

    axes.legend(
        handles=[
            Patch(color="#c0392b", label=_text(t, t.gettext("Women"))),
            Patch(color="#2471a3", label=_text(t, t.gettext("Men"))),
            Patch(**SUPPRESSED, label=f"<{SMALL}"),
        ],
        loc="lower right",
    )
    axes.set_title(_text(t, title))
    axes.spines[["top", "right"]].set_visible(False)
    ends = [SMALL if _hidden(r.total) else r.total for r in rows]
    axes.set_xlim(0, max([*ends, 1]) * 1.2)
    _whole_numbers(axes)


def draw_funnel(axes, report: Report, t: Translator, title: str) -> None:
    """One bar per stage; a stage under 5 is a hatched bar to the threshold labelled "<5"."""
    stages = list(FUNNEL)[::-1]
    values = [report.funnel.get(stage, 0) for stage in stages]
    labels = [_text(t, t(FUNNEL_LABELS[stage])) for stage in stages]
    colours = ["#95a5a6", "#7f8c8d", "#27ae60", "#2ecc71", "#3498db", "#2471a3"]
    for index, value in enumerate(values):
        if _hidden(value):
            axes.barh(labels[index], SMALL, **SUPPRESSED)
        else:
            axes.barh(labels[index], value, color=colours[index % len(colours)])
        end = SMALL if _hidden(value) else value
        axes.text(end, index, " " + suppress(value), va="center", fontsize=14)
    axes.set_title(_text(t, title))
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max([*values, SMALL, 1]) * 1.25)
    _whole_numbers(axes)


def country_gender_chart(report: Report, t: Translator, title: str) -> bytes:
    with _DRAWING:
        plt, figure = _figure()
        draw_country_gender(figure.add_subplot(), report, t, title)
        return _png(plt, figure)


def funnel_chart(report: Report, t: Translator, title: str) -> bytes:
    with _DRAWING:
        plt, figure = _figure()
        draw_funnel(figure.add_subplot(), report, t, title)
        return _png(plt, figure)
