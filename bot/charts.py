"""Charts as PNG images, sized and lettered to be read on a phone (matplotlib, Agg backend).

Imported only when a chart is drawn: matplotlib is heavy and the bot rarely needs it.
Counts under 5 are labelled "<5" (a chart leaves the staff chat easily).
"""

from __future__ import annotations

import io

from bot.domain.stats import FUNNEL, Report, suppress
from bot.i18n import Translator
from bot.reports import FUNNEL_LABELS

WIDTH, HEIGHT, DPI = 6.0, 8.0, 160  # 960 x 1280 pixels, portrait
TOP_COUNTRIES = 12


def _figure():
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    plt.rcParams.update({"font.size": 15, "axes.titlesize": 18, "axes.titleweight": "bold"})
    return plt, plt.figure(figsize=(WIDTH, HEIGHT), dpi=DPI)


def _png(plt, figure) -> bytes:
    buffer = io.BytesIO()
    figure.tight_layout()
    figure.savefig(buffer, format="png")
    plt.close(figure)
    return buffer.getvalue()


def _label(t: Translator, code: str) -> str:
    # matplotlib does not shape Arabic script: right-to-left readers get the ISO code.
    return code if t.rtl else t.country(code)


def country_gender_chart(report: Report, t: Translator, title: str) -> bytes:
    plt, figure = _figure()
    axes = figure.add_subplot()
    rows = [r for r in report.registrations if r.country][:TOP_COUNTRIES][::-1]
    names = [_label(t, r.country) for r in rows]
    female = [r.female for r in rows]
    male = [r.male for r in rows]
    axes.barh(names, female, color="#c0392b", label=t.gettext("Women"))
    axes.barh(names, male, left=female, color="#2471a3", label=t.gettext("Men"))
    for index, row in enumerate(rows):
        axes.text(row.female + row.male, index, " " + suppress(row.total), va="center", fontsize=14)
    axes.set_title(title)
    axes.legend(loc="lower right")
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max([r.female + r.male for r in rows] + [1]) * 1.2)
    return _png(plt, figure)


def funnel_chart(report: Report, t: Translator, title: str) -> bytes:
    plt, figure = _figure()
    axes = figure.add_subplot()
    stages = list(FUNNEL)[::-1]
    values = [report.funnel.get(stage, 0) for stage in stages]
    labels = [stage if t.rtl else t(FUNNEL_LABELS[stage]) for stage in stages]
    axes.barh(labels, values, color=["#7f8c8d", "#27ae60", "#2ecc71", "#3498db", "#2471a3"])
    for index, value in enumerate(values):
        axes.text(value, index, " " + suppress(value), va="center", fontsize=14)
    axes.set_title(title)
    axes.spines[["top", "right"]].set_visible(False)
    axes.set_xlim(0, max([*values, 1]) * 1.25)
    return _png(plt, figure)
